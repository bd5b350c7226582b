package web

import (
	"context"
	"sync"
	"time"
)

// totalsTTL is how old a public board's kept figures may be before they
// are counted again.
const totalsTTL = time.Minute

// staleCache keeps figures the public boards show and that cost more to
// count than the rest of the page at a million cases: the county totals of
// the results board (累计进站接待…人次，收集…条) and the results board's
// capped count per filter ("共 1000+ 件"). A public page is the cheapest
// target for a flood of requests, so the first request for a key counts;
// after totalsTTL a request still gets the kept figure at once while one
// background count replaces it (never more than one per key at a time).
// It keeps at most max keys: the filters are what a visitor types, and a
// visitor trying every combination must not grow the process.
type staleCache[K comparable, V any] struct {
	mu  sync.Mutex
	max int // 0: unbounded (a single key)
	m   map[K]*staleEntry[V]
}

type staleEntry[V any] struct {
	at         time.Time
	v          V
	refreshing bool
}

func newStaleCache[K comparable, V any](max int) *staleCache[K, V] {
	return &staleCache[K, V]{max: max, m: map[K]*staleEntry[V]{}}
}

func (c *staleCache[K, V]) get(ctx context.Context, key K, count func(context.Context) (V, error)) (V, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	if !ok {
		c.mu.Unlock()
		v, err := count(ctx)
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		c.keep(key, v)
		c.mu.Unlock()
		return v, nil
	}
	v := e.v
	if time.Since(e.at) > totalsTTL && !e.refreshing {
		e.refreshing = true
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			nv, err := count(ctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			e.refreshing = false
			if err == nil {
				e.v, e.at = nv, time.Now()
			}
		}()
	}
	c.mu.Unlock()
	return v, nil
}

// keep stores v under key, first dropping the stale keys when the cache
// is full, and any one key when none is stale. c.mu is held.
func (c *staleCache[K, V]) keep(key K, v V) {
	if _, ok := c.m[key]; !ok && c.max > 0 && len(c.m) >= c.max {
		for k, e := range c.m {
			if time.Since(e.at) > totalsTTL && !e.refreshing {
				delete(c.m, k)
			}
		}
		for k := range c.m {
			if len(c.m) < c.max {
				break
			}
			delete(c.m, k)
		}
	}
	c.m[key] = &staleEntry[V]{at: time.Now(), v: v}
}
