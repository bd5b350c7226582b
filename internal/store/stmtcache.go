package store

import (
	"container/list"
	"context"
	"database/sql"
	"sync"
)

// stmtCacheSize bounds each cache: the product runs a few hundred distinct
// statements; queries built with a varying number of terms take the
// least recently used places.
const stmtCacheSize = 256

// stmtCache keeps SQLite statements prepared, so a hot statement is parsed
// once per connection instead of at every execution: the SQLite driver
// prepares, runs and finalizes an unprepared statement each time, and
// parsing was a quarter of intake's CPU (docs/operations.md, Benchmarks).
// PostgreSQL needs none: pgx keeps a statement cache on each connection.
//
// The writer has one connection, held by the open transaction, so a
// statement cannot be prepared while a transaction runs; a miss there runs
// unprepared and is prepared before the next transaction begins (deferred).
type stmtCache struct {
	db       *sql.DB
	deferred bool
	mu       sync.Mutex
	items    map[string]*list.Element // of *cachedStmt
	order    list.List                // most recently used first
	pending  map[string]struct{}
}

type cachedStmt struct {
	query string
	stmt  *sql.Stmt
}

func newStmtCache(db *sql.DB, deferred bool) *stmtCache {
	return &stmtCache{db: db, deferred: deferred, items: map[string]*list.Element{}, pending: map[string]struct{}{}}
}

// get returns the prepared statement of q, or nil when it has none yet (on
// the writer: it is then prepared before the next transaction) or
// preparing failed — the caller runs q unprepared and sees the error there.
func (c *stmtCache) get(ctx context.Context, q string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	if e, ok := c.items[q]; ok {
		c.order.MoveToFront(e)
		c.mu.Unlock()
		return e.Value.(*cachedStmt).stmt
	}
	if c.deferred {
		if len(c.pending) < stmtCacheSize {
			c.pending[q] = struct{}{}
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	st, err := c.db.PrepareContext(ctx, q)
	if err != nil {
		return nil
	}
	return c.add(q, st)
}

// prepareDeferred prepares the writer's statements missed since the last
// call. It runs outside any transaction (the one connection is free).
func (c *stmtCache) prepareDeferred(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range queries {
		if st, err := c.db.PrepareContext(ctx, q); err == nil {
			c.add(q, st)
		}
	}
}

// add caches st for q and returns the statement cached for q, closing the
// least recently used one past the bound. Closing a statement a
// transaction still uses is safe: database/sql finalizes it after.
func (c *stmtCache) add(q string, st *sql.Stmt) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[q]; ok { // prepared meanwhile by another caller
		st.Close()
		return e.Value.(*cachedStmt).stmt
	}
	c.items[q] = c.order.PushFront(&cachedStmt{query: q, stmt: st})
	for c.order.Len() > stmtCacheSize {
		old := c.order.Remove(c.order.Back()).(*cachedStmt)
		delete(c.items, old.query)
		old.stmt.Close()
	}
	return st
}

// close closes every cached statement.
func (c *stmtCache) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.order.Front(); e != nil; e = e.Next() {
		e.Value.(*cachedStmt).stmt.Close()
	}
	c.order.Init()
	clear(c.items)
}
