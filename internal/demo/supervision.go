package demo

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
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
	if _, err := r.a.SweepOnce(ctx); err != nil {
		return err
	}
	return r.publishBulletin(ctx)
}

// publishBulletin makes the sweep's latest bulletin public, the monthly one
// when there is one, as the committee would after reviewing it: the portal's
// 通报 page then shows what a county publishes.
func (r *runner) publishBulletin(ctx context.Context) error {
	list, _, err := store.ListBulletins(ctx, r.a.DB(), store.BulletinFilter{}, store.Page{Limit: 10}, 0)
	if err != nil || len(list) == 0 {
		return err
	}
	pick := list[0]
	for _, b := range list {
		if b.Period == "monthly" {
			pick = b
			break
		}
	}
	if pick.Published {
		return nil
	}
	_, err = r.a.PublishBulletin(ctx, r.users[committee], pick.ID)
	return err
}
