package app

import (
	"context"
	"strconv"

	"zhitong/internal/store"
)

// Deputies without an account (most township deputies) are reached by SMS
// on the phone staff keep for them (deputy_phone.go): duty reminders, the
// 约谈提醒 and every notice that goes in-app to a deputy who has one. The
// outbox row is addressed "deputy:<id>"; its key, like every notice's, is
// unique per recipient, so a cause replayed (a sweep run twice) never
// sends twice.

func deputyRecipient(id int64) string { return "deputy:" + strconv.FormatInt(id, 10) }

// deputyOf returns the deputy an outbox row is addressed to.
func deputyOf(n *store.Notification) (int64, bool) { return recipientID(n, "deputy:") }

// noticeDeputy writes n for a deputy: in-app (and e-mail) to the accounts
// they sign in with, or, when they have none, an SMS to their phone. A
// deputy with neither gets nothing (0): staff are told to phone them.
func (a *App) noticeDeputy(ctx context.Context, tx *store.Tx, deputyID int64, n Notice) (int, error) {
	ids, err := store.DeputyUserIDs(ctx, tx, deputyID)
	if err != nil {
		return 0, err
	}
	if len(ids) > 0 {
		n.UserIDs = append(n.UserIDs, ids...)
		return a.notify(ctx, tx, n)
	}
	ph, err := store.GetDeputyPhone(ctx, tx, deputyID)
	if err != nil || ph.Enc == "" {
		return 0, err
	}
	n.DeputyID = deputyID
	return a.notify(ctx, tx, n)
}

// deputySMSPhone returns the phone a deputy's SMS goes to, or why there is none.
func (a *App) deputySMSPhone(ctx context.Context, deputyID int64) (phone, skip string, err error) {
	ph, err := store.GetDeputyPhone(ctx, a.db, deputyID)
	if err != nil {
		return "", "", err
	}
	if ph.Enc == "" {
		return "", "代表未登记手机号", nil
	}
	if out, err := store.OptedOut(ctx, a.db, ph.Index); err != nil {
		return "", "", err
	} else if out {
		return "", "该手机号已退订短信通知", nil
	}
	phone, err = a.sealer.Open(ph.Enc, deputyPhoneAAD)
	return phone, "", err
}
