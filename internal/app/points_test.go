package app_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// putDuty writes a roster row the way the check-in feature would.
func putDuty(t *testing.T, a *app.App, station, deputy int64, day, status string) int64 {
	t.Helper()
	d := &store.Duty{StationID: station, DeputyID: deputy, Day: day, Status: status}
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.PutDuty(ctx, d) }); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func countRows(t *testing.T, a *app.App, table string) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// receptionOn makes the days reception days of the fixture's station.
func receptionOn(t *testing.T, a *app.App, f *testkit.Fixture, days ...string) {
	t.Helper()
	var rules []zhitong.ReceptionRule
	for _, d := range days {
		rules = append(rules, zhitong.ReceptionRule{Kind: zhitong.RuleDate, Date: d, Holidays: zhitong.HolidayKeep})
	}
	testkit.Must(a.SetReceptionRules(ctx, f.In[zhitong.RoleCommittee], f.Station, rules, nil))(t)
}

func day(offset int) string {
	return testkit.Start.AddDate(0, 0, offset).Format(time.DateOnly)
}

func TestReceptionRecordTakesInCases(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	deputy := f.In[zhitong.RoleDeputy]
	existing := testkit.Must(a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "村道路灯损坏，晚上出行不便", CategoryCode: "roads",
		StationID: f.Station, DeputyID: f.Deputy, Anonymous: true}))(t)
	other := walkIn(t, a, f, "别的代表接待的群众诉求")
	receptionOn(t, a, f, day(-1), day(0))

	rec := testkit.Must(a.CreateRecord(ctx, deputy, app.RecordInput{Kind: zhitong.RecordReception, Day: day(-1), StationID: f.Station, Visitors: 6,
		Answered: "医保报销政策已当场解答",
		Cases: []app.IntakeInput{
			{Body: "村口桥梁护栏缺失，存在安全隐患", CategoryCode: "roads", Anonymous: true},
			{Body: "咨询城乡居民医保缴费标准", CategoryCode: "consult", Anonymous: true, Answer: "每人每年380元，可在村委会代缴"},
		},
		LinkCases: []string{existing.Code}}))(t)
	if len(rec.CaseIDs) != 3 || !reflect.DeepEqual(rec.DeputyIDs, []int64{f.Deputy}) || rec.Visitors != 6 || rec.RegionCode != f.Town {
		t.Fatalf("record = %+v", rec)
	}
	statuses := map[zhitong.Status]int{}
	for _, id := range rec.CaseIDs {
		c := testkit.Must(a.Get(ctx, f.In[zhitong.RoleOfficer], id))(t)
		statuses[c.Status]++
		if id != existing.ID && (c.DeputyID != f.Deputy || c.StationID != f.Station || c.Channel != string(zhitong.ChannelWalkIn)) {
			t.Errorf("case %d taken in as %+v", id, c)
		}
	}
	if statuses[zhitong.StatusRegistered] != 2 || statuses[zhitong.StatusAnswered] != 1 {
		t.Fatalf("case statuses = %v", statuses)
	}
	entries := testkit.Must(a.DB().Query(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'duty_record.create' AND object = ?`, "duty_record:"+itoa(rec.ID)))(t)
	defer entries.Close()
	var n int
	if !entries.Next() || entries.Scan(&n) != nil || n != 1 {
		t.Fatalf("audit entries for the record = %d", n)
	}

	// A deputy links only cases they may see: another is a reference
	// outside the jurisdiction, invalid on link_cases (app/refs.go).
	_, err := a.CreateRecord(ctx, deputy, app.RecordInput{Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station, LinkCases: []string{itoa(other.ID)}})
	testkit.WantCode(t, err, zhitong.EINVALID)

	// A bad second case refuses the whole record: no record, no first case.
	cases, records := countRows(t, a, "cases"), countRows(t, a, "duty_records")
	_, err = a.CreateRecord(ctx, deputy, app.RecordInput{Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station, Visitors: 2,
		Cases: []app.IntakeInput{{Body: "道路积水需要处理", CategoryCode: "roads", Anonymous: true}, {Body: "短", CategoryCode: "roads", Anonymous: true}}})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "cases[1].body" {
		t.Errorf("field = %q, want cases[1].body", zhitong.ErrorField(err))
	}
	_, err = a.CreateRecord(ctx, deputy, app.RecordInput{Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station,
		Cases: []app.IntakeInput{{Body: "道路积水需要处理", CategoryCode: "roads", Anonymous: true}}, LinkCases: []string{"2222-3333-4444"}})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if countRows(t, a, "cases") != cases || countRows(t, a, "duty_records") != records {
		t.Fatal("a refused record left rows behind")
	}
}

func TestRecordValidation(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for name, in := range map[string]app.RecordInput{
		"kind":              {Kind: "party", Day: day(0), DeputyIDs: []int64{f.Deputy}},
		"future":            {Kind: zhitong.RecordReception, Day: day(1), StationID: f.Station, DeputyIDs: []int64{f.Deputy}},
		"bad day":           {Kind: zhitong.RecordReception, Day: "2026-13-01", StationID: f.Station, DeputyIDs: []int64{f.Deputy}},
		"no deputy":         {Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station},
		"no station":        {Kind: zhitong.RecordReception, Day: day(0), DeputyIDs: []int64{f.Deputy}},
		"negative":          {Kind: zhitong.RecordReception, Day: day(0), StationID: f.Station, DeputyIDs: []int64{f.Deputy}, Visitors: -1},
		"mediation result":  {Kind: zhitong.RecordMediation, Day: day(0), Title: "宅基地纠纷", DeputyIDs: []int64{f.Deputy}},
		"activity kind":     {Kind: zhitong.RecordActivity, Day: day(0), Title: "农村饮水调研", DeputyIDs: []int64{f.Deputy}},
		"duplicate deputy":  {Kind: zhitong.RecordMediation, Day: day(0), Title: "纠纷", Result: "已和解", DeputyIDs: []int64{f.Deputy, f.Deputy}},
		"unknown deputy":    {Kind: zhitong.RecordMediation, Day: day(0), Title: "纠纷", Result: "已和解", DeputyIDs: []int64{999}},
		"visitors activity": {Kind: zhitong.RecordActivity, Activity: "survey", Day: day(0), Title: "调研", DeputyIDs: []int64{f.Deputy}, Visitors: 3},
	} {
		_, err := a.CreateRecord(ctx, officer, in)
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			t.Errorf("%s: error %v, want invalid", name, err)
		}
	}
}

func TestRecordPermissions(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	mediation := func(deputies ...int64) app.RecordInput {
		return app.RecordInput{Kind: zhitong.RecordMediation, Day: day(0), Title: "邻里排水纠纷", Result: "双方达成和解", StationID: f.Station, DeputyIDs: deputies}
	}
	for _, tc := range []struct {
		name string
		p    zhitong.Principal
		in   app.RecordInput
		want string
	}{
		{"officer in", f.In[zhitong.RoleOfficer], mediation(f.Deputy), ""},
		{"committee in", f.In[zhitong.RoleCommittee], mediation(f.Deputy), ""},
		{"station head own station", f.In[zhitong.RoleStationHead], mediation(f.Deputy), ""},
		{"deputy self", f.In[zhitong.RoleDeputy], mediation(), ""},
		{"officer out", f.Out[zhitong.RoleOfficer], mediation(f.Deputy), zhitong.EFORBIDDEN},
		{"officer out, own deputy, other station", f.Out[zhitong.RoleOfficer], mediation(f.OtherDeputy), zhitong.EFORBIDDEN},
		{"station head other station", f.Out[zhitong.RoleStationHead], mediation(f.Deputy), zhitong.EFORBIDDEN},
		{"deputy for another", f.In[zhitong.RoleDeputy], mediation(f.OtherDeputy), zhitong.EFORBIDDEN},
		{"unit", f.In[zhitong.RoleUnit], mediation(f.Deputy), zhitong.EFORBIDDEN},
		{"analyst", f.In[zhitong.RoleAnalyst], mediation(f.Deputy), zhitong.EFORBIDDEN},
		{"citizen", zhitong.Citizen, mediation(f.Deputy), zhitong.EUNAUTHORIZED},
	} {
		_, err := a.CreateRecord(ctx, tc.p, tc.in)
		if got := zhitong.ErrorCode(err); got != tc.want {
			t.Errorf("%s: code %q (%v), want %q", tc.name, got, err, tc.want)
		}
	}
	// Reading follows the same jurisdiction.
	recs := testkit.Must(a.Records(ctx, f.In[zhitong.RoleOfficer], app.RecordQuery{}))(t)
	if len(recs) != 4 {
		t.Fatalf("officer in sees %d records, want 4", len(recs))
	}
	if out := testkit.Must(a.Records(ctx, f.Out[zhitong.RoleOfficer], app.RecordQuery{}))(t); len(out) != 0 {
		t.Fatalf("officer out sees %d records", len(out))
	}
	_, err := a.Record(ctx, f.Out[zhitong.RoleStationHead], recs[0].ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.Records(ctx, zhitong.Citizen, app.RecordQuery{})
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
}

// scenario lays out a deputy's quarter: check-ins, an absence, receptions,
// a mediation, an activity, cases and an adopted proposal. It returns what
// the scorecard must count.
func scenario(t *testing.T, a *app.App, clock *testkit.Clock, f *testkit.Fixture) app.Scorecard {
	t.Helper()
	deputy, committee := f.In[zhitong.RoleDeputy], f.In[zhitong.RoleCommittee]
	putDuty(t, a, f.Station, f.Deputy, day(-30), "checked_in")
	putDuty(t, a, f.Station, f.Deputy, day(-20), "checked_in")
	putDuty(t, a, f.Station, f.Deputy, day(-10), "no_show")
	putDuty(t, a, f.Station, f.Deputy, day(-5), "excused")
	putDuty(t, a, f.Station, f.Deputy, day(-4), "planned")
	putDuty(t, a, f.OtherStation, f.OtherDeputy, day(-20), "checked_in")
	receptionOn(t, a, f, day(-15), day(-200))
	want := app.Scorecard{Visits: 3, Absences: 1}
	// A reception on a check-in day and one on another day; a third before the period.
	for _, r := range []struct {
		day      string
		visitors int
		cases    int
	}{{day(-30), 7, 2}, {day(-15), 5, 1}, {day(-200), 9, 0}} {
		in := app.RecordInput{Kind: zhitong.RecordReception, Day: r.day, StationID: f.Station, Visitors: r.visitors}
		for i := 0; i < r.cases; i++ {
			in.Cases = append(in.Cases, app.IntakeInput{Body: "反映村里道路破损问题" + itoa(int64(i)), CategoryCode: "roads", Anonymous: true})
		}
		// Recorded on the day itself, so its cases are collected that day.
		clock.Set(testkit.Must(time.ParseInLocation(time.DateOnly, r.day, zhitong.China))(t).Add(15 * time.Hour))
		testkit.Must(a.CreateRecord(ctx, deputy, in))(t)
		if r.day >= day(-90) {
			want.Received += r.visitors
			want.Cases += r.cases
		}
	}
	clock.Set(testkit.Start)
	// A case a citizen submitted online, named to no deputy, linked to the
	// deputy's mediation: collected by them. The reception cases above are
	// both the deputy's and linked, and count once.
	online := submit(t, a, f, "两户村民因宅基地边界发生争执，请求调解")
	testkit.Must(a.CreateRecord(ctx, f.In[zhitong.RoleOfficer], app.RecordInput{Kind: zhitong.RecordMediation, Day: day(-12), Title: "宅基地边界纠纷",
		Result: "双方签订调解协议", Others: "村调委会主任", DeputyIDs: []int64{f.Deputy}, LinkCases: []string{online.Code}}))(t)
	want.Cases++
	testkit.Must(a.CreateRecord(ctx, f.In[zhitong.RoleCommittee], app.RecordInput{Kind: zhitong.RecordActivity, Activity: "inspection", Day: day(-8),
		Title: "农村公路集中视察", Result: "发现问题3处", DeputyIDs: []int64{f.Deputy}}))(t)
	want.Mediations, want.Activities = 1, 1
	// Two proposals; one adopted (planned), one not (D).
	for i, outcome := range []zhitong.Outcome{zhitong.OutcomePlanned, zhitong.OutcomeNotNow} {
		c := testkit.Must(a.Intake(ctx, deputy, app.IntakeInput{Channel: zhitong.ChannelSurvey, Body: "老旧小区改造诉求" + itoa(int64(i)),
			CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		c = testkit.Must(a.Propose(ctx, deputy, c.ID, app.ProposeInput{Title: "关于老旧小区改造的建议" + itoa(int64(i))}))(t)
		testkit.Must(a.ReplyProposal(ctx, committee, c.ProposalID, app.ReplyInput{Outcome: outcome, Text: "已研究并答复代表", PlannedDate: "2027-06-30",
			Reason: "财力所限，暂不能安排"}))(t)
		want.Cases++
	}
	want.Proposals, want.Adopted, want.AdoptionRate = 2, 1, 0.5
	return want
}

func TestScorecardMatchesRecords(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	want := scenario(t, a, clock, f)
	from, to := day(-90), day(0)
	got := testkit.Must(a.Scorecard(ctx, f.Deputy, from, to))(t)
	if got.Visits != want.Visits || got.Received != want.Received || got.Cases != want.Cases || got.Proposals != want.Proposals ||
		got.Adopted != want.Adopted || got.AdoptionRate != want.AdoptionRate || got.Mediations != want.Mediations ||
		got.Activities != want.Activities || got.Absences != want.Absences {
		t.Fatalf("scorecard = %+v\nwant      %+v", got, want)
	}
	rules := map[zhitong.PointEvent]int{}
	for _, r := range testkit.Must(a.PointRules(ctx))(t) {
		rules[r.Event] = r.Points
	}
	wantPoints := want.Visits*rules[zhitong.PointVisit] + want.Absences*rules[zhitong.PointAbsence] + want.Mediations*rules[zhitong.PointMediation] +
		want.Activities*rules[zhitong.PointInspection] + want.Proposals*rules[zhitong.PointProposal] + want.Cases*rules[zhitong.PointCase]
	if got.Points != wantPoints {
		t.Fatalf("points = %d (%v), want %d", got.Points, got.ByEvent, wantPoints)
	}
	// The points are the stored ledger's: the same total the rankings show.
	if l := ledgerOf(t, a, f); sumPoints(l, "") != got.Points {
		t.Fatalf("scorecard %d points, ledger %d", got.Points, sumPoints(l, ""))
	}
	rk := testkit.Must(a.Rankings(ctx, f.In[zhitong.RoleCommittee], from, to))(t)
	if rk.Deputies[0].ID != itoa(f.Deputy) || rk.Deputies[0].Points != got.Points || rk.Version != got.Version {
		t.Fatalf("rankings %+v, scorecard %d points (rules v%d)", rk.Deputies, got.Points, got.Version)
	}
	// The other deputy's check-in was written behind the app's back (the
	// store helper): it counts once a recompute reads it, and is theirs alone.
	if other := testkit.Must(a.Scorecard(ctx, f.OtherDeputy, from, to))(t); other.Visits != 1 || other.Points != 0 {
		t.Fatalf("other deputy before recompute = %+v", other)
	}
	testkit.Must(a.Recompute(ctx, f.Out[zhitong.RoleCommittee]))(t)
	other := testkit.Must(a.Scorecard(ctx, f.OtherDeputy, from, to))(t)
	if other.Visits != 1 || other.Cases != 0 || other.Points != rules[zhitong.PointVisit] {
		t.Fatalf("other deputy = %+v", other)
	}
	// The period narrows the counts: the first fortnight holds one visit-day reception.
	early := testkit.Must(a.Scorecard(ctx, f.Deputy, day(-31), day(-29)))(t)
	if early.Visits != 1 || early.Received != 7 || early.Cases != 2 || early.Mediations != 0 {
		t.Fatalf("early scorecard = %+v", early)
	}
	_, err := a.Scorecard(ctx, f.Deputy, day(0), day(-1))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.Scorecard(ctx, 9999, "", "")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)

	totals := testkit.Must(a.CountyTotals(ctx, f.County))(t)
	if totals.Received != 7+5+9 || totals.Collected != countRows(t, a, "cases") {
		t.Fatalf("county totals = %+v", totals)
	}
}

func ledgerOf(t *testing.T, a *app.App, f *testkit.Fixture) []zhitong.PointEntry {
	t.Helper()
	return testkit.Must(a.Ledger(ctx, f.In[zhitong.RoleCommittee], f.Deputy, day(-90), day(0)))(t)
}

func sumPoints(entries []zhitong.PointEntry, event zhitong.PointEvent) (n int) {
	for _, e := range entries {
		if event == "" || e.Event == event {
			n += e.Points
		}
	}
	return n
}

func TestRecomputeIsReproducible(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	want := scenario(t, a, clock, f)
	committee := f.In[zhitong.RoleCommittee]
	testkit.Must(a.Recompute(ctx, committee))(t)
	first := ledgerOf(t, a, f)
	res := testkit.Must(a.Recompute(ctx, committee))(t)
	second := ledgerOf(t, a, f)
	if !reflect.DeepEqual(first, second) || len(first) == 0 {
		t.Fatalf("recompute twice differs:\n%v\n%v", first, second)
	}
	if res.Deputies != 1 || res.Entries != len(second)+1 { // +1: the reception before the period
		t.Fatalf("recompute result %+v, ledger %d entries", res, len(second))
	}
	for _, e := range first {
		if e.Source == "" || e.Day == "" {
			t.Fatalf("entry without a source: %+v", e)
		}
	}

	// Raise a visit by 2 points: the total grows by exactly 2 per visit day.
	rules := testkit.Must(a.PointRules(ctx))(t)
	var visit zhitong.PointRule
	for _, r := range rules {
		if r.Event == zhitong.PointVisit {
			visit = r
		}
	}
	// Raising a visit by 2 points recomputes every ledger at once: the
	// total grows by exactly 2 per visit day, and the scorecard and the
	// rankings say the same under rule set version 2.
	testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointVisit, app.RuleInput{Points: visit.Points + 2}))(t)
	after := ledgerOf(t, a, f)
	if d := sumPoints(after, "") - sumPoints(first, ""); d != 2*want.Visits {
		t.Fatalf("visit +2 changed the total by %d, want %d", d, 2*want.Visits)
	}
	sc := testkit.Must(a.Scorecard(ctx, f.Deputy, day(-90), day(0)))(t)
	rk := testkit.Must(a.Rankings(ctx, committee, day(-90), day(0)))(t)
	if sc.Points != sumPoints(after, "") || rk.Deputies[0].Points != sc.Points || sc.Version != 2 || rk.Version != 2 || sc.ChangedAt == "" {
		t.Fatalf("after a rule change: scorecard %d (v%d), rankings %d (v%d), ledger %d", sc.Points, sc.Version, rk.Deputies[0].Points, rk.Version, sumPoints(after, ""))
	}
	// Same records and same rules give the same ledger: put the rule back.
	testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointVisit, app.RuleInput{Points: visit.Points}))(t)
	if back := ledgerOf(t, a, f); !reflect.DeepEqual(back, first) {
		t.Fatalf("the old rules again give another ledger:\n%v\n%v", back, first)
	}
	testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointVisit, app.RuleInput{Points: visit.Points + 2}))(t)
	if again := ledgerOf(t, a, f); !reflect.DeepEqual(again, after) {
		t.Fatalf("the same rule change twice gives two ledgers")
	}
	// Cap cases at 2 a year: the case points drop to 2, every case still listed.
	testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointCase, app.RuleInput{Points: 1, Cap: 2, Period: "year"}))(t)
	capped := ledgerOf(t, a, f)
	if got := sumPoints(capped, zhitong.PointCase); got != 2 {
		t.Fatalf("capped case points = %d, want 2", got)
	}
	n := 0
	for _, e := range capped {
		if e.Event == zhitong.PointCase {
			n++
		}
	}
	if n != want.Cases {
		t.Fatalf("capped ledger lists %d cases, want %d", n, want.Cases)
	}
	if d := sumPoints(after, "") - sumPoints(capped, ""); d != want.Cases-2 {
		t.Fatalf("cap changed the total by %d, want %d", d, want.Cases-2)
	}

	// A cap reached part-way: two proposals this month at 3 points, at most
	// 4 a month, count 3 and 1, and the second says why.
	testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointProposal, app.RuleInput{Points: 3, Cap: 4, Period: "month"}))(t)
	var props []zhitong.PointEntry
	for _, e := range ledgerOf(t, a, f) {
		if e.Event == zhitong.PointProposal {
			props = append(props, e)
		}
	}
	if len(props) != 2 || props[0].Points != 3 || props[1].Points != 1 || props[1].Note == "" {
		t.Fatalf("capped proposals = %+v", props)
	}

	// Only committee staff set rules; every change is audited.
	_, err := a.SetPointRule(ctx, f.In[zhitong.RoleOfficer], zhitong.PointCase, app.RuleInput{Points: 9})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SetPointRule(ctx, committee, zhitong.PointCase, app.RuleInput{Points: 1, Cap: 5})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.SetPointRule(ctx, committee, "bribes", app.RuleInput{Points: 1})
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = a.Recompute(ctx, f.In[zhitong.RoleStationHead])
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	var audited int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'points.rule'`).Scan(&audited))(t)
	if audited != 5 {
		t.Fatalf("%d rule changes audited, want 5", audited)
	}
}

func TestRankingsAndInactivity(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	putDuty(t, a, f.Station, f.Deputy, day(-10), "checked_in")
	testkit.Must(a.Recompute(ctx, committee))(t)

	r := testkit.Must(a.Rankings(ctx, committee, day(-30), day(0)))(t)
	if len(r.Deputies) != 1 || r.Deputies[0].ID != itoa(f.Deputy) || r.Deputies[0].Points <= 0 || len(r.Stations) != 1 || len(r.Regions) != 1 {
		t.Fatalf("rankings = %+v", r)
	}
	_, err := a.Rankings(ctx, f.In[zhitong.RoleUnit], "", "")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	list := testkit.Must(a.Inactive(ctx, committee, 0))(t)
	if list.Days != app.DefaultInactiveDays || len(list.Items) != 0 {
		t.Fatalf("inactive(default) = %+v", list)
	}
	list = testkit.Must(a.Inactive(ctx, committee, 5))(t)
	if len(list.Items) != 1 || list.Items[0].DeputyID != f.Deputy || list.Items[0].DaysInactive != 10 || list.Items[0].LastCheckIn != day(-10) {
		t.Fatalf("inactive(5) = %+v", list)
	}
	testkit.Must(0, a.SetInactiveDays(ctx, committee, 7))(t)
	if list = testkit.Must(a.Inactive(ctx, committee, 0))(t); list.Days != 7 || len(list.Items) != 1 {
		t.Fatalf("inactive(configured 7) = %+v", list)
	}
	// The other county's deputy never came, but is not this county's business.
	if out := testkit.Must(a.Inactive(ctx, f.Out[zhitong.RoleOfficer], 0))(t); len(out.Items) != 1 || out.Items[0].DeputyID != f.OtherDeputy || out.Items[0].DaysInactive != -1 {
		t.Fatalf("inactive(out) = %+v", out)
	}
	_, err = a.Inactive(ctx, f.In[zhitong.RoleDeputy], 0)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	testkit.WantCode(t, a.SetInactiveDays(ctx, f.In[zhitong.RoleOfficer], 30), zhitong.EFORBIDDEN)

	// A reminder (约谈提醒): an in-app notice to the deputy's account through
	// the outbox, recorded, audited, and shown on the list.
	if list.Items[0].LastReminder != "" {
		t.Fatalf("reminded before any reminder: %+v", list.Items[0])
	}
	testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "liu", DisplayName: "刘代表", Role: zhitong.RoleDeputy,
		RegionCode: f.Town, DeputyID: f.Deputy, Password: "Zhitong@2026"}))(t)
	rem := testkit.Must(a.RemindDeputy(ctx, f.In[zhitong.RoleOfficer], f.Deputy, app.ReminderInput{Note: "请于本周内进站"}))(t)
	if rem.Notices < 1 || rem.Days != 10 || rem.SentAt != day(0) {
		t.Fatalf("reminder = %+v", rem)
	}
	var notices, audited int
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id
 WHERE n.template = 'deputy.inactive_reminder' AND n.channel = 'inapp' AND u.deputy_id = ?`, f.Deputy).Scan(&notices))(t)
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'deputy.remind' AND object = ?`, "deputy:"+itoa(f.Deputy)).Scan(&audited))(t)
	if notices != 1 || audited != 1 {
		t.Fatalf("%d notices, %d audit entries for the reminder", notices, audited)
	}
	if list = testkit.Must(a.Inactive(ctx, committee, 0))(t); list.Items[0].LastReminder != day(0) {
		t.Fatalf("last reminder = %q, want %s", list.Items[0].LastReminder, day(0))
	}
	_, err = a.RemindDeputy(ctx, f.Out[zhitong.RoleOfficer], f.Deputy, app.ReminderInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.RemindDeputy(ctx, f.In[zhitong.RoleDeputy], f.Deputy, app.ReminderInput{})
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

func TestVoterReport(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	want := scenario(t, a, clock, f)
	officer := f.In[zhitong.RoleOfficer]
	from, to := day(-90), day(0)
	v := testkit.Must(a.VoterReport(ctx, officer, f.Deputy, from, to))(t)
	if v.Saved || v.Scorecard.Cases != want.Cases || len(v.Cases) != want.Cases || len(v.Proposals) != 2 || len(v.Records) != 4 || v.Report.Narrative == "" {
		t.Fatalf("draft = saved %v, %d cases, %d proposals, %d records, %q", v.Saved, len(v.Cases), len(v.Proposals), len(v.Records), v.Report.Narrative)
	}
	// Sources are named for people: the case's tracking code, the record's kind and day.
	codes := map[string]string{}
	for _, c := range v.Cases {
		codes["case:"+itoa(c.ID)] = c.Code
		if c.OutcomeLabel == "" {
			t.Errorf("case %d has no outcome label", c.ID)
		}
	}
	if len(v.Points) == 0 {
		t.Fatal("the report lists no points")
	}
	for _, e := range v.Points {
		if e.SourceLabel == "" || e.SourceLabel == e.Source || (codes[e.Source] != "" && !strings.Contains(e.SourceLabel, codes[e.Source])) {
			t.Errorf("source %s labelled %q", e.Source, e.SourceLabel)
		}
		if strings.HasPrefix(e.Source, "record:") && !strings.Contains(e.SourceLabel, e.Day) {
			t.Errorf("record source %s labelled %q, want its day", e.Source, e.SourceLabel)
		}
	}
	// A case answered on the spot says so, not 尚未答复.
	spot := testkit.Must(a.Intake(ctx, f.In[zhitong.RoleDeputy], app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "咨询高龄补贴申领条件",
		CategoryCode: "consult", StationID: f.Station, Anonymous: true, Answer: "年满80周岁可在村委会申领"}))(t)
	v = testkit.Must(a.VoterReport(ctx, officer, f.Deputy, from, to))(t)
	for _, c := range v.Cases {
		if c.ID == spot.ID && c.OutcomeLabel != "当场答复" {
			t.Fatalf("case answered on the spot labelled %q", c.OutcomeLabel)
		}
	}
	// An empty narrative stores the draft; reports of other periods are listed.
	empty := testkit.Must(a.SaveVoterReport(ctx, officer, f.Deputy, app.VoterReportInput{From: day(-30), To: day(-1), Narrative: "  "}))(t)
	if !strings.HasPrefix(empty.Narrative, "本人") {
		t.Fatalf("empty narrative stored as %q", empty.Narrative)
	}
	in := app.VoterReportInput{From: from, To: to, Narrative: "履职情况报告正文", Present: 40, Satisfied: 30, Basic: 8, Unsatisfied: 1}
	testkit.Must(a.SaveVoterReport(ctx, officer, f.Deputy, in))(t)
	v = testkit.Must(a.VoterReport(ctx, f.In[zhitong.RoleDeputy], f.Deputy, from, to))(t)
	if !v.Saved || v.Report.Narrative != in.Narrative || v.Report.Satisfied != 30 || v.Report.Present != 40 {
		t.Fatalf("saved report = %+v", v.Report)
	}
	if len(v.SavedReports) != 2 || v.SavedReports[0].From != from || v.SavedReports[1].From != day(-30) {
		t.Fatalf("saved reports = %+v", v.SavedReports)
	}
	bad := in
	bad.Present = 10
	_, err := a.SaveVoterReport(ctx, officer, f.Deputy, bad)
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.SaveVoterReport(ctx, f.In[zhitong.RoleDeputy], f.Deputy, in)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.SaveVoterReport(ctx, f.Out[zhitong.RoleOfficer], f.Deputy, in)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.VoterReport(ctx, f.In[zhitong.RoleDeputy], f.OtherDeputy, from, to)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

// Every fact written through the app refreshes its deputy's ledger in the
// same transaction: a case collected, a proposal, a record. Facts written
// behind the app's back (the store helper) wait for a recompute.
func TestFactsRefreshTheLedger(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	before := ledgerOf(t, a, f)
	c := testkit.Must(a.Intake(ctx, f.In[zhitong.RoleDeputy], app.IntakeInput{Channel: zhitong.ChannelSurvey, Body: "村里自来水水压不足",
		CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	if got := ledgerOf(t, a, f); sumPoints(got, zhitong.PointCase) != sumPoints(before, zhitong.PointCase)+1 {
		t.Fatalf("a collected case did not reach the ledger: %v", got)
	}
	testkit.Must(a.Propose(ctx, f.In[zhitong.RoleDeputy], c.ID, app.ProposeInput{Title: "关于改善农村供水的建议"}))(t)
	testkit.Must(a.CreateRecord(ctx, f.In[zhitong.RoleCommittee], app.RecordInput{Kind: zhitong.RecordActivity, Activity: "survey", Day: day(-3),
		Title: "农村供水专题调研", DeputyIDs: []int64{f.Deputy}}))(t)
	got := ledgerOf(t, a, f)
	if sumPoints(got, zhitong.PointProposal) != 3 || sumPoints(got, zhitong.PointResearch) != 3 || sumPoints(got, zhitong.PointActivity) != 0 {
		t.Fatalf("proposal and research points = %v", got)
	}
	putDuty(t, a, f.Station, f.Deputy, day(-7), "no_show")
	if again := ledgerOf(t, a, f); !reflect.DeepEqual(again, got) {
		t.Fatal("a fact written behind the app's back moved the ledger")
	}
	testkit.Must(a.Recompute(ctx, f.In[zhitong.RoleCommittee]))(t)
	if after := ledgerOf(t, a, f); sumPoints(after, zhitong.PointAbsence) != -5 {
		t.Fatalf("recompute did not count the absence: %v", after)
	}
}

// A negative rule may be capped: the cap bounds the deduction per period
// (here an ISO week), and the events of separate activities count apart.
func TestNegativeCapPerWeek(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	monday := testkit.Start.AddDate(0, 0, -int(testkit.Start.Weekday()+6)%7-14)
	for _, d := range []int{0, 1, 2, 7} {
		putDuty(t, a, f.Station, f.Deputy, monday.AddDate(0, 0, d).Format(time.DateOnly), "no_show")
	}
	rule := testkit.Must(a.SetPointRule(ctx, committee, zhitong.PointAbsence, app.RuleInput{Points: -5, Cap: -8, Period: "week"}))(t)
	if rule.Cap != 8 || rule.Period != "week" {
		t.Fatalf("rule = %+v", rule)
	}
	var pts []int
	for _, e := range ledgerOf(t, a, f) {
		if e.Event == zhitong.PointAbsence {
			pts = append(pts, e.Points)
		}
	}
	if !reflect.DeepEqual(pts, []int{-5, -3, 0, -5}) {
		t.Fatalf("capped absences = %v, want [-5 -3 0 -5]", pts)
	}
	_, err := a.SetPointRule(ctx, committee, zhitong.PointVisit, app.RuleInput{Points: 5, Cap: -10, Period: "month"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.SetPointRule(ctx, committee, zhitong.PointAbsence, app.RuleInput{Points: -5, Cap: -10, Period: "fortnight"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	for _, ev := range []zhitong.PointEvent{zhitong.PointInspection, zhitong.PointResearch} {
		testkit.Must(a.SetPointRule(ctx, committee, ev, app.RuleInput{Points: 4}))(t)
	}
}
