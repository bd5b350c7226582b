package web

import (
	"context"
	"errors"
	"testing"
)

// The results board's counts are kept per filter: a second request for a
// filter within totalsCache's minute does not count again, a failed count is
// not kept, and however many filters visitors try, the cache keeps at most
// its bound.
func TestStaleCacheKeepsABoundedCountPerKey(t *testing.T) {
	ctx := context.Background()
	c := newStaleCache[string, int](3)
	counted := map[string]int{}
	count := func(key string, n int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { counted[key]++; return n, nil }
	}
	for range 3 {
		if v, err := c.get(ctx, "town=1", count("town=1", 7)); err != nil || v != 7 {
			t.Fatalf("get = %d, %v", v, err)
		}
	}
	if counted["town=1"] != 1 {
		t.Fatalf("counted a kept filter %d times", counted["town=1"])
	}
	if _, err := c.get(ctx, "bad", func(context.Context) (int, error) { return 0, errors.New("down") }); err == nil {
		t.Fatal("a failed count gave no error")
	}
	if v, _ := c.get(ctx, "bad", count("bad", 2)); v != 2 || counted["bad"] != 1 {
		t.Fatalf("after a failed count: %d, counted %d", v, counted["bad"])
	}
	for _, k := range []string{"a", "b", "c", "d", "e"} {
		if v, _ := c.get(ctx, k, count(k, len(k))); v != 1 {
			t.Fatalf("get %s = %d", k, v)
		}
		if len(c.m) > 3 {
			t.Fatalf("the cache holds %d keys, bound 3", len(c.m))
		}
	}
	if v, _ := c.get(ctx, "e", count("e", 99)); v != 1 || counted["e"] != 1 {
		t.Fatalf("the newest key was dropped: %d, counted %d", v, counted["e"])
	}
}
