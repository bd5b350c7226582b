package stats_test

import (
	"testing"

	"zhitong/internal/stats"
	"zhitong/internal/testkit"
)

// TestPublicMonthsWaitForTheSettle: while the settle job has not caught up
// (a fresh import of years of cases), the public page counts live only the
// current month and the month of the last settled day (or of the first
// case), and marks the months in between as pending, instead
// of counting the whole year from the raw tables at every request; once
// settled it shows every month as the raw data gives it.
func TestPublicMonthsWaitForTheSettle(t *testing.T) {
	a, clock, f := scenario(t)
	setDay(clock, "2027-03-05")
	submit(t, a, f, "六号：三月份的意见")
	setDay(clock, "2027-03-10")
	s := stats.New(a)
	raw := testkit.Must(s.Live().Monthly(ctx))(t)
	got := testkit.Must(s.Monthly(ctx))(t)
	if len(got) != 12 || got[0].Month != "2027-03" || got[0].Pending || got[0].Counts != raw[0].Counts || got[0].Counts.Received != 1 {
		t.Fatalf("current month before the settle: %+v, raw %+v", got[0], raw[0])
	}
	// Nothing settled: the months from the first case's (2026-11, counted
	// live like the current one: a month at most) are the settle's to do.
	for i, m := range got {
		pending := m.Month >= "2026-12" && m.Month <= "2027-02"
		if m.Pending != pending || (pending && m.Counts.Received != 0) || (!pending && m.Counts != raw[i].Counts) {
			t.Errorf("%s before the settle: pending %v, %+v; raw %+v", m.Month, m.Pending, m.Counts, raw[i].Counts)
		}
	}
	if got[4].Month != "2026-11" || got[4].Counts.Received != 4 {
		t.Errorf("2026-11 before the settle = %+v", got[4])
	}
	if raw[3].Month != "2026-12" || raw[3].Pending || raw[3].Counts.Replied != 1 {
		t.Errorf("raw 2026-12 = %+v", raw[3])
	}
	// The settle moves the mark: the cached answer is not served again.
	testkit.Must(s.FreezeDue(ctx))(t)
	got = testkit.Must(s.Monthly(ctx))(t)
	for i, m := range got {
		if m.Pending || m.Counts != raw[i].Counts {
			t.Errorf("%s after the settle: pending %v, %+v; raw %+v", m.Month, m.Pending, m.Counts, raw[i].Counts)
		}
	}
}
