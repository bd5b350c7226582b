package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// loadCalendar builds the working-day calendar from the holidays table. At
// start-up it first seeds every official year the calendar library knows and
// the table lacks — all of them on the first run, and after an upgrade of
// lunar-go the years it added (2027 with v1.4.7) — then recomputes the
// provisional deadlines those years settle. A year already in the table
// (seeded earlier, or loaded by the system administrator) is never replaced.
func (a *App) loadCalendar(ctx context.Context) error {
	missingOf := func(years []int) (missing []int) {
		for _, y := range calendar.OfficialYears() {
			if !slices.Contains(years, y) {
				missing = append(missing, y)
			}
		}
		return missing
	}
	_, years, err := store.ListHolidays(ctx, a.db)
	if err != nil {
		return fmt.Errorf("load holidays: %w", err)
	}
	if len(missingOf(years)) > 0 {
		byYear := map[int][]calendar.Entry{}
		for _, e := range calendar.Official() {
			byYear[e.Date.Year()] = append(byYear[e.Date.Year()], e)
		}
		err := a.db.Write(ctx, func(tx *store.Tx) error {
			// Several servers may start together: the first seeds, the
			// others find the years there (read again under the lock).
			if err := tx.Lock(ctx, "zhitong:seed"); err != nil {
				return err
			}
			_, years, err := store.ListHolidays(ctx, tx)
			if err != nil {
				return err
			}
			missing := missingOf(years)
			if len(missing) == 0 {
				return nil
			}
			for _, y := range missing {
				if err := tx.ReplaceYear(ctx, y, byYear[y], "lunar-go", a.clock.Now()); err != nil {
					return err
				}
			}
			if len(years) == 0 {
				return nil // a new database: no deadline to settle
			}
			_, moved, err := a.recomputeAll(ctx, tx, System, missing)
			if err != nil {
				return err
			}
			names := make([]string, len(missing))
			for i, y := range missing {
				names[i] = strconv.Itoa(y)
			}
			return a.audit(ctx, tx, System, "calendar.seed", "calendar:"+strings.Join(names, ","),
				map[string]any{"years": missing, "source": "lunar-go", "moved": moved})
		})
		if err != nil {
			return fmt.Errorf("seed holidays: %w", err)
		}
	}
	return a.reloadCalendar(ctx)
}

// reloadCalendar rebuilds the in-memory calendar from the holidays table.
func (a *App) reloadCalendar(ctx context.Context) error {
	entries, years, err := store.ListHolidays(ctx, a.db)
	if err != nil {
		return fmt.Errorf("load holidays: %w", err)
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

// ProvisionalNote says, in the words citizens read, why a deadline from
// from to due (YYYY-MM-DD) is provisional: "暂定，待国务院公布 2028 年节假日安排后确定".
// It names the first year in the span without an official schedule (the
// due date's year when from cannot be read), and is empty when there is none.
func (a *App) ProvisionalNote(from, due string) string {
	d, err := time.Parse(time.DateOnly, due)
	if err != nil {
		return ""
	}
	first := d.Year()
	if f, err := time.Parse(time.DateOnly, from); err == nil && f.Before(d) {
		first = f.Year()
	}
	cal := a.cal.Load()
	for y := first; y <= d.Year(); y++ {
		if !cal.IsOfficial(y) {
			return fmt.Sprintf("暂定，待国务院公布 %d 年节假日安排后确定", y)
		}
	}
	return ""
}

// due computes a deadline days working days from today.
func (a *App) due(days int) (from string, date string, provisional bool) {
	today := a.today()
	d, prov := a.cal.Load().AddWorkdays(today, days)
	return today.Format(time.DateOnly), d.Format(time.DateOnly), prov
}

// LoadSchedule stores the official holiday schedule of a year (published by the
// State Council each autumn) and recomputes every provisional deadline.
// recomputed counts the deadlines looked at again, moved or not.
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
		moved := 0
		if recomputed, moved, err = a.recomputeAll(ctx, tx, p, []int{year}); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "calendar.load", fmt.Sprintf("calendar:%d", year), map[string]any{"days": len(entries), "recomputed": recomputed, "moved": moved})
	})
	if err != nil {
		return 0, 0, err
	}
	return year, recomputed, a.reloadCalendar(ctx)
}

// recomputeAll recomputes every provisional deadline against the holidays
// now in tx. A running case whose deadline moves gets a public event on its
// timeline (old and new date), its lead unit a notice, and the audit log an
// entry; a deadline that stays put only loses its provisional mark. loaded
// are the years whose schedule just arrived, named in the event.
func (a *App) recomputeAll(ctx context.Context, tx *store.Tx, p zhitong.Principal, loaded []int) (recomputed, moved int, err error) {
	all, years, err := store.ListHolidays(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	cal := calendar.New(all, years)
	dues, err := store.ListProvisionalDues(ctx, tx)
	if err != nil {
		return 0, 0, err
	}
	now := a.clock.Now()
	for _, d := range dues {
		from, err := time.Parse(time.DateOnly, d.From)
		if err != nil {
			continue
		}
		due, prov := cal.AddWorkdays(from, d.Days)
		newDue := due.Format(time.DateOnly)
		recomputed++
		if newDue == d.DueDate && prov {
			continue // nothing settled: leave the case (and its version) alone
		}
		if err := tx.SetDue(ctx, d.CaseID, newDue, prov, now); err != nil {
			return 0, 0, err
		}
		if newDue == d.DueDate || !d.Status.Running() {
			continue
		}
		moved++
		year := loaded[len(loaded)-1]
		if slices.Contains(loaded, due.Year()) {
			year = due.Year()
		}
		if err := a.dueMoved(ctx, tx, p, d, newDue, prov, year, now); err != nil {
			return 0, 0, err
		}
	}
	return recomputed, moved, nil
}

// dueMoved records that a loaded schedule moved the deadline of case d.
func (a *App) dueMoved(ctx context.Context, tx *store.Tx, p zhitong.Principal, d store.ProvisionalDue, newDue string, prov bool, year int, now time.Time) error {
	schedule := fmt.Sprintf("国务院公布的 %d 年节假日安排", year)
	text := fmt.Sprintf("按%s，办理期限由 %s 调整为 %s", schedule, d.DueDate, newDue)
	if prov {
		text += "（仍为暂定）"
	}
	ev := &zhitong.Event{CaseID: d.CaseID, At: now, ActorID: p.UserID, ActorName: "系统", Action: zhitong.ActionReschedule,
		FromStatus: d.Status, ToStatus: d.Status, Note: text, Public: text}
	if err := tx.InsertEvent(ctx, ev); err != nil {
		return err
	}
	id := strconv.FormatInt(d.CaseID, 10)
	if d.LeadUnitID != 0 {
		_, err := a.notify(ctx, tx, Notice{Key: "case:" + id + ":due_changed:" + d.DueDate + ">" + newDue, Template: "unit.due_changed",
			CaseID: d.CaseID, UnitID: d.LeadUnitID, Vars: map[string]string{"code": d.Code, "title": d.Title, "old_due": d.DueDate,
				"due": newDue, "year": strconv.Itoa(year), "url": "/work/cases/" + id}})
		if err != nil {
			return err
		}
	}
	return a.audit(ctx, tx, p, "case.reschedule", "case:"+id, map[string]any{"code": d.Code, "round": d.Round, "old_due": d.DueDate, "due": newDue, "provisional": prov})
}

func parseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, zhitong.Invalid(field, "日期格式应为 YYYY-MM-DD：%q", s)
	}
	return d, nil
}
