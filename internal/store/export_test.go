package store

import "context"

// SearchPageQuery is the query of the first page of f's search as the
// word's hits drive it (searchIDs), for the plan tests of store_test.
func SearchPageQuery(q Q, f CaseFilter, tsQuery string) (string, []any) {
	return searchIDs(q, f, "", tsQuery, false, true, nil, SearchCountCap+1, 0)
}

// CasesChangedSinceSQL is the statement of CasesChangedSince, for its plan.
const CasesChangedSinceSQL = casesChangedSince

// QueryPlan is SQLite's EXPLAIN QUERY PLAN of a query, one step a line.
var QueryPlan = queryPlan

// CommitGroup runs fns as one group of the group commit, in order, as a
// lane would, and returns each caller's result.
func (db *DB) CommitGroup(ctx context.Context, fns ...func(*Tx) error) []error {
	batch := make([]*groupReq, len(fns))
	for i, fn := range fns {
		batch[i] = &groupReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	}
	db.group.commit(batch)
	errs := make([]error, len(batch))
	for i, r := range batch {
		errs[i] = <-r.done
	}
	return errs
}

// GroupReplays is how many groups ran again with savepoints.
func (db *DB) GroupReplays() int64 { return db.group.replays.Load() }
