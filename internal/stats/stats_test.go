package stats_test

import (
	"context"
	"fmt"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

func setDay(clock *testkit.Clock, date string) {
	d, err := time.ParseInLocation(time.DateOnly, date, zhitong.China)
	if err != nil {
		panic(err)
	}
	clock.Set(d.Add(9 * time.Hour))
}

func submit(t *testing.T, a *app.App, f *testkit.Fixture, body string) *zhitong.Case {
	t.Helper()
	return testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234", Place: "历市镇建设路"}))(t)
}

func assigned(t *testing.T, a *app.App, f *testkit.Fixture, body string) *zhitong.Case {
	t.Helper()
	officer := f.In[zhitong.RoleOfficer]
	c := submit(t, a, f, body)
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation, StationID: f.Station}))(t)
	return testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
}

var toCitizen = []app.DeliveryInput{{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}

// scenario lays out cases whose every number is known (the bulletin test's
// three plus one received and never registered, one A reply solved later
// by nobody, one called back): November–December 2026.
func scenario(t *testing.T) (*app.App, *testkit.Clock, *testkit.Fixture) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	setDay(clock, "2026-11-23")
	c1 := submit(t, a, f, "一号：路灯不亮")
	c1 = testkit.Must(a.Register(ctx, officer, c1.ID, app.RegisterInput{Version: c1.Version, CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
	c1 = testkit.Must(a.Assign(ctx, officer, c1.ID, app.AssignInput{Version: c1.Version, LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	c1 = testkit.Must(a.Accept(ctx, lead, c1.ID, app.TextInput{}))(t)
	c1 = testkit.Must(a.Reply(ctx, lead, c1.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路灯已经修好", Deliveries: toCitizen}))(t)
	testkit.Must(a.Evaluate(ctx, c1.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	c2 := assigned(t, a, f, "二号：井盖缺失")
	setDay(clock, "2026-11-27")
	testkit.Must(a.Accept(ctx, lead, c2.ID, app.TextInput{}))(t)
	submit(t, a, f, "五号：还没有登记的意见") // received, never registered
	setDay(clock, "2026-11-24")
	c3 := assigned(t, a, f, "三号：排水沟堵塞")
	testkit.Must(a.Accept(ctx, lead, c3.ID, app.TextInput{}))(t)
	setDay(clock, "2026-12-02")
	c3 = testkit.Must(a.Reply(ctx, lead, c3.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在组织清淤"}))(t)
	c3 = testkit.Must(a.Callback(ctx, officer, c3.ID, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是堵"}))(t)
	testkit.Must(a.Rehandle(ctx, committee, c3.ID, app.RehandleInput{Note: "责成重办"}))(t)
	setDay(clock, "2027-01-05")
	assigned(t, a, f, "四号：期外案件")
	return a, clock, f
}

func query(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestDashboardAgreesWithBulletin: the bulletin of a period and the
// dashboard of the same period, by unit and by township, give the same
// numbers: both count through measure.Count.
func TestDashboardAgreesWithBulletin(t *testing.T) {
	a, _, f := scenario(t)
	start, end := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	b := testkit.Must(a.GenerateBulletin(ctx, "monthly", start, end))(t)
	committee := f.In[zhitong.RoleCommittee]
	s := stats.New(a)
	// Settled as the job keeps it (unsettled, December would be pending:
	// TestStaffFiguresWaitForTheSettle).
	testkit.Must(s.FreezeDue(ctx))(t)
	for scope, slice := range map[string]string{"unit": "unit", "town": "town"} {
		d := testkit.Must(s.Dashboard(ctx, committee, query("period", "custom", "start", "2026-11-23", "end", "2026-12-31", "slice", slice)))(t)
		rows := map[string]measure.Counts{}
		for _, r := range d.Rows {
			rows[r.Key] = r.Counts
		}
		n := 0
		for _, br := range b.Rows {
			if br.Scope != scope {
				continue
			}
			n++
			got := app.BulletinRowOf(br.Scope, br.Ref, rows[br.Ref])
			got.Name = br.Name
			if got != br {
				t.Errorf("%s %s: dashboard %+v\nbulletin %+v", scope, br.Ref, got, br)
			}
		}
		if n == 0 {
			t.Fatalf("no %s rows in the bulletin", scope)
		}
	}
	// The numbers themselves, by hand (see the bulletin test).
	d := testkit.Must(s.Dashboard(ctx, committee, query("period", "custom", "start", "2026-11-23", "end", "2026-12-31")))(t)
	want := measure.Counts{Received: 4, RegisteredInTime: 3, Assigned: 4, AcceptedInTime: 3, Replied: 2, RepliedOnTime: 1, Solved: 1,
		Evaluated: 2, Satisfied: 1, CalledBack: 1, Rehandled: 1, Overdue: 2, ReplyDays: d.Total.ReplyDays}
	if d.Total != want {
		t.Errorf("total %+v\nwant  %+v", d.Total, want)
	}
	if d.Total.ReplyDays != 0+6 { // c1 the same day; c3 11-24 → 12-02: 6 working days
		t.Errorf("reply days %d, want 6", d.Total.ReplyDays)
	}
}

// TestFiguresEqualRawData checks the counts against plain SQL over the raw
// tables, and each count's cases against the count (the click-through).
func TestFiguresEqualRawData(t *testing.T) {
	a, _, f := scenario(t)
	committee := f.In[zhitong.RoleCommittee]
	s := stats.New(a)
	testkit.Must(s.FreezeDue(ctx))(t) // as the job keeps it
	for _, m := range []string{"2026-11", "2026-12", "2027-01"} {
		d := testkit.Must(s.Dashboard(ctx, committee, query("period", "month", "month", m)))(t)
		r := app.StatRange(d.Period.Start, d.Period.End, "")
		raw := func(q string, args ...any) int {
			var n int
			if err := a.DB().QueryRow(ctx, q, args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		for name, c := range map[string][2]int{
			"received":  {d.Total.Received, raw(`SELECT COUNT(*) FROM cases WHERE submitted_at >= ? AND submitted_at < ?`, r.From, r.To)},
			"assigned":  {d.Total.Assigned, raw(`SELECT COUNT(*) FROM assignments WHERE lead AND assigned_at >= ? AND assigned_at < ?`, r.From, r.To)},
			"replied":   {d.Total.Replied, raw(`SELECT COUNT(*) FROM replies WHERE unit_id IS NOT NULL AND at >= ? AND at < ?`, r.From, r.To)},
			"evaluated": {d.Total.Evaluated, raw(`SELECT COUNT(*) FROM evaluations WHERE at >= ? AND at < ?`, r.From, r.To)},
			"satisfied": {d.Total.Satisfied, raw(`SELECT COUNT(*) FROM evaluations WHERE rating <> 'unsatisfied' AND at >= ? AND at < ?`, r.From, r.To)},
			"solved":    {d.Total.Solved, raw(`SELECT COUNT(*) FROM replies WHERE unit_id IS NOT NULL AND outcome = 'A' AND at >= ? AND at < ?`, r.From, r.To)},
		} {
			if c[0] != c[1] {
				t.Errorf("%s %s: dashboard %d, raw %d", m, name, c[0], c[1])
			}
		}
		for _, fig := range measure.Figures {
			if fig.Kind != measure.KindCount {
				continue
			}
			ids, _ := testkit.Must2(s.CaseIDs(ctx, committee, query("period", "month", "month", m, "stat", fig.Key)))(t)
			if n := d.Total.Get(fig.Key); len(ids) > n || (n > 0 && len(ids) == 0) {
				t.Errorf("%s %s: %d cases behind a count of %d", m, fig.Key, len(ids), n)
			}
		}
	}
	// By unit: the lead unit's assigned cases are its four lead assignments' three cases + c1.
	ids, label := testkit.Must2(s.CaseIDs(ctx, committee, query("period", "custom", "start", "2026-11-23", "end", "2026-12-31", "slice", "unit",
		"key", strconv.FormatInt(f.Lead, 10), "stat", "assigned")))(t)
	if len(ids) != 3 || label == "" {
		t.Errorf("lead unit's assigned cases %v (%q), want 3", ids, label)
	}
	// Another county sees none of it.
	d := testkit.Must(s.Dashboard(ctx, f.Out[zhitong.RoleCommittee], query("period", "custom", "start", "2026-11-23", "end", "2026-12-31")))(t)
	if d.Total != (measure.Counts{}) {
		t.Errorf("another county's committee sees %+v", d.Total)
	}
}

func TestBadInputIsInvalid(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	s := stats.New(a)
	committee := f.In[zhitong.RoleCommittee]
	for name, v := range map[string]url.Values{
		"period":       query("period", "week"),
		"month":        query("period", "month", "month", "2026-13"),
		"quarter":      query("period", "quarter", "quarter", "2026-Q5"),
		"year":         query("period", "year", "year", "二〇二六"),
		"custom empty": query("period", "custom"),
		"backwards":    query("period", "custom", "start", "2026-12-01", "end", "2026-11-01"),
		"too long":     query("period", "custom", "start", "2020-01-01", "end", "2026-11-01"),
		"slice":        query("slice", "weather"),
	} {
		_, err := s.Dashboard(ctx, committee, v)
		testkit.WantCode(t, err, zhitong.EINVALID)
		if msg := zhitong.ErrorMessage(err); msg == "" || msg[0] < 0x80 {
			t.Errorf("%s: message %q is not Chinese", name, msg)
		}
	}
	_, _, err := s.CaseIDs(ctx, committee, query("stat", "on_time_rate"))
	testkit.WantCode(t, err, zhitong.EINVALID)
	for _, r := range []zhitong.Role{zhitong.RoleUnit, zhitong.RoleOfficer, zhitong.RoleDeputy, zhitong.RoleStationHead, zhitong.RoleSysAdmin} {
		_, err := s.Dashboard(ctx, f.In[r], url.Values{})
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	}
	testkit.Must(s.Dashboard(ctx, f.In[zhitong.RoleAnalyst], url.Values{}))(t)
}

// TestFreshDeployment: a county set up without demo data answers every
// period and slice with zeros.
func TestFreshDeployment(t *testing.T) {
	a, _ := testkit.MustApp(t)
	res := testkit.SetUp(t, a, "360783")
	committee := testkit.Principal(t, a, res, zhitong.RoleCommittee)
	s := stats.New(a)
	for _, sl := range stats.Slices {
		for _, v := range []url.Values{query("slice", sl.Value), query("period", "year", "year", "2026", "slice", sl.Value),
			query("period", "quarter", "quarter", "2026-Q4", "slice", sl.Value)} {
			d := testkit.Must(s.Dashboard(ctx, committee, v))(t)
			if d.Total != (measure.Counts{}) || d.Jurisdiction != "龙南市" {
				t.Errorf("%v: %+v in %s", v, d.Total, d.Jurisdiction)
			}
		}
	}
	months := testkit.Must(s.Monthly(ctx))(t)
	if len(months) != 12 {
		t.Errorf("%d public months, want 12", len(months))
	}
	_ = store.FormatTime
}

// TestSettledMonthsEqualRawData: after FreezeDue settles the days and
// months, every period and slice the dashboard answers from them equals
// the same computed from the raw tables alone.
func TestSettledMonthsEqualRawData(t *testing.T) {
	a, clock, f := scenario(t)
	committee := f.In[zhitong.RoleCommittee]
	s := stats.New(a)
	setDay(clock, "2027-03-10")
	n := testkit.Must(s.FreezeDue(ctx))(t)
	// Every day from 2026-11-23 to yesterday, and the months 2026-11 …
	// 2027-02 (final); March 10 itself has not ended.
	months := testkit.Must(store.StatSpans(ctx, a.DB(), "2026-01", "2027-12"))(t)
	days := testkit.Must(store.StatSpans(ctx, a.DB(), "2026-01-01", "2027-12-31"))(t)
	if len(months) != 4 || months["2027-02"] == "" || months["2027-03"] != "" || n != len(days)+4 || days["2026-11-23"] == "" ||
		days["2027-03-09"] != "2027-03-09" || days["2027-03-10"] != "" || len(days) != 107 {
		t.Fatalf("settled %d spans: months %v, %d days", n, months, len(days))
	}
	var rows int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM stats_slice_rows`).Scan(&rows); err != nil || rows == 0 {
		t.Fatalf("%d settled rows (%v)", rows, err)
	}
	if again := testkit.Must(s.FreezeDue(ctx))(t); again != 0 {
		t.Fatalf("settled %d spans twice", again)
	}
	for _, sl := range stats.Slices {
		for _, v := range []url.Values{query("period", "year", "year", "2026"), query("period", "quarter", "quarter", "2026-Q4"),
			query("period", "custom", "start", "2026-10-15", "end", "2027-03-01"), query("period", "year", "year", "2027"),
			query("period", "month", "month", "2026-12"), query("period", "month", "month", "2027-03"), query("period", "month", "month", "2026-11"),
			query("period", "custom", "start", "2026-11-20", "end", "2027-01-10")} {
			v.Set("slice", sl.Value)
			got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
			want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
			if got.Total != want.Total {
				t.Errorf("%v total: settled %+v\nraw %+v", v, got.Total, want.Total)
			}
			if !reflect.DeepEqual(got.Rows, want.Rows) || !reflect.DeepEqual(got.Trend, want.Trend) {
				t.Errorf("%v rows or trend differ:\nsettled %+v\nraw     %+v", v, got.Rows, want.Rows)
			}
		}
	}
	// The overdue stock at 2026-12-31 (c2 and c3's second round) comes
	// from the settled day.
	if d := testkit.Must(s.Dashboard(ctx, committee, query("period", "quarter", "quarter", "2026-Q4")))(t); d.Total.Overdue != 2 {
		t.Errorf("overdue at 2026-12-31 = %d, want 2", d.Total.Overdue)
	}
	var stock int
	if err := a.DB().QueryRow(ctx, `SELECT COALESCE(SUM(overdue), 0) FROM stats_slice_rows WHERE span = '2026-12-31' AND scope = '' AND slice = ''`).Scan(&stock); err != nil || stock != 2 {
		t.Errorf("settled stock of 2026-12-31 = %d (%v), want 2", stock, err)
	}
	got := testkit.Must(s.Monthly(ctx))(t)
	want := testkit.Must(s.Live().Monthly(ctx))(t)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("public months: settled %+v\nraw %+v", got, want)
	}
	if got[3].Month != "2026-12" || got[3].Counts.Replied != 1 {
		t.Errorf("public 2026-12 = %+v", got[3])
	}
}

// TestDaysSettledAsTheyEnd runs six weeks day by day as a deployment
// does: the job settles each day as it ends (some days it does not run),
// while cases are registered the same or the next day, accepted and
// replied days later, some never; every day, the dashboard from the
// settled days plus today's events and the completions since equals the
// raw data, for periods ending before, on and after today.
func TestDaysSettledAsTheyEnd(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	s := stats.New(a)
	type item struct {
		c   *zhitong.Case
		day int // the day of its last step
	}
	var waiting, assignedCases, accepted []item
	first := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	for i := range 42 {
		day := first.AddDate(0, 0, i)
		setDay(clock, day.Format(time.DateOnly))
		if i%7 != 3 { // the job does not run every day
			testkit.Must(s.FreezeDue(ctx))(t)
			if i >= 5 {
				compare(t, s, committee, day, first, true) // nothing changed since it ran: slices exact too
			}
		}
		for j := range 1 + i%3 {
			c := submit(t, a, f, fmt.Sprintf("第%d天第%d件：路灯不亮", i, j))
			waiting = append(waiting, item{c, i})
		}
		var still []item
		for _, w := range waiting {
			if i-w.day < int(w.c.ID%2) {
				still = append(still, w)
				continue
			}
			c := testkit.Must(a.Register(ctx, officer, w.c.ID, app.RegisterInput{Version: w.c.Version, CategoryCode: []string{"roads", "consult"}[w.c.ID%2],
				Kind: zhitong.KindConsultation, StationID: f.Station}))(t)
			if w.c.ID%5 == 4 {
				continue // registered, never assigned
			}
			in := app.AssignInput{Version: c.Version, LeadUnit: f.Lead}
			if w.c.ID%3 == 0 {
				in.CoUnits = []int64{f.Co}
			}
			c = testkit.Must(a.Assign(ctx, officer, c.ID, in))(t)
			assignedCases = append(assignedCases, item{c, i})
		}
		waiting = still
		still = nil
		for _, w := range assignedCases {
			if i-w.day < int(w.c.ID%5) {
				still = append(still, w)
				continue
			}
			accepted = append(accepted, item{testkit.Must(a.Accept(ctx, lead, w.c.ID, app.TextInput{}))(t), i})
		}
		assignedCases = still
		still = nil
		for _, w := range accepted {
			if w.c.ID%6 == 0 || i-w.day < 2+int(w.c.ID%4) {
				still = append(still, w) // some never replied: overdue
				continue
			}
			outcome := []zhitong.Outcome{zhitong.OutcomeSolved, zhitong.OutcomeInProgress}[w.c.ID%2]
			testkit.Must(a.Reply(ctx, lead, w.c.ID, app.ReplyInput{Outcome: outcome, Text: "已经安排人员处理完毕", PlannedDate: day.AddDate(0, 1, 0).Format(time.DateOnly),
				Deliveries: toCitizen}))(t)
		}
		accepted = still
		if i >= 5 {
			compare(t, s, committee, day, first, true) // today's events, completions and changes: slices exact too
		}
	}
	last := first.AddDate(0, 0, 42)
	setDay(clock, last.Format(time.DateOnly))
	testkit.Must(s.FreezeDue(ctx))(t)
	compare(t, s, committee, last, first, true)
	var spans int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM stats_slice_spans WHERE LENGTH(span) = 10`).Scan(&spans); err != nil || spans != 42 {
		t.Errorf("%d settled days (%v), want 42", spans, err)
	}
}

// compare checks the dashboard against the raw data on day for periods
// ending before, on and after it, by several slices: totals and trend, and
// with rows the slices' rows too.
func compare(t *testing.T, s *stats.Service, committee zhitong.Principal, day, first time.Time, rows bool) {
	t.Helper()
	for _, v := range []url.Values{query("period", "month", "month", day.Format("2006-01")),
		query("period", "custom", "start", first.Format(time.DateOnly), "end", day.AddDate(0, 0, -1).Format(time.DateOnly)),
		query("period", "custom", "start", day.AddDate(0, 0, -9).Format(time.DateOnly), "end", day.Format(time.DateOnly)),
		query("period", "custom", "start", first.AddDate(0, 0, 2).Format(time.DateOnly), "end", day.AddDate(0, 0, -3).Format(time.DateOnly))} {
		for _, sl := range stats.Slices {
			v.Set("slice", sl.Value)
			got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
			want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
			if got.Total != want.Total || !reflect.DeepEqual(got.Trend, want.Trend) || (rows && !reflect.DeepEqual(got.Rows, want.Rows)) {
				t.Fatalf("day %s %v: settled %+v\nraw     %+v\nrows %+v\nraw  %+v", day.Format(time.DateOnly), v, got.Total, want.Total, got.Rows, want.Rows)
			}
		}
	}
}
