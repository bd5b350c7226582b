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

// assignedCase is a citizen's case assigned to the fixture's Lead unit with
// the Co unit co-handling.
func assignedCase(t *testing.T, a *app.App, f *testkit.Fixture) *zhitong.Case {
	t.Helper()
	c := submit(t, a, f, "建设路下水道井盖缺失，夜间存在安全隐患")
	officer := f.In[zhitong.RoleOfficer]
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.Station}))(t)
	return testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
}

func hasAction(v *app.CaseView, act zhitong.Action) bool {
	for _, x := range v.Actions {
		if x == act {
			return true
		}
	}
	return false
}

func auditActions(t *testing.T, a *app.App, caseID int64) []string {
	t.Helper()
	var out []string
	for _, e := range testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("case:"+itoa(caseID))))(t) {
		out = append(out, e.Action)
	}
	return out
}

func TestLeadUnitRevealsThePhone(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	lead := f.In[zhitong.RoleUnit]
	c := assignedCase(t, a, f)

	v := testkit.Must(a.Get(ctx, lead, c.ID))(t)
	if !hasAction(v, zhitong.ActionRevealPhone) || hasAction(v, zhitong.ActionCoOpinion) {
		t.Fatalf("lead unit's actions = %v", v.Actions)
	}
	if v := testkit.Must(a.Get(ctx, f.CoUnit(), c.ID))(t); hasAction(v, zhitong.ActionRevealPhone) || !hasAction(v, zhitong.ActionCoOpinion) {
		t.Fatalf("co-unit's actions = %v", v.Actions)
	}
	got := testkit.Must(a.RevealPhone(ctx, lead, c.ID, "电话告知办理结果"))(t)
	if got.Phone != "13907971234" || got.Name != "王小明" {
		t.Fatalf("revealed = %+v", got)
	}
	v = testkit.Must(a.Get(ctx, f.In[zhitong.RoleOfficer], c.ID))(t)
	last := v.Events[len(v.Events)-1]
	if last.Action != zhitong.ActionRevealPhone || !strings.Contains(last.Note, "电话告知办理结果") || last.Public != "" ||
		strings.Contains(last.Note, "13907971234") || last.ToStatus != zhitong.StatusAssigned {
		t.Fatalf("history entry = %+v", last)
	}
	if v.Version != c.Version {
		t.Errorf("a reveal moved the version from %d to %d", c.Version, v.Version)
	}
	tr := testkit.Must(a.Track(ctx, c.Code))(t)
	for _, s := range tr.Timeline {
		if strings.Contains(s.Text, "电话") {
			t.Errorf("the citizen's timeline shows the reveal: %q", s.Text)
		}
	}
	if acts := auditActions(t, a, c.ID); acts[len(acts)-1] != "case.reveal_phone" {
		t.Errorf("audit = %v", acts)
	}
}

func TestPhoneRevealRefused(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	lead, officer := f.In[zhitong.RoleUnit], f.In[zhitong.RoleOfficer]
	c := assignedCase(t, a, f)
	before := len(testkit.Must(a.Get(ctx, officer, c.ID))(t).Events)

	refused := func(name string, p zhitong.Principal, id int64, reason, code string) {
		t.Helper()
		got, err := a.RevealPhone(ctx, p, id, reason)
		if zhitong.ErrorCode(err) != code || got.Phone != "" {
			t.Errorf("%s: %+v, %v; want %s", name, got, err, code)
		}
	}
	refused("no reason", lead, c.ID, " ", zhitong.EINVALID)
	refused("co-handling unit", f.CoUnit(), c.ID, "电话联系群众", zhitong.EFORBIDDEN)
	refused("unit of another county", f.Out[zhitong.RoleUnit], c.ID, "电话联系群众", zhitong.EFORBIDDEN)
	refused("officer (uses the reveal with reason)", officer, c.ID, "电话联系群众", zhitong.EFORBIDDEN)
	if n := len(testkit.Must(a.Get(ctx, officer, c.ID))(t).Events); n != before {
		t.Errorf("refused reveals left %d events", n-before)
	}

	// The former lead after it returned the case and staff reassigned it.
	testkit.Must(a.Return(ctx, lead, c.ID, app.TextInput{Text: "井盖属于住建部门"}))(t)
	refused("lead of a returned case", lead, c.ID, "电话联系群众", zhitong.ECONFLICT)
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Co, CoUnits: []int64{f.Lead}}))(t)
	refused("former lead, now co-handling", lead, c.ID, "电话联系群众", zhitong.EFORBIDDEN)
	newLead := f.CoUnit()
	testkit.Must(a.RevealPhone(ctx, newLead, c.ID, "电话联系群众"))(t)

	// A replied and closed case.
	testkit.Must(a.Accept(ctx, newLead, c.ID, app.TextInput{}))(t)
	testkit.Must(a.Reply(ctx, newLead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已补齐井盖并加装警示标志"}))(t)
	refused("replied case", newLead, c.ID, "电话联系群众", zhitong.ECONFLICT)
	testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{}))(t)
	refused("closed case", newLead, c.ID, "电话联系群众", zhitong.ECONFLICT)

	// An anonymous case is never revealed.
	anon := walkIn(t, a, f, "路口红绿灯时间太短，老人过不去")
	testkit.Must(a.Assign(ctx, officer, anon.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	if v := testkit.Must(a.Get(ctx, lead, anon.ID))(t); hasAction(v, zhitong.ActionRevealPhone) {
		t.Errorf("reveal offered on an anonymous case")
	}
	refused("anonymous case", lead, anon.ID, "电话联系群众", zhitong.ECONFLICT)
}

func TestPhoneRevealDailyLimit(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	lead := f.In[zhitong.RoleUnit]
	c := assignedCase(t, a, f)
	for i := 0; i < 20; i++ {
		testkit.Must(a.RevealPhone(ctx, lead, c.ID, "电话联系群众"))(t)
	}
	_, err := a.RevealPhone(ctx, lead, c.ID, "电话联系群众")
	testkit.WantCode(t, err, zhitong.ETOOMANY)
	// Another handler of the same unit has a limit of their own; tomorrow the count starts again.
	other := lead
	other.UserID++
	testkit.Must(a.RevealPhone(ctx, other, c.ID, "电话联系群众"))(t)
	clock.Advance(24 * time.Hour)
	testkit.Must(a.RevealPhone(ctx, lead, c.ID, "电话联系群众"))(t)
}

func TestCoOpinions(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, co := f.In[zhitong.RoleOfficer], f.CoUnit()
	u := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	lead := zhitong.Principal{UserID: u.ID, Name: u.DisplayName, Role: zhitong.RoleUnit, UnitID: f.Lead}
	c := assignedCase(t, a, f)

	// Refused: the lead unit, a unit of another county, staff, bad text.
	_, err := a.SubmitCoOpinion(ctx, lead, c.ID, app.CoOpinionInput{Text: "主办单位意见"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SubmitCoOpinion(ctx, f.Out[zhitong.RoleUnit], c.ID, app.CoOpinionInput{Text: "外县意见"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SubmitCoOpinion(ctx, officer, c.ID, app.CoOpinionInput{Text: "联络员意见"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SubmitCoOpinion(ctx, co, c.ID, app.CoOpinionInput{Text: " "})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "text" || !strings.Contains(zhitong.ErrorMessage(err), "协办意见") {
		t.Errorf("invalid text: field %q message %q", zhitong.ErrorField(err), zhitong.ErrorMessage(err))
	}
	if got := testkit.Must(a.CoOpinions(ctx, officer, c.ID))(t); len(got) != 0 {
		t.Fatalf("refused opinions were stored: %+v", got)
	}

	// Submitted while the lead unit has not even accepted, then amended.
	o := testkit.Must(a.SubmitCoOpinion(ctx, co, c.ID, app.CoOpinionInput{Text: "镇政府负责协调沿街商户配合施工"}))(t)
	if o.Round != 1 || o.UnitID != f.Co || o.Revisions != 1 || o.Agrees {
		t.Fatalf("opinion = %+v", o)
	}
	testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	o = testkit.Must(a.SubmitCoOpinion(ctx, co, c.ID, app.CoOpinionInput{Text: "已协调商户，同意主办单位方案", Agrees: true, Finished: true}))(t)
	if o.Revisions != 2 || !o.Agrees || !o.Finished {
		t.Fatalf("amended = %+v", o)
	}
	v := testkit.Must(a.Get(ctx, lead, c.ID))(t)
	if len(v.CoOpinions) != 1 || v.CoOpinions[0].Text != "已协调商户，同意主办单位方案" || v.CoOpinions[0].SubmittedAt.IsZero() {
		t.Fatalf("lead sees %+v", v.CoOpinions)
	}
	var notes []string
	for _, e := range v.Events {
		if e.Action == zhitong.ActionCoOpinion {
			notes = append(notes, e.Note)
			if e.Public != "" {
				t.Errorf("a co-opinion is public: %q", e.Public)
			}
		}
	}
	if len(notes) != 2 || !strings.HasPrefix(notes[1], "修改协办意见（同意主办单位意见）（协办事项已办结）") {
		t.Errorf("history = %q", notes)
	}
	tr := testkit.Must(a.Track(ctx, c.Code))(t)
	for _, s := range tr.Timeline {
		if strings.Contains(s.Text, "协办") {
			t.Errorf("the citizen sees %q", s.Text)
		}
	}
	// The lead unit's handler is told, once per submission.
	told := 0
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if n.Template == "unit.co_opinion" {
			told++
			if n.UserID != u.ID {
				t.Errorf("co-opinion notice to user %d", n.UserID)
			}
		}
	}
	if told != 2 {
		t.Errorf("lead told %d times, want 2", told)
	}
	if acts := strings.Join(auditActions(t, a, c.ID), " "); strings.Count(acts, "case.co_opinion") != 2 {
		t.Errorf("audit = %s", acts)
	}

	// Once the lead unit replies, the opinion is final.
	testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已补齐井盖并加装警示标志"}))(t)
	_, err = a.SubmitCoOpinion(ctx, co, c.ID, app.CoOpinionInput{Text: "再补充一点"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if v := testkit.Must(a.Get(ctx, co, c.ID))(t); hasAction(v, zhitong.ActionCoOpinion) {
		t.Errorf("co-opinion still offered after the reply")
	}
	// A re-handled round takes a new opinion.
	testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "井盖又丢了"}))(t)
	testkit.Must(a.Rehandle(ctx, f.In[zhitong.RoleCommittee], c.ID, app.RehandleInput{Days: 5, Note: "责成重办"}))(t)
	o = testkit.Must(a.SubmitCoOpinion(ctx, co, c.ID, app.CoOpinionInput{Text: "镇政府安排专人巡查"}))(t)
	if o.Round != 2 || o.Revisions != 1 {
		t.Errorf("second round opinion = %+v", o)
	}
	if got := testkit.Must(a.CoOpinions(ctx, officer, c.ID))(t); len(got) != 2 {
		t.Errorf("opinions = %d, want 2", len(got))
	}
	_, err = a.CoOpinions(ctx, f.Out[zhitong.RoleOfficer], c.ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

// TestCoOpinionRacingTheReply: a co-handler amending while the lead unit
// replies either lands before the reply or is refused; no opinion is
// recorded after the reply.
func TestCoOpinionRacingTheReply(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	lead := f.In[zhitong.RoleUnit]
	for range 3 {
		c := assignedCase(t, a, f)
		testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
		done := make(chan error, 1)
		go func() {
			_, err := a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已补齐井盖并加装警示标志"})
			done <- err
		}()
		for i := range 20 {
			_, err := a.SubmitCoOpinion(ctx, f.CoUnit(), c.ID, app.CoOpinionInput{Text: "协办意见第 " + itoa(int64(i)) + " 稿"})
			if err != nil {
				testkit.WantCode(t, err, zhitong.ECONFLICT)
				break
			}
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		replied := false
		for _, e := range testkit.Must(a.Get(ctx, f.In[zhitong.RoleOfficer], c.ID))(t).Events {
			replied = replied || e.Action == zhitong.ActionReply
			if replied && e.Action == zhitong.ActionCoOpinion {
				t.Fatalf("an opinion was recorded after the reply: %q", e.Note)
			}
		}
	}
}
