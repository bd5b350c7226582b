package server

import (
	"net/http"
	"reflect"
	"sort"
)

// Patterns returns every pattern registered on s's route table — the web
// UI, the JSON API, Open311 and health — sorted. http.ServeMux does not
// list its patterns, so this reads its routing index (Go 1.22+): every
// pattern without a trailing multi-segment wildcard is indexed under its
// first segment, the others are in multis. A Go release that changes the
// index makes TestEveryRouteChecksReferences fail on its sanity checks,
// never pass silently.
func Patterns(s *Server) []string { return muxPatterns(s.mux) }

func muxPatterns(mux *http.ServeMux) []string {
	idx := reflect.ValueOf(mux).Elem().FieldByName("index")
	seen := map[string]bool{}
	add := func(pats reflect.Value) {
		for i := range pats.Len() {
			seen[pats.Index(i).Elem().FieldByName("str").String()] = true
		}
	}
	segs := idx.FieldByName("segments")
	for it := segs.MapRange(); it.Next(); {
		if it.Key().FieldByName("pos").Int() == 0 {
			add(it.Value())
		}
	}
	add(idx.FieldByName("multis"))
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}
