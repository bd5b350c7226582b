package store_test

import (
	"context"
	"strings"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestChangedCasesReadStaysInTheIndex: the cases changed since a sweep's
// mark (store.CasesChangedSince) are read from cases_updated_status
// (migration 109) alone — an index-only scan on PostgreSQL, a covering
// index on SQLite — not by fetching each case's row; and the case list
// sorted by last update walks that index in its order and sorts nothing
// (the index replaced cases_updated_status). PostgreSQL's plans are read with
// sequential and bitmap scans off, so that a test database too small for
// an index still shows whether the query can use it.
func TestChangedCasesReadStaysInTheIndex(t *testing.T) {
	db := testkit.MustDB(t)
	ctx := context.Background()
	const updatedList = `SELECT id FROM cases ORDER BY updated_at DESC, id DESC LIMIT 21`
	var changed, list string
	err := db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if tx.Dialect() == store.SQLite {
			if changed, err = store.QueryPlan(ctx, tx, store.CasesChangedSinceSQL, "2026-12-07T00:00:00.000000Z"); err == nil {
				list, err = store.QueryPlan(ctx, tx, updatedList)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SET LOCAL enable_bitmapscan = off`); err != nil {
			return err
		}
		if changed, err = explain(ctx, tx, store.CasesChangedSinceSQL, "2026-12-07T00:00:00.000000Z"); err == nil {
			list, err = explain(ctx, tx, updatedList)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(changed, "Index Only Scan using cases_updated_status") && !strings.Contains(changed, "COVERING INDEX cases_updated_status") {
		t.Errorf("the changed cases are not read from cases_updated_status alone:\n%s", changed)
	}
	if !strings.Contains(list, "cases_updated_status") || strings.Contains(list, "Sort") || strings.Contains(list, "TEMP B-TREE") {
		t.Errorf("the list by last update does not walk cases_updated_status in order:\n%s", list)
	}
}
