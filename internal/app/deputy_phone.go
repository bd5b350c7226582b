package app

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// A deputy's phone for SMS (duty reminders, 约谈提醒 and notices to a
// deputy without an account, deputy_notify.go) is personal data: sealed
// with SM4-GCM like citizens' phones, found by the same HMAC-SM3 blind
// index, masked on screen, and shown in full only to staff who manage the
// deputy, each time audited (deputy.phone_reveal).

const deputyPhoneAAD = "deputy:phone"

// sealDeputyPhone validates a mobile number and seals it; "" means none.
func (a *App) sealDeputyPhone(phone string) (store.DeputyPhone, error) {
	if strings.TrimSpace(phone) == "" {
		return store.DeputyPhone{}, nil
	}
	n, err := pii.NormalizePhone(phone)
	if err != nil {
		return store.DeputyPhone{}, zhitong.Invalid("phone", "手机号格式不正确：代表的手机号用于发送短信，请填写 11 位手机号")
	}
	return store.DeputyPhone{Enc: a.sealer.Seal(n, deputyPhoneAAD), Index: a.sealer.BlindIndex("phone", n)}, nil
}

// deputyPhone opens a deputy's phone; "" when none is on file.
func (a *App) deputyPhone(ctx context.Context, q store.Q, deputyID int64) (string, error) {
	ph, err := store.GetDeputyPhone(ctx, q, deputyID)
	if err != nil || ph.Enc == "" {
		return "", err
	}
	return a.sealer.Open(ph.Enc, deputyPhoneAAD)
}

// RevealDeputyPhone shows a deputy's full phone to staff who manage them
// (to call them), audited.
func (a *App) RevealDeputyPhone(ctx context.Context, p zhitong.Principal, id int64) (string, error) {
	var phone string
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.managedDeputy(ctx, tx, p, id, deputyPhonePart)
		if err != nil {
			return err
		}
		if phone, err = a.deputyPhone(ctx, tx, id); err != nil {
			return err
		}
		if phone == "" {
			return zhitong.Errorf(zhitong.ENOTFOUND, "代表%s没有登记手机号", d.Name)
		}
		return a.audit(ctx, tx, p, "deputy.phone_reveal", deputyObject(id), map[string]any{"name": d.Name})
	})
	return phone, err
}
