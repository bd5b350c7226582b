package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"zhitong/internal/store"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Escalations int `json:"escalations"` // reminders, letters and listings
	Bulletins   int `json:"bulletins"`
	Callbacks   int `json:"callbacks"`
	FollowUps   int `json:"follow_ups"`
	// DutyReminders counts the duty reminders (值班提醒) written to the outbox.
	DutyReminders int `json:"duty_reminders"`
	// Partitions counts the monthly partitions made ahead on PostgreSQL
	// (store.EnsurePartitions; none unless zhitong db partition was run).
	Partitions int `json:"partitions"`
	// Errors counts the cases (and bulletin periods) a step failed on; the
	// sweep went on with the others and reports them together at the end.
	Errors int `json:"errors"`
}

// Sweep makes time act on cases: escalation, due bulletins, call-back and
// follow-up tasks, in that order. Every step reads "now" from the app's
// clock and is idempotent, so a sweep can run as often as wanted (the
// server runs it as a periodic job; `zhitong sweep` runs it once).
func (a *App) Sweep(ctx context.Context) error {
	_, err := a.SweepOnce(ctx)
	return err
}

// SweepOnce runs a sweep and reports what it did. A case that fails is
// logged and counted, and every other case and step still runs: one bad
// case must not hold back every bulletin, call-back and follow-up at every
// tick. The failures come back joined, after everything ran. The run is
// recorded for GET /api/v1/health.
func (a *App) SweepOnce(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	if err := a.loadPolicy(ctx); err != nil {
		return r, err
	}
	steps := []struct {
		name  string
		count *int
		run   func(context.Context) (int, error)
	}{
		{"escalate", &r.Escalations, a.Escalate},
		{"bulletins", &r.Bulletins, a.GenerateDueBulletins},
		{"callbacks", &r.Callbacks, a.CreateCallbacks},
		{"follow-ups", &r.FollowUps, a.CreateFollowUps},
		{"duty-reminders", &r.DutyReminders, a.DutyReminders},
		{"partitions", &r.Partitions, func(ctx context.Context) (int, error) {
			return a.db.EnsurePartitions(ctx, a.clock.Now(), store.PartitionsAhead)
		}},
	}
	var errs []error
	for _, s := range steps {
		start := time.Now()
		n, err := s.run(ctx)
		*s.count = n
		// Each step's time, for a sweep that is slow (zhitong sweep --debug).
		a.log.Debug("sweep: step", "step", s.name, "items", n, "took", time.Since(start))
		if err != nil {
			r.Errors += failures(err)
			errs = append(errs, fmt.Errorf("%s: %w", s.name, err))
		}
	}
	err := errors.Join(errs...)
	if rerr := a.recordSweep(ctx, r, err); rerr != nil {
		a.log.Warn("sweep: cannot record the run", "err", rerr)
	}
	if err != nil {
		return r, fmt.Errorf("sweep: %d failed: %w", r.Errors, err)
	}
	return r, nil
}

// recordSweep stores when the sweep finished and how many items failed.
func (a *App) recordSweep(ctx context.Context, r SweepResult, err error) error {
	run := store.JobRun{Name: "sweep", FinishedAt: a.clock.Now(), Errors: r.Errors}
	if err != nil {
		run.LastError = truncate(err.Error(), 500)
	}
	// A cancelled sweep still says how far it got.
	ctx = context.WithoutCancel(ctx)
	return a.db.Write(ctx, func(tx *store.Tx) error { return tx.PutJobRun(ctx, run) })
}

// failures counts the errors joined in err.
func failures(err error) int {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

// itemErrors collects the failures of one sweep step, one per case or
// period, logging each as it happens.
type itemErrors struct {
	a    *App
	step string
	errs []error
}

func (e *itemErrors) add(what string, id any, err error) {
	e.a.log.Error("sweep: one item failed, the others go on", "step", e.step, what, id, "err", err)
	e.errs = append(e.errs, fmt.Errorf("%s %v: %w", what, id, err))
}

func (e *itemErrors) err() error { return errors.Join(e.errs...) }
