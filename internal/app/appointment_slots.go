package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Slot is one bookable period (时段) of a reception day with one deputy
// on duty, and how many places are left.
type Slot struct {
	Day         string `json:"day"`
	Weekday     string `json:"weekday"`
	Period      string `json:"period"`
	PeriodLabel string `json:"period_label"`
	Start       string `json:"start"`
	End         string `json:"end"`
	DeputyID    int64  `json:"deputy_id"`
	DeputyName  string `json:"deputy_name"`
	Capacity    int    `json:"capacity"`
	Remaining   int    `json:"remaining"`
}

var weekdays = [7]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// AppointmentSlots lists a station's bookable slots from from to to
// (YYYY-MM-DD; empty means the whole booking window), with the places
// left. Public. Only days inside the window (today to today+horizon-1)
// and periods whose booking has not closed are listed.
func (a *App) AppointmentSlots(ctx context.Context, stationID int64, from, to string) ([]Slot, error) {
	if st, err := store.GetStation(ctx, a.db, stationID); err != nil {
		return nil, err
	} else if err := activeStation(st, ""); err != nil {
		return nil, err
	}
	set, err := appointmentSettings(ctx, a.db, stationID)
	if err != nil {
		return nil, err
	}
	lo, hi := a.bookingWindow(set)
	if from != "" {
		d, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return nil, zhitong.Invalid("from", "开始日期应为YYYY-MM-DD格式，例如2026-11-01")
		}
		lo = later(lo, d)
	}
	if to != "" {
		d, err := time.Parse(time.DateOnly, to)
		if err != nil {
			return nil, zhitong.Invalid("to", "结束日期应为YYYY-MM-DD格式，例如2026-11-30")
		}
		if d.Before(hi) {
			hi = d
		}
	}
	return a.slots(ctx, a.db, set, lo, hi)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// bookingWindow is the first and last day citizens may book now.
func (a *App) bookingWindow(s zhitong.AppointmentSettings) (lo, hi time.Time) {
	lo = a.today()
	return lo, lo.AddDate(0, 0, s.HorizonDays-1)
}

// slots lists the open slots of a station between lo and hi. q may be a
// transaction, so a booking checks its slot against the same rows it writes.
func (a *App) slots(ctx context.Context, q store.Q, s zhitong.AppointmentSettings, lo, hi time.Time) ([]Slot, error) {
	if !s.Enabled || hi.Before(lo) {
		return nil, nil
	}
	days, err := a.receptionDays(ctx, q, s.StationID, lo, hi)
	if err != nil {
		return nil, err
	}
	loDay, hiDay := lo.Format(time.DateOnly), hi.Format(time.DateOnly)
	duty, err := store.DeputiesOnDuty(ctx, q, s.StationID, loDay, hiDay)
	if err != nil {
		return nil, err
	}
	booked, err := store.SlotBookings(ctx, q, s.StationID, loDay, hiDay)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	now := a.clock.Now()
	var out []Slot
	for _, d := range days {
		day, err := time.ParseInLocation(time.DateOnly, d.Day, zhitong.China)
		if err != nil {
			continue
		}
		for _, dep := range duty[d.Day] {
			if _, ok := names[dep]; !ok {
				dd, err := store.GetDeputy(ctx, q, dep)
				if err != nil {
					return nil, err
				}
				names[dep] = dd.Name
			}
			for _, per := range zhitong.Periods {
				start, end := periodTimes(s, per.Value)
				if !now.Before(at(day, start).Add(-bookingCutoff)) {
					continue
				}
				n := booked[store.SlotKey{StationID: s.StationID, DeputyID: dep, Day: d.Day, Period: per.Value}]
				out = append(out, Slot{Day: d.Day, Weekday: weekdays[day.Weekday()], Period: per.Value, PeriodLabel: per.Label,
					Start: start, End: end, DeputyID: dep, DeputyName: names[dep], Capacity: s.Capacity, Remaining: max(0, s.Capacity-n)})
			}
		}
	}
	return out, nil
}

// at is the instant of clock time hhmm on a China civil day.
func at(day time.Time, hhmm string) time.Time {
	t, _ := time.Parse("15:04", hhmm)
	return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, zhitong.China)
}
