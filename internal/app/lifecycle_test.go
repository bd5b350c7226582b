package app_test

import (
	"context"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

func submit(t *testing.T, a *app.App, f *testkit.Fixture, body string) *zhitong.Case {
	t.Helper()
	return testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234", Place: "历市镇建设路"}))(t)
}

func walkIn(t *testing.T, a *app.App, f *testkit.Fixture, body string) *zhitong.Case {
	t.Helper()
	return testkit.Must(a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: body,
		CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
}

func TestFullLoop(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]

	c := submit(t, a, f, "建设路下雨天积水严重，行人无法通行")
	if c.Status != zhitong.StatusSubmitted || c.Channel != zhitong.ChannelOnline {
		t.Fatalf("submitted case = %s/%s", c.Status, c.Channel)
	}
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.Station}))(t)
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	// Wednesday 2026-11-25 + 15 working days = 2026-12-16.
	if c.Status != zhitong.StatusAssigned || c.DueDate != "2026-12-16" || c.DueProvisional {
		t.Fatalf("assigned: status %s due %s provisional %v", c.Status, c.DueDate, c.DueProvisional)
	}
	c = testkit.Must(a.Accept(ctx, f.CoUnit(), c.ID, app.TextInput{}))(t)
	if c.Status != zhitong.StatusAssigned {
		t.Fatalf("co-handler acceptance moved the case to %s", c.Status)
	}
	c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{Version: c.Version}))(t)
	if c.Status != zhitong.StatusInProgress {
		t.Fatalf("after lead accepts: %s", c.Status)
	}
	c = testkit.Must(a.RequestExtension(ctx, lead, c.ID, app.ExtensionInput{Days: 5, Reason: "需协调电力部门迁改线路"}))(t)
	_, err := a.RequestExtension(ctx, lead, c.ID, app.ExtensionInput{Days: 5, Reason: "再次申请"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	c = testkit.Must(a.DecideExtension(ctx, committee, c.ID, app.DecisionInput{Approve: true}))(t)
	if c.DueDate != "2026-12-23" {
		t.Fatalf("extended due = %s, want 2026-12-23", c.DueDate)
	}
	clock.Advance(72 * time.Hour)
	c = testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "已安排施工队疏通排水管道，预计两周内完工",
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}, {Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
	if c.Status != zhitong.StatusReplied {
		t.Fatalf("after reply: %s", c.Status)
	}
	v := testkit.Must(a.Get(ctx, committee, c.ID))(t)
	if v.Solved || !v.DualFeedback {
		t.Fatalf("B reply: solved=%v dual=%v, want false/true", v.Solved, v.DualFeedback)
	}

	// The citizen is unsatisfied; the case is re-handled and replied again.
	c = testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "两周过去了还在积水"}))(t)
	if c.Status != zhitong.StatusUnsatisfied {
		t.Fatalf("after unsatisfied: %s", c.Status)
	}
	_, err = a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	c = testkit.Must(a.Rehandle(ctx, committee, c.ID, app.RehandleInput{Days: 5, Note: "办理不力，责成重办"}))(t)
	if c.Status != zhitong.StatusInProgress || c.Round != 2 {
		t.Fatalf("after rehandle: %s round %d", c.Status, c.Round)
	}
	c = testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "排水管道已疏通并加装雨水篦子，经回访无积水"}))(t)
	c = testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	if c.Status != zhitong.StatusEvaluated {
		t.Fatalf("after satisfied: %s", c.Status)
	}
	c = testkit.Must(a.Close(ctx, officer, c.ID, app.TextInput{}))(t)
	c = testkit.Must(a.Archive(ctx, officer, c.ID, app.TextInput{}))(t)
	if c.Status != zhitong.StatusArchived || c.Resolution != zhitong.ResolutionHandled {
		t.Fatalf("final: %s %s", c.Status, c.Resolution)
	}

	v = testkit.Must(a.Get(ctx, committee, c.ID))(t)
	if !v.Solved || len(v.Replies) != 2 || len(v.Evaluations) != 2 {
		t.Fatalf("view: solved=%v replies=%d evaluations=%d", v.Solved, len(v.Replies), len(v.Evaluations))
	}
	wantActions := []zhitong.Action{zhitong.ActionSubmit, zhitong.ActionRegister, zhitong.ActionAssign, zhitong.ActionAccept, zhitong.ActionAccept,
		zhitong.ActionRequestExtension, zhitong.ActionDecideExtension, zhitong.ActionReply, zhitong.ActionEvaluate, zhitong.ActionRehandle,
		zhitong.ActionReply, zhitong.ActionEvaluate, zhitong.ActionClose, zhitong.ActionArchive}
	if len(v.Events) != len(wantActions) {
		t.Fatalf("history has %d steps, want %d", len(v.Events), len(wantActions))
	}
	for i, e := range v.Events {
		if e.Action != wantActions[i] || e.At.IsZero() || e.ActorName == "" {
			t.Errorf("step %d = %s by %q at %v, want %s", i, e.Action, e.ActorName, e.At, wantActions[i])
		}
	}
	if v.Submitter != "王**" || v.Phone != "139****1234" {
		t.Errorf("masked submitter = %q %q", v.Submitter, v.Phone)
	}

	tr := testkit.Must(a.Track(ctx, c.Code))(t)
	if tr.Submitter != "王**" || tr.Phone != "139****1234" || len(tr.Replies) != 2 || tr.CanEvaluate {
		t.Fatalf("track view: %+v", tr)
	}
	for _, s := range tr.Timeline {
		if s.Text == "" {
			t.Errorf("empty public step")
		}
	}
	brk, n := testkit.Must2(a.VerifyAudit(ctx, app.System))(t)
	if brk != nil || n < int64(len(wantActions)) {
		t.Fatalf("audit verify: %+v after %d entries", brk, n)
	}
}

func TestStepsRefusedFromWrongStatus(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := walkIn(t, a, f, "路灯坏了三盏，晚上出行不安全")
	tests := []struct {
		name string
		run  func() error
	}{
		{"reply before assignment", func() error {
			_, err := a.Reply(ctx, f.In[zhitong.RoleCommittee], c.ID, app.ReplyInput{Outcome: "A", Text: "已经修好了路灯"})
			return err
		}},
		{"close a registered case", func() error { _, err := a.Close(ctx, officer, c.ID, app.TextInput{Text: "x"}); return err }},
		{"register twice", func() error {
			_, err := a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"})
			return err
		}},
		{"evaluate before reply", func() error { _, err := a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: "satisfied"}); return err }},
		{"archive an open case", func() error { _, err := a.Archive(ctx, officer, c.ID, app.TextInput{}); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			testkit.WantCode(t, err, zhitong.ECONFLICT)
			if zhitong.ErrorMessage(err) == "" {
				t.Fatal("conflict without a message")
			}
		})
	}
	c2 := testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	_, err := a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: "A", Text: "已经修好了路灯"})
	testkit.WantCode(t, err, zhitong.ECONFLICT) // must accept first
	// A stale version loses.
	_, err = a.Accept(ctx, lead, c.ID, app.TextInput{Version: c2.Version - 1})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
}

func TestReturnAndReassign(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := walkIn(t, a, f, "村里的水渠堵塞，影响灌溉")
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	_, err := a.Return(ctx, f.CoUnit(), c.ID, app.TextInput{Text: "协办不能退回"})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.Return(ctx, lead, c.ID, app.TextInput{})
	testkit.WantCode(t, err, zhitong.EINVALID)
	c = testkit.Must(a.Return(ctx, lead, c.ID, app.TextInput{Text: "水渠属于水利部门职责"}))(t)
	if c.Status != zhitong.StatusReturned || c.DueDate != "" {
		t.Fatalf("returned: %s due %q", c.Status, c.DueDate)
	}
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Co, Days: 5}))(t)
	if c.Status != zhitong.StatusAssigned || c.LeadUnitID != f.Co {
		t.Fatalf("reassigned: %s lead %d", c.Status, c.LeadUnitID)
	}
	// The first unit no longer has a task in this round.
	_, err = a.Accept(ctx, lead, c.ID, app.TextInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

func TestTriageOutcomes(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, deputy := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleDeputy]

	answered := testkit.Must(a.Intake(ctx, deputy, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "新农合报销比例是多少？", CategoryCode: "consult",
		StationID: f.Station, Anonymous: true, Answer: "住院报销比例为百分之七十，详见医保政策"}))(t)
	if answered.Status != zhitong.StatusAnswered || answered.DeputyID != f.Deputy {
		t.Fatalf("answered on the spot: %s deputy %d", answered.Status, answered.DeputyID)
	}

	declined := walkIn(t, a, f, "要求给我家多发补贴两万元")
	declined = testkit.Must(a.Decline(ctx, officer, declined.ID, app.TextInput{Text: "该诉求无政策依据，已当面解释"}))(t)
	if tr := testkit.Must(a.Track(ctx, declined.Code))(t); tr.DeclineReason == "" {
		t.Fatal("the citizen must see the reason for declining")
	}

	referred := walkIn(t, a, f, "邻居宅基地纠纷需要法院判决")
	testkit.Must(a.Refer(ctx, officer, referred.ID, app.ReferInput{Destination: "县人民法院"}))(t)
	referred = testkit.Must(a.ReferralResult(ctx, officer, referred.ID, app.TextInput{Text: "法院已立案"}))(t)
	if referred.Status != zhitong.StatusClosed || referred.Resolution != zhitong.ResolutionReferred {
		t.Fatalf("referral: %s %s", referred.Status, referred.Resolution)
	}

	primary := submit(t, a, f, "广场舞音响太吵，晚上十点还有噪音")
	dup := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "广场舞噪音扰民", RegionCode: f.Town, Name: "李四", Phone: "13807971111"}))(t)
	testkit.Must(a.Merge(ctx, officer, dup.ID, app.MergeInput{Into: primary.ID}))(t)
	tr := testkit.Must(a.Track(ctx, dup.Code))(t)
	if tr.MergedInto == nil || tr.MergedInto.Body != "" || tr.MergedInto.Submitter == "王*" {
		t.Fatalf("merged track view leaks or misses the primary: %+v", tr.MergedInto)
	}

	// Two citizens' cases bundled in one proposal; its reply reaches both.
	c1 := testkit.Must(a.Intake(ctx, deputy, app.IntakeInput{Channel: zhitong.ChannelSurvey, Body: "老旧小区外墙脱落，存在安全隐患",
		CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	c2 := walkIn(t, a, f, "老旧小区没有路灯，建议改造")
	c1 = testkit.Must(a.Propose(ctx, deputy, c1.ID, app.ProposeInput{Title: "关于推进老旧小区改造的建议"}))(t)
	testkit.Must(a.Propose(ctx, officer, c2.ID, app.ProposeInput{ProposalID: c1.ProposalID}))(t)
	prop := testkit.Must(a.ReplyProposal(ctx, committee, c1.ProposalID, app.ReplyInput{Outcome: zhitong.OutcomePlanned,
		Text: "已将11个小区列入年度改造计划", PlannedDate: "2027-06-30"}))(t)
	if prop.State != "replied" || len(prop.CaseIDs) != 2 {
		t.Fatalf("proposal after reply: %+v", prop)
	}
	for _, id := range prop.CaseIDs {
		v := testkit.Must(a.Get(ctx, committee, id))(t)
		if v.Status != zhitong.StatusReplied || len(v.Replies) != 1 || v.Replies[0].Outcome != zhitong.OutcomePlanned || v.Solved {
			t.Fatalf("bundled case %d: %s replies=%d solved=%v", id, v.Status, len(v.Replies), v.Solved)
		}
	}
}

func TestConcurrentStepsOnlyOneWins(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c := walkIn(t, a, f, "道路坑洼需要修补")
	errs := make(chan error, 2)
	for _, p := range []zhitong.Principal{f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee]} {
		go func() {
			_, err := a.Assign(ctx, p, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead})
			errs <- err
		}()
	}
	if ok, conflict := testkit.Race(t, errs, 2); ok != 1 || conflict != 1 {
		t.Fatalf("ok=%d conflict=%d, want 1 and 1", ok, conflict)
	}
	v := testkit.Must(a.Get(ctx, f.In[zhitong.RoleCommittee], c.ID))(t)
	if len(v.Assignments) != 1 {
		t.Fatalf("%d assignments written, want 1", len(v.Assignments))
	}
}

func TestPendingExtensionEndsWithTheRound(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := walkIn(t, a, f, "路面塌陷需要修补")
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	testkit.Must(a.RequestExtension(ctx, lead, c.ID, app.ExtensionInput{Days: 5, Reason: "需要协调"}))(t)
	testkit.Must(a.Return(ctx, lead, c.ID, app.TextInput{Text: "不属于本单位职责"}))(t)
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	_, err := a.DecideExtension(ctx, f.In[zhitong.RoleCommittee], c.ID, app.DecisionInput{Approve: true})
	testkit.WantCode(t, err, zhitong.ECONFLICT) // the old round's request was withdrawn
	testkit.Must(a.RequestExtension(ctx, lead, c.ID, app.ExtensionInput{Days: 5, Reason: "新一轮需要协调"}))(t)
}
