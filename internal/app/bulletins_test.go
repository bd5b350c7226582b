package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestBulletinCountsMatchCases lays out three cases whose every number is
// known by hand, and checks the bulletin's rows against them.
func TestBulletinCountsMatchCases(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	setDay(clock, "2026-11-23")
	// c1: lead and co-handler; lead accepts at once, replies A on time, citizen satisfied.
	c1 := submit(t, a, f, "一号：路灯不亮")
	c1 = testkit.Must(a.Register(ctx, officer, c1.ID, app.RegisterInput{Version: c1.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
	c1 = testkit.Must(a.Assign(ctx, officer, c1.ID, app.AssignInput{Version: c1.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	c1 = replied(t, a, f, c1, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路灯已经修好", Deliveries: toCitizen})
	testkit.Must(a.Evaluate(ctx, c1.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	// c2: accepted late (after 3 working days), never replied: overdue.
	c2 := assigned(t, a, f, "二号：井盖缺失")
	setDay(clock, "2026-11-27")
	testkit.Must(a.Accept(ctx, lead, c2.ID, app.TextInput{}))(t)
	// c3: replied B after its due date (2026-11-30), unsatisfied, re-handled (round 2, not replied).
	setDay(clock, "2026-11-24")
	c3 := assigned(t, a, f, "三号：排水沟堵塞")
	testkit.Must(a.Accept(ctx, lead, c3.ID, app.TextInput{}))(t)
	setDay(clock, "2026-12-02")
	c3 = testkit.Must(a.Reply(ctx, lead, c3.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在组织清淤"}))(t)
	c3 = testkit.Must(a.Callback(ctx, officer, c3.ID, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是堵"}))(t)
	testkit.Must(a.Rehandle(ctx, committee, c3.ID, app.RehandleInput{Note: "责成重办"}))(t)
	// Outside the period: a case assigned in January counts nowhere.
	setDay(clock, "2027-01-05")
	assigned(t, a, f, "四号：期外案件")

	start, end := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	b := testkit.Must(a.GenerateBulletin(ctx, "monthly", start, end))(t)
	if again := testkit.Must(a.GenerateBulletin(ctx, "monthly", start, end))(t); again != nil {
		t.Fatal("the same period was generated twice")
	}
	got := map[string]store.BulletinRow{}
	for _, r := range b.Rows {
		got[r.Scope+":"+r.Ref] = r
	}
	// Lead: c1, c2, c3 and c3's second round assigned (4); accepted in time
	// c1, c3, c3 round 2 (3); replies c1 on time (A) and c3 late (B); two
	// evaluations, one satisfied; one re-handle; overdue at 12-31: c2 and
	// c3's round 2 (due 2026-12-16).
	leadRow := store.BulletinRow{Scope: "unit", Ref: itoa(f.Lead), Name: "县交通运输局", Assigned: 4, AcceptedInTime: 3, Replied: 2,
		RepliedOnTime: 1, Overdue: 2, Solved: 1, Evaluated: 2, Satisfied: 1, Rehandled: 1}
	coRow := store.BulletinRow{Scope: "unit", Ref: itoa(f.Co), Name: "历市镇人民政府", Assigned: 1}
	townRow := leadRow
	townRow.Scope, townRow.Ref, townRow.Name = "town", f.Town, "历市镇"
	for _, want := range []store.BulletinRow{leadRow, coRow, townRow} {
		if g := got[want.Scope+":"+want.Ref]; g != want {
			t.Errorf("row %s:%s\n got %+v\nwant %+v", want.Scope, want.Ref, g, want)
		}
	}
	if len(b.Rows) != 3 {
		t.Errorf("%d rows, want 3", len(b.Rows))
	}

	// Staff see it; the public only once published, and only committee staff publish.
	_, err := a.Bulletin(ctx, zhitong.Citizen, b.ID)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.PublishBulletin(ctx, officer, b.ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	testkit.Must(a.PublishBulletin(ctx, committee, b.ID))(t)
	pub := testkit.Must(a.Bulletin(ctx, zhitong.Citizen, b.ID))(t)
	if len(pub.Units) != 2 || len(pub.Towns) != 1 || !pub.Published {
		t.Errorf("public bulletin = %+v", pub)
	}
	mine := testkit.Must(a.Bulletin(ctx, lead, b.ID))(t)
	if len(mine.Units) != 1 || mine.Units[0].Ref != itoa(f.Lead) || len(mine.Towns) != 0 {
		t.Errorf("a unit sees %+v, want only its own row", mine)
	}
	other := testkit.Must(a.Bulletin(ctx, f.Out[zhitong.RoleCommittee], b.ID))(t)
	if len(other.Units)+len(other.Towns) != 0 {
		t.Errorf("another county's committee sees %+v", other)
	}
}

func TestDeadlinePolicyIsValidatedAppliedAndAudited(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee, officer := f.In[zhitong.RoleCommittee], f.In[zhitong.RoleOfficer]
	pol := *testkit.Must(a.Policy(ctx, officer))(t)
	_, err := a.SetPolicy(ctx, officer, pol)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	for name, bad := range map[string]func(p *app.Policy){
		"limits":                  func(p *app.Policy) { p.Limits = append(p.Limits, app.Limit{Kind: "rumour", Days: 3}) },
		"days":                    func(p *app.Policy) { p.Limits = []app.Limit{{Category: "roads", Days: 0}} },
		"unknown category":        func(p *app.Policy) { p.Limits = []app.Limit{{Category: "nope", Days: 5}} },
		"duplicate":               func(p *app.Policy) { p.Limits = append(p.Limits, p.Limits[0]) },
		"list before letter":      func(p *app.Policy) { p.LetterAfterDays, p.ListAfterDays = 3, 2 },
		"complex shorter":         func(p *app.Policy) { p.ComplexProposalMonths = 2 },
		"reminders repeat":        func(p *app.Policy) { p.ReminderDays = []int{2, 2} },
		"empty prefix":            func(p *app.Policy) { p.LetterPrefix = " " },
		"callback tries":          func(p *app.Policy) { p.CallbackMaxTries = 0 },
		"rehandle days":           func(p *app.Policy) { p.RehandleDays = 500 },
		"return window":           func(p *app.Policy) { p.ReturnDays = 0 },
		"follow-up interval":      func(p *app.Policy) { p.FollowUpDays = 0 },
		"proposal months":         func(p *app.Policy) { p.ProposalMonths = 0 },
		"letter after zero days":  func(p *app.Policy) { p.LetterAfterDays = 0 },
		"callback after too long": func(p *app.Policy) { p.CallbackAfterDays = 99 },
	} {
		p := pol
		p.Limits = append([]app.Limit(nil), pol.Limits...)
		bad(&p)
		if _, err := a.SetPolicy(ctx, committee, p); zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	// The most specific limit wins: consultation about roads 2, complaint 13.
	pol.Limits = append(pol.Limits, app.Limit{Kind: zhitong.KindConsultation, Category: "roads", Days: 2})
	pol.RehandleDays, pol.ReturnDays = 7, 2
	testkit.Must(a.SetPolicy(ctx, committee, pol))(t)
	c := assigned(t, a, f, "政策咨询：道路占用审批")
	if c.DueDays != 2 || c.DueDate != "2026-11-27" {
		t.Errorf("consultation about roads: %d days, due %s; want 2, 2026-11-27", c.DueDays, c.DueDate)
	}
	c2 := submit(t, a, f, "投诉：施工噪音")
	c2 = testkit.Must(a.Register(ctx, officer, c2.ID, app.RegisterInput{Version: c2.Version, CategoryCode: "roads"}))(t)
	c2 = testkit.Must(a.Assign(ctx, officer, c2.ID, app.AssignInput{Version: c2.Version, LeadUnit: f.Lead, Kind: zhitong.KindComplaint}))(t)
	if c2.DueDays != 13 {
		t.Errorf("complaint: %d days, want 13", c2.DueDays)
	}
	// No kind: the category's own limit.
	c3 := walkIn(t, a, f, "道路破损严重需要修补")
	c3 = testkit.Must(a.Assign(ctx, officer, c3.ID, app.AssignInput{Version: c3.Version, LeadUnit: f.Lead}))(t)
	if c3.DueDays != 15 {
		t.Errorf("no kind: %d days, want the category's 15", c3.DueDays)
	}
	// Returning is allowed within 2 working days: Friday 11-27 yes, Monday 11-30 no.
	setDay(clock, "2026-11-30")
	_, err = a.Return(ctx, f.In[zhitong.RoleUnit], c2.ID, app.TextInput{Text: "不属于本单位职责"})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if v := testkit.Must(a.Get(ctx, f.In[zhitong.RoleUnit], c2.ID))(t); slices.Contains(v.Actions, zhitong.ActionReturn) {
		t.Errorf("return still offered after its window: %v", v.Actions)
	}
	setDay(clock, "2026-11-27")
	testkit.Must(a.Return(ctx, f.In[zhitong.RoleUnit], c3.ID, app.TextInput{Text: "不属于本单位职责"}))(t)
	entries := testkit.Must(a.Audit(ctx, f.In[zhitong.RoleAuditor], storeQuery("policy:deadlines")))(t)
	if len(entries) != 1 || entries[0].Action != "policy.update" {
		t.Errorf("audit = %+v, want one policy.update", entries)
	}
	// A fresh app over the same database reads the stored policy.
	if got := testkit.Must(a.Policy(ctx, officer))(t); got.RehandleDays != 7 || len(got.Limits) != 5 {
		t.Errorf("stored policy = %+v", got)
	}
}

func TestManualSupervisionIsListed(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	c := assigned(t, a, f, "农贸市场周边占道经营")
	_, err := a.Supervise(ctx, f.In[zhitong.RoleOfficer], c.ID, app.SuperviseInput{Kind: "visit", Note: "x"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	testkit.Must(a.Supervise(ctx, f.In[zhitong.RoleOfficer], c.ID, app.SuperviseInput{Kind: "hearing", Note: "听取城管局汇报整治方案"}))(t)
	list, n := testkit.Must2(a.SupervisionList(ctx, f.In[zhitong.RoleCommittee], app.SupervisionListInput{}))(t)
	if n != 1 || list[0].Listed || list[0].Level != zhitong.LevelNone || list[0].LastAction.Kind != "hearing" || list[0].LastAction.Auto {
		t.Fatalf("list = %d %+v", n, list)
	}
	_, _, err = a.SupervisionList(ctx, f.In[zhitong.RoleCommittee], app.SupervisionListInput{Level: "orange"})
	testkit.WantCode(t, err, zhitong.EINVALID)

	// 发函督办 issues a numbered letter and tells the lead unit, before the due date too.
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "chengguan", DisplayName: "城管局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	testkit.Must(a.Supervise(ctx, f.In[zhitong.RoleOfficer], c.ID, app.SuperviseInput{Kind: "letter", Note: "请于本周内拿出整治方案"}))(t)
	letters := testkit.Must(store.ListLetters(ctx, a.DB(), c.ID))(t)
	if len(letters) != 1 || !strings.Contains(letters[0].Number, "〔") || letters[0].OverdueDays != 0 ||
		!strings.Contains(letters[0].Body, "请于本周内拿出整治方案") || strings.Contains(letters[0].Body, "逾期") {
		t.Fatalf("letters = %+v", letters)
	}
	list, _ = testkit.Must2(a.SupervisionList(ctx, f.In[zhitong.RoleCommittee], app.SupervisionListInput{}))(t)
	if la := list[0].LastAction; la.Kind != "letter" || !strings.Contains(la.Note, letters[0].Number) {
		t.Errorf("last action = %+v", la)
	}
	var notices int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'case.manual_letter' AND case_id = ?`, c.ID).Scan(&notices))(t)
	if notices == 0 {
		t.Error("the lead unit was not told of the letter")
	}
}

// TestEachCountyGetsItsOwnBulletin: on a deployment of two counties set up
// with zhitong init, the sweep makes one bulletin per county holding only
// its own townships and units; only that county's committee publishes it,
// and a bulletin for the whole deployment is published by neither.
func TestEachCountyGetsItsOwnBulletin(t *testing.T) {
	a, clock := testkit.MustApp(t)
	clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, zhitong.China)) // the first: last month's bulletin is due
	resA := testkit.SetUp(t, a, "360783")
	resB := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360781", Via: "test", Add: true}))(t)
	comA, comB := testkit.Principal(t, a, resA, zhitong.RoleCommittee), testkit.Principal(t, a, resB, zhitong.RoleCommittee)

	testkit.Must(a.GenerateDueBulletins(ctx))(t)
	list := testkit.Must(a.DB().Query(ctx, `SELECT id, region_code FROM bulletins WHERE period = 'monthly' ORDER BY region_code`))(t)
	byRegion := map[string]int64{}
	for list.Next() {
		var id int64
		var region string
		testkit.Must(0, list.Scan(&id, &region))(t)
		byRegion[region] = id
	}
	list.Close()
	if len(byRegion) != 2 || byRegion["360781"] == 0 || byRegion["360783"] == 0 {
		t.Fatalf("monthly bulletins by region: %v, want one for 360781 and one for 360783", byRegion)
	}
	if _, err := a.PublishBulletin(ctx, comB, byRegion["360783"]); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		t.Errorf("瑞金's committee publishes 龙南's bulletin: %v, want not found (not theirs to see)", err)
	}
	if _, err := a.PublishBulletin(ctx, comA, byRegion["360783"]); err != nil {
		t.Errorf("龙南's committee publishes its own: %v", err)
	}
	all := testkit.Must(a.GenerateBulletin(ctx, "weekly", time.Date(2026, 11, 23, 0, 0, 0, 0, zhitong.China), time.Date(2026, 11, 29, 0, 0, 0, 0, zhitong.China)))(t)
	for _, p := range []zhitong.Principal{comA, comB} {
		if _, err := a.PublishBulletin(ctx, p, all.ID); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
			t.Errorf("%s publishes the whole deployment's bulletin: %v, want forbidden", p.RegionCode, err)
		}
	}
}
