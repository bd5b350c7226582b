package calendar

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOfficialYears(t *testing.T) {
	years := OfficialYears()
	var want []int
	for y := 2002; y <= 2027; y++ {
		want = append(want, y)
	}
	if !slices.Equal(years, want) {
		t.Errorf("OfficialYears() = %v, want 2002 through 2027", years)
	}
}

func TestOfficialWellFormed(t *testing.T) {
	entries := Official()
	if len(entries) != 894 {
		t.Errorf("%d entries, lunar-go v1.4.7 has 894", len(entries))
	}
	// lunar-go marks two ordinary weekdays as make-up workdays; harmless,
	// but it means not every make-up entry is on a weekend.
	oddities := map[string]bool{"2012-05-02": true, "2012-10-08": true}
	for i, e := range entries {
		if i > 0 && !e.Date.After(entries[i-1].Date) {
			t.Errorf("entry %d (%s) not after %s", i, ymd(e.Date), ymd(entries[i-1].Date))
		}
		if e.Date.Location() != time.UTC || e.Date.Hour() != 0 {
			t.Errorf("%s is not a civil date at 00:00 UTC", e.Date)
		}
		if strings.HasSuffix(e.Name, "调休") == e.Off {
			t.Errorf("%s: name %q does not match off=%v", ymd(e.Date), e.Name, e.Off)
		}
		if strings.HasPrefix(e.Name, "元旦节") {
			t.Errorf("%s: lunar-go's name %q not normalised", ymd(e.Date), e.Name)
		}
		wd := e.Date.Weekday()
		if !e.Off && wd != time.Saturday && wd != time.Sunday && !oddities[ymd(e.Date)] {
			t.Errorf("%s: make-up workday on a %s", ymd(e.Date), wd)
		}
	}
	// Official hands out copies.
	entries[0].Name = "改动"
	if Official()[0].Name == "改动" {
		t.Error("Official shares its backing array with callers")
	}
}

// TestOfficial2026 checks lunar-go against the State Council notice for
// 2026 (国办发明电〔2025〕7号), entry by entry.
func TestOfficial2026(t *testing.T) {
	wantOfficial(t, 2026, []span{
		{Date(2026, 1, 1), Date(2026, 1, 3), true, "元旦"},
		{Date(2026, 1, 4), Date(2026, 1, 4), false, "元旦调休"},
		{Date(2026, 2, 14), Date(2026, 2, 14), false, "春节调休"},
		{Date(2026, 2, 15), Date(2026, 2, 23), true, "春节"},
		{Date(2026, 2, 28), Date(2026, 2, 28), false, "春节调休"},
		{Date(2026, 4, 4), Date(2026, 4, 6), true, "清明节"},
		{Date(2026, 5, 1), Date(2026, 5, 5), true, "劳动节"},
		{Date(2026, 5, 9), Date(2026, 5, 9), false, "劳动节调休"},
		{Date(2026, 6, 19), Date(2026, 6, 21), true, "端午节"},
		{Date(2026, 9, 20), Date(2026, 9, 20), false, "国庆节调休"},
		{Date(2026, 9, 25), Date(2026, 9, 27), true, "中秋节"},
		{Date(2026, 10, 1), Date(2026, 10, 7), true, "国庆节"},
		{Date(2026, 10, 10), Date(2026, 10, 10), false, "国庆节调休"},
	})
}

// span is a run of days in a State Council notice.
type span struct {
	first, last time.Time
	off         bool
	name        string
}

// officialIn returns lunar-go's entries dated in year.
func officialIn(year int) []Entry {
	var out []Entry
	for _, e := range Official() {
		if e.Date.Year() == year {
			out = append(out, e)
		}
	}
	return out
}

// wantOfficial checks lunar-go's entries of year against a notice, day by day.
func wantOfficial(t *testing.T, year int, notice []span) {
	t.Helper()
	var want []Entry
	for _, s := range notice {
		for d := s.first; !d.After(s.last); d = d.AddDate(0, 0, 1) {
			want = append(want, Entry{Date: d, Off: s.off, Name: s.name})
		}
	}
	if got := officialIn(year); !slices.Equal(got, want) {
		t.Errorf("%d in lunar-go:\n got %v\nwant %v", year, got, want)
	}
}

// TestOfficial2027 checks lunar-go v1.4.7 against the State Council's
// schedule for 2027, entry by entry: 248 working days, five make-up days.
func TestOfficial2027(t *testing.T) {
	wantOfficial(t, 2027, []span{
		{Date(2027, 1, 1), Date(2027, 1, 3), true, "元旦"},
		{Date(2027, 1, 31), Date(2027, 1, 31), false, "春节调休"},
		{Date(2027, 2, 5), Date(2027, 2, 13), true, "春节"},
		{Date(2027, 2, 14), Date(2027, 2, 14), false, "春节调休"},
		{Date(2027, 4, 3), Date(2027, 4, 5), true, "清明节"},
		{Date(2027, 5, 1), Date(2027, 5, 5), true, "劳动节"},
		{Date(2027, 5, 8), Date(2027, 5, 8), false, "劳动节调休"},
		{Date(2027, 6, 9), Date(2027, 6, 9), true, "端午节"},
		{Date(2027, 9, 15), Date(2027, 9, 15), true, "中秋节"},
		{Date(2027, 9, 26), Date(2027, 9, 26), false, "国庆节调休"},
		{Date(2027, 10, 1), Date(2027, 10, 7), true, "国庆节"},
		{Date(2027, 10, 9), Date(2027, 10, 9), false, "国庆节调休"},
	})
	c := New(Official(), OfficialYears())
	if n := c.WorkdaysBetween(Date(2026, 12, 31), Date(2027, 12, 31)); n != 248 {
		t.Errorf("2027 has %d working days, want 248 (261 weekdays - 18 off + 5 make-up)", n)
	}
}

func TestStatutory(t *testing.T) {
	tests := []struct {
		year int
		want []string // date and name
	}{
		{2030, []string{ // twelfth month has 30 days: eve is the 30th
			"2030-01-01 元旦", "2030-02-02 春节", "2030-02-03 春节", "2030-02-04 春节", "2030-02-05 春节",
			"2030-04-05 清明节", "2030-05-01 劳动节", "2030-05-02 劳动节", "2030-06-05 端午节",
			"2030-09-12 中秋节", "2030-10-01 国庆节", "2030-10-02 国庆节", "2030-10-03 国庆节",
		}},
		{2028, []string{ // 中秋 on Oct 3: listed once, 12 days
			"2028-01-01 元旦", "2028-01-25 春节", "2028-01-26 春节", "2028-01-27 春节", "2028-01-28 春节",
			"2028-04-04 清明节", "2028-05-01 劳动节", "2028-05-02 劳动节", "2028-05-28 端午节",
			"2028-10-01 国庆节", "2028-10-02 国庆节", "2028-10-03 国庆中秋",
		}},
		{2026, []string{ // twelfth month has 29 days: eve is the 29th
			"2026-01-01 元旦", "2026-02-16 春节", "2026-02-17 春节", "2026-02-18 春节", "2026-02-19 春节",
			"2026-04-05 清明节", "2026-05-01 劳动节", "2026-05-02 劳动节", "2026-06-19 端午节",
			"2026-09-25 中秋节", "2026-10-01 国庆节", "2026-10-02 国庆节", "2026-10-03 国庆节",
		}},
	}
	for _, tt := range tests {
		var got []string
		for _, e := range Statutory(tt.year) {
			if !e.Off {
				t.Errorf("%d: %s is not a rest day", tt.year, ymd(e.Date))
			}
			got = append(got, ymd(e.Date)+" "+e.Name)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Statutory(%d):\n got %q\nwant %q", tt.year, got, tt.want)
		}
	}
}

// TestStatutoryAgreesWithOfficial checks the lunar and solar-term arithmetic
// against real schedules: under the 2025 rules every statutory day must be
// off, and since 2008 each traditional festival's own day has been off.
func TestStatutoryAgreesWithOfficial(t *testing.T) {
	off := map[string]bool{}
	for _, e := range Official() {
		off[ymd(e.Date)] = e.Off
	}
	for _, y := range []int{2025, 2026, 2027} {
		for _, e := range Statutory(y) {
			if !off[ymd(e.Date)] {
				t.Errorf("Statutory(%d) has %s %s, not off in the official schedule", y, ymd(e.Date), e.Name)
			}
		}
	}
	festivals := map[string]bool{"清明节": true, "端午节": true, "中秋节": true, "国庆中秋": true}
	for y := 2008; y <= 2024; y++ {
		for _, e := range Statutory(y) {
			if festivals[e.Name] && !off[ymd(e.Date)] {
				t.Errorf("%s (%s) is not off in %d", e.Name, ymd(e.Date), y)
			}
		}
		// Lunar New Year's Day itself; the eve was a working day in 2014-2019.
		if d := Statutory(y)[2].Date; !off[ymd(d)] {
			t.Errorf("%d: lunar New Year %s is not off", y, ymd(d))
		}
	}
}
