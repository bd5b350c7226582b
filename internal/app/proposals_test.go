package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// proposed turns a walk-in case into a new proposal handled by the
// fixture's lead unit, with a committee account to be notified too.
func proposed(t *testing.T, a *app.App, f *testkit.Fixture, complex bool) (*zhitong.Case, *app.ProposalView) {
	t.Helper()
	unitHandler(t, a, f)
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "dbgw", DisplayName: "代表工委干部",
		Role: zhitong.RoleCommittee, RegionCode: f.County, Password: "Zhitong@2026"}))(t)
	c := walkIn(t, a, f, "建议县里统筹建设乡镇污水处理设施")
	c = testkit.Must(a.Propose(ctx, f.In[zhitong.RoleOfficer], c.ID, app.ProposeInput{Version: c.Version,
		Title: "关于乡镇污水处理的建议", UnitID: f.Lead, Complex: complex}))(t)
	return c, testkit.Must(a.Proposal(ctx, f.In[zhitong.RoleCommittee], c.ProposalID))(t)
}

// TestProposalEscalatesLikeACase sweeps every day from the proposal to past
// its due date: reminders 10 and 3 working days before, the letter the
// working day after, the supervision list at 5 working days overdue, and
// the level on the proposal, its list and its case's timeline.
func TestProposalEscalatesLikeACase(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c, v := proposed(t, a, f, false)
	if v.DueDate != "2027-02-25" || v.Deadline.Start != "2026-11-25" || v.Deadline.Level != zhitong.LevelNone || v.Deadline.DaysLeft < 50 {
		t.Fatalf("new proposal: due %s from %s, level %s, %d days left", v.DueDate, v.Deadline.Start, v.Deadline.Level, v.Deadline.DaysLeft)
	}
	committee := f.In[zhitong.RoleCommittee]
	type stop struct {
		day        string
		kinds      []string
		level      zhitong.SupervisionLevel
		over, left int
	}
	var stops []stop
	for d := time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC); d.Before(time.Date(2027, 3, 20, 0, 0, 0, 0, time.UTC)); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		setDay(clock, day)
		before := len(testkit.Must(a.Proposal(ctx, committee, v.ID))(t).Deadline.Actions)
		sweep(t, a)
		sweep(t, a) // a second sweep the same day changes nothing
		pv := testkit.Must(a.Proposal(ctx, committee, v.ID))(t)
		if n := len(pv.Deadline.Actions); n > before {
			s := stop{day: day, level: pv.Deadline.Level, over: pv.Deadline.OverdueDays, left: pv.Deadline.DaysLeft}
			for _, e := range pv.Deadline.Actions[before:] {
				s.kinds = append(s.kinds, e.Kind)
			}
			stops = append(stops, s)
		}
	}
	if len(stops) != 4 {
		t.Fatalf("escalation stops %+v, want 2 reminders, a letter, a listing", stops)
	}
	want := []struct {
		kind  string
		level zhitong.SupervisionLevel
		over  int
		left  int
	}{{"reminder", zhitong.LevelNone, 0, 10}, {"reminder", zhitong.LevelNone, 0, 3}, {"letter", zhitong.LevelYellow, 1, -1}, {"listed", zhitong.LevelRed, 5, -5}}
	for i, w := range want {
		s := stops[i]
		if !slices.Equal(s.kinds, []string{w.kind}) || s.level != w.level || s.over != w.over || s.left != w.left {
			t.Errorf("stop %d on %s: %v level %s overdue %d left %d; want %s %s %d %d", i, s.day, s.kinds, s.level, s.over, s.left, w.kind, w.level, w.over, w.left)
		}
	}
	if stops[1].day >= "2027-02-25" || stops[2].day <= "2027-02-25" {
		t.Errorf("last reminder %s, letter %s: around the due date 2027-02-25", stops[1].day, stops[2].day)
	}

	pv := testkit.Must(a.Proposal(ctx, committee, v.ID))(t)
	if !pv.Deadline.Listed || len(pv.Deadline.Letters) != 1 || !strings.HasPrefix(pv.Deadline.Letters[0].Number, "人大督〔2027〕") {
		t.Errorf("listed %v, letters %+v", pv.Deadline.Listed, pv.Deadline.Letters)
	}
	l := testkit.Must(a.Letter(ctx, f.In[zhitong.RoleUnit], pv.Deadline.Letters[0].ID))(t)
	if l.ProposalID != v.ID || !strings.Contains(l.Body, "关于乡镇污水处理的建议") || l.DueDate != "2027-02-25" {
		t.Errorf("letter %+v", l)
	}
	// The notices reached the unit and the committee, with the proposal's templates.
	var got []string
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if n.Channel == "inapp" && strings.HasPrefix(n.Template, "proposal.") {
			got = append(got, n.Template+"→"+n.Recipient)
		}
	}
	if len(got) != 8 {
		t.Errorf("notices %v, want 4 steps to 2 accounts", got)
	}
	// The bundled case's timeline shows the steps; the case itself is not
	// escalated as a case (it is not running) and its own record stays empty.
	cv := level(t, a, f, c.ID)
	supervised := 0
	for _, e := range cv.Events {
		if e.Action == zhitong.ActionSupervise && strings.Contains(e.Note, "代表建议 #") {
			supervised++
		}
	}
	if supervised != 4 || len(cv.Supervision.Actions) != 0 || cv.Level != zhitong.LevelNone {
		t.Errorf("case timeline has %d proposal steps, case record %d actions, level %s", supervised, len(cv.Supervision.Actions), cv.Level)
	}
	// On the supervision list, red, for the committee and the handling unit; not in another county.
	for _, p := range []zhitong.Principal{committee, f.In[zhitong.RoleUnit]} {
		items := testkit.Must(a.ProposalSupervisionList(ctx, p, app.SupervisionListInput{Level: zhitong.LevelRed}))(t)
		if len(items) != 1 || items[0].ID != v.ID || !items[0].Listed || items[0].OverdueDays < 5 || items[0].UnitName == "" {
			t.Errorf("%s: proposal list %+v", p.Role, items)
		}
	}
	if items := testkit.Must(a.ProposalSupervisionList(ctx, f.Out[zhitong.RoleCommittee], app.SupervisionListInput{}))(t); len(items) != 0 {
		t.Errorf("another county sees %+v", items)
	}
	if n := len(testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("proposal:"+itoa(v.ID))))(t)); n != 5 {
		t.Errorf("%d audit entries on the proposal, want create + 4 steps", n)
	}
}

// TestProposalMarkedComplexLater: committee staff extend an open proposal
// to 6 months from the day it was made, with a reason kept in its record,
// the case timeline and the audit log; escalation starts over.
func TestProposalMarkedComplexLater(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c, v := proposed(t, a, f, false)
	committee := f.In[zhitong.RoleCommittee]
	in := app.ComplexInput{Reason: "涉及多个乡镇和县财政预算，需跨年度统筹"}
	for _, bad := range []struct {
		p    zhitong.Principal
		in   app.ComplexInput
		code string
	}{{f.In[zhitong.RoleOfficer], in, zhitong.EFORBIDDEN}, {f.Out[zhitong.RoleCommittee], in, zhitong.EFORBIDDEN}, {committee, app.ComplexInput{Reason: " "}, zhitong.EINVALID}} {
		if _, err := a.MarkProposalComplex(ctx, bad.p, v.ID, bad.in); zhitong.ErrorCode(err) != bad.code {
			t.Errorf("%s %q: %v, want %s", bad.p.Name, bad.in.Reason, err, bad.code)
		}
	}
	// Overdue first: letter issued, yellow.
	setDay(clock, "2027-03-02")
	sweep(t, a)
	if pv := testkit.Must(a.Proposal(ctx, committee, v.ID))(t); pv.Deadline.Level != zhitong.LevelYellow {
		t.Fatalf("before: level %s", pv.Deadline.Level)
	}
	pv := testkit.Must(a.MarkProposalComplex(ctx, committee, v.ID, in))(t)
	if !pv.Complex || pv.DueDate != "2027-05-25" || pv.Deadline.Level != zhitong.LevelNone || pv.Deadline.DaysLeft <= 0 {
		t.Errorf("after: complex %v due %s level %s left %d", pv.Complex, pv.DueDate, pv.Deadline.Level, pv.Deadline.DaysLeft)
	}
	last := pv.Deadline.Actions[len(pv.Deadline.Actions)-1]
	if last.Kind != "complex" || last.Auto || last.KindLabel != "改为复杂建议" || !strings.Contains(last.Note, "由 2027-02-25 改为 2027-05-25") || !strings.Contains(last.Note, in.Reason) {
		t.Errorf("record %+v", last)
	}
	if _, err := a.MarkProposalComplex(ctx, committee, v.ID, in); zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		t.Errorf("twice: %v", err)
	}
	ev := level(t, a, f, c.ID).Events
	if e := ev[len(ev)-1]; !strings.Contains(e.Note, "改为复杂建议") || e.ActorID != committee.UserID {
		t.Errorf("case timeline %+v", e)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("proposal:"+itoa(v.ID))))(t)
	found := false
	for _, e := range entries {
		found = found || (e.Action == "proposal.complex" && strings.Contains(e.Detail, "2027-05-25") && strings.Contains(e.Detail, in.Reason))
	}
	if !found {
		t.Errorf("no audit entry proposal.complex in %+v", entries)
	}
	// Escalation starts over for the new date: nothing now, a reminder near it.
	if r := sweep(t, a); r.Escalations != 0 {
		t.Errorf("after the extension the sweep took %d steps", r.Escalations)
	}
	setDay(clock, "2027-05-20")
	sweep(t, a)
	pv = testkit.Must(a.Proposal(ctx, committee, v.ID))(t)
	if last := pv.Deadline.Actions[len(pv.Deadline.Actions)-1]; last.Kind != "reminder" || !strings.Contains(last.Note, "2027-05-25") {
		t.Errorf("no reminder for the new date: %+v", last)
	}
	// A replied proposal is no longer escalated or listed.
	testkit.Must(a.ReplyProposal(ctx, committee, v.ID, app.ReplyInput{Outcome: "A", Text: "已列入明年预算统筹实施"}))(t)
	pv = testkit.Must(a.Proposal(ctx, committee, v.ID))(t)
	if pv.Deadline.Level != zhitong.LevelNone || pv.Deadline.DaysLeft != 0 {
		t.Errorf("replied: level %s left %d", pv.Deadline.Level, pv.Deadline.DaysLeft)
	}
	setDay(clock, "2027-06-10")
	if r := sweep(t, a); r.Escalations != 0 {
		t.Errorf("a replied proposal escalated: %+v", r)
	}
}

// TestProposalUnitSetLater: committee staff change the handling unit with a
// reason; it is recorded, audited, the new unit is told, and reminders from
// then on go to it.
func TestProposalUnitSetLater(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	_, v := proposed(t, a, f, false)
	co := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "co-handler", DisplayName: "协办单位经办人",
		Role: zhitong.RoleUnit, UnitID: f.Co, Password: "Zhitong@2026"}))(t)
	committee := f.In[zhitong.RoleCommittee]
	in := app.ProposalUnitInput{UnitID: f.Co, Reason: "污水处理由县住建局牵头"}
	_, err := a.SetProposalUnit(ctx, f.In[zhitong.RoleOfficer], v.ID, in)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SetProposalUnit(ctx, committee, v.ID, app.ProposalUnitInput{UnitID: f.Co})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.SetProposalUnit(ctx, committee, v.ID, app.ProposalUnitInput{UnitID: f.OtherUnit, Reason: "x"})
	testkit.WantCode(t, err, zhitong.EINVALID) // another county's unit
	_, err = a.SetProposalUnit(ctx, committee, v.ID, app.ProposalUnitInput{UnitID: f.Lead, Reason: "x"})
	testkit.WantCode(t, err, zhitong.EINVALID) // unchanged

	got := testkit.Must(a.SetProposalUnit(ctx, committee, v.ID, in))(t)
	if got.UnitID != f.Co || got.DueDate != v.DueDate || got.Deadline.UnitName == v.Deadline.UnitName {
		t.Fatalf("after the change: unit %d (%s), due %s", got.UnitID, got.Deadline.UnitName, got.DueDate)
	}
	if e := got.Deadline.Actions; len(e) == 0 || e[len(e)-1].Kind != "unit" || !strings.Contains(e[len(e)-1].Note, "污水处理由县住建局牵头") {
		t.Errorf("supervision record = %+v", got.Deadline.Actions)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("proposal:"+itoa(v.ID))))(t)
	audited := false
	for _, e := range entries {
		audited = audited || (e.Action == "proposal.unit" && strings.Contains(e.Detail, "污水处理由县住建局牵头"))
	}
	if !audited {
		t.Errorf("audit = %+v", entries)
	}
	var told int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'proposal.assigned' AND user_id = ?`, co.ID).Scan(&told))(t)
	if told != 1 {
		t.Errorf("the new unit got %d notices, want 1", told)
	}
	// The 10-day reminder goes to the new unit.
	due := testkit.Must(time.Parse(time.DateOnly, v.DueDate))(t)
	clock.Set(time.Date(due.Year(), due.Month(), due.Day()-14, 9, 0, 0, 0, zhitong.China))
	testkit.Must(a.SweepOnce(ctx))(t)
	var reminded int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'proposal.reminder' AND user_id = ?`, co.ID).Scan(&reminded))(t)
	if reminded != 1 {
		t.Errorf("the new unit got %d reminders, want 1", reminded)
	}
}
