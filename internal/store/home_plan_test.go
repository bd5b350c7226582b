package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
)

// TestStationAndDeputyCountsReadTheIndexAlone: a station head's and a
// deputy's home count the queues of their cases by status and due date;
// each count is a range of cases_scale_station or cases_scale_deputy
// (migration 110) that carries both, not every case of the station or the
// deputy read from the table to check them.
func TestStationAndDeputyCountsReadTheIndexAlone(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "plan.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	running := []zhitong.Status{zhitong.StatusAssigned, zhitong.StatusInProgress}
	for name, c := range map[string]struct {
		f     CaseFilter
		index string
	}{
		"station, to triage":   {CaseFilter{ScopeStation: 7, Statuses: []zhitong.Status{zhitong.StatusRegistered, zhitong.StatusReturned}}, "cases_scale_station"},
		"station, overdue":     {CaseFilter{ScopeStation: 7, Overdue: true, Today: "2026-12-08"}, "cases_scale_station"},
		"deputy, running":      {CaseFilter{ScopeDeputy: 3, Statuses: running}, "cases_scale_deputy"},
		"deputy, unsatisfied":  {CaseFilter{ScopeDeputy: 3, Statuses: []zhitong.Status{zhitong.StatusUnsatisfied}}, "cases_scale_deputy"},
		"station, running due": {CaseFilter{ScopeStation: 7, Statuses: running, DueBy: "2026-12-11", Today: "2026-12-08"}, "cases_scale_station"},
	} {
		cond, args := caseWhere(db, c.f, "", "")
		rows, err := db.Query(ctx, `EXPLAIN QUERY PLAN SELECT COUNT(*) FROM (SELECT id FROM cases`+cond+` LIMIT 10001) t`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
		if got := strings.Join(plan, "; "); !strings.Contains(got, "COVERING INDEX "+c.index) {
			t.Errorf("%s: plan %q does not read %s alone", name, got, c.index)
		}
	}
}
