package jobs_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong/internal/jobs"
	"zhitong/internal/testkit"
)

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRunnerPeriodicScheduledAndRetried(t *testing.T) {
	ctx := context.Background()
	db := testkit.MustDB(t)
	var ticks, flaky atomic.Int32
	var mu sync.Mutex
	var ranAt time.Time
	r, err := jobs.New(ctx, jobs.Config{
		DB:        db,
		Poll:      50 * time.Millisecond,
		RetryBase: 100 * time.Millisecond,
		Periodic: []jobs.Periodic{{Name: "tick", Interval: 200 * time.Millisecond, Run: func(context.Context) error {
			ticks.Add(1)
			return nil
		}}},
		Tasks: []jobs.Task{
			{Name: "later", Run: func(context.Context) error {
				mu.Lock()
				ranAt = time.Now()
				mu.Unlock()
				return nil
			}},
			{Name: "flaky", Run: func(context.Context) error {
				if flaky.Add(1) < 3 {
					return errors.New("not yet")
				}
				return nil
			}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			r.Stop(ctx)
		}
	})
	at := time.Now().Add(700 * time.Millisecond)
	if err := r.Schedule(ctx, "later", at); err != nil {
		t.Fatal(err)
	}
	if err := r.Schedule(ctx, "flaky", time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := r.Schedule(ctx, "nosuch", time.Time{}); err == nil {
		t.Error("scheduling an unknown task was accepted")
	}
	waitFor(t, "three periodic runs", 20*time.Second, func() bool { return ticks.Load() >= 3 })
	waitFor(t, "the scheduled task", 20*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return !ranAt.IsZero() })
	mu.Lock()
	if ranAt.Before(at) {
		t.Errorf("scheduled task ran at %v, before its time %v", ranAt, at)
	}
	mu.Unlock()
	waitFor(t, "the flaky task to succeed on its third attempt", 30*time.Second, func() bool { return flaky.Load() >= 3 })

	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := r.Stop(sctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	stopped = true
	n := ticks.Load()
	time.Sleep(500 * time.Millisecond)
	if ticks.Load() != n {
		t.Error("periodic task ran after Stop")
	}
	if got := flaky.Load(); got != 3 {
		t.Errorf("flaky task ran %d times, want exactly 3 (two failures, one success)", got)
	}
}

func TestRunnerRefusesBadTasks(t *testing.T) {
	ctx := context.Background()
	db := testkit.MustDB(t)
	run := func(context.Context) error { return nil }
	for name, cfg := range map[string]jobs.Config{
		"no interval": {DB: db, Periodic: []jobs.Periodic{{Name: "a", Run: run}}},
		"bad name":    {DB: db, Tasks: []jobs.Task{{Name: "a b", Run: run}}},
		"duplicate":   {DB: db, Tasks: []jobs.Task{{Name: "a", Run: run}, {Name: "a", Run: run}}},
	} {
		if _, err := jobs.New(ctx, cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestMigrateCreatesRiverTables(t *testing.T) {
	ctx := context.Background()
	db := testkit.MustDB(t)
	for range 2 { // idempotent
		if err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM river_job`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("river_job: %d rows, %v", n, err)
	}
}
