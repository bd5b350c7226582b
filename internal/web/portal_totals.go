package web

import (
	"context"
	"sync"
	"time"

	"zhitong/internal/app"
)

// totalsTTL is how old the results board's county totals may be before
// they are counted again.
const totalsTTL = time.Minute

// totalsCache keeps the county totals the results board shows (累计进站接待
// …人次，收集…条): counting every case of the county took longer than the
// rest of the page at a million cases, and the public page is the cheapest
// target for a flood of requests. The first request counts; after
// totalsTTL a request still gets the kept figures at once while one
// background count replaces them (never more than one at a time).
type totalsCache struct {
	mu         sync.Mutex
	at         time.Time
	v          app.CountyTotals
	ok         bool
	refreshing bool
}

func (c *totalsCache) get(ctx context.Context, count func(context.Context) (app.CountyTotals, error)) (app.CountyTotals, error) {
	c.mu.Lock()
	if !c.ok {
		c.mu.Unlock()
		v, err := count(ctx)
		if err != nil {
			return v, err
		}
		c.mu.Lock()
		c.v, c.at, c.ok = v, time.Now(), true
		c.mu.Unlock()
		return v, nil
	}
	v := c.v
	if time.Since(c.at) > totalsTTL && !c.refreshing {
		c.refreshing = true
		go func() {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			nv, err := count(ctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err == nil {
				c.v, c.at = nv, time.Now()
			}
		}()
	}
	c.mu.Unlock()
	return v, nil
}
