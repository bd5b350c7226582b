package app

import (
	"context"
	"strconv"
	"strings"

	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// UnitPhoneAAD binds a handling unit's sealed contact phone (units.phone_enc)
// to its column; internal/admin seals with it, the outbox opens with it.
const UnitPhoneAAD = "unit:phone"

// A notice to a handling unit (Notice.UnitID) also goes by SMS to the
// unit's contact phone when it has one: recipient "unit:<id>", one outbox
// row per notice (the row key carries the recipient, so a notice replayed
// is not sent twice).

func unitRecipient(id int64) string { return "unit:" + strconv.FormatInt(id, 10) }

// unitOf returns the unit a unit SMS row is for.
func unitOf(n *store.Notification) (int64, bool) {
	s, ok := strings.CutPrefix(n.Recipient, "unit:")
	if !ok || n.Channel != "sms" {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// unitSMS reports whether unit id has a contact phone to text.
func unitSMS(ctx context.Context, q store.Q, id int64) (bool, error) {
	enc, err := store.UnitPhone(ctx, q, id)
	return enc != "", err
}

// unitPhone returns the unit's contact phone to text, or why there is none.
func (a *App) unitPhone(ctx context.Context, id int64) (phone, skip string, err error) {
	enc, err := store.UnitPhone(ctx, a.db, id)
	if err != nil {
		return "", "", err
	}
	if enc == "" {
		return "", "承办单位未留联系电话或已停用", nil
	}
	phone, err = a.sealer.Open(enc, UnitPhoneAAD)
	if err != nil {
		return "", "", err
	}
	if !pii.IsMobile(phone) {
		return "", "承办单位留的是固定电话，无法发送短信", nil
	}
	return phone, "", nil
}

// unitRecipientName names a unit SMS row's recipient for the deliveries
// page: the unit and its masked phone.
func (a *App) unitRecipientName(ctx context.Context, id int64) (string, error) {
	rec, err := store.GetUnitRecord(ctx, a.db, id)
	if err != nil {
		return "", err
	}
	phone, err := a.sealer.Open(rec.PhoneEnc, UnitPhoneAAD)
	if err != nil {
		return "", err
	}
	if phone == "" {
		return rec.Name + "（未留联系电话）", nil
	}
	return rec.Name + " " + pii.MaskPhone(phone), nil
}
