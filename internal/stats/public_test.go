package stats_test

import (
	"net/url"
	"reflect"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
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

// TestStaffFiguresWaitForTheSettle: the dashboard (and the cases behind a
// figure) follows the public page's rule while the settle job has not
// caught up: it counts live the current month and the month of the last
// settled day (or of the first case), never the months in between — a
// period touching them is pending (counts zero, no rows, 409 for its cases
// and its workbook) — nor the overdue stock at the end of a past day
// before the previous month; once settled, every period equals the raw data.
func TestStaffFiguresWaitForTheSettle(t *testing.T) {
	a, clock, f := scenario(t)
	committee := f.In[zhitong.RoleCommittee]
	setDay(clock, "2027-03-05")
	submit(t, a, f, "六号：三月份的意见")
	setDay(clock, "2027-03-10")
	s := stats.New(a)
	same := func(v url.Values, got, want *stats.Dashboard) {
		t.Helper()
		if got.PreviousPending {
			for i := range want.Rows {
				want.Rows[i].Previous = measure.Counts{} // not counted
			}
		}
		if got.Total != want.Total || !reflect.DeepEqual(got.Rows, want.Rows) || !reflect.DeepEqual(got.Trend, want.Trend) {
			t.Errorf("%v: %+v %+v\nraw %+v %+v", v, got.Total, got.Rows, want.Total, want.Rows)
		}
	}
	// The current month: counted live; February (its previous) pending.
	for _, sl := range stats.Slices {
		v := query("slice", sl.Value)
		got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
		want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
		same(v, got, want)
		if got.Pending || got.OverduePending || !got.PreviousPending || got.SettledThrough != "" || got.Total.Received != 1 {
			t.Errorf("%v: pending %v/%v/%v through %q, %+v", v, got.Pending, got.OverduePending, got.PreviousPending, got.SettledThrough, got.Total)
		}
		for i, fv := range got.Figures {
			if fv.Pending || !fv.PreviousPending || fv.Previous != nil || !reflect.DeepEqual(fv.Value, want.Figures[i].Value) {
				t.Errorf("%v %s: %+v, raw %+v", v, fv.Key, fv, want.Figures[i])
			}
		}
	}
	// 2026-11, the first case's month: its flows live, its overdue stock
	// (at 2026-11-30, before the previous month) pending.
	v := query("period", "month", "month", "2026-11", "slice", "unit")
	got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
	want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
	if got.Pending || !got.OverduePending || got.PreviousPending || got.Total.Received != 4 || got.Total.Replied != want.Total.Replied {
		t.Errorf("2026-11: pending %v/%v/%v, %+v; raw %+v", got.Pending, got.OverduePending, got.PreviousPending, got.Total, want.Total)
	}
	for i, fv := range got.Figures {
		if stock := fv.Key == measure.Overdue; fv.Pending != stock || (!stock && !reflect.DeepEqual(fv.Value, want.Figures[i].Value)) {
			t.Errorf("2026-11 %s: %+v, raw %+v", fv.Key, fv, want.Figures[i])
		}
	}
	if _, _, err := s.CaseIDs(ctx, committee, query("period", "month", "month", "2026-11", "stat", measure.Overdue)); zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		t.Errorf("overdue cases of 2026-11: %v", err)
	}
	if ids, _, err := s.CaseIDs(ctx, committee, query("period", "month", "month", "2026-11", "stat", measure.Received)); err != nil || len(ids) != 4 {
		t.Errorf("received cases of 2026-11: %v %v", ids, err)
	}
	// Periods touching December–February: pending, nothing counted.
	for _, v := range []url.Values{query("period", "month", "month", "2027-01"), query("period", "quarter", "quarter", "2026-Q4"),
		query("period", "year", "year", "2027", "slice", "unit"), query("period", "custom", "start", "2027-02-20", "end", "2027-03-10")} {
		got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
		if !got.Pending || !got.OverduePending || got.Total != (measure.Counts{}) || len(got.Rows) != 0 || got.RowsRead != 0 ||
			len(got.Trend) == 0 || !got.Trend[0].Pending || zhitong.ErrorCode(got.Settled()) != zhitong.ECONFLICT {
			t.Errorf("%v: pending %v, %+v, %d rows, read %d", v, got.Pending, got.Total, len(got.Rows), got.RowsRead)
		}
		for _, fv := range got.Figures {
			if !fv.Pending || fv.Value != nil {
				t.Errorf("%v %s: %+v", v, fv.Key, fv)
			}
		}
		v.Set("stat", measure.Received)
		if _, _, err := s.CaseIDs(ctx, committee, v); zhitong.ErrorCode(err) != zhitong.ECONFLICT || !strings.Contains(zhitong.ErrorMessage(err), "统计整理中") {
			t.Errorf("cases of %v: %v", v, err)
		}
	}
	// Before the first case: nothing to wait for.
	if d := testkit.Must(s.Dashboard(ctx, committee, query("period", "month", "month", "2026-10")))(t); d.Pending || d.OverduePending || d.PreviousPending || d.Total != (measure.Counts{}) {
		t.Errorf("2026-10: %+v", d)
	}
	// Settled: everything equals the raw data, nothing pending.
	testkit.Must(s.FreezeDue(ctx))(t)
	for _, v := range []url.Values{query(), query("period", "month", "month", "2026-11", "slice", "unit"), query("period", "month", "month", "2027-01"),
		query("period", "quarter", "quarter", "2026-Q4", "slice", "town"), query("period", "year", "year", "2027", "slice", "unit")} {
		got := testkit.Must(s.Dashboard(ctx, committee, v))(t)
		want := testkit.Must(s.Live().Dashboard(ctx, committee, v))(t)
		same(v, got, want)
		if got.Pending || got.OverduePending || got.PreviousPending || got.PreviousOverduePending || got.Settled() != nil {
			t.Errorf("%v after the settle: pending %v/%v/%v/%v", v, got.Pending, got.OverduePending, got.PreviousPending, got.PreviousOverduePending)
		}
	}
	if d := testkit.Must(s.Dashboard(ctx, committee, query("period", "quarter", "quarter", "2026-Q4")))(t); d.Total.Overdue != 2 {
		t.Errorf("overdue at 2026-12-31 after the settle = %d, want 2", d.Total.Overdue)
	}
}
