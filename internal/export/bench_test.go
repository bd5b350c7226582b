package export_test

import (
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/testkit"
)

// BenchmarkCaseExport exports the whole case list of ZHITONG_BENCH_CASES
// cases (default 100,000) as a committee member would, and reports the peak
// heap during the export above the heap before it (runtime/metrics, sampled
// every millisecond), the file size and the rows per second. The peak stays
// flat as the count grows: rows are read in keyset batches and streamed.
//
//	go test ./internal/export -run '^$' -bench CaseExport -benchtime 1x
//
// With ZHITONG_BENCH_DB (and ZHITONG_BENCH_KEY, its key file) it exports
// the whole of an existing database instead, e.g. the 1,000,000 cases of a
// `zhitong seed` database, as the committee of the country (region "").
func BenchmarkCaseExport(b *testing.B) {
	var a *app.App
	var p zhitong.Principal
	n := 100_000
	if dsn := os.Getenv("ZHITONG_BENCH_DB"); dsn != "" {
		a = testkit.BenchApp(b, dsn, os.Getenv("ZHITONG_BENCH_KEY"))
		p = zhitong.Principal{Name: "压测", Role: zhitong.RoleCommittee}
		var count int64
		if err := a.DB().QueryRow(b.Context(), `SELECT COUNT(*) FROM cases`).Scan(&count); err != nil {
			b.Fatal(err)
		}
		n = int(count)
	} else {
		if s := os.Getenv("ZHITONG_BENCH_CASES"); s != "" {
			n, _ = strconv.Atoi(s)
		}
		var clock *testkit.Clock
		a, clock = testkit.MustApp(b)
		f := testkit.Seed(b, a)
		seed(b, a, clock, f, n)
		p = f.In[zhitong.RoleCommittee]
	}
	x := export.New(a)
	for b.Loop() {
		peak, elapsed, size := heapPeak(b, func() (*export.File, error) { return x.Cases(b.Context(), p, app.ListInput{}) })
		b.ReportMetric(peak/(1<<20), "peak-heap-MB")
		b.ReportMetric(size/(1<<20), "file-MB")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "rows/s")
	}
}

type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }

// seed submits n cases to the fixture's station, 32 at a time, about a
// minute apart, with hostile and ordinary titles.
func seed(b *testing.B, a *app.App, clock *testkit.Clock, f *testkit.Fixture, n int) {
	t0 := time.Now()
	bodies := []string{"建设路晚上路灯不亮，出行不便", "菜市场周边占道经营严重", "=村口小桥栏杆松动很危险", "小区噪音扰民到深夜"}
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				clock.Advance(time.Minute)
				if _, err := a.Submit(b.Context(), zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("%s（第%d号）", bodies[i%4], i),
					StationID: f.Station, Name: "王小明", Phone: fmt.Sprintf("1390797%04d", i%10000)}); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	// As after any bulk import on PostgreSQL (docs/operations.md): without
	// statistics the planner guesses.
	if testkit.Postgres() {
		if _, err := a.DB().Exec(b.Context(), `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d cases in %s", n, time.Since(t0).Round(time.Second))
}
