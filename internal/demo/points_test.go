package demo

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/testkit"
)

func TestDemoPointsArePlausible(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := a.DB().QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	records, ledger := count(`SELECT COUNT(*) FROM duty_records`), count(`SELECT COUNT(*) FROM point_ledger`)
	if records < 30 || ledger < records || count(`SELECT COUNT(*) FROM duty_records WHERE demo = ?`, false) != 0 {
		t.Fatalf("%d records, %d ledger entries", records, ledger)
	}
	for _, kind := range zhitong.RecordKinds {
		if count(`SELECT COUNT(*) FROM duty_records WHERE kind = ?`, kind.Value) == 0 {
			t.Errorf("no demo %s record", kind.Value)
		}
	}
	if count(`SELECT COUNT(*) FROM duties WHERE status = 'no_show'`) == 0 || count(`SELECT COUNT(*) FROM duty_record_cases`) == 0 {
		t.Error("the demo has no absences or no cases linked to records")
	}
	// A second load (and so a resumed one) adds nothing.
	testkit.Must(Load(ctx, a))(t)
	testkit.Must(load(ctx, a, 0))(t)
	if n := count(`SELECT COUNT(*) FROM duty_records`); n != records {
		t.Fatalf("records %d after reloading, want %d", n, records)
	}

	p := principal(t, a, committee)
	r := testkit.Must(a.Rankings(ctx, p, "", ""))(t)
	if len(r.Deputies) != len(deputies) || r.Deputies[0].Points <= 0 || len(r.Stations) != len(stations) {
		t.Fatalf("rankings: %d deputies (top %+v), %d stations", len(r.Deputies), r.Deputies[0], len(r.Stations))
	}
	sc := testkit.Must(a.Scorecard(ctx, principal(t, a, deputy).DeputyID, "", ""))(t)
	if sc.Visits == 0 || sc.Received == 0 || sc.Cases == 0 || sc.Points <= 0 {
		t.Fatalf("demo deputy's scorecard = %+v", sc)
	}
	idle := testkit.Must(a.Inactive(ctx, p, 0))(t)
	names := map[string]bool{}
	for _, d := range idle.Items {
		names[d.Name] = true
	}
	for _, n := range idleDeputies {
		if !names[n] {
			t.Errorf("%s is not on the inactivity list %+v", n, idle.Items)
		}
	}
	if len(idle.Items) >= len(deputies)/2 {
		t.Errorf("%d of %d deputies inactive", len(idle.Items), len(deputies))
	}
	if brk, _ := testkit.Must2(a.VerifyAudit(ctx, principal(t, a, "shenji")))(t); brk != nil {
		t.Fatalf("audit chain broken: %+v", brk)
	}
}
