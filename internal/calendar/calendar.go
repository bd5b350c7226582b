// Package calendar counts Chinese working days: weekends and public holidays
// are off, make-up workdays (调休) count. Official schedules come from the
// State Council (seeded from 6tail/lunar-go, loaded by staff for new years);
// a year without one falls back to weekends plus the statutory holidays and
// every answer that relied on the fallback is marked provisional.
package calendar

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	lunar "github.com/6tail/lunar-go/calendar"
)

// Entry is one day that differs from the weekday rule: a public holiday (Off)
// or a make-up workday on a weekend (not Off).
type Entry struct {
	Date time.Time
	Off  bool
	Name string
}

// Date returns the civil date y-m-d as 00:00 UTC, the form this package uses.
func Date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// Civil returns the civil date of t in loc, as 00:00 UTC.
func Civil(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return Date(t.Year(), t.Month(), t.Day())
}

// Official returns every holiday and make-up day the lunar-go library has
// from the State Council's schedules, sorted by date.
func Official() []Entry {
	var out []Entry
	for _, y := range OfficialYears() {
		out = append(out, officialYear(y)...)
	}
	return out
}

func officialYear(y int) []Entry {
	var out []Entry
	prefix := fmt.Sprintf("%04d-", y)
	for e := HolidayUtil.GetHolidaysByYear(y).Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		if !strings.HasPrefix(h.GetDay(), prefix) {
			continue
		}
		d, err := time.Parse(time.DateOnly, h.GetDay())
		if err != nil {
			continue
		}
		name := h.GetName()
		if h.IsWork() {
			name += "调休"
		}
		out = append(out, Entry{Date: d, Off: !h.IsWork(), Name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// OfficialYears lists the years whose schedule lunar-go carries. A year with
// only a stray day or two (late-December make-up days of the next year's
// schedule) does not count.
func OfficialYears() []int {
	var years []int
	for y := 2002; y <= 2100; y++ {
		if len(officialYear(y)) >= 5 {
			years = append(years, y)
		} else if len(years) > 0 {
			break
		}
	}
	return years
}

// Statutory returns the statutory holidays of a year without an official
// schedule: the rest days the law fixes, without the make-up days the State
// Council adds each year.
func Statutory(year int) []Entry {
	var out []Entry
	add := func(d time.Time, n int, name string) {
		for i := 0; i < n; i++ {
			out = append(out, Entry{Date: d.AddDate(0, 0, i), Off: true, Name: name})
		}
	}
	solar := func(s *lunar.Solar) time.Time { return Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay()) }
	add(Date(year, 1, 1), 1, "元旦")
	newYear := solar(lunar.NewLunarFromYmd(year, 1, 1).GetSolar())
	add(newYear.AddDate(0, 0, -1), 4, "春节") // eve through the third day (2025 rule)
	if q, ok := lunar.NewLunarFromYmd(year, 3, 1).GetJieQiTable()["清明"]; ok && q.GetYear() == year {
		add(solar(q), 1, "清明节")
	} else {
		add(Date(year, 4, 5), 1, "清明节")
	}
	add(Date(year, 5, 1), 2, "劳动节")
	add(solar(lunar.NewLunarFromYmd(year, 5, 5).GetSolar()), 1, "端午节")
	add(solar(lunar.NewLunarFromYmd(year, 8, 15).GetSolar()), 1, "中秋节")
	add(Date(year, 10, 1), 3, "国庆节")
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out
}

// Calendar answers working-day questions. It is safe for concurrent use.
type Calendar struct {
	official map[int]bool
	days     map[time.Time]bool // true = off, false = make-up workday

	mu       sync.Mutex
	fallback map[int]map[time.Time]bool
}

// New builds a calendar from stored entries; years not in officialYears
// use Statutory.
func New(entries []Entry, officialYears []int) *Calendar {
	c := &Calendar{official: map[int]bool{}, days: map[time.Time]bool{}, fallback: map[int]map[time.Time]bool{}}
	for _, y := range officialYears {
		c.official[y] = true
	}
	for _, e := range entries {
		c.days[Date(e.Date.Year(), e.Date.Month(), e.Date.Day())] = e.Off
	}
	return c
}

// Years returns the official years, sorted.
func (c *Calendar) Years() []int {
	var ys []int
	for y := range c.official {
		ys = append(ys, y)
	}
	sort.Ints(ys)
	return ys
}

// workday reports whether d is a working day and whether the answer is provisional.
func (c *Calendar) workday(d time.Time) (bool, bool) {
	weekday := d.Weekday() != time.Saturday && d.Weekday() != time.Sunday
	if c.official[d.Year()] {
		if off, ok := c.days[d]; ok {
			return !off, false
		}
		return weekday, false
	}
	c.mu.Lock()
	fb, ok := c.fallback[d.Year()]
	if !ok {
		fb = map[time.Time]bool{}
		for _, e := range Statutory(d.Year()) {
			fb[e.Date] = true
		}
		c.fallback[d.Year()] = fb
	}
	c.mu.Unlock()
	return weekday && !fb[d], true
}

// IsWorkday reports whether d is a working day.
func (c *Calendar) IsWorkday(d time.Time) bool {
	ok, _ := c.workday(Date(d.Year(), d.Month(), d.Day()))
	return ok
}

// AddWorkdays returns the date n working days after from (from itself not
// counted), and whether any day it looked at lay in a year without an
// official schedule.
func (c *Calendar) AddWorkdays(from time.Time, n int) (time.Time, bool) {
	d := Date(from.Year(), from.Month(), from.Day())
	provisional := false
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		ok, prov := c.workday(d)
		provisional = provisional || prov
		if ok {
			n--
		}
	}
	return d, provisional
}

// WorkdaysBetween counts the working days in (from, to] — negative, of
// (to, from], when to is earlier — for "days left" and "days overdue".
func (c *Calendar) WorkdaysBetween(from, to time.Time) int {
	from, to = Date(from.Year(), from.Month(), from.Day()), Date(to.Year(), to.Month(), to.Day())
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDate(0, 0, 1); !d.After(to); d = d.AddDate(0, 0, 1) {
		if ok, _ := c.workday(d); ok {
			n++
		}
	}
	return sign * n
}

type scheduleJSON struct {
	Year int `json:"year"`
	Days []struct {
		Date string `json:"date"`
		Off  *bool  `json:"off"`
		Name string `json:"name"`
	} `json:"days"`
}

// ParseSchedule reads a year's official schedule as staff load it:
// {"year":2027,"days":[{"date":"2027-01-01","off":true,"name":"元旦"},…]}.
// Errors are Chinese, for the staff who typed it.
func ParseSchedule(r io.Reader) (int, []Entry, error) {
	dec := json.NewDecoder(io.LimitReader(r, 1<<20))
	dec.DisallowUnknownFields()
	var s scheduleJSON
	if err := dec.Decode(&s); err != nil {
		return 0, nil, fmt.Errorf("节假日安排格式不正确（应为 {\"year\":2027,\"days\":[…]}）：%v", err)
	}
	if s.Year < 2000 || s.Year > 2100 {
		return 0, nil, fmt.Errorf("年份 %d 不在 2000 到 2100 之间", s.Year)
	}
	if len(s.Days) == 0 {
		return 0, nil, fmt.Errorf("%d 年的节假日安排为空", s.Year)
	}
	seen := map[time.Time]bool{}
	var out []Entry
	for i, d := range s.Days {
		t, err := time.Parse(time.DateOnly, d.Date)
		if err != nil {
			return 0, nil, fmt.Errorf("第 %d 项日期格式不正确：%q（应为 YYYY-MM-DD）", i+1, d.Date)
		}
		if t.Year() != s.Year {
			return 0, nil, fmt.Errorf("第 %d 项日期 %s 不在 %d 年", i+1, d.Date, s.Year)
		}
		if d.Off == nil {
			return 0, nil, fmt.Errorf("第 %d 项缺少 off（true 为放假，false 为调休上班）", i+1)
		}
		if seen[t] {
			return 0, nil, fmt.Errorf("第 %d 项日期 %s 重复", i+1, d.Date)
		}
		name := strings.TrimSpace(d.Name)
		if name == "" || len([]rune(name)) > 20 {
			return 0, nil, fmt.Errorf("第 %d 项名称应为 1 到 20 个字", i+1)
		}
		seen[t] = true
		out = append(out, Entry{Date: t, Off: *d.Off, Name: name})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return s.Year, out, nil
}
