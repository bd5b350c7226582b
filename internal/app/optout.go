package app

import (
	"context"
	"encoding/json"
	"strconv"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// OptOut stops text messages (退订短信) to the phone number left with the
// case holding this tracking code: every later SMS to that number, about
// any case, is recorded as skipped. It reports whether there was a number.
func (a *App) OptOut(ctx context.Context, code string) (bool, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return false, err
	}
	if c.PhoneIndex == "" {
		return false, nil
	}
	phone, err := a.sealer.Open(c.Submitter.Phone, "case:phone")
	if err != nil {
		return false, err
	}
	return true, a.optOut(ctx, zhitong.Citizen, phone, "tracking", "case:"+strconv.FormatInt(c.ID, 10))
}

// OptOutPhone records a citizen's request, taken by staff (for example on
// the phone), to receive no more text messages at phone.
func (a *App) OptOutPhone(ctx context.Context, p zhitong.Principal, phone string) error {
	if !p.May(zhitong.ActionRegister) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权登记退订")
	}
	norm, err := pii.NormalizePhone(phone)
	if err != nil {
		return zhitong.Invalid("phone", "%s", err.Error())
	}
	return a.optOut(ctx, p, norm, "staff", "phone:"+pii.MaskPhone(norm))
}

// optOut records the phone by its blind index and, sealed, the number
// itself, so a key rotation can compute its index under the new key.
func (a *App) optOut(ctx context.Context, p zhitong.Principal, phone, source, object string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if out, err := store.OptedOut(ctx, tx, a.sealer.BlindIndexes("phone", phone)...); err != nil || out {
			return err
		}
		added, err := tx.OptOut(ctx, a.sealer.BlindIndex("phone", phone), a.sealer.Seal(phone, "optout:phone"), source, a.clock.Now())
		if err != nil || !added {
			return err
		}
		return a.audit(ctx, tx, p, "sms.optout", object, map[string]any{"source": source})
	})
}

func decodeVars(s string) map[string]string {
	vars := map[string]string{}
	_ = json.Unmarshal([]byte(s), &vars) // a row's vars are written by notify as a JSON object
	return vars
}
