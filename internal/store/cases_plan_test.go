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
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := queryPlan(ctx, db, `SELECT id`+caseByExternalID, "api", "x-1")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "cases_external") {
		t.Errorf("plan %q does not use cases_external", got)
	}
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
