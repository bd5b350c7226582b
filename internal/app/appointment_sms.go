package app

import (
	"context"
	"strconv"
	"strings"

	"zhitong/internal/store"
)

// A booking's SMS goes to the phone the citizen booked with: the outbox
// row's recipient is "appointment:<id>" and it has no case.

func appointmentRecipient(id int64) string { return "appointment:" + strconv.FormatInt(id, 10) }

// appointmentOf returns the booking an outbox row is addressed to.
func appointmentOf(n *store.Notification) (int64, bool) { return recipientID(n, "appointment:") }

// recipientID reads the id of a recipient addressed "<prefix><id>".
func recipientID(n *store.Notification, prefix string) (int64, bool) {
	s, ok := strings.CutPrefix(n.Recipient, prefix)
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// smsPhone returns the phone a citizen SMS row goes to, or why there is none.
func (a *App) smsPhone(ctx context.Context, n *store.Notification) (phone, skip string, err error) {
	if id, ok := appointmentOf(n); ok {
		return a.appointmentPhone(ctx, id)
	}
	if id, ok := deputyOf(n); ok {
		return a.deputySMSPhone(ctx, id)
	}
	if id, ok := unitOf(n); ok {
		return a.unitPhone(ctx, id)
	}
	return a.citizenPhone(ctx, n.CaseID)
}

// appointmentPhone returns the phone a booking was made with, unless it
// opted out of SMS.
func (a *App) appointmentPhone(ctx context.Context, id int64) (phone, skip string, err error) {
	rec, err := store.GetAppointment(ctx, a.db, id)
	if err != nil {
		return "", "", err
	}
	phone, err = a.sealer.Open(rec.PhoneEnc, "appointment:phone")
	if err != nil {
		return "", "", err
	}
	out, err := store.OptedOut(ctx, a.db, a.sealer.BlindIndexes("phone", phone)...)
	if err != nil {
		return "", "", err
	}
	if out {
		return "", "群众已退订短信通知", nil
	}
	return phone, "", nil
}
