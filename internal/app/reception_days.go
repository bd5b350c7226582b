package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
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
	if lo.Year() < 2000 || hi.Year() > 2099 {
		return nil, zhitong.Invalid("from", "只能查询2000年至2099年的接待日")
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
// Three queries whatever the span: rules, exceptions, duties.
func (a *App) receptionDays(ctx context.Context, q store.Q, stationID int64, lo, hi time.Time) ([]zhitong.ReceptionDay, error) {
	rules, err := store.ListReceptionRules(ctx, q, stationID)
	if err != nil {
		return nil, err
	}
	exceptions, err := store.ListReceptionExceptions(ctx, q, stationID)
	if err != nil {
		return nil, err
	}
	days := calendar.ExpandReception(rules, exceptions, lo, hi, a.cal.Load().IsHoliday)
	if len(days) == 0 {
		return days, nil
	}
	duty, err := store.ListOnDuty(ctx, q, stationID, days[0].Day, days[len(days)-1].Day)
	if err != nil {
		return nil, err
	}
	attachDuty(days, duty)
	return days, nil
}

// attachDuty gives each day the deputies on duty that day; duty is sorted
// by day, as store.ListOnDuty returns it for one station.
func attachDuty(days []zhitong.ReceptionDay, duty []store.OnDuty) {
	by := map[string][]zhitong.DeputyRef{}
	for _, o := range duty {
		by[o.Day] = append(by[o.Day], zhitong.DeputyRef{ID: o.DeputyID, Name: o.Name})
	}
	for i := range days {
		days[i].Deputies = by[days[i].Day]
	}
}
