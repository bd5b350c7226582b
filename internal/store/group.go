package store

import (
	"context"
	"fmt"
	"sync"
)

// groupCommit batches concurrent small transactions into one commit. A
// durable commit costs an fsync; under load many citizens submit at once,
// and one fsync for all of them is what lets a small server take a thousand
// submissions a second. Each caller's work runs inside its own savepoint, so
// one failure rolls back only that caller's writes.
//
// The group's audit entries are linked together at its end (Tx.flushAudit),
// so on PostgreSQL several groups (groupLanes) write side by side and queue
// on the audit chain's head row only for their last statements and their
// commit; SQLite has one writer and one lane.
type groupCommit struct {
	db   *DB
	reqs chan *groupReq
	wg   sync.WaitGroup
}

type groupReq struct {
	ctx  context.Context
	fn   func(*Tx) error
	done chan error
}

const maxGroup = 128

// groupLanes is how many groups PostgreSQL commits at once: a group's
// statements are round trips on one connection, and with one lane every
// submission waited for the whole group ahead of it, statement by statement.
const groupLanes = 4

func newGroupCommit(db *DB) *groupCommit {
	g := &groupCommit{db: db, reqs: make(chan *groupReq, maxGroup)}
	lanes := 1
	if db.dialect == Postgres {
		lanes = groupLanes
	}
	for range lanes {
		g.wg.Go(g.loop)
	}
	return g
}

func (g *groupCommit) close() {
	close(g.reqs)
	g.wg.Wait()
}

func (g *groupCommit) loop() {
	for first := range g.reqs {
		batch := []*groupReq{first}
	drain:
		for len(batch) < maxGroup {
			select {
			case r, ok := <-g.reqs:
				if !ok {
					break drain
				}
				batch = append(batch, r)
			default:
				break drain
			}
		}
		g.commit(batch)
	}
}

func (g *groupCommit) commit(batch []*groupReq) {
	results := make([]error, len(batch))
	err := g.db.Write(context.Background(), func(tx *Tx) error {
		tx.auditLater = true
		for i, r := range batch {
			results[i] = r.ctx.Err()
			if results[i] != nil {
				continue
			}
			if _, err := tx.Exec(r.ctx, `SAVEPOINT grouped`); err != nil {
				return err
			}
			held := len(tx.pendingAudit)
			if results[i] = r.fn(tx); retryable(results[i]) {
				// A deadlock between lanes (or with another writer): the
				// whole group starts again, as Write retries.
				return results[i]
			} else if results[i] != nil {
				if _, err := tx.Exec(context.Background(), `ROLLBACK TO SAVEPOINT grouped`); err != nil {
					return fmt.Errorf("rollback to savepoint: %w", err)
				}
				tx.pendingAudit = tx.pendingAudit[:held]
			}
			if _, err := tx.Exec(context.Background(), `RELEASE SAVEPOINT grouped`); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		return tx.flushAudit(context.Background())
	})
	for i, r := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		r.done <- results[i]
	}
}

// WriteGrouped runs fn in a write transaction that may be shared with other
// concurrent callers, committed once for all. It returns only after the
// commit, so a nil error means fn's writes are durable. fn must touch
// nothing outside the transaction: it may run again if the commit is retried.
func (db *DB) WriteGrouped(ctx context.Context, fn func(*Tx) error) error {
	r := &groupReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case db.group.reqs <- r:
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-r.done
}
