package cli

import (
	"context"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/seed"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// BenchmarkStartupMemory serves a seeded database at two sizes (n and 10n
// cases, n = ZHITONG_BENCH_CASES, default 2,000) and measures what
// `zhitong serve` holds after its start-up: a fresh App on a database that
// has been running (its due work done once), every periodic job run once
// as River's RunOnStart does. It reports the Go heap at the start-up's peak
// and what stays live after it, per size, and fails when either grows with
// the database (docs/operations.md, Memory after start-up):
//
//	go test ./internal/cli -run '^$' -bench StartupMemory -benchtime 1x -v
func BenchmarkStartupMemory(b *testing.B) {
	n := testkit.BenchCases(2000)
	for b.Loop() {
		small, large := startupHeap(b, n), startupHeap(b, 10*n)
		b.ReportMetric(mib(small.peak), "peak-MiB@n")
		b.ReportMetric(mib(large.peak), "peak-MiB@10n")
		b.ReportMetric(mib(large.live), "live-MiB@10n")
		b.Logf("start-up heap at %d cases: peak %.1f MiB, live after %.1f MiB; at %d: peak %.1f MiB, live %.1f MiB",
			n, mib(small.peak), mib(small.live), 10*n, mib(large.peak), mib(large.live))
		// Ten times the cases may cost a little (a bigger schema's
		// statistics, more organisations' policies), never ten times.
		const slack = 8 << 20
		if large.live > 2*small.live+slack || large.peak > 2*small.peak+slack {
			b.Errorf("start-up memory grows with the database: %d → %d cases: live %.1f → %.1f MiB, peak %.1f → %.1f MiB",
				n, 10*n, mib(small.live), mib(large.live), mib(small.peak), mib(large.peak))
		}
	}
}

type heapUse struct{ peak, live uint64 }

func mib(v uint64) float64 { return float64(v) / (1 << 20) }

// startupHeap seeds cases into a fresh database, lets the jobs catch up once,
// then starts a new App on it and runs every job once, measuring the heap
// above what was live before.
func startupHeap(b *testing.B, cases int) heapUse {
	b.Helper()
	ctx := context.Background()
	seeded, clock := testkit.MustApp(b)
	if _, err := seed.Run(ctx, seeded, seed.Options{Cases: cases, Force: true}); err != nil {
		b.Fatal(err)
	}
	runJobs(b, seeded)
	db, err := store.Open(ctx, seeded.DB().DSN)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	base := liveHeap()
	var peak atomic.Uint64
	stop := sampleHeap(&peak)
	runJobs(b, testkit.AppOn(b, db, clock))
	stop()
	live := liveHeap()
	return heapUse{peak: sub(peak.Load(), base), live: sub(live, base)}
}

// runJobs runs each periodic job of serve once, in order.
func runJobs(b *testing.B, a *app.App) {
	b.Helper()
	cfg, err := deliveryConfig(Env{Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	defer cfg.close()
	for _, j := range periodicJobs(a, cfg) {
		if err := j.Run(context.Background()); err != nil {
			b.Fatalf("job %s: %v", j.Name, err)
		}
	}
}

func sub(a, b uint64) uint64 {
	if a < b {
		return 0
	}
	return a - b
}

var heapObjects = []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}

func heapNow() uint64 {
	s := []metrics.Sample{heapObjects[0]}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// liveHeap is the heap that survives a collection.
func liveHeap() uint64 {
	runtime.GC()
	return heapNow()
}

// sampleHeap records the heap's peak every millisecond until stop is called.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := heapNow(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}
