// Package stale keeps figures that cost more to count than the page that
// shows them: a region's count of collected cases, the results board's
// capped count per filter. Public pages are the cheapest target for a
// flood of requests, so a kept figure is served at once, and counted again
// at most once a TTL per key, in the background.
package stale

import (
	"context"
	"sync"
	"time"
)

// refreshTimeout bounds a background count, which no request waits for.
const refreshTimeout = 30 * time.Second

// Cache keeps one figure per key. The first request for a key counts and
// waits; once the figure is older than the TTL, a request still gets it at
// once while one background count replaces it (never more than one per key
// at a time). A failed count is not kept. It holds at most max keys (0: no
// bound): keys are what visitors type, and a visitor trying every
// combination must not grow the process.
type Cache[K comparable, V any] struct {
	ttl time.Duration
	max int
	now func() time.Time

	mu sync.Mutex
	m  map[K]*entry[V]
}

type entry[V any] struct {
	at         time.Time
	v          V
	refreshing bool
}

// New returns a cache whose figures are counted again after ttl, reading
// the time from now (the application's clock).
func New[K comparable, V any](ttl time.Duration, max int, now func() time.Time) *Cache[K, V] {
	return &Cache[K, V]{ttl: ttl, max: max, now: now, m: map[K]*entry[V]{}}
}

// Get returns key's kept figure, counting it with count when there is none.
func (c *Cache[K, V]) Get(ctx context.Context, key K, count func(context.Context) (V, error)) (V, error) {
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
	if c.old(e) && !e.refreshing {
		e.refreshing = true
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
			defer cancel()
			nv, err := count(ctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			e.refreshing = false
			if err == nil {
				e.v, e.at = nv, c.now()
			}
		}()
	}
	c.mu.Unlock()
	return v, nil
}

// Len is how many keys the cache holds.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// old reports whether e is due a new count: older than the TTL, or from
// the future (a clock set back).
func (c *Cache[K, V]) old(e *entry[V]) bool {
	age := c.now().Sub(e.at)
	return age >= c.ttl || age < 0
}

// keep stores v under key, first dropping the stale keys when the cache is
// full, and any one key when none is stale. c.mu is held.
func (c *Cache[K, V]) keep(key K, v V) {
	if _, ok := c.m[key]; !ok && c.max > 0 && len(c.m) >= c.max {
		for k, e := range c.m {
			if c.old(e) && !e.refreshing {
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
	c.m[key] = &entry[V]{at: c.now(), v: v}
}
