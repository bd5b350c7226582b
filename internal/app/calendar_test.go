package app_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// wantDueMoved checks everything a moved provisional deadline leaves behind:
// the case's new date, a public event with both dates, a notice to the lead
// unit in the outbox, an audit entry, and the citizen's timeline.
func wantDueMoved(t *testing.T, a *app.App, f *testkit.Fixture, handler int64, c *zhitong.Case, oldDue, newDue string, provisional bool) {
	t.Helper()
	v := testkit.Must(a.Get(ctx, f.In[zhitong.RoleCommittee], c.ID))(t)
	if v.DueDate != newDue || v.DueProvisional != provisional {
		t.Fatalf("after the schedule: due %s provisional %v, want %s %v", v.DueDate, v.DueProvisional, newDue, provisional)
	}
	events := testkit.Must(store.ListEvents(ctx, a.DB(), c.ID))(t)
	last := events[len(events)-1]
	if last.Action != zhitong.ActionReschedule || !strings.Contains(last.Public, "由 "+oldDue+" 调整为 "+newDue) {
		t.Fatalf("last event %s %q, want the move %s → %s", last.Action, last.Public, oldDue, newDue)
	}
	var notice *store.Notification
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if n.Template == "unit.due_changed" {
			notice = n
		}
	}
	if notice == nil || notice.Recipient != "user:"+itoa(handler) {
		t.Fatalf("no due_changed notice to the lead unit's handler: %+v", notice)
	}
	var vars map[string]string
	if err := json.Unmarshal([]byte(notice.Vars), &vars); err != nil || vars["old_due"] != oldDue || vars["due"] != newDue {
		t.Fatalf("notice vars %s", notice.Vars)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), store.AuditQuery{Object: "case:" + itoa(c.ID)}))(t)
	if e := entries[len(entries)-1]; e.Action != "case.reschedule" || !strings.Contains(e.Detail, newDue) {
		t.Fatalf("last audit entry %s %s", e.Action, e.Detail)
	}
	tv := testkit.Must(a.Track(ctx, c.Code))(t)
	if tv.DueDate != newDue || tv.DueProvisional != provisional || !strings.Contains(tv.Timeline[len(tv.Timeline)-1].Text, newDue) {
		t.Fatalf("track: due %s provisional %v, timeline %+v", tv.DueDate, tv.DueProvisional, tv.Timeline)
	}
}

// assignedOn is a fresh application with a handler account in the lead unit
// and a walk-in case assigned to that unit at the time at, for days working days.
func assignedOn(t *testing.T, at time.Time, days int) (*app.App, *testkit.Clock, *testkit.Fixture, *zhitong.User, *zhitong.Case) {
	t.Helper()
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	handler := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	clock.Set(at)
	c := walkIn(t, a, f, "村道路面破损，雨天积水")
	c = testkit.Must(a.Assign(ctx, f.In[zhitong.RoleOfficer], c.ID, app.AssignInput{LeadUnit: f.Lead, Days: days}))(t)
	return a, clock, f, handler, c
}

// TestScheduleLoadRecomputesProvisionalDeadlines assigns a case whose
// deadline falls in 2028 (no official data yet), then loads 2028's schedule.
func TestScheduleLoadRecomputesProvisionalDeadlines(t *testing.T) {
	a, _, f, handler, c := assignedOn(t, time.Date(2027, 12, 28, 9, 0, 0, 0, zhitong.China), 5)
	// 12-29, 12-30, 12-31, (1-1 statutory holiday, a Saturday), 1-3, 1-4.
	if c.DueDate != "2028-01-04" || !c.DueProvisional {
		t.Fatalf("provisional due = %s %v", c.DueDate, c.DueProvisional)
	}
	tv := testkit.Must(a.Track(ctx, c.Code))(t)
	if !tv.DueProvisional || !strings.Contains(tv.DueNote, "2028") {
		t.Fatalf("track answer does not say the deadline is provisional: %+v", tv)
	}
	schedule := `{"year":2028,"days":[{"date":"2028-01-01","off":true,"name":"元旦"},{"date":"2028-01-03","off":true,"name":"元旦"}]}`
	_, _, err := a.LoadSchedule(ctx, f.In[zhitong.RoleCommittee], strings.NewReader(schedule))
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, _, err = a.LoadSchedule(ctx, f.In[zhitong.RoleSysAdmin], strings.NewReader(`{"year":2028,"days":[{"date":"2027-01-01","off":true,"name":"x"}]}`))
	testkit.WantCode(t, err, zhitong.EINVALID)
	year, n := testkit.Must2(a.LoadSchedule(ctx, f.In[zhitong.RoleSysAdmin], strings.NewReader(schedule)))(t)
	if year != 2028 || n != 1 {
		t.Fatalf("loaded %d, recomputed %d", year, n)
	}
	wantDueMoved(t, a, f, handler.ID, c, "2028-01-04", "2028-01-05", false)
	if tv := testkit.Must(a.Track(ctx, c.Code))(t); tv.DueNote != "" {
		t.Fatalf("an official deadline still carries a note: %q", tv.DueNote)
	}
	due, prov := testkit.Must2(a.AddWorkdays("2027-12-31", 1))(t)
	if due != "2028-01-04" || prov {
		t.Fatalf("AddWorkdays after load = %s %v", due, prov)
	}
	// Loading the same schedule again moves nothing and tells nobody twice.
	testkit.Must2(a.LoadSchedule(ctx, f.In[zhitong.RoleSysAdmin], strings.NewReader(schedule)))(t)
	count := 0
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if n.Template == "unit.due_changed" {
			count++
		}
	}
	if count != 1 {
		t.Fatalf("%d due_changed notices, want 1", count)
	}
}

// TestStartupSeedsNewOfficialYear is a deployment seeded by lunar-go v1.4.6
// (official data up to 2026) with a provisional deadline over the 2027
// Spring Festival: the next start-up seeds 2027 from v1.4.7 and moves it.
func TestStartupSeedsNewOfficialYear(t *testing.T) {
	a, clock, f, handler, c := assignedOn(t, time.Date(2027, 1, 28, 9, 0, 0, 0, zhitong.China), 10)
	// Official 2027: Jan 29, Jan 31 (make-up), Feb 1-4, Feb 14 (make-up), 15, 16, 17.
	if c.DueDate != "2027-02-17" || c.DueProvisional {
		t.Fatalf("official due = %s %v", c.DueDate, c.DueProvisional)
	}
	// Turn the database back into what v1.4.6 left: no 2027, and the
	// statutory estimate (Feb 5-8 off, no make-up days) as the deadline.
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, q := range []string{
			`DELETE FROM holidays WHERE year = 2027`,
			`DELETE FROM calendar_years WHERE year = 2027`,
			`UPDATE cases SET due_date = '2027-02-15', due_provisional = TRUE WHERE id = ` + itoa(c.ID),
			`UPDATE assignments SET due_date = '2027-02-15' WHERE case_id = ` + itoa(c.ID),
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	restarted := testkit.AppOn(t, a.DB(), clock)
	wantDueMoved(t, restarted, f, handler.ID, c, "2027-02-15", "2027-02-17", false)
	if due, prov := testkit.Must2(restarted.AddWorkdays("2027-02-04", 1))(t); due != "2027-02-14" || prov {
		t.Fatalf("2027 not official after the restart: %s %v", due, prov)
	}
	// A third start finds nothing missing and changes nothing.
	events := len(testkit.Must(store.ListEvents(ctx, a.DB(), c.ID))(t))
	testkit.AppOn(t, a.DB(), clock)
	if n := len(testkit.Must(store.ListEvents(ctx, a.DB(), c.ID))(t)); n != events {
		t.Fatalf("a restart added %d events", n-events)
	}
}
