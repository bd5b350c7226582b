package app

import (
	"context"
	"strconv"

	"zhitong"
	"zhitong/internal/store"
)

// ackNotice writes the acknowledgement SMS (受理告知) of a new case. Cases
// answered on the spot are finished at the citizen's side already.
func (a *App) ackNotice(ctx context.Context, tx *store.Tx, c *zhitong.Case, ev *zhitong.Event) error {
	if c.Status == zhitong.StatusAnswered {
		return nil
	}
	// Queued: a group commit writes its submissions' notices with one
	// statement (store.Tx.QueueNotifications).
	rows, err := a.noticeRows(ctx, tx, Notice{Key: eventKey(c.ID, ev.ID, "acknowledged"), Template: "case.acknowledged",
		CaseID: c.ID, Citizen: true, Vars: map[string]string{"code": c.Code}})
	if err != nil {
		return err
	}
	return tx.QueueNotifications(ctx, rows...)
}

// stepNotices writes what a lifecycle step tells people, if anything: the
// citizen hears of the assignment with unit and due date, the reply with a
// link to read and evaluate it, a re-handle with its new due date; the lead
// unit's handlers see a new assignment in the workbench. It runs in step's
// transaction, after the case event, whose id makes the notices' keys.
func (a *App) stepNotices(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
	var tmpl string
	vars := map[string]string{"code": c.Code}
	switch {
	case ev.Action == zhitong.ActionAssign:
		tmpl, vars["due"] = "case.assigned", c.DueDate
		if c.LeadUnitID != 0 {
			u, err := store.GetUnit(ctx, tx, c.LeadUnitID)
			if err != nil {
				return err
			}
			vars["unit"] = u.Name
			if _, err := a.notify(ctx, tx, Notice{Key: eventKey(c.ID, ev.ID, "unit.assigned"), Template: "unit.assigned", CaseID: c.ID,
				UnitID: c.LeadUnitID, Vars: map[string]string{"code": c.Code, "title": c.Title, "due": c.DueDate}}); err != nil {
				return err
			}
		}
	case ev.Action == zhitong.ActionReply && c.Status == zhitong.StatusReplied:
		tmpl = "case.replied"
	case ev.Action == zhitong.ActionRehandle:
		tmpl, vars["due"] = "case.rehandled", c.DueDate
	default:
		return nil
	}
	_, err := a.notify(ctx, tx, Notice{Key: eventKey(c.ID, ev.ID, tmpl), Template: tmpl, CaseID: c.ID, Citizen: true, Vars: vars})
	return err
}

func eventKey(caseID, eventID int64, what string) string {
	return "case:" + strconv.FormatInt(caseID, 10) + ":ev:" + strconv.FormatInt(eventID, 10) + ":" + what
}
