package app

import (
	"context"
	"encoding/json"
	"io"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// SchedulePreview is what the system administrator checks before saving a
// year's holiday schedule (工作日预览): the working days of each month with
// the schedule and as the calendar counts them now, the holidays and
// make-up days grouped into spans, and how many provisional deadlines the
// schedule would move.
type SchedulePreview struct {
	Year        int             `json:"year"`
	Days        int             `json:"days"`
	Months      []MonthWorkdays `json:"months"`
	Workdays    int             `json:"workdays"`        // in the year, with the schedule
	Before      int             `json:"workdays_before"` // in the year, as the calendar counts now
	Spans       []ScheduleSpan  `json:"spans"`
	Replaces    string          `json:"replaces,omitempty"` // the source of the schedule it replaces: lunar-go, staff
	WouldMove   int             `json:"would_move"`         // provisional deadlines whose date would change
	Provisional int             `json:"provisional"`        // provisional deadlines recomputed on saving
	JSON        string          `json:"-"`                  // the schedule as the API takes it
}

// MonthWorkdays is one month of a preview.
type MonthWorkdays struct {
	Month    int `json:"month"`
	Workdays int `json:"workdays"`
	Before   int `json:"workdays_before"`
	Off      int `json:"off"`     // holidays on weekdays
	MakeUp   int `json:"make_up"` // make-up workdays on weekends
}

// ScheduleSpan is a run of consecutive days with the same name and kind.
type ScheduleSpan struct {
	First string `json:"first"`
	Last  string `json:"last"`
	Off   bool   `json:"off"`
	Name  string `json:"name"`
	Days  int    `json:"days"`
}

// PreviewSchedule parses a schedule as LoadSchedule does and says what it
// would change, writing nothing.
func (a *App) PreviewSchedule(ctx context.Context, p zhitong.Principal, r io.Reader) (*SchedulePreview, error) {
	if p.Role != zhitong.RoleSysAdmin {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以导入节假日安排")
	}
	year, entries, err := calendar.ParseSchedule(r)
	if err != nil {
		return nil, &zhitong.Error{Code: zhitong.EINVALID, Message: err.Error(), Field: "schedule", Err: err}
	}
	all, years, err := store.ListHolidays(ctx, a.db)
	if err != nil {
		return nil, err
	}
	// The holidays table keeps each schedule under its own year; the new
	// one replaces that year's rows only (a few late-December days of the
	// next year's schedule stay, as ReplaceYear keeps them).
	stored, err := store.ListCalendarYears(ctx, a.db)
	if err != nil {
		return nil, err
	}
	pv := &SchedulePreview{Year: year, Days: len(entries)}
	for _, y := range stored {
		if y.Year == year {
			pv.Replaces = y.Source
		}
	}
	kept := make([]calendar.Entry, 0, len(all))
	for _, e := range all {
		if e.Date.Year() != year {
			kept = append(kept, e)
		}
	}
	before := a.cal.Load()
	after := calendar.New(append(kept, entries...), append(years, year))
	for m := time.January; m <= time.December; m++ {
		first := calendar.Date(year, m, 1)
		end := first.AddDate(0, 1, 0)
		mw := MonthWorkdays{Month: int(m), Workdays: after.WorkdaysBetween(first.AddDate(0, 0, -1), end.AddDate(0, 0, -1)),
			Before: before.WorkdaysBetween(first.AddDate(0, 0, -1), end.AddDate(0, 0, -1))}
		for _, e := range entries {
			if e.Date.Month() != m {
				continue
			}
			weekend := e.Date.Weekday() == time.Saturday || e.Date.Weekday() == time.Sunday
			if e.Off && !weekend {
				mw.Off++
			} else if !e.Off {
				mw.MakeUp++
			}
		}
		pv.Months = append(pv.Months, mw)
		pv.Workdays += mw.Workdays
		pv.Before += mw.Before
	}
	for _, e := range entries {
		d := e.Date.Format(time.DateOnly)
		if n := len(pv.Spans); n > 0 {
			last := &pv.Spans[n-1]
			if l, _ := time.Parse(time.DateOnly, last.Last); last.Off == e.Off && last.Name == e.Name && l.AddDate(0, 0, 1).Equal(e.Date) {
				last.Last, last.Days = d, last.Days+1
				continue
			}
		}
		pv.Spans = append(pv.Spans, ScheduleSpan{First: d, Last: d, Off: e.Off, Name: e.Name, Days: 1})
	}
	dues, err := store.ListProvisionalDues(ctx, a.db)
	if err != nil {
		return nil, err
	}
	for _, d := range dues {
		from, err := time.Parse(time.DateOnly, d.From)
		if err != nil {
			continue
		}
		pv.Provisional++
		if due, _ := after.AddWorkdays(from, d.Days); due.Format(time.DateOnly) != d.DueDate && d.Status.Running() {
			pv.WouldMove++
		}
	}
	type day struct {
		Date string `json:"date"`
		Off  bool   `json:"off"`
		Name string `json:"name"`
	}
	doc := struct {
		Year int   `json:"year"`
		Days []day `json:"days"`
	}{Year: year}
	for _, e := range entries {
		doc.Days = append(doc.Days, day{e.Date.Format(time.DateOnly), e.Off, e.Name})
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	pv.JSON = string(b)
	return pv, nil
}

// CalendarYears lists the years whose official holiday schedule is loaded,
// newest first, for the system administrator.
func (a *App) CalendarYears(ctx context.Context, p zhitong.Principal) ([]store.CalendarYear, error) {
	if p.Role != zhitong.RoleSysAdmin {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以管理节假日安排")
	}
	return store.ListCalendarYears(ctx, a.db)
}
