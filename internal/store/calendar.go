package store

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
)

// ListHolidays returns every stored holiday and make-up workday, and the years
// whose official schedule is loaded.
func ListHolidays(ctx context.Context, q Q) ([]calendar.Entry, []int, error) {
	rows, err := q.Query(ctx, `SELECT date, off, name FROM holidays ORDER BY date`)
	if err != nil {
		return nil, nil, err
	}
	var entries []calendar.Entry
	for rows.Next() {
		var e calendar.Entry
		var d string
		if err := rows.Scan(&d, &e.Off, &e.Name); err != nil {
			rows.Close()
			return nil, nil, err
		}
		if e.Date, err = time.Parse(time.DateOnly, d); err != nil {
			rows.Close()
			return nil, nil, err
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	yrows, err := q.Query(ctx, `SELECT year FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, nil, err
	}
	defer yrows.Close()
	var years []int
	for yrows.Next() {
		var y int
		if err := yrows.Scan(&y); err != nil {
			return nil, nil, err
		}
		years = append(years, y)
	}
	return entries, years, yrows.Err()
}

// ReplaceYear stores the official schedule of one year, replacing what was there.
func (t *Tx) ReplaceYear(ctx context.Context, year int, entries []calendar.Entry, source string, now time.Time) error {
	if _, err := t.Exec(ctx, `DELETE FROM holidays WHERE year = ?`, year); err != nil {
		return err
	}
	for _, e := range entries {
		if _, err := t.Exec(ctx, `INSERT INTO holidays (date, off, name, year) VALUES (?, ?, ?, ?)`, e.Date.Format(time.DateOnly), e.Off, e.Name, year); err != nil {
			return err
		}
	}
	_, err := t.Exec(ctx, `INSERT INTO calendar_years (year, source, loaded_at) VALUES (?, ?, ?)
 ON CONFLICT (year) DO UPDATE SET source = excluded.source, loaded_at = excluded.loaded_at`, year, source, FormatTime(now))
	return err
}

// ProvisionalDue is a running deadline computed without official holiday data.
type ProvisionalDue struct {
	CaseID     int64
	From       string
	Days       int
	DueDate    string
	Status     zhitong.Status
	Code       string
	Title      string
	Round      int
	LeadUnitID int64
}

// ListProvisionalDues returns the cases whose deadline is provisional.
func ListProvisionalDues(ctx context.Context, q Q) ([]ProvisionalDue, error) {
	rows, err := q.Query(ctx, `SELECT id, due_from, due_days, due_date, status, code, title, round, COALESCE(lead_unit_id, 0)
 FROM cases WHERE due_provisional = ? AND due_from <> '' ORDER BY id`, true)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ProvisionalDue
	for rows.Next() {
		var p ProvisionalDue
		if err := rows.Scan(&p.CaseID, &p.From, &p.Days, &p.DueDate, &p.Status, &p.Code, &p.Title, &p.Round, &p.LeadUnitID); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SetDue rewrites a case's deadline (and its current-round assignments') after
// the calendar changed.
func (t *Tx) SetDue(ctx context.Context, caseID int64, due string, provisional bool, now time.Time) error {
	if _, err := t.Exec(ctx, `UPDATE cases SET due_date = ?, due_provisional = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		due, provisional, FormatTime(now), caseID); err != nil {
		return err
	}
	_, err := t.Exec(ctx, `UPDATE assignments SET due_date = ? WHERE case_id = ? AND round = (SELECT round FROM cases WHERE id = ?)`, due, caseID, caseID)
	return err
}

// CalendarYear is one year of the holidays table: where its schedule came
// from ("lunar-go" seeded at start-up, "staff" loaded by the system
// administrator) and when.
type CalendarYear struct {
	Year     int
	Source   string
	LoadedAt time.Time
	Days     int // holidays and make-up days stored
}

// ListCalendarYears returns the years whose official schedule is loaded, newest first.
func ListCalendarYears(ctx context.Context, q Q) ([]CalendarYear, error) {
	rows, err := q.Query(ctx, `SELECT y.year, y.source, y.loaded_at, (SELECT COUNT(*) FROM holidays h WHERE h.year = y.year)
 FROM calendar_years y ORDER BY y.year DESC`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (CalendarYear, error) {
		var y CalendarYear
		var at string
		err := s.Scan(&y.Year, &y.Source, &at, &y.Days)
		y.LoadedAt = ParseTime(at)
		return y, err
	})
}
