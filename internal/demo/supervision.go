package demo

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
)

// demoPolicy is the deadline policy the demo county ships: the default
// limits by kind, a few categories and combinations of its own.
func demoPolicy() app.Policy {
	p := app.DefaultPolicy()
	p.Limits = append(p.Limits,
		app.Limit{Category: "water", Days: 5},                              // 供水供电 touches daily life: faster
		app.Limit{Category: "environment", Days: 10},                       // 环境卫生
		app.Limit{Kind: zhitong.KindComplaint, Category: "water", Days: 3}, // a water complaint: 3 days
	)
	p.LetterPrefix = "定人大督"
	return p
}

// loadSupervision sets the demo's deadline policy, as the county's
// committee staff, and runs one sweep so that the workbench shows reminders,
// letters, the supervision list, bulletins, call-backs and follow-ups.
// Both steps are idempotent.
func (r *runner) loadSupervision(ctx context.Context) error {
	if _, err := r.a.SetPolicy(ctx, r.users[committee], demoPolicy()); err != nil {
		return err
	}
	_, err := r.a.SweepOnce(ctx)
	return err
}
