package stats_test

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/stats"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSlicesExactAfterChangesToday: after the job settled yesterday, a case
// received yesterday is registered today (category, station), another is
// assigned (unit), an old case's category, channel, deputy and town change
// after its days were final, and an overdue case is re-categorised (the
// settled overdue stock). Every slice of every period — ending on a
// settled day, today, or running past today — equals the raw data at once,
// before the next run; the next run settles those days again and the
// slices stay exact.
func TestSlicesExactAfterChangesToday(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	s := stats.New(a)
	setDay(clock, "2026-10-12")
	old := assigned(t, a, f, "旧案：路面破损") // replied in October: its days are final by November
	testkit.Must(a.Accept(ctx, lead, old.ID, app.TextInput{}))(t)
	testkit.Must(a.Reply(ctx, lead, old.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已经修补完毕", Deliveries: toCitizen}))(t)
	setDay(clock, "2026-11-02")
	overdue := assigned(t, a, f, "逾期：路灯不亮")
	testkit.Must(a.Accept(ctx, lead, overdue.ID, app.TextInput{}))(t) // never replied
	setDay(clock, "2026-11-20")
	toRegister := submit(t, a, f, "昨天收到：井盖缺失")
	toAssign := submit(t, a, f, "昨天登记：排水沟堵塞")
	toAssign = testkit.Must(a.Register(ctx, officer, toAssign.ID, app.RegisterInput{Version: toAssign.Version, CategoryCode: "consult",
		Kind: zhitong.KindConsultation, StationID: f.Station}))(t)
	setDay(clock, "2026-11-21")
	testkit.Must(s.FreezeDue(ctx))(t)
	exact(t, s, committee, "before any change")

	// Today's changes.
	testkit.Must(a.Register(ctx, officer, toRegister.ID, app.RegisterInput{Version: toRegister.Version, CategoryCode: "roads",
		Kind: zhitong.KindConsultation, StationID: f.Station}))(t)
	testkit.Must(a.Assign(ctx, officer, toAssign.ID, app.AssignInput{Version: toAssign.Version, LeadUnit: f.Co}))(t)
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.UpsertRegion(ctx, zhitong.Region{Code: "360728101", Name: "老城镇", ParentCode: "360728", Level: 4}); err != nil {
			return err
		}
		// Any write path: a correction by hand included.
		if _, err := tx.Exec(ctx, `UPDATE cases SET category_code = 'consult', channel = 'walk_in', deputy_id = ?, region_code = '360728101' WHERE id = ?`,
			f.Deputy, old.ID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE cases SET category_code = 'consult' WHERE id = ?`, overdue.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	exact(t, s, committee, "changed today")
	// Received in November by category, from the raw table.
	d := testkit.Must(s.Dashboard(ctx, committee, query("period", "month", "month", "2026-11", "slice", "category")))(t)
	got := map[string]int{}
	for _, r := range d.Rows {
		got[r.Key] = r.Counts.Received
	}
	r := app.StatRange(d.Period.Start, d.Period.End, "")
	rows, err := a.DB().Query(ctx, `SELECT COALESCE(category_code, ''), COUNT(*) FROM cases WHERE submitted_at >= ? AND submitted_at < ? GROUP BY 1`, r.From, r.To)
	if err != nil {
		t.Fatal(err)
	}
	raw := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		raw[k] = n
	}
	rows.Close()
	for k, n := range raw {
		if got[k] != n {
			t.Errorf("received in 2026-11, category %q: dashboard %d, raw %d (%v)", k, got[k], n, got)
		}
	}
	if raw["consult"] != 2 || raw["roads"] != 1 {
		t.Errorf("raw November by category %v, want consult 2, roads 1", raw)
	}

	// The next run settles the touched days again and forgets them.
	setDay(clock, "2026-11-22")
	testkit.Must(s.FreezeDue(ctx))(t)
	var left int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM stats_touched`).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d touched cases left after the run (%v)", left, err)
	}
	var settled string
	if err := a.DB().QueryRow(ctx, `SELECT through FROM stats_slice_spans WHERE span = '2026-10-12'`).Scan(&settled); err != nil || settled != "2026-11-21" {
		t.Errorf("2026-10-12 settled through %q (%v), want settled again through 2026-11-21", settled, err)
	}
	exact(t, s, committee, "after the next run")
}

// exact compares every slice of several periods with the raw data.
func exact(t *testing.T, s *stats.Service, committee zhitong.Principal, when string) {
	t.Helper()
	for _, v := range []url.Values{query("period", "month", "month", "2026-11"), query("period", "month", "month", "2026-10"),
		query("period", "year", "year", "2026"), query("period", "quarter", "quarter", "2026-Q4"),
		query("period", "custom", "start", "2026-10-01", "end", "2026-11-20"), query("period", "custom", "start", "2026-11-02", "end", "2026-11-21")} {
		for _, sl := range stats.Slices {
			v.Set("slice", sl.Value)
			got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
			want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
			if got.Total != want.Total || !reflect.DeepEqual(got.Rows, want.Rows) || !reflect.DeepEqual(got.Trend, want.Trend) {
				t.Errorf("%s, %v: settled %+v\nraw     %+v\nrows %+v\nraw  %+v", when, v, got.Total, want.Total, got.Rows, want.Rows)
			}
		}
	}
	_ = time.DateOnly
}
