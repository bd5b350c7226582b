package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// RecordEdit corrects a duty record (更正): every field of RecordInput but
// its kind and cases, which stay as they are, and why it is corrected.
type RecordEdit struct {
	Activity  string  `json:"activity"`
	Day       string  `json:"day"`
	StationID int64   `json:"station_id"`
	Title     string  `json:"title"`
	Visitors  int     `json:"visitors"`
	Answered  string  `json:"answered"`
	Result    string  `json:"result"`
	Others    string  `json:"others"`
	DeputyIDs []int64 `json:"deputy_ids"`
	Reason    string  `json:"reason"`
}

// UpdateRecord corrects a record under the rules of a new one, audited
// with its old and new content, and refreshes the ledgers of the deputies
// it had and has, in one transaction.
func (a *App) UpdateRecord(ctx context.Context, p zhitong.Principal, id int64, e RecordEdit) (*zhitong.DutyRecord, error) {
	old, err := a.correctable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	in := RecordInput{Kind: old.Kind, Activity: e.Activity, Day: e.Day, StationID: e.StationID, Title: e.Title, Visitors: e.Visitors,
		Answered: e.Answered, Result: e.Result, Others: e.Others, DeputyIDs: e.DeputyIDs, Reason: e.Reason}
	if strings.TrimSpace(in.Reason) == "" {
		return nil, zhitong.Invalid("reason", "请填写更正原因")
	}
	rec, err := a.validateRecord(ctx, p, &in, old)
	if err != nil {
		return nil, err
	}
	now := a.clock.Now()
	rec.ID, rec.CaseIDs, rec.CreatedAt, rec.CreatedBy, rec.UpdatedAt, rec.UpdatedBy = old.ID, old.CaseIDs, old.CreatedAt, old.CreatedBy, &now, p.UserID
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if cur, err := store.GetDutyRecord(ctx, tx, id); err != nil || cur.Voided() {
			return voidedConflict(err)
		}
		if err := tx.UpdateDutyRecord(ctx, rec); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty_record.update", recordObject(id),
			map[string]any{"reason": in.Reason, "old": recordFacts(old), "new": recordFacts(rec)}); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, union(old.DeputyIDs, rec.DeputyIDs))
	})
	if err != nil {
		return nil, err
	}
	return store.GetDutyRecord(ctx, a.db, id)
}

// VoidRecord voids a record (作废) with a reason: it stays listed, marked,
// and counts for nothing — no points, no visits, no citizens received, no
// linked cases. The cases it took in stay registered.
func (a *App) VoidRecord(ctx context.Context, p zhitong.Principal, id int64, reason string) (*zhitong.DutyRecord, error) {
	r, err := a.correctable(ctx, p, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, zhitong.Invalid("reason", "请填写作废原因")
	}
	if err := checkLen("reason", "作废原因", reason, 0, maxShort); err != nil {
		return nil, err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.VoidDutyRecord(ctx, id, a.clock.Now(), p.UserID, reason); err != nil {
			return err
		}
		facts := recordFacts(r)
		facts["reason"] = reason
		if err := a.audit(ctx, tx, p, "duty_record.void", recordObject(id), facts); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, r.DeputyIDs)
	})
	if err != nil {
		return nil, err
	}
	return store.GetDutyRecord(ctx, a.db, id)
}

// correctable loads a record p may correct or void: committee staff, and
// the heads and officers covering its station (without one: its region);
// the deputy who entered it, within the window after its day.
func (a *App) correctable(ctx context.Context, p zhitong.Principal, id int64) (*zhitong.DutyRecord, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(recordRoles, p.Role) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权更正履职记录", zhitong.Label(zhitong.Roles, p.Role))
	}
	r, err := store.GetDutyRecord(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := a.mayCorrect(ctx, p, r); err != nil {
		return nil, err
	}
	if r.Voided() {
		return nil, voidedConflict(nil)
	}
	return r, nil
}

func (a *App) mayCorrect(ctx context.Context, p zhitong.Principal, r *zhitong.DutyRecord) error {
	if p.Role == zhitong.RoleDeputy {
		if r.CreatedBy != p.UserID || !slices.Contains(r.DeputyIDs, p.DeputyID) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "代表只能更正本人登记的履职记录；其他记录请联系联络站工作人员")
		}
		day, _ := time.Parse(time.DateOnly, r.Day)
		if a.today().Sub(day) > recordWindowDays*24*time.Hour {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该记录已超过 %d 天，代表不能再更正；请联系联络站工作人员", recordWindowDays)
		}
		return nil
	}
	covered := p.Sees(zhitong.Scope{RegionCode: r.RegionCode})
	if r.StationID != 0 {
		var err error
		if covered, err = a.stationCovered(ctx, a.db, p, r.StationID); err != nil {
			return err
		}
	}
	if !covered {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "该履职记录不在您的管辖范围内")
	}
	return nil
}

// MayCorrect reports whether p may correct or void record r, so pages
// offer the actions only to those who may use them.
func (a *App) MayCorrect(ctx context.Context, p zhitong.Principal, r *zhitong.DutyRecord) bool {
	return slices.Contains(recordRoles, p.Role) && !r.Voided() && a.mayCorrect(ctx, p, r) == nil
}

func voidedConflict(err error) error {
	if err != nil {
		return err
	}
	return zhitong.Errorf(zhitong.ECONFLICT, "该履职记录已作废，不能再更正或作废")
}

// union lists the ids of a and b once each.
func union(a, b []int64) []int64 {
	out := slices.Clone(a)
	for _, id := range b {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
