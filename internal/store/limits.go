package store

import (
	"context"
	"fmt"
	"strings"
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
// on its own (autocommit, an unlogged table); on SQLite it joins the group
// commit, so concurrent hits share one durable commit with other writes.
func (db *DB) HitLimits(ctx context.Context, win, expires int64, keys ...string) ([]LimitCount, error) {
	if len(keys) == 0 {
		return nil, nil
	}
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
	q := b.String()
	out := make([]LimitCount, len(keys))
	scan := func(query func(ctx context.Context, q string, args ...any) (rowsScanner, error)) error {
		rows, err := query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var key string
			var c LimitCount
			if err := rows.Scan(&key, &c.Hits, &c.Prev); err != nil {
				return err
			}
			for i, k := range keys {
				if k == key {
					out[i] = c
					n++
				}
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != len(keys) {
			return fmt.Errorf("rate limit upsert returned %d of %d keys", n, len(keys))
		}
		return nil
	}
	if db.dialect == Postgres {
		err := scan(func(ctx context.Context, q string, args ...any) (rowsScanner, error) {
			return db.write.QueryContext(ctx, db.rebind(q), args...)
		})
		return out, err
	}
	err := db.WriteGrouped(ctx, func(tx *Tx) error {
		return scan(func(ctx context.Context, q string, args ...any) (rowsScanner, error) {
			return tx.Query(ctx, q, args...)
		})
	})
	return out, err
}

type rowsScanner interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
	Close() error
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
