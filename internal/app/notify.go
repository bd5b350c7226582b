package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"zhitong/internal/store"
)

// Notice asks for a message. notify writes it to the outbox in the caller's
// transaction, so the message exists exactly when the change that causes it
// does; background jobs deliver it later.
type Notice struct {
	// Key identifies the notice for idempotency: a second notice with the
	// same key (per recipient) is dropped, so replaying a cause never sends
	// twice. Build it from what caused it, e.g. "case:42:assigned:3".
	Key      string
	Template string  // template name, e.g. "case.assigned"
	CaseID   int64   // the case it is about, 0 if none
	Citizen  bool    // to the case's submitter, by SMS
	UserIDs  []int64 // to staff accounts, in the workbench (and by e-mail if they gave an address)
	UnitID   int64   // to every handler account of this unit, likewise
	// AppointmentID: to the citizen who made this booking, by SMS
	// (recipient "appointment:<id>"; see appointment_sms.go).
	AppointmentID int64
	// DeputyID: to this deputy's phone, by SMS (recipient "deputy:<id>"),
	// for a deputy without an account; see noticeDeputy.
	DeputyID int64
	Vars     map[string]string // template variables
}

// notify writes n to the outbox, one row per recipient and channel. It
// returns how many rows were new.
func (a *App) notify(ctx context.Context, tx *store.Tx, n Notice) (int, error) {
	rows, err := a.noticeRows(ctx, tx, n)
	if err != nil {
		return 0, err
	}
	added := 0
	for _, r := range rows {
		ok, err := tx.InsertNotification(ctx, r)
		if err != nil {
			return added, fmt.Errorf("notify %s: %w", r.Key, err)
		}
		if ok {
			added++
		}
	}
	return added, nil
}

// noticeRows returns the outbox rows of n, one per channel and recipient.
func (a *App) noticeRows(ctx context.Context, tx *store.Tx, n Notice) ([]*store.Notification, error) {
	if n.Key == "" || n.Template == "" {
		return nil, fmt.Errorf("notify: a notice needs a key and a template")
	}
	if n.Citizen && n.CaseID == 0 {
		return nil, fmt.Errorf("notify %s: a citizen is reached through a case", n.Key)
	}
	vars, err := json.Marshal(n.Vars)
	if err != nil {
		return nil, err
	}
	now := a.clock.Now()
	row := func(channel, recipient string, userID int64) *store.Notification {
		return &store.Notification{Key: n.Key + "/" + channel + ":" + recipient, Template: n.Template, Channel: channel,
			Recipient: recipient, CaseID: n.CaseID, UserID: userID, Vars: string(vars), Status: "pending",
			NotBefore: now, CreatedAt: now}
	}
	var rows []*store.Notification
	if n.Citizen {
		rows = append(rows, row("sms", "citizen", 0))
	}
	if n.AppointmentID != 0 {
		rows = append(rows, row("sms", appointmentRecipient(n.AppointmentID), 0))
	}
	if n.DeputyID != 0 {
		rows = append(rows, row("sms", deputyRecipient(n.DeputyID), 0))
	}
	users := n.UserIDs
	if n.UnitID != 0 {
		ids, err := store.UnitUserIDs(ctx, tx, n.UnitID)
		if err != nil {
			return nil, err
		}
		users = append(users, ids...)
		// The unit's contact phone gets the notice by SMS too (unit_sms.go).
		if ok, err := unitSMS(ctx, tx, n.UnitID); err != nil {
			return nil, err
		} else if ok {
			rows = append(rows, row("sms", unitRecipient(n.UnitID), 0))
		}
	}
	for _, id := range users {
		rows = append(rows, row("inapp", "user:"+strconv.FormatInt(id, 10), id))
		// Staff who gave an address also get the notice by e-mail.
		if email, err := store.UserEmail(ctx, tx, id); err != nil {
			return nil, err
		} else if email != "" {
			rows = append(rows, row("email", "user:"+strconv.FormatInt(id, 10), id))
		}
	}
	return rows, nil
}
