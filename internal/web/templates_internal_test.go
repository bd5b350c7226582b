package web

import (
	"runtime"
	"runtime/metrics"
	"testing"
)

// TestEveryPageParses parses every page's templates, which a server parses
// only when the page is first rendered, and checks that a handler holds
// none of them before: an idle server keeps no 38 MB of parse trees.
func TestEveryPageParses(t *testing.T) {
	before := liveHeap()
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	if grew := int64(liveHeap()) - int64(before); grew > 4<<20 {
		t.Errorf("the pages' table holds %d MB before any page is rendered", grew>>20)
	}
	if len(pages) < 50 {
		t.Fatalf("%d pages, want every templates/pages/*.html", len(pages))
	}
	for name, parse := range pages {
		if _, err := parse(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	runtime.KeepAlive(pages)
}

func liveHeap() uint64 {
	runtime.GC()
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
