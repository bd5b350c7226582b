package app_test

import (
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// day moves the clock to 09:00 China time on a date.
func setDay(clock *testkit.Clock, date string) {
	d, err := time.ParseInLocation(time.DateOnly, date, zhitong.China)
	if err != nil {
		panic(err)
	}
	clock.Set(d.Add(9 * time.Hour))
}

// unitHandler adds a real account for the lead unit, so notices reach someone.
func unitHandler(t *testing.T, a *app.App, f *testkit.Fixture) {
	t.Helper()
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
}

// assigned submits a case, registers it as a consultation (3 working days
// by the default policy) and assigns it to the fixture's lead unit.
func assigned(t *testing.T, a *app.App, f *testkit.Fixture, body string) *zhitong.Case {
	t.Helper()
	officer := f.In[zhitong.RoleOfficer]
	c := submit(t, a, f, body)
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
	return testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
}

func sweep(t *testing.T, a *app.App) app.SweepResult {
	t.Helper()
	return testkit.Must(a.SweepOnce(ctx))(t)
}

func templates(t *testing.T, a *app.App, caseID int64) []string {
	t.Helper()
	var out []string
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), caseID))(t) {
		if n.Channel == "inapp" {
			out = append(out, n.Template)
		}
	}
	return out
}

func level(t *testing.T, a *app.App, f *testkit.Fixture, id int64) *app.CaseView {
	t.Helper()
	return testkit.Must(a.Get(ctx, f.In[zhitong.RoleCommittee], id))(t)
}

// TestSweepEscalatesByTheCalendar walks one case from assignment to the
// supervision list and the bulletin, sweeping twice at each stop to prove
// a repeated sweep changes nothing.
func TestSweepEscalatesByTheCalendar(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	unitHandler(t, a, f)
	c := assigned(t, a, f, "建设路路灯不亮，夜间出行不便")
	// Wednesday 2026-11-25 + 3 working days (consultation) = Monday 2026-11-30.
	if c.DueDate != "2026-11-30" {
		t.Fatalf("due %s, want 2026-11-30 from the consultation limit", c.DueDate)
	}
	stops := []struct {
		date      string
		want      app.SweepResult
		templates string // the outbox of the case: the assignment notice, then the escalation
		level     zhitong.SupervisionLevel
	}{
		{"2026-11-25", app.SweepResult{Escalations: 1, Bulletins: 2}, "unit.assigned case.reminder", zhitong.LevelNone}, // 3 days left; last week's and October's bulletins
		{"2026-11-26", app.SweepResult{}, "unit.assigned case.reminder", zhitong.LevelNone},                             // 2 left: same window
		{"2026-11-27", app.SweepResult{Escalations: 1}, "unit.assigned case.reminder case.reminder", zhitong.LevelNone}, // 1 left
		{"2026-11-30", app.SweepResult{Bulletins: 1}, "unit.assigned case.reminder case.reminder", zhitong.LevelNone},   // due today; a weekly bulletin
		{"2026-12-01", app.SweepResult{Escalations: 1, Bulletins: 1}, "unit.assigned case.reminder case.reminder case.overdue_letter", zhitong.LevelYellow},
		{"2026-12-04", app.SweepResult{}, "unit.assigned case.reminder case.reminder case.overdue_letter", zhitong.LevelYellow}, // 4 overdue
		{"2026-12-07", app.SweepResult{Escalations: 1, Bulletins: 1}, "unit.assigned case.reminder case.reminder case.overdue_letter case.supervision_listed", zhitong.LevelRed},
	}
	for _, s := range stops {
		setDay(clock, s.date)
		if got := sweep(t, a); got != s.want {
			t.Errorf("%s: sweep did %+v, want %+v", s.date, got, s.want)
		}
		if again := sweep(t, a); again != (app.SweepResult{}) {
			t.Errorf("%s: a second sweep did %+v", s.date, again)
		}
		if got := strings.Join(templates(t, a, c.ID), " "); got != s.templates {
			t.Errorf("%s: outbox %q, want %q", s.date, got, s.templates)
		}
		if v := level(t, a, f, c.ID); v.Level != s.level || v.Supervision.Level != s.level {
			t.Errorf("%s: level %s/%s, want %s", s.date, v.Level, v.Supervision.Level, s.level)
		}
	}
	v := level(t, a, f, c.ID)
	if !v.Supervision.Listed || v.Supervision.OverdueDays != 5 || len(v.Supervision.Letters) != 1 {
		t.Fatalf("supervision = %+v, want listed, 5 days overdue, one letter", v.Supervision)
	}
	kinds := ""
	for _, s := range v.Supervision.Actions {
		kinds += s.Kind + " "
	}
	if kinds != "reminder reminder letter listed " {
		t.Errorf("supervision actions %q", kinds)
	}
	var events int
	for _, e := range v.Events {
		if e.Action == zhitong.ActionSupervise {
			events++
		}
	}
	if events != 4 {
		t.Errorf("%d supervision events on the timeline, want 4", events)
	}
	letter := testkit.Must(a.Letter(ctx, f.In[zhitong.RoleOfficer], v.Supervision.Letters[0].ID))(t)
	if letter.Number != "人大督〔2026〕1号" || letter.UnitName != "县交通运输局" || !strings.Contains(letter.Body, c.Code) || letter.OverdueDays != 1 {
		t.Errorf("letter = %+v", letter)
	}
	_, err := a.Letter(ctx, f.Out[zhitong.RoleOfficer], letter.ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	list, total := testkit.Must2(a.SupervisionList(ctx, f.In[zhitong.RoleOfficer], app.SupervisionListInput{Level: zhitong.LevelRed}))(t)
	if total != 1 || list[0].ID != c.ID || !list[0].Listed || list[0].LastAction == nil || list[0].LastAction.Kind != "listed" || list[0].UnitName != "县交通运输局" {
		t.Fatalf("supervision list = %d %+v", total, list)
	}
	if _, n := testkit.Must2(a.SupervisionList(ctx, f.In[zhitong.RoleOfficer], app.SupervisionListInput{MinOverdue: 6}))(t); n != 0 {
		t.Errorf("overdue_days=6 kept %d cases", n)
	}
	if _, n := testkit.Must2(a.SupervisionList(ctx, f.Out[zhitong.RoleOfficer], app.SupervisionListInput{}))(t); n != 0 {
		t.Errorf("an officer of another county sees %d supervised cases", n)
	}

	// The next Monday's weekly bulletin counts the listing and the overdue case.
	setDay(clock, "2026-12-14")
	if got := sweep(t, a); got.Bulletins != 1 {
		t.Fatalf("Monday sweep made %d bulletins", got.Bulletins)
	}
	bs := testkit.Must(a.Bulletins(ctx, f.In[zhitong.RoleCommittee], app.BulletinsInput{}))(t).Items
	b := testkit.Must(a.Bulletin(ctx, f.In[zhitong.RoleCommittee], bs[0].ID))(t)
	if b.Start != "2026-12-07" || b.End != "2026-12-13" || len(b.Units) != 1 || b.Units[0].Listed != 1 || b.Units[0].Overdue != 1 || b.Units[0].Assigned != 0 {
		t.Fatalf("weekly bulletin = %+v", b)
	}
}

// TestExtensionRestartsEscalation: an approved extension moves the due
// date, keeps the old one in the history, clears the mark, and escalation
// starts over for the new date.
func TestExtensionRestartsEscalation(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	unitHandler(t, a, f)
	c := assigned(t, a, f, "小区门口路面塌陷")
	testkit.Must(a.Accept(ctx, f.In[zhitong.RoleUnit], c.ID, app.TextInput{}))(t)
	setDay(clock, "2026-12-01")
	sweep(t, a)
	if v := level(t, a, f, c.ID); v.Level != zhitong.LevelYellow {
		t.Fatalf("level %s after the due date", v.Level)
	}
	testkit.Must(a.RequestExtension(ctx, f.In[zhitong.RoleUnit], c.ID, app.ExtensionInput{Days: 5, Reason: "需等待管线单位配合施工"}))(t)
	c = testkit.Must(a.DecideExtension(ctx, f.In[zhitong.RoleCommittee], c.ID, app.DecisionInput{Approve: true}))(t)
	if c.DueDate != "2026-12-07" {
		t.Fatalf("extended due %s, want 2026-12-07", c.DueDate)
	}
	v := level(t, a, f, c.ID)
	if v.Level != zhitong.LevelNone || len(v.Extensions) != 1 || v.Extensions[0].NewDue != "2026-12-07" {
		t.Errorf("after extension: level %s, extensions %+v", v.Level, v.Extensions)
	}
	if last := v.Events[len(v.Events)-1]; !strings.Contains(last.Note, "由 2026-11-30 改为 2026-12-07") {
		t.Errorf("history lost the old date: %q", last.Note)
	}
	setDay(clock, "2026-12-04")
	if r := sweep(t, a); r.Escalations != 1 {
		t.Fatalf("a reminder for the new date: %+v", r)
	}
	if got := templates(t, a, c.ID); len(got) == 0 || got[len(got)-1] != "case.reminder" {
		t.Errorf("outbox %v, want a reminder last", got)
	}
}

func TestComplexProposalGetsTheLongerDeadline(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	for _, complex := range []bool{false, true} {
		c := walkIn(t, a, f, "建议县里统筹建设乡镇污水处理设施")
		c = testkit.Must(a.Propose(ctx, f.In[zhitong.RoleOfficer], c.ID, app.ProposeInput{Version: c.Version, Title: "关于乡镇污水处理的建议", Complex: complex}))(t)
		due, isComplex := testkit.Must2(store.GetProposalDue(ctx, a.DB(), c.ProposalID))(t)
		want := "2027-02-25"
		if complex {
			want = "2027-05-25"
		}
		if due != want || isComplex != complex {
			t.Errorf("complex=%v: due %s (%v), want %s", complex, due, isComplex, want)
		}
	}
}
