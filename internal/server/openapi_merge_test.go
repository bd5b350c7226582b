package server

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestMergeOpenAPIRefusesDuplicates(t *testing.T) {
	fsys := fstest.MapFS{
		"openapi/a.json": {Data: []byte(`{"tags":[{"name":"a"}],"paths":{"/x":{"get":{}}}}`)},
		"openapi/b.json": {Data: []byte(`{"tags":[{"name":"b"}],"paths":{"/y":{"get":{}}}}`)},
	}
	doc := string(mustMergeOpenAPI(fsys))
	for _, want := range []string{`"/x"`, `"/y"`, `"name": "a"`, `"name": "b"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("merged document lacks %s:\n%s", want, doc)
		}
	}
	fsys["openapi/c.json"] = &fstest.MapFile{Data: []byte(`{"paths":{"/x":{"get":{"summary":"again"}}}}`)}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(error).Error(), `"/x"`) {
			t.Errorf("merging a path defined twice: recover() = %v, want a panic naming it", r)
		}
	}()
	mustMergeOpenAPI(fsys)
}
