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
	return true, a.optOut(ctx, zhitong.Citizen, c.PhoneIndex, "tracking", "case:"+strconv.FormatInt(c.ID, 10))
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
	return a.optOut(ctx, p, a.sealer.BlindIndex("phone", norm), "staff", "phone:"+pii.MaskPhone(norm))
}

func (a *App) optOut(ctx context.Context, p zhitong.Principal, idx, source, object string) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		added, err := tx.OptOut(ctx, idx, source, a.clock.Now())
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
