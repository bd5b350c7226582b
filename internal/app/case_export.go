package app

import (
	"context"
	"iter"

	"zhitong"
	"zhitong/internal/search"
	"zhitong/internal/store"
)

// ExportBatch is how many cases an export reads from the database at a
// time (a variable so tests can walk many batches over few cases).
var ExportBatch = 500

// ExportCases checks in as List does and returns every case of the list —
// all pages, in the list's order, in p's jurisdiction, personal data masked
// as on screen — read lazily in batches of ExportBatch by keyset, so a
// million cases never sit in memory. Each batch is its own query: a long
// export holds no transaction open.
func (a *App) ExportCases(ctx context.Context, p zhitong.Principal, in ListInput) (iter.Seq2[CaseSummary, error], error) {
	f, err := a.caseFilter(ctx, p, in)
	if err != nil {
		return nil, err
	}
	fts, ts := search.FTS5Match(f.Search), search.TSQuery(f.Search)
	return func(yield func(CaseSummary, error) bool) {
		var cur store.CaseCursor
		batch := ExportBatch
		for {
			recs, next, err := store.CaseBatch(ctx, a.db, f, fts, ts, cur, batch)
			if err != nil {
				yield(CaseSummary{}, err)
				return
			}
			for _, r := range recs {
				if !yield(a.summary(r), nil) {
					return
				}
			}
			if len(recs) < batch {
				return
			}
			cur = next
		}
	}, nil
}
