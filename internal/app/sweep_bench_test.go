package app_test

import (
	"testing"
	"time"

	"zhitong/internal/seed"
	"zhitong/internal/testkit"
)

// BenchmarkSweepNothingDue times the deadline sweep when a sweep has just
// run, so nothing is due: what every tick of the periodic job costs on a
// large database. Its work must follow what is due, not the history: the
// figure should stay flat as ZHITONG_BENCH_CASES grows (default 20,000).
// The first sweep after seeding, which does the due work, is timed apart.
//
//	ZHITONG_BENCH_CASES=100000 go test ./internal/app -run '^$' -bench SweepNothingDue -benchtime 5x
func BenchmarkSweepNothingDue(b *testing.B) {
	n := testkit.BenchCases(20_000)
	a, _ := testkit.MustApp(b)
	t0 := time.Now()
	if _, err := seed.Run(b.Context(), a, seed.Options{Cases: n, Force: true}); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d cases in %s", n, time.Since(t0).Round(time.Millisecond))
	t0 = time.Now()
	first, err := a.SweepOnce(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first sweep %s: %+v", time.Since(t0).Round(time.Millisecond), first)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r, err := a.SweepOnce(b.Context())
		if err != nil {
			b.Fatal(err)
		}
		if r.Escalations+r.Bulletins+r.Callbacks+r.FollowUps+r.DutyReminders != 0 {
			b.Fatalf("a second sweep found work: %+v", r)
		}
	}
}
