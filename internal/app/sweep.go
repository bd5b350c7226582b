package app

import (
	"context"
	"fmt"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Escalations int `json:"escalations"` // reminders, letters and listings
	Bulletins   int `json:"bulletins"`
	Callbacks   int `json:"callbacks"`
	FollowUps   int `json:"follow_ups"`
}

// Sweep makes time act on cases: escalation, due bulletins, call-back and
// follow-up tasks, in that order. Every step reads "now" from the app's
// clock and is idempotent, so a sweep can run as often as wanted (the
// server runs it as a periodic job; `zhitong sweep` runs it once).
func (a *App) Sweep(ctx context.Context) error {
	_, err := a.SweepOnce(ctx)
	return err
}

// SweepOnce runs a sweep and reports what it did.
func (a *App) SweepOnce(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	if err := a.loadPolicy(ctx); err != nil {
		return r, err
	}
	var err error
	if r.Escalations, err = a.Escalate(ctx); err != nil {
		return r, fmt.Errorf("sweep: %w", err)
	}
	if r.Bulletins, err = a.GenerateDueBulletins(ctx); err != nil {
		return r, fmt.Errorf("sweep: %w", err)
	}
	if r.Callbacks, err = a.CreateCallbacks(ctx); err != nil {
		return r, fmt.Errorf("sweep: %w", err)
	}
	if r.FollowUps, err = a.CreateFollowUps(ctx); err != nil {
		return r, fmt.Errorf("sweep: %w", err)
	}
	return r, nil
}
