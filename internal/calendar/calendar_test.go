package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestAddWorkdays(t *testing.T) {
	c := New(Official(), OfficialYears())
	tests := []struct {
		from        time.Time
		n           int
		want        time.Time
		provisional bool
	}{
		{Date(2026, 9, 30), 5, Date(2026, 10, 13), false},   // National Day 2026, make-up Saturday 10-10
		{Date(2026, 11, 25), 15, Date(2026, 12, 16), false}, // plain weeks
		{Date(2026, 2, 13), 1, Date(2026, 2, 14), false},    // Saturday 2-14 is a make-up workday
		{Date(2026, 2, 14), 1, Date(2026, 2, 24), false},    // Spring Festival 2-15 … 2-23
		{Date(2026, 12, 30), 3, Date(2027, 1, 5), true},     // 2027 has no official data: 1-1 statutory
		{Date(2026, 11, 25), 0, Date(2026, 11, 25), false},
	}
	for _, tt := range tests {
		got, prov := c.AddWorkdays(tt.from, tt.n)
		if !got.Equal(tt.want) || prov != tt.provisional {
			t.Errorf("AddWorkdays(%s, %d) = %s %v, want %s %v", tt.from.Format(time.DateOnly), tt.n, got.Format(time.DateOnly), prov, tt.want.Format(time.DateOnly), tt.provisional)
		}
	}
	if got := c.WorkdaysBetween(Date(2026, 11, 25), Date(2026, 12, 2)); got != 5 {
		t.Errorf("WorkdaysBetween forward = %d, want 5", got)
	}
	if got := c.WorkdaysBetween(Date(2026, 12, 2), Date(2026, 11, 25)); got != -5 {
		t.Errorf("WorkdaysBetween backward = %d, want -5", got)
	}
}

func TestOfficialYearsCover2026(t *testing.T) {
	years := OfficialYears()
	if len(years) == 0 || years[len(years)-1] != 2026 {
		t.Fatalf("official years = %v, want through 2026", years)
	}
}

func TestStatutory(t *testing.T) {
	days := map[string]string{}
	for _, e := range Statutory(2030) {
		days[e.Date.Format(time.DateOnly)] = e.Name
	}
	for _, d := range []string{"2030-01-01", "2030-02-02", "2030-02-03", "2030-02-05", "2030-05-01", "2030-05-02", "2030-10-03"} {
		if days[d] == "" {
			t.Errorf("%s is not a statutory holiday of 2030: %v", d, days)
		}
	}
	if len(days) != 13 {
		t.Errorf("%d statutory days in 2030, want 13", len(days))
	}
}

func TestLoadedYearIsOfficial(t *testing.T) {
	year, entries, err := ParseSchedule(strings.NewReader(`{"year":2027,"days":[{"date":"2027-01-01","off":true,"name":"元旦"},{"date":"2027-01-04","off":true,"name":"元旦"}]}`))
	if err != nil || year != 2027 {
		t.Fatal(year, err)
	}
	c := New(append(Official(), entries...), append(OfficialYears(), 2027))
	got, prov := c.AddWorkdays(Date(2026, 12, 31), 1)
	if !got.Equal(Date(2027, 1, 5)) || prov {
		t.Fatalf("with 2027 loaded: %s %v", got.Format(time.DateOnly), prov)
	}
}

func TestParseScheduleErrors(t *testing.T) {
	for _, in := range []string{
		``, `{"year":2027}`, `{"year":2027,"days":[{"date":"2026-12-31","off":true,"name":"x"}]}`,
		`{"year":2027,"days":[{"date":"2027-13-01","off":true,"name":"x"}]}`,
		`{"year":2027,"days":[{"date":"2027-01-01","name":"x"}]}`,
		`{"year":2027,"days":[{"date":"2027-01-01","off":true,"name":"x"},{"date":"2027-01-01","off":true,"name":"x"}]}`,
		`{"year":2027,"days":[],"extra":1}`,
	} {
		if _, _, err := ParseSchedule(strings.NewReader(in)); err == nil {
			t.Errorf("accepted %s", in)
		}
	}
}
