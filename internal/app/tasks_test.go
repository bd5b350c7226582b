package app_test

import (
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

var toCitizen = []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten},
	{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}

// replied takes an assigned case through acceptance to a reply.
func replied(t *testing.T, a *app.App, f *testkit.Fixture, c *zhitong.Case, in app.ReplyInput) *zhitong.Case {
	t.Helper()
	lead := f.In[zhitong.RoleUnit]
	c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	return testkit.Must(a.Reply(ctx, lead, c.ID, in))(t)
}

func TestCallbackTaskAfterSilenceThenUnreachable(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	c := assigned(t, a, f, "村口水管破裂，自来水一直在流")
	c = replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已更换破裂水管，恢复供水", Deliveries: toCitizen})
	quiet := assigned(t, a, f, "另一件：路面坑洼") // replied but not delivered to the citizen: no call-back
	replied(t, a, f, quiet, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路面坑洼已修补完毕"})

	// Delivered Wednesday 2026-11-25; 3 working days later is Monday 11-30.
	setDay(clock, "2026-11-27")
	if r := sweep(t, a); r.Callbacks != 0 {
		t.Fatalf("call-back opened after 2 working days")
	}
	if !awaitsCallback(t, a, c.ID) {
		t.Fatalf("a replied case with no call-back task is not in the sweep's index")
	}
	setDay(clock, "2026-11-30")
	if r := sweep(t, a); r.Callbacks != 1 {
		t.Fatalf("sweep opened %d call-backs, want 1", r.Callbacks)
	}
	// The sweep no longer reads it: only cases without a task of their
	// round are (cases_scale_callback, migration 099).
	if awaitsCallback(t, a, c.ID) {
		t.Fatalf("a case with its call-back task is still in the sweep's index")
	}
	if r := sweep(t, a); r.Callbacks != 0 {
		t.Fatalf("second sweep opened %d call-backs", r.Callbacks)
	}
	queue := testkit.Must(a.Callbacks(ctx, officer, app.PageInput{}))(t).Items
	if len(queue) != 1 || queue[0].ID != c.ID {
		t.Fatalf("call-back queue = %+v", queue)
	}
	if out := testkit.Must(a.Callbacks(ctx, f.Out[zhitong.RoleOfficer], app.PageInput{}))(t).Items; len(out) != 0 {
		t.Errorf("another county's officer sees %d call-backs", len(out))
	}
	_, err := a.Callbacks(ctx, f.In[zhitong.RoleUnit], app.PageInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	no := false
	for try := 1; try <= 3; try++ {
		testkit.Must(a.Callback(ctx, officer, c.ID, app.EvaluateInput{Reached: &no, Comment: "电话无人接听"}))(t)
		queue = testkit.Must(a.Callbacks(ctx, officer, app.PageInput{}))(t).Items
		if want := try < 3; (len(queue) == 1) != want {
			t.Fatalf("after %d unanswered calls the queue holds %d tasks", try, len(queue))
		}
	}
	v := level(t, a, f, c.ID)
	if last := v.Events[len(v.Events)-1]; last.Action != zhitong.ActionCallback || !contains(last.Note, "记为无法联系") {
		t.Errorf("last event = %+v, want the citizen recorded unreachable", last)
	}
	// The case can now be closed as unrated.
	testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{Text: "三次回访未联系上"}))(t)
}

func TestCallbackClosedByOnlineEvaluation(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c := assigned(t, a, f, "学校门口缺少减速带")
	c = replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已在学校门口设置减速带", Deliveries: toCitizen})
	setDay(clock, "2026-12-02")
	sweep(t, a)
	if q := testkit.Must(a.Callbacks(ctx, f.In[zhitong.RoleOfficer], app.PageInput{}))(t).Items; len(q) != 1 {
		t.Fatalf("queue %d, want 1", len(q))
	}
	testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	if q := testkit.Must(a.Callbacks(ctx, f.In[zhitong.RoleOfficer], app.PageInput{}))(t).Items; len(q) != 0 {
		t.Fatalf("an online evaluation left %d call-backs open", len(q))
	}
}

func TestFollowUpOnPromisedDate(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	c := assigned(t, a, f, "村道拓宽工程迟迟未动工")
	replied(t, a, f, c, app.ReplyInput{Outcome: zhitong.OutcomePlanned, Text: "已列入明年村道拓宽计划", PlannedDate: "2026-12-10"})
	solved := assigned(t, a, f, "桥栏杆损坏")
	replied(t, a, f, solved, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "桥栏杆已修复完毕"})

	setDay(clock, "2026-12-09")
	if r := sweep(t, a); r.FollowUps != 0 {
		t.Fatalf("follow-up before the promised date")
	}
	if n := awaitingFollowUp(t, a, c.ID); n != 1 {
		t.Fatalf("%d replies of the case in the follow-up sweep's index, want its C reply", n)
	}
	setDay(clock, "2026-12-10")
	if r := sweep(t, a); r.FollowUps != 1 {
		t.Fatalf("sweep on the promised date made %d follow-ups, want 1", r.FollowUps)
	}
	// Its first follow-up opened, the reply leaves the sweep's index.
	if n := awaitingFollowUp(t, a, c.ID); n != 0 {
		t.Fatalf("a followed-up reply is still in the follow-up sweep's index")
	}
	if r := sweep(t, a); r.FollowUps != 0 {
		t.Fatalf("second sweep made %d follow-ups", r.FollowUps)
	}
	q := testkit.Must(a.FollowUps(ctx, officer, app.PageInput{}))(t).Items
	if len(q) != 1 || q[0].CaseSummary.ID != c.ID || q[0].DueDate != "2026-12-10" {
		t.Fatalf("follow-up queue = %+v", q)
	}
	if out := testkit.Must(a.FollowUps(ctx, f.Out[zhitong.RoleOfficer], app.PageInput{}))(t).Items; len(out) != 0 {
		t.Errorf("another county sees %d follow-ups", len(out))
	}
	_, err := a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "progress", NextDate: "2026-12-01"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "ended"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	testkit.Must(a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "progress", Note: "已完成立项", NextDate: "2026-12-20"}))(t)
	_, err = a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "solved"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if q := testkit.Must(a.FollowUps(ctx, officer, app.PageInput{}))(t).Items; len(q) != 0 {
		t.Fatalf("queue holds %d before the next date", len(q))
	}
	clock.Advance(10 * 24 * time.Hour)
	q = testkit.Must(a.FollowUps(ctx, officer, app.PageInput{}))(t).Items
	if len(q) != 1 || q[0].DueDate != "2026-12-20" {
		t.Fatalf("queue on the next date = %+v", q)
	}
	testkit.Must(a.RecordFollowUp(ctx, officer, q[0].ID, app.FollowUpInput{Result: "solved", Note: "已动工拓宽"}))(t)
	if r := sweep(t, a); r.FollowUps != 0 {
		t.Errorf("a solved follow-up started again: %+v", r)
	}
	if q := testkit.Must(a.FollowUps(ctx, officer, app.PageInput{}))(t).Items; len(q) != 0 {
		t.Errorf("queue holds %d after solved", len(q))
	}
}

// awaitsCallback reports whether case id is among the cases the call-back
// sweep reads (store.ListCallbackCandidates): its partial index's rows.
func awaitsCallback(t *testing.T, a *app.App, id int64) bool {
	t.Helper()
	var n int
	err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE id = ? AND status = 'replied' AND phone_enc <> '' AND callback_round < round`, id).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n == 1
}

// awaitingFollowUp counts case id's replies among those the follow-up
// sweep reads (store.ListFollowUpCandidates): its partial index's rows.
func awaitingFollowUp(t *testing.T, a *app.App, id int64) int {
	t.Helper()
	var n int
	err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM replies WHERE case_id = ? AND outcome IN ('B', 'C') AND follow_done = 0`, id).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestFollowUpScanReadsSinceTheLastOne: once a sweep handled everything
// due, the next reads only what can have come due since (docs/operations.md,
// Deadline sweep), and still finds each kind: a B reply without a date
// reaching the policy's days, a planned date reached, a reply given with a
// date already past, and everything again after a sweep as of a later day.
func TestFollowUpScanReadsSinceTheLastOne(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	undated := assigned(t, a, f, "排水沟堵塞，雨天积水")
	replied(t, a, f, undated, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "已安排疏通，正在施工"})
	dated := assigned(t, a, f, "村道拓宽工程迟迟未动工")
	replied(t, a, f, dated, app.ReplyInput{Outcome: zhitong.OutcomePlanned, Text: "已列入计划", PlannedDate: "2026-12-15"})
	wantFollowUps := func(day string, want int) {
		t.Helper()
		setDay(clock, day)
		if r := sweep(t, a); r.FollowUps != want {
			t.Fatalf("sweep on %s made %d follow-ups, want %d", day, r.FollowUps, want)
		}
	}
	wantFollowUps("2026-11-26", 0) // a clean scan: the next ones read from here
	wantFollowUps("2026-12-15", 1) // the planned date
	wantFollowUps("2026-12-24", 0)
	wantFollowUps("2026-12-25", 1) // 30 days after the undated reply
	late := assigned(t, a, f, "路灯不亮已有一周")
	replied(t, a, f, late, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在更换灯具", PlannedDate: "2026-12-01"})
	wantFollowUps("2026-12-25", 1) // given today, due already
	wantFollowUps("2026-12-26", 0)

	// A sweep as of a later day (sweep --at --force) leaves a mark the
	// next sweep cannot trust: it reads the whole history again.
	setDay(clock, "2027-03-01")
	sweep(t, a)
	setDay(clock, "2026-12-27")
	again := assigned(t, a, f, "垃圾清运不及时")
	replied(t, a, f, again, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "已协调环卫", PlannedDate: "2026-12-20"})
	wantFollowUps("2026-12-27", 1)
}
