package store

import (
	"context"
	"database/sql"
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
// WAL flush). On SQLite the counters are in a file of their own (limitsDB)
// and concurrent hits are batched into one transaction (counterBatch).
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

// limitsSchema is the counters' table in SQLite's file of its own; the
// same as PostgreSQL's (migrations/postgres/073_rate_limits.sql).
const limitsSchema = `CREATE TABLE IF NOT EXISTS rate_limits (
  key      TEXT PRIMARY KEY,
  win      INTEGER NOT NULL,
  hits     INTEGER NOT NULL,
  prev     INTEGER NOT NULL,
  expires  INTEGER NOT NULL
)`

// limitsDB is the connection the counters are written on: PostgreSQL's
// pool, or on SQLite the file <database>-limits, opened (and its table
// created) on first use, so commands that never count leave no file. It is
// WAL at synchronous=NORMAL (a power cut may forget the last counts, never
// corrupt the file) with one writer connection, BEGIN IMMEDIATE and a busy
// timeout for other processes on the same file.
func (db *DB) limitsDB() (*sql.DB, error) {
	if db.dialect == Postgres {
		return db.write, nil
	}
	db.limitsOnce.Do(func() {
		path := db.Path + "-limits"
		if db.closed.Load() {
			db.limitsErr = fmt.Errorf("open %s: the database is closed", path)
			return
		}
		c, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
		if err != nil {
			db.limitsErr = fmt.Errorf("open %s: %w", path, err)
			return
		}
		c.SetMaxOpenConns(1)
		c.SetConnMaxIdleTime(0)
		if _, err := c.Exec(limitsSchema); err != nil {
			c.Close()
			db.limitsErr = fmt.Errorf("create rate_limits in %s: %w", path, err)
			return
		}
		db.limits = c
	})
	return db.limits, db.limitsErr
}

// counterBatch writes SQLite's rate-limit hits: the hits that arrive while
// a batch is written wait and go together in the next one transaction.
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
	err := func() error {
		c, err := b.db.limitsDB()
		if err != nil {
			return err
		}
		tx, err := c.BeginTx(context.Background(), nil)
		if err != nil {
			return err
		}
		for i, r := range batch {
			if results[i].err = r.ctx.Err(); results[i].err != nil {
				continue
			}
			results[i].counts, results[i].err = hitLimits(context.Background(), tx.QueryContext, r.win, r.expires, r.keys)
			if results[i].err != nil {
				tx.Rollback()
				return results[i].err // the transaction is lost: every hit of it fails
			}
		}
		return tx.Commit()
	}()
	for i, r := range batch {
		if err != nil {
			results[i] = hitRes{err: err}
		}
		r.done <- results[i]
	}
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
	c, err := db.limitsDB()
	if err != nil {
		return err
	}
	_, err = c.ExecContext(ctx, db.rebind(`UPDATE rate_limits SET hits = hits - 1 WHERE win = ? AND hits > 0 AND key IN (?`+strings.Repeat(", ?", len(keys)-1)+`)`), args...)
	return err
}

// ExpireLimits deletes the counters that no longer matter at now (unix
// seconds) and returns how many.
func (db *DB) ExpireLimits(ctx context.Context, now int64) (int64, error) {
	c, err := db.limitsDB()
	if err != nil {
		return 0, err
	}
	res, err := c.ExecContext(ctx, db.rebind(`DELETE FROM rate_limits WHERE expires < ?`), now)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
