package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// maxReceptionSpan bounds one reception-days query.
const maxReceptionSpan = 366

// ReceptionDays lists a station's reception days from from to to inclusive
// (YYYY-MM-DD, China dates), each with the deputies on duty. Public: the
// portal shows them on the home and station pages.
func (a *App) ReceptionDays(ctx context.Context, stationID int64, from, to string) ([]zhitong.ReceptionDay, error) {
	if _, err := store.GetStation(ctx, a.db, stationID); err != nil {
		return nil, err
	}
	lo, err := time.Parse(time.DateOnly, from)
	if err != nil {
		return nil, zhitong.Invalid("from", "开始日期应为YYYY-MM-DD格式，例如2026-11-01")
	}
	hi, err := time.Parse(time.DateOnly, to)
	if err != nil {
		return nil, zhitong.Invalid("to", "结束日期应为YYYY-MM-DD格式，例如2026-11-30")
	}
	if hi.Before(lo) {
		return nil, zhitong.Invalid("to", "结束日期不能早于开始日期")
	}
	if hi.Sub(lo) > maxReceptionSpan*24*time.Hour {
		return nil, zhitong.Invalid("to", "一次最多查询%d天", maxReceptionSpan)
	}
	return a.receptionDays(ctx, a.db, stationID, lo, hi)
}

// receptionDays expands a station's rules between lo and hi (civil dates
// as 00:00 UTC) and attaches the deputies on duty. q may be a transaction,
// so the roster and appointments can read days and write in one step.
//
// CONTRACT STUB: this first version knows only weekly weekday rules and
// one-off dates, and ignores holidays and exceptions. The reception-rules
// work replaces the body; the signature stays.
func (a *App) receptionDays(ctx context.Context, q store.Q, stationID int64, lo, hi time.Time) ([]zhitong.ReceptionDay, error) {
	rules, err := store.ListReceptionRules(ctx, q, stationID)
	if err != nil {
		return nil, err
	}
	var out []zhitong.ReceptionDay
	for d := lo; !d.After(hi); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		for _, r := range rules {
			if (r.Kind == zhitong.RuleWeekday && r.Nth == 0 && int(d.Weekday()) == r.Weekday) || (r.Kind == zhitong.RuleDate && r.Date == day) {
				out = append(out, zhitong.ReceptionDay{Day: day})
				break
			}
		}
	}
	return out, nil
}
