package stale

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// TestCacheKeepsABoundedCountPerKey: a second request for a key within the
// TTL does not count again, a failed count is not kept, and however many
// keys visitors try, the cache keeps at most its bound.
func TestCacheKeepsABoundedCountPerKey(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	c := New[string, int](time.Minute, 3, func() time.Time { return now })
	counted := map[string]int{}
	count := func(key string, n int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { counted[key]++; return n, nil }
	}
	for range 3 {
		if v, err := c.Get(ctx, "town=1", count("town=1", 7)); err != nil || v != 7 {
			t.Fatalf("get = %d, %v", v, err)
		}
	}
	if counted["town=1"] != 1 {
		t.Fatalf("counted a kept key %d times", counted["town=1"])
	}
	if _, err := c.Get(ctx, "bad", func(context.Context) (int, error) { return 0, errors.New("down") }); err == nil {
		t.Fatal("a failed count gave no error")
	}
	if v, _ := c.Get(ctx, "bad", count("bad", 2)); v != 2 || counted["bad"] != 1 {
		t.Fatalf("after a failed count: %d, counted %d", v, counted["bad"])
	}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		if v, _ := c.Get(ctx, k, count(k, len(k))); v != 1 {
			t.Fatalf("get %s = %d", k, v)
		}
		if c.Len() > 3 {
			t.Fatalf("the cache holds %d keys, bound 3", c.Len())
		}
	}
	if v, _ := c.Get(ctx, "e", count("e", 99)); v != 1 || counted["e"] != 1 {
		t.Fatalf("the newest key was dropped: %d, counted %d", v, counted["e"])
	}
}

// TestCacheCountsAgainInTheBackground: past the TTL a request gets the kept
// figure at once and starts one count; requests meanwhile start no other;
// once it is done the new figure is served.
func TestCacheCountsAgainInTheBackground(t *testing.T) {
	ctx := context.Background()
	var mu sync.Mutex
	now := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	c := New[string, int](time.Minute, 0, clock)
	if v, _ := c.Get(ctx, "k", func(context.Context) (int, error) { return 1, nil }); v != 1 {
		t.Fatalf("first count = %d", v)
	}
	mu.Lock()
	now = now.Add(time.Minute)
	mu.Unlock()
	release, counts := make(chan struct{}), 0
	slow := func(context.Context) (int, error) { counts++; <-release; return 2, nil }
	for range 3 {
		if v, _ := c.Get(ctx, "k", slow); v != 1 {
			t.Fatalf("while counting again: %d, want the kept 1 at once", v)
		}
	}
	close(release)
	for deadline := time.Now().Add(10 * time.Second); ; {
		v, _ := c.Get(ctx, "k", slow)
		if v == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background count never replaced the kept figure")
		}
		time.Sleep(time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if counts != 1 {
		t.Fatalf("counted again %d times, want once", counts)
	}
}
