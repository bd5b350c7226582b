package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCaseByExternalIDUsesTheIndex: an integration's retry is found through
// the partial index cases_external, not by reading every case (SQLite
// cannot tell that a bound external id is not empty without the query
// saying so).
func TestCaseByExternalIDUsesTheIndex(t *testing.T) {
	db := planDB(t)
	if got := sqlitePlan(t, db, `SELECT id`+caseByExternalID, "api", "x-1"); !strings.Contains(got, "cases_external") {
		t.Errorf("plan %q does not use cases_external", got)
	}
}

// planDB is a fresh migrated SQLite database for reading query plans.
func planDB(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// sqlitePlan is SQLite's query plan of query, its steps joined by "; ".
func sqlitePlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	plan, err := queryPlan(context.Background(), db, query, args...)
	if err != nil {
		t.Fatal(err)
	}
	return strings.ReplaceAll(plan, "\n", "; ")
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of query, one step a line.
func queryPlan(ctx context.Context, q Q, query string, args ...any) (string, error) {
	rows, err := q.Query(ctx, `EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			return "", err
		}
		plan = append(plan, detail)
	}
	return strings.Join(plan, "\n"), rows.Err()
}
