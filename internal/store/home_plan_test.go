package store

import (
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
	db := planDB(t)
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
		if got := sqlitePlan(t, db, `SELECT COUNT(*) FROM (SELECT id FROM cases`+cond+` LIMIT 10001) t`, args...); !strings.Contains(got, "COVERING INDEX "+c.index) {
			t.Errorf("%s: plan %q does not read %s alone", name, got, c.index)
		}
	}
}
