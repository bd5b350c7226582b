package store_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestRateLimitCounters: one upsert counts a hit per key and returns its
// counters; a later window moves the count to prev, two windows on forget
// it; concurrent hits are all counted; a hit can be given back; old rows
// expire; and on SQLite they are in a file of their own.
func TestRateLimitCounters(t *testing.T) {
	db := testkit.MustDB(t)
	ctx := context.Background()
	hit := func(win int64, keys ...string) []store.LimitCount {
		t.Helper()
		c, err := db.HitLimits(ctx, win, (win+2)*600, keys...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if c := hit(100, "a", "b"); c[0] != (store.LimitCount{Hits: 1}) || c[1] != (store.LimitCount{Hits: 1}) {
		t.Fatalf("first hits: %+v", c)
	}
	hit(100, "a")
	if c := hit(100, "a"); c[0] != (store.LimitCount{Hits: 3}) {
		t.Fatalf("third hit: %+v", c)
	}
	if c := hit(101, "a"); c[0] != (store.LimitCount{Hits: 1, Prev: 3}) {
		t.Fatalf("next window: %+v", c)
	}
	if c := hit(100, "a"); c[0] != (store.LimitCount{Hits: 2, Prev: 3}) {
		t.Fatalf("a late hit from a server whose clock is behind counts in the current window: %+v", c)
	}
	if c := hit(103, "a", "b"); c[0] != (store.LimitCount{Hits: 1}) || c[1] != (store.LimitCount{Hits: 1}) {
		t.Fatalf("two windows on: %+v", c)
	}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); hit(103, "c") }()
	}
	wg.Wait()
	if c := hit(103, "c"); c[0].Hits != 21 {
		t.Fatalf("20 concurrent hits and one more counted %d", c[0].Hits)
	}
	if err := db.UnhitLimits(ctx, 103, "c", "b"); err != nil {
		t.Fatal(err)
	}
	if c := hit(103, "c", "b"); c[0].Hits != 21 || c[1].Hits != 1 {
		t.Fatalf("after giving one back: %+v", c)
	}
	if n, err := db.ExpireLimits(ctx, 106*600); err != nil || n != 3 {
		t.Fatalf("expired %d rows (%v), want 3", n, err)
	}
	if db.Dialect() == store.SQLite { // the counters' own file, not the database
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM rate_limits`).Scan(&n); err == nil {
			t.Errorf("the database file has a rate_limits table (%d rows): the counters belong in %s-limits", n, db.Path)
		}
		if _, err := os.Stat(db.Path + "-limits"); err != nil {
			t.Error(err)
		}
	}
}
