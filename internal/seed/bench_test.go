package seed_test

import (
	"io"
	"os"
	"testing"

	"zhitong/internal/seed"
	"zhitong/internal/testkit"
)

// BenchmarkSeed measures the seeder: ZHITONG_BENCH_CASES cases (default
// 20,000) into a fresh database of the run's engine, reported as cases/s.
//
//	ZHITONG_BENCH_CASES=100000 go test ./internal/seed -run '^$' -bench Seed -benchtime 1x
func BenchmarkSeed(b *testing.B) {
	n := testkit.BenchCases(20_000)
	for b.Loop() {
		b.StopTimer()
		a, _ := testkit.MustApp(b)
		b.StartTimer()
		var progress io.Writer
		if testing.Verbose() {
			progress = os.Stderr
		}
		res, err := seed.Run(b.Context(), a, seed.Options{Cases: n, Progress: progress})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Cases)/res.Elapsed.Seconds(), "cases/s")
		b.ReportMetric(float64(res.Audit)/float64(res.Cases), "audit/case")
		b.ReportMetric(float64(res.Events)/float64(res.Cases), "events/case")
	}
}
