package calendar

import (
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
	lunar "github.com/6tail/lunar-go/calendar"
)

// makeUpSuffix marks a make-up workday's name ("春节调休"), the same
// convention staff use in loaded schedules, so a list of entries reads
// correctly even where Off is not shown.
const makeUpSuffix = "调休"

// lunarGoNames maps lunar-go's holiday names to the State Council's wording
// where they differ; the notices say "元旦", never "元旦节".
var lunarGoNames = map[string]string{"元旦节": "元旦"}

// official is read once: HolidayUtil keeps its table in package variables
// that HolidayUtil.Fix may rewrite, so a snapshot keeps Official stable.
var official = sync.OnceValues(func() ([]Entry, []int) {
	var entries []Entry
	years := map[int]bool{}
	// HolidayUtil has no "list everything" call; scanning a generous range
	// of years picks up whatever a future lunar-go version adds.
	for y := 1949; y <= 2200; y++ {
		for el := HolidayUtil.GetHolidaysByYear(y).Front(); el != nil; el = el.Next() {
			h := el.Value.(*HolidayUtil.Holiday)
			d, err := time.Parse(time.DateOnly, h.GetDay())
			if err != nil {
				continue
			}
			name := h.GetName()
			if n, ok := lunarGoNames[name]; ok {
				name = n
			}
			if h.IsWork() {
				name += makeUpSuffix
			}
			entries = append(entries, Entry{Date: d, Off: !h.IsWork(), Name: name})
			// The target is the holiday the day belongs to; its year, not
			// the day's, names the schedule (2023-12-30 is in the 2024 one).
			if t, err := strconv.Atoi(h.GetTarget()[:4]); err == nil {
				years[t] = true
			}
		}
	}
	slices.SortStableFunc(entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	sorted := make([]int, 0, len(years))
	for y := range years {
		sorted = append(sorted, y)
	}
	slices.Sort(sorted)
	return entries, sorted
})

// Official returns every public holiday and make-up workday in lunar-go's
// copy of the State Council schedules, sorted by date. Make-up workdays are
// named after their holiday with "调休" appended, e.g. "国庆节调休". A few
// late-December days belong to the next year's schedule, and the first two
// (2001-12-29 and 2001-12-30) lie in a year that is itself not official.
func Official() []Entry {
	entries, _ := official()
	return slices.Clone(entries)
}

// OfficialYears returns, in ascending order, the years whose State Council
// schedule lunar-go carries (2002 through 2026 in v1.4.6).
func OfficialYears() []int {
	_, years := official()
	return slices.Clone(years)
}

// Statutory returns the statutory public holidays of year as rest days,
// sorted by date, for years without an official schedule. It follows the
// holiday rules in force since 2025 (13 days) and deliberately predicts no
// make-up workdays or bridging, which the State Council decides each year:
// 元旦 Jan 1; 春节 lunar New Year's Eve (the last day of the twelfth month,
// whether the 29th or 30th) through the third day of the first month; 清明节
// on the Qingming solar term; 劳动节 May 1-2; 端午节 lunar 5/5; 中秋节 lunar
// 8/15; 国庆节 Oct 1-3. When 中秋 falls on Oct 1-3 the day is listed once,
// as "国庆中秋", so the year simply has one rest day fewer.
func Statutory(year int) []Entry {
	var out []Entry
	add := func(name string, first time.Time, n int) {
		for i := 0; i < n; i++ {
			d := first.AddDate(0, 0, i)
			if j := slices.IndexFunc(out, func(e Entry) bool { return e.Date.Equal(d) }); j >= 0 {
				out[j].Name = "国庆中秋"
				continue
			}
			out = append(out, Entry{Date: d, Off: true, Name: name})
		}
	}
	solar := func(s *lunar.Solar) time.Time {
		return Date(s.GetYear(), time.Month(s.GetMonth()), s.GetDay())
	}
	lunarDay := func(m, d int) time.Time { return solar(lunar.NewLunarFromYmd(year, m, d).GetSolar()) }

	add("元旦", Date(year, time.January, 1), 1)
	// Counting back one day from the first of the first month gives the
	// eve without having to know whether the twelfth month is short.
	add("春节", lunarDay(1, 1).AddDate(0, 0, -1), 4)
	// lunar-go gives solar terms in Beijing time, so the date is China's.
	add("清明节", solar(lunar.NewSolarFromYmd(year, 4, 1).GetLunar().GetJieQiTable()["清明"]), 1)
	add("劳动节", Date(year, time.May, 1), 2)
	add("端午节", lunarDay(5, 5), 1)
	add("国庆节", Date(year, time.October, 1), 3)
	add("中秋节", lunarDay(8, 15), 1)
	slices.SortFunc(out, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return out
}
