package app_test

import (
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/publication"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// openFollowUp replies C with a promised date to a new case, makes the
// citizen unsatisfied, and moves the clock to the date, where the sweep
// opens the case's follow-up.
func openFollowUp(t *testing.T, a *app.App, clock *testkit.Clock, f *testkit.Fixture, promised string) (*zhitong.Case, app.FollowUpItem) {
	t.Helper()
	c := assigned(t, a, f, "村道拓宽工程迟迟未动工")
	c = replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomePlanned, Text: "已列入明年村道拓宽计划", PlannedDate: promised, Deliveries: toCitizen})
	c = testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "太慢"}))(t)
	setDay(clock, promised)
	if r := sweep(t, a); r.FollowUps != 1 {
		t.Fatalf("sweep on the promised date made %d follow-ups, want 1", r.FollowUps)
	}
	q := testkit.Must(a.FollowUps(ctx, f.In[zhitong.RoleOfficer], app.PageInput{}))(t).Items
	if len(q) != 1 || q[0].CaseSummary.ID != c.ID {
		t.Fatalf("follow-up queue = %+v", q)
	}
	return c, q[0]
}

// wantFollowUpsEnded checks that the case has no open follow-up, that the
// sweep opens none, even later, and that the ending is on the case's last
// event and in its audit trail.
func wantFollowUpsEnded(t *testing.T, a *app.App, clock *testkit.Clock, f *testkit.Fixture, c *zhitong.Case, reason string) {
	t.Helper()
	for _, fu := range testkit.Must(store.ListCaseFollowUps(ctx, a.DB(), c.ID))(t) {
		if fu.State == "open" {
			t.Errorf("follow-up %d due %s still open", fu.ID, fu.DueDate)
		}
	}
	v := level(t, a, f, c.ID)
	if last := v.Events[len(v.Events)-1]; !contains(last.Note, reason) || !contains(last.Note, "跟踪问效任务随之结束") {
		t.Errorf("last event note %q, want the follow-ups ended because %s", last.Note, reason)
	}
	found := false
	for _, e := range testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("case:"+itoa(c.ID))))(t) {
		found = found || e.Action == "case.follow_up" && contains(e.Detail, `"closed"`) && contains(e.Detail, reason)
	}
	if !found {
		t.Error("no audit entry for the ended follow-ups")
	}
	clock.Advance(60 * 24 * time.Hour)
	if r := sweep(t, a); r.FollowUps != 0 {
		t.Errorf("the sweep made %d follow-ups after the case ended them", r.FollowUps)
	}
	if q := testkit.Must(a.FollowUps(ctx, f.In[zhitong.RoleOfficer], app.PageInput{}))(t).Items; len(q) != 0 {
		t.Errorf("follow-up queue holds %d", len(q))
	}
}

func TestFollowUpEndsWhenTheReHandleIsAnsweredA(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	c, fu := openFollowUp(t, a, clock, f, "2026-12-10")
	// A second, future task: the first one says the work goes on.
	testkit.Must(a.RecordFollowUp(ctx, officer, fu.ID, app.FollowUpInput{Result: "progress", Note: "已完成立项", NextDate: "2026-12-20"}))(t)

	c = testkit.Must(a.Rehandle(ctx, committee, c.ID, app.RehandleInput{Note: "责成重办"}))(t)
	testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "村道已拓宽完毕", Deliveries: toCitizen}))(t)
	wantFollowUpsEnded(t, a, clock, f, c, "案件已获 A 类答复")
	list := testkit.Must(store.ListCaseFollowUps(ctx, a.DB(), c.ID))(t)
	if len(list) != 2 || list[1].State != "closed" || list[1].Result != "" || list[1].DueDate != "2026-12-20" {
		t.Errorf("follow-ups = %+v, want the future one closed without a result", list)
	}
	_, err := a.RecordFollowUp(ctx, officer, list[1].ID, app.FollowUpInput{Result: "solved"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
}

func TestFollowUpEndsWhenTheCaseIsClosedWithAnExplanation(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c, _ := openFollowUp(t, a, clock, f, "2026-12-10")
	testkit.Must(a.Explain(ctx, f.In[zhitong.RoleCommittee], c.ID, app.TextInput{Text: "经研判，已作出充分说明，予以办结"}))(t)
	wantFollowUpsEnded(t, a, clock, f, c, "案件已说明理由办结")
}

func TestFollowUpSolvedMakesTheCaseA(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	c := assigned(t, a, f, "村道拓宽工程迟迟未动工")
	c = replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在组织施工队拓宽村道", PlannedDate: "2026-12-10", Deliveries: toCitizen})
	testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingBasically}))(t)
	c = testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{}))(t)
	testkit.Must(publication.New(a).ConfirmDraft(ctx, f.In[zhitong.RoleCommittee], c.ID))(t)
	if got := boardOutcomes(t, a); got != "B" {
		t.Fatalf("results board before the follow-up: %q, want B", got)
	}
	setDay(clock, "2026-12-10")
	sweep(t, a) // a case closed as handled is still followed up: its promise is not yet kept
	q := testkit.Must(a.FollowUps(ctx, officer, app.PageInput{}))(t).Items
	if len(q) != 1 {
		t.Fatalf("follow-up queue = %+v", q)
	}
	testkit.Must(a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "solved", Note: "现场查看，已拓宽完毕"}))(t)

	v := level(t, a, f, c.ID)
	if !v.Solved || len(v.Replies) != 1 || v.Replies[0].Outcome != zhitong.OutcomeInProgress {
		t.Errorf("view: solved=%v replies=%+v, want solved with the B reply kept", v.Solved, v.Replies)
	}
	last := v.Events[len(v.Events)-1]
	if !contains(last.Note, "跟踪问效：承诺事项已落实") || !contains(last.Note, "由“B类 正在解决”记为“A类 已解决”") || last.Public == "" {
		t.Errorf("last event = %+v", last)
	}
	if tr := testkit.Must(a.Track(ctx, c.Code))(t); !contains(tr.Timeline[len(tr.Timeline)-1].Text, "承诺事项已落实") {
		t.Errorf("the citizen's timeline ends with %q", tr.Timeline[len(tr.Timeline)-1].Text)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("case:"+itoa(c.ID))))(t)
	if d := entries[len(entries)-1].Detail; !contains(d, `"outcome_from":"B"`) || !contains(d, `"outcome_to":"A"`) {
		t.Errorf("last audit detail %s, want the outcome change", d)
	}
	if got := boardOutcomes(t, a); got != "A" {
		t.Errorf("results board after the follow-up: %q, want A", got)
	}
	if r := sweep(t, a); r.FollowUps != 0 {
		t.Errorf("the sweep made %d follow-ups after solved", r.FollowUps)
	}

	// The sweep's monthly bulletins: November holds the B reply, December
	// the follow-up that found it solved.
	setDay(clock, "2027-01-04")
	sweep(t, a)
	nov, dec := bulletinLead(t, a, f, "2026-11-01"), bulletinLead(t, a, f, "2026-12-01")
	if nov.Replied != 1 || nov.Solved != 0 || dec.Replied != 0 || dec.Solved != 1 {
		t.Errorf("bulletins: November %+v, December %+v; want the reply in November, solved in December", nov, dec)
	}
}

// boardOutcomes lists the results board's outcomes, and checks that the
// board's outcome filter agrees.
func boardOutcomes(t *testing.T, a *app.App) string {
	t.Helper()
	rows, _ := testkit.Must2(a.PublicResults(ctx, app.ResultsInput{}))(t)
	var out []string
	for _, r := range rows {
		out = append(out, string(r.Outcome))
		if only, n := testkit.Must2(a.PublicResults(ctx, app.ResultsInput{Outcome: r.Outcome}))(t); n != 1 || only[0].Outcome != r.Outcome {
			t.Errorf("filter %s: %d results %+v", r.Outcome, n, only)
		}
	}
	return strings.Join(out, ",")
}

// bulletinLead is the lead unit's row in the monthly bulletin from start, as committee staff read it.
func bulletinLead(t *testing.T, a *app.App, f *testkit.Fixture, start string) store.BulletinRow {
	t.Helper()
	committee := f.In[zhitong.RoleCommittee]
	for _, b := range testkit.Must(a.Bulletins(ctx, committee, app.BulletinsInput{}))(t).Items {
		if b.Period != "monthly" || b.Start != start {
			continue
		}
		for _, r := range testkit.Must(a.Bulletin(ctx, committee, b.ID))(t).Units {
			if r.Ref == itoa(f.Lead) {
				return r
			}
		}
	}
	t.Fatalf("no monthly bulletin from %s with the lead unit", start)
	return store.BulletinRow{}
}
