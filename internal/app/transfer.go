package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// Transfer runs the lifecycle step that moves case id to another level's
// organisation (移交上级/下级人大). internal/levels checks where it may go
// and writes the move in fn; the step gives it the version check, the
// event, the audit entry and the read-only rule (zhitong.Principal.Holds).
func (a *App) Transfer(ctx context.Context, p zhitong.Principal, id int64, version int, fn StepHook) (*zhitong.Case, error) {
	return a.step(ctx, p, id, version, zhitong.ActionTransfer, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		return fn(ctx, tx, c, ev)
	})
}

// NotifyCase writes a notice about case c in tx: to the staff accounts
// users in-app (and by e-mail), and with citizen to its submitter by SMS.
// key makes it idempotent (see Notice.Key).
func (a *App) NotifyCase(ctx context.Context, tx *store.Tx, key, template string, c *store.CaseRecord, users []int64, citizen bool, vars map[string]string) error {
	_, err := a.notify(ctx, tx, Notice{Key: key, Template: template, CaseID: c.ID, UserIDs: users, Citizen: citizen && !c.Submitter.Anonymous, Vars: vars})
	return err
}
