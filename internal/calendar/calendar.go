// Package calendar counts Chinese working days for case deadlines.
//
// A civil date is a time.Time at 00:00 UTC; only its year, month and day
// matter. Keeping dates in UTC means adding a day is always exactly 24 hours
// and two dates compare equal with ==, whatever the caller's time zone.
//
// A year is either official, when the State Council's schedule for it (with
// its make-up workdays) is known, or provisional, when only the statutory
// holidays can be predicted. Deadlines that touch a provisional year are
// flagged so that staff know they may move once the schedule is published.
package calendar

import (
	"slices"
	"sync"
	"time"
)

// Date returns the civil date y-m-d at 00:00 UTC. Out-of-range values are
// normalised as by time.Date, so Date(2026, 12, 32) is 2027-01-01.
func Date(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Civil returns the civil date of the instant t as seen in loc (for Zhitong,
// Asia/Shanghai). Without it, time.Now() in UTC would still read "yesterday"
// in China until 08:00 Beijing time. loc must not be nil.
func Civil(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return Date(y, m, d)
}

// civil reads the date fields of t as they stand, so callers who already
// hold a civil date get it back unchanged.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return Date(y, m, d)
}

// dayKey is yyyymmdd; cheaper to hash than time.Time and immune to
// differing *time.Location pointers.
type dayKey int

func keyOf(t time.Time) dayKey {
	y, m, d := t.Date()
	return dayKey(y*10000 + int(m)*100 + d)
}

// Entry is one day that departs from the plain Monday-to-Friday week.
type Entry struct {
	// Date is the civil date (00:00 UTC).
	Date time.Time
	// Off is true for a public holiday (放假) and false for a make-up
	// workday (调休上班) that falls on a weekend.
	Off bool
	// Name is the holiday's Chinese name, such as "国庆节".
	Name string
}

// Calendar answers working-day questions from official schedules, falling
// back to weekends plus Statutory holidays for years without one. After New
// it is safe for concurrent use. The zero Calendar has no official years.
type Calendar struct {
	days     map[dayKey]Entry
	official map[int]bool
	years    []int

	// fallback holds Statutory rest days per provisional year; filled on
	// first use because most callers only ever touch two or three years.
	mu       sync.RWMutex
	fallback map[int]map[dayKey]bool
}

// New builds a Calendar. entries are typically Official() plus schedules
// staff have loaded; a later entry for the same date replaces an earlier
// one, so a corrected schedule can simply be appended. Years listed in
// officialYears are taken as complete: any date in them without an entry is
// an ordinary weekday or weekend.
func New(entries []Entry, officialYears []int) *Calendar {
	c := &Calendar{
		days:     make(map[dayKey]Entry, len(entries)),
		official: make(map[int]bool, len(officialYears)),
		fallback: make(map[int]map[dayKey]bool),
	}
	for _, e := range entries {
		e.Date = civil(e.Date)
		c.days[keyOf(e.Date)] = e
	}
	for _, y := range officialYears {
		if !c.official[y] {
			c.official[y] = true
			c.years = append(c.years, y)
		}
	}
	slices.Sort(c.years)
	return c
}

// Years returns the official years in ascending order.
func (c *Calendar) Years() []int {
	return slices.Clone(c.years)
}

// IsOfficial reports whether the State Council schedule for year is known.
func (c *Calendar) IsOfficial(year int) bool {
	return c.official[year]
}

// IsWorkday reports whether d is a working day: a weekday unless it is a
// holiday, or a weekend day that is a make-up workday. An explicit entry
// always wins, even in a provisional year, because it can only have come
// from a published schedule (lunar-go, for instance, lists 2001-12-29 and
// 2001-12-30 from the 2002 schedule although 2001 itself is not covered).
func (c *Calendar) IsWorkday(d time.Time) bool {
	k := keyOf(d)
	if e, ok := c.days[k]; ok {
		return !e.Off
	}
	if y := d.Year(); !c.official[y] && c.statutoryRest(y)[k] {
		return false
	}
	switch civil(d).Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return true
}

func (c *Calendar) statutoryRest(year int) map[dayKey]bool {
	c.mu.RLock()
	rest, ok := c.fallback[year]
	c.mu.RUnlock()
	if ok {
		return rest
	}
	// Computed outside the lock: two goroutines may both do the work, but
	// the result is identical and readers of other years are not held up.
	rest = make(map[dayKey]bool)
	for _, e := range Statutory(year) {
		rest[keyOf(e.Date)] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fallback == nil {
		c.fallback = make(map[int]map[dayKey]bool)
	}
	if prev, ok := c.fallback[year]; ok {
		return prev
	}
	c.fallback[year] = rest
	return rest
}

// AddWorkdays returns the date n working days after from; from itself is
// not counted, so n == 0 returns from and n == 1 the next working day. A
// negative n counts backwards and returns the |n|-th working day before
// from. provisional is true when any day counted or skipped lies in a year
// that is not official, because the real schedule may add make-up days or
// bridge holidays that the statutory fallback cannot predict.
func (c *Calendar) AddWorkdays(from time.Time, n int) (due time.Time, provisional bool) {
	d := civil(from)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDate(0, 0, step)
		if !c.official[d.Year()] {
			provisional = true
		}
		if c.IsWorkday(d) {
			n--
		}
	}
	return d, provisional
}

// WorkdaysBetween counts the working days in (from, to] when to is after
// from, and returns minus the count in (to, from] when to is before it, so
// WorkdaysBetween(today, due) is the working days left and, once negative,
// the working days overdue. For n >= 0 it inverts AddWorkdays:
// WorkdaysBetween(from, AddWorkdays(from, n)) == n.
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	a, b := civil(from), civil(to)
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDate(0, 0, 1); !d.After(b); d = d.AddDate(0, 0, 1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return sign * n
}
