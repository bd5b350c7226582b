package calendar

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func officialCalendar(t *testing.T) *Calendar {
	t.Helper()
	return New(Official(), OfficialYears())
}

func ymd(d time.Time) string { return d.Format(time.DateOnly) }

func TestAddWorkdays(t *testing.T) {
	c := officialCalendar(t)
	tests := []struct {
		name        string
		from        time.Time
		n           int
		want        time.Time
		provisional bool
	}{
		// Oct 1-7 off, Oct 10 (Sat) a make-up day: 8, 9, 10, 12, 13.
		{"national day 2026", Date(2026, 9, 30), 5, Date(2026, 10, 13), false},
		{"zero is from itself", Date(2026, 10, 3), 0, Date(2026, 10, 3), false},
		{"make-up saturday counts", Date(2026, 2, 13), 1, Date(2026, 2, 14), false},
		{"spring festival 2026 skipped", Date(2026, 2, 14), 1, Date(2026, 2, 24), false},
		{"second make-up saturday", Date(2026, 2, 27), 1, Date(2026, 2, 28), false},
		{"weekend only", Date(2026, 3, 6), 6, Date(2026, 3, 16), false},
		{"plain weeks", Date(2026, 11, 25), 15, Date(2026, 12, 16), false},
		// Into 2027, official since lunar-go v1.4.7: Jan 1-3 off.
		{"into official 2027", Date(2026, 12, 30), 3, Date(2027, 1, 5), false},
		// 2027's spring festival: Feb 5-13 off, Jan 31 and Feb 14 make-up Sundays.
		{"spring festival 2027", Date(2027, 2, 4), 1, Date(2027, 2, 14), false},
		{"make-up sunday 2027", Date(2027, 1, 29), 1, Date(2027, 1, 31), false},
		// Into 2028, which lunar-go does not cover: Jan 1 (a Saturday) is statutory.
		{"into provisional 2028", Date(2027, 12, 30), 3, Date(2028, 1, 4), true},
		// 2030: eve Feb 2 (Sat) through Feb 5 (lunar 1/3) off.
		{"spring festival 2030", Date(2030, 1, 31), 3, Date(2030, 2, 7), true},
		{"national day 2030", Date(2030, 9, 30), 1, Date(2030, 10, 4), true},
		{"backwards over national day", Date(2026, 10, 13), -5, Date(2026, 9, 30), false},
		{"not midnight UTC", time.Date(2026, 9, 30, 23, 59, 0, 0, time.UTC), 5, Date(2026, 10, 13), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, prov := c.AddWorkdays(tt.from, tt.n)
			if !got.Equal(tt.want) || prov != tt.provisional {
				t.Errorf("AddWorkdays(%s, %d) = %s, %v; want %s, %v", ymd(tt.from), tt.n, ymd(got), prov, ymd(tt.want), tt.provisional)
			}
		})
	}
}

func TestIsWorkdaySpringFestival2026(t *testing.T) {
	c := officialCalendar(t)
	want := map[string]bool{
		"2026-02-13": true,  // Friday
		"2026-02-14": true,  // Saturday, make-up workday
		"2026-02-24": true,  // Tuesday, first day back
		"2026-02-28": true,  // Saturday, make-up workday
		"2026-03-01": false, // Sunday
		"2026-03-02": true,
	}
	for d := Date(2026, 2, 15); !d.After(Date(2026, 2, 23)); d = d.AddDate(0, 0, 1) {
		want[ymd(d)] = false
	}
	for s, w := range want {
		d, _ := time.Parse(time.DateOnly, s)
		if got := c.IsWorkday(d); got != w {
			t.Errorf("IsWorkday(%s) = %v, want %v", s, got, w)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := officialCalendar(t)
	tests := []struct {
		from, to time.Time
		want     int
	}{
		{Date(2026, 9, 30), Date(2026, 10, 13), 5},
		{Date(2026, 10, 13), Date(2026, 9, 30), -5},
		{Date(2026, 3, 6), Date(2026, 3, 16), 6}, // weekends only
		{Date(2026, 3, 16), Date(2026, 3, 6), -6},
		{Date(2026, 3, 7), Date(2026, 3, 8), 0}, // Saturday to Sunday
		{Date(2026, 3, 9), Date(2026, 3, 9), 0},
		{Date(2026, 2, 14), Date(2026, 2, 23), 0},     // all holiday
		{Date(2026, 2, 13), Date(2026, 2, 14), 1},     // make-up Saturday
		{Date(2026, 12, 30), Date(2027, 1, 5), 3},     // across into 2027
		{Date(2027, 1, 5), Date(2026, 12, 30), -3},    // overdue by three
		{Date(2026, 1, 1), Date(2027, 1, 1), 248},     // Jan 1 of both years off
		{Date(2025, 12, 31), Date(2026, 12, 31), 248}, // 261 weekdays - 19 off + 6 make-up
	}
	for _, tt := range tests {
		if got := c.WorkdaysBetween(tt.from, tt.to); got != tt.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", ymd(tt.from), ymd(tt.to), got, tt.want)
		}
	}
}

func TestWorkdaysBetweenInvertsAddWorkdays(t *testing.T) {
	c := officialCalendar(t)
	for from := Date(2025, 12, 1); from.Before(Date(2027, 3, 1)); from = from.AddDate(0, 0, 3) {
		for _, n := range []int{0, 1, 2, 5, 10, 15, 30} {
			due, _ := c.AddWorkdays(from, n)
			if got := c.WorkdaysBetween(from, due); got != n {
				t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d", ymd(from), ymd(from), n, ymd(due), got)
			}
			if n > 0 && !c.IsWorkday(due) {
				t.Fatalf("AddWorkdays(%s, %d) = %s, not a working day", ymd(from), n, ymd(due))
			}
		}
	}
}

func TestLoadedScheduleMakesYearOfficial(t *testing.T) {
	// An invented 2028 schedule, different enough from the statutory
	// fallback (which would make only Jan 25-28 rest days) to tell them apart.
	const schedule = `{"year":2028,"days":[
		{"date":"2028-01-01","off":true,"name":"元旦"},
		{"date":"2028-01-24","off":true,"name":"春节"},{"date":"2028-01-25","off":true,"name":"春节"},
		{"date":"2028-01-26","off":true,"name":"春节"},{"date":"2028-01-27","off":true,"name":"春节"},
		{"date":"2028-01-28","off":true,"name":"春节"},{"date":"2028-01-29","off":true,"name":"春节"},
		{"date":"2028-01-30","off":true,"name":"春节"},{"date":"2028-01-31","off":true,"name":"春节"},
		{"date":"2028-02-05","off":false,"name":"春节调休"}]}`
	year, entries, err := ParseSchedule(strings.NewReader(schedule))
	if err != nil || year != 2028 || len(entries) != 10 {
		t.Fatalf("ParseSchedule = %d, %d entries, %v", year, len(entries), err)
	}
	before := officialCalendar(t)
	after := New(append(Official(), entries...), append(OfficialYears(), year))

	tests := []struct {
		cal         *Calendar
		from        time.Time
		n           int
		want        time.Time
		provisional bool
	}{
		{before, Date(2028, 1, 21), 1, Date(2028, 1, 24), true},
		{after, Date(2028, 1, 21), 1, Date(2028, 2, 1), false},
		{after, Date(2028, 2, 4), 1, Date(2028, 2, 5), false},
		{after, Date(2027, 12, 31), 1, Date(2028, 1, 3), false},
		{after, Date(2028, 12, 29), 1, Date(2029, 1, 2), true},
	}
	for i, tt := range tests {
		got, prov := tt.cal.AddWorkdays(tt.from, tt.n)
		if !got.Equal(tt.want) || prov != tt.provisional {
			t.Errorf("%d: AddWorkdays(%s, %d) = %s, %v; want %s, %v", i, ymd(tt.from), tt.n, ymd(got), prov, ymd(tt.want), tt.provisional)
		}
	}
	if ys := after.Years(); ys[len(ys)-1] != 2028 || !after.IsOfficial(2028) || before.IsOfficial(2028) {
		t.Errorf("Years() = %v", ys)
	}
}

func TestZeroCalendarIsStatutoryOnly(t *testing.T) {
	var c Calendar
	got, prov := c.AddWorkdays(Date(2026, 9, 30), 5)
	// Oct 1-3 statutory, Oct 4 Sunday; no make-up Saturday.
	if want := Date(2026, 10, 9); !got.Equal(want) || !prov {
		t.Errorf("zero Calendar: %s, %v; want %s, true", ymd(got), prov, ymd(want))
	}
}

func TestLaterEntryWins(t *testing.T) {
	c := New([]Entry{
		{Date: Date(2027, 3, 1), Off: true, Name: "误录"},
		{Date: Date(2027, 3, 1), Off: false, Name: "更正"},
	}, []int{2027})
	if !c.IsWorkday(Date(2027, 3, 1)) {
		t.Error("2027-03-01 should be a workday after the correction")
	}
}

func TestCivil(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	tests := []struct {
		in   time.Time
		want time.Time
	}{
		{time.Date(2026, 9, 30, 16, 0, 0, 0, time.UTC), Date(2026, 10, 1)}, // 00:00 in Beijing
		{time.Date(2026, 9, 30, 15, 59, 0, 0, time.UTC), Date(2026, 9, 30)},
		{time.Date(2026, 12, 31, 23, 0, 0, 0, shanghai), Date(2026, 12, 31)},
	}
	for _, tt := range tests {
		if got := Civil(tt.in, shanghai); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("Civil(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestConcurrentReaders is meant for -race: the statutory fallback is
// filled lazily while other goroutines read.
func TestConcurrentReaders(t *testing.T) {
	c := officialCalendar(t)
	want := make(map[int]int)
	for y := 2028; y < 2035; y++ {
		want[y] = New(nil, nil).WorkdaysBetween(Date(y-1, 12, 31), Date(y, 12, 31))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for y := 2028; y < 2035; y++ {
				if got := c.WorkdaysBetween(Date(y-1, 12, 31), Date(y, 12, 31)); got != want[y] {
					errs <- fmt.Errorf("%d: %d working days, want %d", y, got, want[y])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
