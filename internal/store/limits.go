package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"
)

// LimitCount is one key's counters after a hit (migration 073_rate_limits.sql).
type LimitCount struct {
	Hits int // requests counted in the current window, this one included
	Prev int // requests counted in the window before
}

// HitLimits counts one request against each key in window win (unix time
// divided by the window length; every key of one call shares the length)
// and returns each key's counters. It is one upsert statement; the row
// expires (unix seconds) when it no longer matters. On PostgreSQL it runs
// on its own (autocommit, on an unlogged table, so the commit waits for no
// WAL flush). On SQLite concurrent hits are batched into one transaction on
// the writer connection at synchronous=NORMAL (see counterBatch): no fsync,
// no contention for the write lock.
func (db *DB) HitLimits(ctx context.Context, win, expires int64, keys ...string) ([]LimitCount, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	if db.dialect == Postgres {
		return hitLimits(ctx, func(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
			return db.write.QueryContext(ctx, db.rebind(q), args...)
		}, win, expires, keys)
	}
	r := &hitReq{ctx: ctx, win: win, expires: expires, keys: keys, done: make(chan hitRes, 1)}
	select {
	case db.counters.reqs <- r:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	res := <-r.done
	return res.counts, res.err
}

func hitLimits(ctx context.Context, query func(ctx context.Context, q string, args ...any) (*sql.Rows, error), win, expires int64, keys []string) ([]LimitCount, error) {
	var b strings.Builder
	b.WriteString(`INSERT INTO rate_limits (key, win, hits, prev, expires) VALUES `)
	args := make([]any, 0, 3*len(keys))
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, 1, 0, ?)")
		args = append(args, k, win, expires)
	}
	// Every SET expression reads the row as it was: a hit in a later window
	// moves the current count to prev (or forgets it, two windows on).
	b.WriteString(` ON CONFLICT (key) DO UPDATE SET
 prev = CASE WHEN rate_limits.win >= excluded.win THEN rate_limits.prev WHEN rate_limits.win = excluded.win - 1 THEN rate_limits.hits ELSE 0 END,
 hits = CASE WHEN rate_limits.win >= excluded.win THEN rate_limits.hits + 1 ELSE 1 END,
 win = CASE WHEN rate_limits.win > excluded.win THEN rate_limits.win ELSE excluded.win END,
 expires = excluded.expires
 RETURNING key, hits, prev`)
	out := make([]LimitCount, len(keys))
	rows, err := query(ctx, b.String(), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var key string
		var c LimitCount
		if err := rows.Scan(&key, &c.Hits, &c.Prev); err != nil {
			return nil, err
		}
		for i, k := range keys {
			if k == key {
				out[i] = c
				n++
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if n != len(keys) {
		return nil, fmt.Errorf("rate limit upsert returned %d of %d keys", n, len(keys))
	}
	return out, nil
}

// counterBatch writes SQLite's rate-limit hits: the hits that arrive while
// a batch is written wait and go together in the next one, one
// transaction on the writer connection at synchronous=NORMAL. Counters
// need no fsync (in WAL mode a power cut may forget the last counts, never
// corrupt the file), and on the one writer connection they never contend
// for SQLite's write lock with the application's writes, which stay
// synchronous=FULL: the pragma is set back before the connection is used
// by anything else, or the connection is thrown away.
type counterBatch struct {
	db   *DB
	reqs chan *hitReq
	wg   sync.WaitGroup
}

type hitReq struct {
	ctx          context.Context
	win, expires int64
	keys         []string
	done         chan hitRes
}

type hitRes struct {
	counts []LimitCount
	err    error
}

func newCounterBatch(db *DB) *counterBatch {
	b := &counterBatch{db: db, reqs: make(chan *hitReq, maxGroup)}
	b.wg.Add(1)
	go b.loop()
	return b
}

func (b *counterBatch) close() {
	close(b.reqs)
	b.wg.Wait()
}

func (b *counterBatch) loop() {
	defer b.wg.Done()
	for first := range b.reqs {
		batch := []*hitReq{first}
	drain:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-b.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		b.write(batch)
	}
}

func (b *counterBatch) write(batch []*hitReq) {
	results := make([]hitRes, len(batch))
	err := b.undurable(func(tx *sql.Tx) error {
		for i, r := range batch {
			if results[i].err = r.ctx.Err(); results[i].err != nil {
				continue
			}
			results[i].counts, results[i].err = hitLimits(context.Background(), tx.QueryContext, r.win, r.expires, r.keys)
			if results[i].err != nil {
				return results[i].err // the transaction is lost: every hit of it fails
			}
		}
		return nil
	})
	for i, r := range batch {
		if err != nil {
			results[i] = hitRes{err: err}
		}
		r.done <- results[i]
	}
}

func (b *counterBatch) undurable(fn func(*sql.Tx) error) error {
	ctx := context.Background()
	c, err := b.db.write.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		return err
	}
	err = func() error {
		tx, err := c.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			tx.Rollback()
			return err
		}
		return tx.Commit()
	}()
	if _, perr := c.ExecContext(ctx, `PRAGMA synchronous = FULL`); perr != nil {
		c.Raw(func(any) error { return driver.ErrBadConn }) // never reused at NORMAL
		return fmt.Errorf("restore synchronous=FULL: %w", perr)
	}
	return err
}

// UnhitLimits takes back one request counted in window win against each
// key: a sign-in that succeeded is not held against the account or client.
func (db *DB) UnhitLimits(ctx context.Context, win int64, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	args := []any{win}
	for _, k := range keys {
		args = append(args, k)
	}
	_, err := db.Exec(ctx, `UPDATE rate_limits SET hits = hits - 1 WHERE win = ? AND hits > 0 AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`, args...)
	return err
}

// ExpireLimits deletes the counters that no longer matter at now (unix
// seconds) and returns how many.
func (db *DB) ExpireLimits(ctx context.Context, now int64) (int64, error) {
	res, err := db.Exec(ctx, `DELETE FROM rate_limits WHERE expires < ?`, now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
