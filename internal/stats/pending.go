package stats

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// window is what the statistics may count from the raw tables while the
// settle job catches up (after an import of years of cases, before
// `zhitong stats settle`): the days after the last settled one in its own
// month and the current month — a month or two of events at most. The
// months in between are pending (统计整理中) until the job reaches them:
// the public page, the dashboard, its cases and the hot topics never count
// them live (docs/statistics.md, "While the settle job catches up").
type window struct {
	settled   time.Time // the last settled day, or the day before the first case when nothing is settled
	none      bool      // nothing settled yet: days up to settled hold no event at all
	from, to  time.Time // the pending days, both included; from after to: none
	thisMonth time.Time // the first day of the current month
}

// pending reports whether the flows of per wait for the settle job: some
// of its days are pending.
func (w window) pending(per Period) bool {
	return !w.from.After(w.to) && !per.Start.After(w.to) && !per.End.Before(w.from)
}

// stockPending reports whether the overdue stock at the end of per waits:
// its end day is not settled and lies before the previous month (a past
// day's stock read live reads every reply since that day: two months at
// most are read).
func (w window) stockPending(per Period) bool {
	return per.End.After(w.settled) && per.End.Before(w.thisMonth.AddDate(0, -1, 0))
}

// catchingUp reports whether the last settled day lies before the
// previous month: then "overdue now" is read from the open assignments,
// not as the change since that day (every reply and due date since).
func (w window) catchingUp() bool { return w.settled.Before(w.thisMonth.AddDate(0, -1, 0)) }

// Through is the last settled day as a date ("" when none): what the
// pending notice names.
func (w window) Through() string {
	if w.none {
		return ""
	}
	return w.settled.Format(time.DateOnly)
}

// window is the current window of what may be counted live under region.
// The live service (tests) and a viewer below the settled scopes (a
// village: few cases) count everything live.
func (s *Service) window(ctx context.Context, region string) (window, error) {
	today := s.today()
	w := window{thisMonth: date(today.Year(), today.Month(), 1)}
	w.from = w.thisMonth // none pending
	w.settled = today
	if s.live || !settledScope(region) {
		w.to = w.from.AddDate(0, 0, -1)
		return w, nil
	}
	mark, err := store.StatMark(ctx, s.app.ReportDB())
	if err != nil {
		return w, err
	}
	if w.settled, w.none, err = s.settledDay(ctx, mark); err != nil {
		return w, err
	}
	w.from = date(w.settled.Year(), w.settled.Month()+1, 1)
	w.to = w.thisMonth.AddDate(0, 0, -1)
	return w, nil
}

// settledDay is the last day settled (mark), or, when nothing is settled
// yet, the day before the first case (a new deployment has nothing to wait
// for; none is then set) or today when there is no case at all.
func (s *Service) settledDay(ctx context.Context, mark string) (day time.Time, none bool, err error) {
	if mark != "" {
		return civilDay(mark), false, nil
	}
	first, err := store.StatFirstDay(ctx, s.app.ReportDB())
	if err != nil || first.IsZero() {
		return s.today(), true, err
	}
	return calendar.Civil(first, zhitong.China).AddDate(0, 0, -1), true, nil
}

// errPending is the answer to a question about a period that waits for
// the settle job (the cases behind a figure): 409 统计整理中.
func errPending(w window, per Period) error {
	return (&Dashboard{Period: per, Pending: true, SettledThrough: w.Through()}).Settled()
}
