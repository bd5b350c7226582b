package app

import (
	"context"
	"fmt"
	"io"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// loadCalendar builds the working-day calendar from the holidays table,
// seeding it on first run with every official year the calendar library knows.
func (a *App) loadCalendar(ctx context.Context) error {
	entries, years, err := store.ListHolidays(ctx, a.db)
	if err != nil {
		return fmt.Errorf("load holidays: %w", err)
	}
	if len(years) == 0 {
		byYear := map[int][]calendar.Entry{}
		for _, e := range calendar.Official() {
			byYear[e.Date.Year()] = append(byYear[e.Date.Year()], e)
		}
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			for _, y := range calendar.OfficialYears() {
				if err := tx.ReplaceYear(ctx, y, byYear[y], "lunar-go", a.clock.Now()); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("seed holidays: %w", err)
		}
		if entries, years, err = store.ListHolidays(ctx, a.db); err != nil {
			return err
		}
	}
	a.cal.Store(calendar.New(entries, years))
	return nil
}

// Calendar returns the current working-day calendar.
func (a *App) Calendar() *calendar.Calendar { return a.cal.Load() }

// AddWorkdays returns the date days working days after from (YYYY-MM-DD), and
// whether it was computed without the official schedule of a year it crosses.
func (a *App) AddWorkdays(from string, days int) (string, bool, error) {
	d, err := parseDate("from", from)
	if err != nil {
		return "", false, err
	}
	if days < 0 || days > 1000 {
		return "", false, zhitong.Invalid("days", "工作日天数应在 0 到 1000 之间")
	}
	due, provisional := a.cal.Load().AddWorkdays(d, days)
	return due.Format(time.DateOnly), provisional, nil
}

// due computes a deadline days working days from today.
func (a *App) due(days int) (from string, date string, provisional bool) {
	today := a.today()
	d, prov := a.cal.Load().AddWorkdays(today, days)
	return today.Format(time.DateOnly), d.Format(time.DateOnly), prov
}

// LoadSchedule stores the official holiday schedule of a year (published by the
// State Council each autumn) and recomputes every provisional deadline.
func (a *App) LoadSchedule(ctx context.Context, p zhitong.Principal, r io.Reader) (year, recomputed int, err error) {
	if p.Role != zhitong.RoleSysAdmin {
		return 0, 0, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以导入节假日安排")
	}
	year, entries, err := calendar.ParseSchedule(r)
	if err != nil {
		return 0, 0, &zhitong.Error{Code: zhitong.EINVALID, Message: err.Error(), Field: "schedule", Err: err}
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.ReplaceYear(ctx, year, entries, "staff", a.clock.Now()); err != nil {
			return err
		}
		all, years, err := store.ListHolidays(ctx, tx)
		if err != nil {
			return err
		}
		cal := calendar.New(all, years)
		dues, err := store.ListProvisionalDues(ctx, tx)
		if err != nil {
			return err
		}
		for _, d := range dues {
			from, err := time.Parse(time.DateOnly, d.From)
			if err != nil {
				continue
			}
			due, prov := cal.AddWorkdays(from, d.Days)
			if err := tx.SetDue(ctx, d.CaseID, due.Format(time.DateOnly), prov, a.clock.Now()); err != nil {
				return err
			}
			recomputed++
		}
		return a.audit(ctx, tx, p, "calendar.load", fmt.Sprintf("calendar:%d", year), map[string]any{"days": len(entries), "recomputed": recomputed})
	})
	if err != nil {
		return 0, 0, err
	}
	return year, recomputed, a.loadCalendar(ctx)
}

func parseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, zhitong.Invalid(field, "日期格式应为 YYYY-MM-DD：%q", s)
	}
	return d, nil
}
