package topics_test

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/stats"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

var ctx = context.Background()

func setDay(clock *testkit.Clock, date string) {
	d, err := time.ParseInLocation(time.DateOnly, date, zhitong.China)
	if err != nil {
		panic(err)
	}
	clock.Set(d.Add(9 * time.Hour))
}

func submit(t *testing.T, a *app.App, region, body string) *zhitong.Case {
	t.Helper()
	return testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: region, Name: "王小明", Phone: "139 0797 1234", Place: "建设路"}))(t)
}

var (
	previous = []string{"小区噪音扰民，晚上睡不着", "工地噪音扰民严重", "广场舞噪音扰民", "噪音扰民问题请处理",
		"井盖缺失很危险", "排水沟堵塞", "公交站牌损坏", "农村道路坑洼", "垃圾清运不及时", "菜市场占道经营"}
	current = []string{"路灯不亮，晚上出行不便", "村口路灯不亮已经一周", "路灯不亮有安全隐患", "路灯坏了没人修", "新修的路段没有路灯",
		"路灯杆倾斜了", "小区路灯整晚不亮", "噪音扰民到深夜", "商铺音响噪音扰民", "夜市噪音扰民", "装修噪音扰民",
		"井盖缺失危险", "排水沟堵塞发臭", "垃圾桶数量太少"}
)

// scenario: October 2026 has ten cases (four about noise), November
// fourteen (seven about street lamps, four about noise), in the fixture's
// county; one lamp case of November in the other county.
func scenario(t *testing.T) (*app.App, *testkit.Clock, *testkit.Fixture, []*zhitong.Case) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	setDay(clock, "2026-10-12")
	for _, b := range previous {
		submit(t, a, f.Town, b)
	}
	setDay(clock, "2026-11-16")
	var cur []*zhitong.Case
	for _, b := range current {
		cur = append(cur, submit(t, a, f.Town, b))
	}
	submit(t, a, f.OtherCounty, "龙南市路灯不亮")
	setDay(clock, "2026-12-01")
	return a, clock, f, cur
}

func terms(ts []topics.Topic) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Term)
	}
	return out
}

func find(ts []topics.Topic, term string) *topics.Topic {
	for i := range ts {
		if ts[i].Term == term {
			return &ts[i]
		}
	}
	return nil
}

func TestHotTopics(t *testing.T) {
	a, _, f, cur := scenario(t)
	s := topics.New(a)
	nov := url.Values{"period": {"month"}, "month": {"2026-11"}}
	h := testkit.Must(s.Topics(ctx, f.In[zhitong.RoleAnalyst], nov))(t)
	if h.Cases != 14 || h.PrevCases != 10 {
		t.Fatalf("cases %d / %d, want 14 / 10", h.Cases, h.PrevCases)
	}
	lamp, noise := find(h.Frequent, "路灯"), find(h.Frequent, "噪音扰民")
	if lamp == nil || noise == nil {
		t.Fatalf("frequent %v: want 路灯 and 噪音扰民 (bigrams merged)", terms(h.Frequent))
	}
	if lamp.Count != 7 || lamp.Previous != 0 || !lamp.Rising || lamp.Z < 2.5 {
		t.Errorf("路灯 %+v: want 7 of 14 against 0 of 10, rising", lamp)
	}
	if noise.Count != 4 || noise.Previous != 4 || noise.Rising {
		t.Errorf("噪音扰民 %+v: want 4 against 4, not rising", noise)
	}
	if find(h.Rising, "路灯") == nil || find(h.Rising, "噪音扰民") != nil {
		t.Errorf("rising %v", terms(h.Rising))
	}
	for _, junk := range []string{"噪音", "音扰", "扰民", "晚上"} {
		if find(h.Frequent, junk) != nil {
			t.Errorf("%q should merge into a longer term or be dropped: %v", junk, terms(h.Frequent))
		}
	}
	// The topic opens exactly its cases.
	v, _ := url.ParseQuery(strings.TrimPrefix(lamp.CasesURL, "/work/cases?"))
	ids, label := testkit.Must2(s.CaseIDs(ctx, f.In[zhitong.RoleCommittee], v))(t)
	var want []int64
	for _, c := range cur[:7] {
		want = append(want, c.ID)
	}
	if !slices.Equal(ids, want) || !strings.Contains(label, "路灯") {
		t.Errorf("cases %v (%s), want %v", ids, label, want)
	}
	// The other county sees only its own case.
	out := testkit.Must(s.Topics(ctx, f.Out[zhitong.RoleCommittee], nov))(t)
	if out.Cases != 1 || len(out.Frequent) != 0 {
		t.Errorf("other county: %d cases, %v", out.Cases, terms(out.Frequent))
	}
	// Bad input and roles.
	for _, bad := range []url.Values{{"period": {"month"}, "month": {"2026-13"}}, {"slice": {"bogus"}}, {"slice": {"town"}}} {
		if _, err := s.Topics(ctx, f.In[zhitong.RoleAnalyst], bad); zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Errorf("%v: %v, want invalid", bad, err)
		}
	}
	// A row of another county (its unit, its station) is refused, never
	// answered with an empty list.
	for _, other := range []url.Values{{"slice": {"unit"}, "key": {itoa(f.OtherUnit)}}, {"slice": {"station"}, "key": {itoa(f.OtherStation)}}} {
		other.Set("period", "month")
		other.Set("month", "2026-11")
		if _, err := s.Topics(ctx, f.In[zhitong.RoleAnalyst], other); zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Errorf("%v: %v, want invalid", other, err)
		}
	}
	if _, err := s.Topics(ctx, f.In[zhitong.RoleUnit], nov); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Errorf("unit: %v", err)
	}
	// A slice row: the town.
	town := testkit.Must(s.Topics(ctx, f.In[zhitong.RoleAnalyst], url.Values{"month": {"2026-11"}, "period": {"month"}, "slice": {"town"}, "key": {f.Town}}))(t)
	if town.Cases != 14 || find(town.Frequent, "路灯") == nil {
		t.Errorf("town slice: %d cases %v", town.Cases, terms(town.Frequent))
	}
}

func TestZTest(t *testing.T) {
	if z := topics.ZTest(7, 14, 0, 10); z < 2.6 || z > 2.7 {
		t.Errorf("z = %v", z)
	}
	if z := topics.ZTest(4, 14, 4, 10); z > 0 {
		t.Errorf("z = %v", z)
	}
	if topics.ZTest(1, 0, 0, 5) != 0 || topics.ZTest(0, 5, 0, 5) != 0 {
		t.Error("degenerate z")
	}
}

func unsatisfied(t *testing.T, a *app.App, f *testkit.Fixture, c *zhitong.Case) *zhitong.Case {
	t.Helper()
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
	c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	c = testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在安排维修"}))(t)
	return testkit.Must(a.Callback(ctx, officer, c.ID, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是不亮"}))(t)
}

func TestOpinions(t *testing.T) {
	a, _, f, cur := scenario(t)
	s := topics.New(a)
	analyst, committee := f.In[zhitong.RoleAnalyst], f.In[zhitong.RoleCommittee]
	c1, c2 := unsatisfied(t, a, f, cur[0]), unsatisfied(t, a, f, cur[1])
	if _, err := s.Record(ctx, analyst, topics.OpinionInput{CaseID: cur[2].ID, Proposal: "rehandle", Text: "应当重新办理"}); zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		t.Errorf("opinion on a case not unsatisfied: %v", err)
	}
	if _, err := s.Record(ctx, f.Out[zhitong.RoleAnalyst], topics.OpinionInput{CaseID: c1.ID, Proposal: "rehandle", Text: "应当重新办理"}); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Errorf("other county's analyst: %v", err)
	}
	if _, err := s.Record(ctx, committee, topics.OpinionInput{CaseID: c1.ID, Proposal: "rehandle", Text: "应当重新办理"}); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Errorf("committee records: %v", err)
	}
	o1 := testkit.Must(s.Record(ctx, analyst, topics.OpinionInput{CaseID: c1.ID, Proposal: "rehandle", Text: "答复未解决问题，应当重新办理"}))(t)
	o2 := testkit.Must(s.Record(ctx, analyst, topics.OpinionInput{CaseID: c2.ID, Proposal: "explain", Text: "路灯属供电公司产权，已说明原因"}))(t)
	o3 := testkit.Must(s.Record(ctx, analyst, topics.OpinionInput{Topic: "路灯", Period: "2026年11月", Proposal: "rehandle", Text: "路灯问题集中，建议统一排查"}))(t)
	if _, err := s.Decide(ctx, analyst, o1.ID, topics.DecideInput{Accept: true}); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Errorf("analyst decides: %v", err)
	}
	if _, err := s.Decide(ctx, f.Out[zhitong.RoleCommittee], o1.ID, topics.DecideInput{Accept: true}); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		t.Errorf("other county's committee decides: %v", err)
	}
	testkit.Must(s.Decide(ctx, committee, o1.ID, topics.DecideInput{Accept: true}))(t)
	testkit.Must(s.Decide(ctx, committee, o2.ID, topics.DecideInput{Accept: true}))(t)
	if _, err := s.Decide(ctx, committee, o3.ID, topics.DecideInput{}); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Errorf("reject without reason: %v", err)
	}
	o3 = testkit.Must(s.Decide(ctx, committee, o3.ID, topics.DecideInput{Reason: "已在专项整治中"}))(t)
	if _, err := s.Decide(ctx, committee, o1.ID, topics.DecideInput{Accept: true}); zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		t.Errorf("decided twice: %v", err)
	}
	v1 := testkit.Must(a.Get(ctx, committee, c1.ID))(t)
	v2 := testkit.Must(a.Get(ctx, committee, c2.ID))(t)
	if v1.Status == zhitong.StatusUnsatisfied || v1.Round != 2 || v2.Status != zhitong.StatusClosed || o3.State != "rejected" {
		t.Errorf("after decisions: case 1 %s, case 2 %s, topic %s", v1.Status, v2.Status, o3.State)
	}
	list := testkit.Must(s.Opinions(ctx, analyst, ""))(t)
	if len(list) != 3 || len(testkit.Must(s.Opinions(ctx, f.Out[zhitong.RoleCommittee], ""))(t)) != 0 {
		t.Errorf("%d opinions in the county", len(list))
	}
	var audits int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'analysis.%'`).Scan(&audits); err != nil || audits != 6 {
		t.Errorf("%d audit entries (%v), want 6", audits, err)
	}
}

func TestReportAndProposal(t *testing.T) {
	a, _, f, cur := scenario(t)
	s := topics.New(a)
	analyst, committee := f.In[zhitong.RoleAnalyst], f.In[zhitong.RoleCommittee]
	nov := url.Values{"period": {"month"}, "month": {"2026-11"}}
	d := testkit.Must(s.Draft(ctx, analyst, nov))(t)
	for _, want := range []string{"共收到群众意见建议 14 件", "“路灯”：7 件", "噪音扰民", "五、意见建议", "反复出现"} {
		if !strings.Contains(d.Body, want) {
			t.Errorf("draft lacks %q:\n%s", want, d.Body)
		}
	}
	if !slices.Contains(d.Recurring, "噪音扰民") || slices.Contains(d.Recurring, "路灯") {
		t.Errorf("recurring %v", d.Recurring)
	}
	r := testkit.Must(s.SaveReport(ctx, analyst, 0, topics.ReportInput{Period: d.Period, Title: d.Title, Body: d.Body + "\n=SUM(A1)"}))(t)
	r = testkit.Must(s.SaveReport(ctx, committee, r.ID, topics.ReportInput{Version: r.Version, Title: r.Title, Body: r.Body + "\n（已审定）"}))(t)
	if _, err := s.SaveReport(ctx, analyst, r.ID, topics.ReportInput{Version: 1, Title: "x", Body: "y"}); zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		t.Errorf("stale version: %v", err)
	}
	if _, err := s.GetReport(ctx, f.Out[zhitong.RoleAnalyst], r.ID); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		t.Errorf("other county reads the report: %v", err)
	}
	file := testkit.Must(s.ExportReport(ctx, analyst, r.ID))(t)
	var buf bytes.Buffer
	if err := export.Write(&buf, file.Reports...); err != nil || buf.Len() < 1000 || !strings.Contains(file.Name, "研判报告") {
		t.Fatalf("export %d bytes %q: %v", buf.Len(), file.Name, err)
	}
	// A topic becomes a deputy proposal: the registered lamp cases go with
	// it, the others are skipped.
	officer := f.In[zhitong.RoleOfficer]
	for _, c := range cur[:3] {
		testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindSuggestion}))(t)
	}
	v := url.Values{"period": {"month"}, "month": {"2026-11"}, "topic": {"路灯"}}
	if _, err := s.ToProposal(ctx, analyst, v, topics.ProposalInput{Title: "路灯"}); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Errorf("analyst proposes: %v", err)
	}
	// One transaction: a failure on any case (here one that does not
	// exist, after the topic's cases) leaves no proposal and no case moved.
	ids, _ := testkit.Must2(s.CaseIDs(ctx, committee, v))(t)
	proposals := func() (n int) {
		if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM proposals`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := proposals()
	if _, _, _, err := a.ProposeCases(ctx, committee, append(ids, 1<<40), app.ProposeInput{Title: "不完整的建议"}); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		t.Fatalf("a missing case: %v", err)
	}
	if n := proposals(); n != before {
		t.Errorf("%d proposals after a failed one, want %d", n, before)
	}
	for _, c := range cur[:3] {
		if got := testkit.Must(a.Get(ctx, committee, c.ID))(t); got.ProposalID != 0 || got.Status != zhitong.StatusRegistered {
			t.Errorf("case %d moved by a failed proposal: %+v", c.ID, got)
		}
	}
	res := testkit.Must(s.ToProposal(ctx, committee, v, topics.ProposalInput{Title: "关于加强路灯维护的建议", Body: "群众集中反映路灯不亮"}))(t)
	if res.ProposalID == 0 || len(res.Carried) != 3 || len(res.Skipped) != 4 {
		t.Errorf("proposal %+v", res)
	}
	for _, c := range cur[:3] {
		if got := testkit.Must(a.Get(ctx, committee, c.ID))(t); got.ProposalID != res.ProposalID {
			t.Errorf("case %d carries proposal %d", c.ID, got.ProposalID)
		}
	}
}

// TestFreshDeployment: a new deployment answers every period with no topics.
func TestFreshDeployment(t *testing.T) {
	a, _ := testkit.MustApp(t)
	res := testkit.SetUp(t, a, "360783")
	committee := testkit.Principal(t, a, res, zhitong.RoleCommittee)
	s := topics.New(a)
	h := testkit.Must(s.Topics(ctx, committee, url.Values{"period": {"year"}, "year": {"2026"}}))(t)
	if h.Cases != 0 || len(h.Frequent) != 0 || len(h.Rising) != 0 {
		t.Errorf("%+v", h)
	}
	d := testkit.Must(s.Draft(ctx, committee, url.Values{}))(t)
	if !strings.Contains(d.Body, "共收到群众意见建议 0 件") {
		t.Error(d.Body)
	}
	if l := testkit.Must(s.Opinions(ctx, committee, "pending"))(t); len(l) != 0 {
		t.Error(l)
	}
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }

// TestTopicsReadBoundedTexts: hot topics read the period's case texts at
// each request, so a question that would read more than the bound (the
// period and the previous one together) is refused with a message naming
// it, never read for minutes; the report draft follows; its units section
// says 统计整理中 while the settle job has not reached the period.
func TestTopicsReadBoundedTexts(t *testing.T) {
	a, _, f, _ := scenario(t)
	s := topics.New(a)
	analyst := f.In[zhitong.RoleAnalyst]
	nov := url.Values{"period": {"month"}, "month": {"2026-11"}}
	d := testkit.Must(s.Draft(ctx, analyst, nov))(t)
	if !strings.Contains(d.Body, "统计整理中") || len(d.Units) != 0 {
		t.Errorf("draft before the settle: units %v\n%s", d.Units, d.Body)
	}
	testkit.Must(stats.New(a).FreezeDue(ctx))(t)
	if d = testkit.Must(s.Draft(ctx, analyst, nov))(t); strings.Contains(d.Body, "统计整理中") {
		t.Errorf("draft after the settle:\n%s", d.Body)
	}
	defer topics.SetMaxTexts(23)()
	// November (14, plus 10 in October) is over 23; October alone is not.
	for _, err := range []error{second(s.Topics(ctx, analyst, nov)), second(s.Draft(ctx, analyst, nov))} {
		if zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != "period" || !strings.Contains(zhitong.ErrorMessage(err), "较短的期间") {
			t.Errorf("November over the bound: %v", err)
		}
	}
	if h, err := s.Topics(ctx, analyst, url.Values{"period": {"month"}, "month": {"2026-10"}}); err != nil || h.Cases != 10 {
		t.Errorf("October: %v", err)
	}
	if ids, _, err := s.CaseIDs(ctx, analyst, url.Values{"period": {"month"}, "month": {"2026-11"}, "topic": {"路灯"}}); err != nil || len(ids) != 7 {
		t.Errorf("cases of 路灯 in November (14 texts): %v %v", ids, err)
	}
	topics.SetMaxTexts(24)
	if _, err := s.Topics(ctx, analyst, nov); err != nil {
		t.Errorf("November at the bound: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }
