package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
)

// groupCommit batches concurrent small transactions into one commit. A
// durable commit costs an fsync; under load many citizens submit at once,
// and one fsync for all of them is what lets a small server take a thousand
// submissions a second. A group first runs its callers one after the other
// without savepoints (runTogether); when one fails, the group runs again
// with each caller inside its own savepoint (runApart), so one failure rolls
// back only that caller's writes. Notifications (Tx.QueueNotifications)
// go in with one statement at the group's end.
//
// The group's audit entries are linked together at its end (Tx.flushAudit),
// so on PostgreSQL several groups (groupLanes) write side by side and queue
// on the audit chain's head row only for their last statements and their
// commit; SQLite has one writer and one lane.
type groupCommit struct {
	db   *DB
	reqs chan *groupReq
	wg   sync.WaitGroup
	// replays counts the groups run again with savepoints (runApart).
	replays atomic.Int64
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
	err := g.db.Write(context.Background(), func(tx *Tx) error { return runTogether(tx, batch, results) })
	if errors.Is(err, errReplay) {
		// One caller's statement failed, and on PostgreSQL a failed
		// statement aborts the whole transaction: the group starts again,
		// each caller in a savepoint of its own, so that one bad
		// submission cannot sink the others.
		g.replays.Add(1)
		clear(results)
		err = g.db.Write(context.Background(), func(tx *Tx) error { return runApart(tx, batch, results) })
	}
	for i, r := range batch {
		if err != nil && results[i] == nil {
			results[i] = err
		}
		r.done <- results[i]
	}
}

// errReplay ends a group run without savepoints when one of its callers
// failed.
var errReplay = errors.New("store: a grouped caller failed; the group runs again with savepoints")

// runTogether runs the group's callers one after the other without
// savepoints (two round trips a caller fewer): the common case, where every
// submission was validated before it queued. Any caller's failure ends it
// with errReplay, and the group runs again with runApart.
func runTogether(tx *Tx, batch []*groupReq, results []error) error {
	tx.grouped = true
	for i, r := range batch {
		if results[i] = r.ctx.Err(); results[i] != nil {
			continue
		}
		if err := r.fn(tx); retryable(err) {
			return err // a deadlock or a busy database: Write starts again
		} else if err != nil {
			return errReplay
		}
	}
	if err := tx.flushNotifications(context.Background()); retryable(err) {
		return err
	} else if err != nil {
		return errReplay
	}
	return tx.flushAudit(context.Background())
}

// runApart runs each of the group's callers inside its own savepoint, so
// one failure rolls back only that caller's writes, its held audit entries
// and notifications included.
func runApart(tx *Tx, batch []*groupReq, results []error) error {
	tx.grouped = true
	for i, r := range batch {
		if results[i] = r.ctx.Err(); results[i] != nil {
			continue
		}
		if _, err := tx.Exec(r.ctx, `SAVEPOINT grouped`); err != nil {
			return err
		}
		held := len(tx.pendingAudit)
		results[i] = r.fn(tx)
		if results[i] == nil {
			// Its notifications go in inside its savepoint: a bad one
			// fails this caller only.
			results[i] = tx.flushNotifications(r.ctx)
		}
		if retryable(results[i]) {
			// A deadlock between lanes (or with another writer): the
			// whole group starts again, as Write retries.
			return results[i]
		} else if results[i] != nil {
			if _, err := tx.Exec(context.Background(), `ROLLBACK TO SAVEPOINT grouped`); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", err)
			}
			tx.pendingAudit, tx.pendingNotifications = tx.pendingAudit[:held], nil
		}
		if _, err := tx.Exec(context.Background(), `RELEASE SAVEPOINT grouped`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
	}
	return tx.flushAudit(context.Background())
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
