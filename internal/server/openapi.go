package server

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// The OpenAPI document is written in parts: openapi/base.json holds the
// document's frame and the foundation's operations, and each further feature
// adds one file of its own with "tags", "paths" and "components". They are
// merged once at start-up; a name defined twice is a programming error.
//
//go:embed openapi/*.json
var openapiFiles embed.FS

var openapiDoc = mustMergeOpenAPI(openapiFiles)

func (s *Server) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openapiDoc)
}

func mustMergeOpenAPI(fsys fs.FS) []byte {
	names, err := fs.Glob(fsys, "openapi/*.json")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	doc := map[string]any{}
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			panic(err)
		}
		var part map[string]any
		if err := json.Unmarshal(raw, &part); err != nil {
			panic(fmt.Sprintf("%s: %v", name, err))
		}
		if err := mergeJSON(doc, part, ""); err != nil {
			panic(fmt.Errorf("%s: %w", name, err))
		}
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	return out
}

// mergeJSON adds src into dst. The root, its "components" and "paths"
// merge key by key and lists append, so two parts may document different
// methods of one path; below them (one operation, one schema) a name may be
// defined only once.
func mergeJSON(dst, src map[string]any, where string) error {
	for k, v := range src {
		old, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		o, oldMap := old.(map[string]any)
		n, newMap := v.(map[string]any)
		ol, oldList := old.([]any)
		nl, newList := v.([]any)
		switch {
		case oldList && newList:
			dst[k] = append(ol, nl...)
		case oldMap && newMap && (where == "" || where == "components" || where == "paths"):
			child := strings.TrimPrefix(where+"/"+k, "/")
			if where == "paths" {
				child = where + "/" + strconv.Quote(k)
			}
			if err := mergeJSON(o, n, child); err != nil {
				return err
			}
		default:
			return fmt.Errorf("openapi: %s/%q is defined twice", where, k)
		}
	}
	return nil
}
