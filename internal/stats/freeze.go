package stats

import (
	"context"
	"maps"
	"slices"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Settled days (pre-aggregation per slice), docs/statistics.md. Each day
// is settled as it ends: FreezeDue counts it through measure.Count once
// per scope (the viewer's region at each level a dashboard is asked for)
// and slice, and stores one row per (day, scope, slice, key) with its
// overdue stock at the day's end (stats_slice_rows). Events carry the time
// they happen, so a past day's flows are final as it ends, except two
// completions that land later: a case registered within a working day, an
// assignment accepted within return_days. A settled row holds the
// completions up to its "through" day; each run settles the new days and
// again those whose completions may still come (measure.LastInTime), and
// the dashboard adds the completions since then live
// (store.ListStatCompletions). A month whose last day is final is summed
// into month rows. A settled span keeps the dimensions and the deadline
// policy as they were when it settled, like a bulletin.

// scopeLevels are the lengths of region codes a dashboard is settled for:
// the deployment, a province, a city, a county, a township. A viewer of
// another level is counted live.
var scopeLevels = []int{0, 2, 4, 6, 9}

func settledScope(region string) bool { return slices.Contains(scopeLevels, len(region)) }

// settleChunk is how many days one load of open assignments (the overdue
// stock) serves while catching up.
const settleChunk = 31

func civilDay(s string) time.Time {
	t, _ := time.Parse(time.DateOnly, s)
	return t
}

// unfinal is the first day on or before mark whose completions may still
// come after mark's end (mark itself when none): what a run re-settles
// and what the dashboard completes live.
func (s *Service) unfinal(mark, first time.Time) time.Time {
	from := mark.AddDate(0, 0, 1)
	for d := mark; !d.Before(first) && measure.LastInTime(s.app.Calendar(), d, s.app.ReturnDays()).After(mark); d = d.AddDate(0, 0, -1) {
		from = d
	}
	return from
}

// FreezeDue settles every day that has ended (up to yesterday), again those
// whose completions may still come, and every month whose days are all
// final; it returns how many days and months it settled. Two servers may
// run it together: a day's rows are replaced in one transaction, a month
// is summed once (stats_slice_spans' key).
func (s *Service) FreezeDue(ctx context.Context) (int, error) {
	first, err := store.StatFirstDay(ctx, s.app.DB())
	if err != nil || first.IsZero() {
		return 0, err
	}
	first = calendar.Civil(first, zhitong.China)
	last := s.today().AddDate(0, 0, -1)
	if last.Before(first) {
		return 0, nil
	}
	mark, err := store.StatMark(ctx, s.app.DB())
	if err != nil {
		return 0, err
	}
	// The cases touched so far (read first: a case touched while this run
	// settles stays for the next one).
	touched, lastTouched, err := store.StatTouched(ctx, s.app.DB())
	if err != nil {
		return 0, err
	}
	n := 0
	through := last.Format(time.DateOnly)
	cut := app.StatRange(last, last, "").To // completions from here on are counted live
	if mark != "" && len(touched) > 0 {
		// Settle again the days before the ones due anyway whose rows may
		// count a touched case by its old dimensions, and sum their months
		// again.
		upTo := civilDay(mark) // nothing settled below unless a day is due
		if upTo.Before(last) {
			upTo = s.unfinal(upTo, first).AddDate(0, 0, -1)
		}
		days, err := store.StatCaseDays(ctx, s.app.DB(), touched, upTo.Format(time.DateOnly))
		if err != nil {
			return 0, err
		}
		k, err := s.settleAgain(ctx, days, through, cut)
		n += k
		if err != nil {
			return n, err
		}
	}
	// Catch up a chunk at a time and record the mark after each, so that a
	// run cut short (the job's time limit, a busy database) resumes where
	// it stopped instead of starting again from the first day: a chunk is
	// settled as of its own last day, and the next starts again from the
	// days of that one whose completions may still come (unfinal), as the
	// nightly run does.
	for mark == "" || civilDay(mark).Before(last) {
		from, done := first, first.AddDate(0, 0, -1)
		if mark != "" {
			done = civilDay(mark)
			from = s.unfinal(done, first)
		}
		end := from.AddDate(0, 0, settleChunk-1)
		if end.Before(done.AddDate(0, 0, settleChunk/2)) { // a long unfinal window: still move on
			end = done.AddDate(0, 0, settleChunk/2)
		}
		if end.After(last) {
			end = last
		}
		stock, err := s.stock(ctx, from, end)
		if err != nil {
			return n, err
		}
		at, atCut := end.Format(time.DateOnly), app.StatRange(end, end, "").To
		for d := from; !d.After(end); d = d.AddDate(0, 0, 1) {
			if err := s.settleDay(ctx, d, at, atCut, stock[d.Format(time.DateOnly)]); err != nil {
				return n, err
			}
			if d.After(done) {
				n++
			}
		}
		if err := s.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.SetStatMark(ctx, at) }); err != nil {
			return n, err
		}
		mark = at
	}
	if lastTouched > 0 {
		if err := s.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.ClearStatTouched(ctx, lastTouched) }); err != nil {
			return n, err
		}
	}
	// Months whose every day is final.
	for m := date(first.Year(), first.Month(), 1); ; m = m.AddDate(0, 1, 0) {
		lastDay := m.AddDate(0, 1, -1)
		if lastDay.After(last) || measure.LastInTime(s.app.Calendar(), lastDay, s.app.ReturnDays()).After(last) {
			break
		}
		var added bool
		err := s.app.DB().Write(ctx, func(tx *store.Tx) (err error) {
			added, err = tx.SumStatMonth(ctx, m.Format("2006-01"), last.Format(time.DateOnly), s.app.Now())
			return err
		})
		if err != nil {
			return n, err
		}
		if added {
			n++
		}
	}
	return n, nil
}

// settleAgain settles the days given again (one load of the overdue stock
// from the first), and forgets the months they are in, which the caller
// sums again; it returns how many days it settled.
func (s *Service) settleAgain(ctx context.Context, days map[string]bool, through, cut string) (int, error) {
	if len(days) == 0 {
		return 0, nil
	}
	list := slices.Sorted(maps.Keys(days))
	stock, err := s.stock(ctx, civilDay(list[0]), civilDay(list[len(list)-1]))
	if err != nil {
		return 0, err
	}
	months := map[string]bool{}
	for i, d := range list {
		if err := s.settleDay(ctx, civilDay(d), through, cut, stock[d]); err != nil {
			return i, err
		}
		months[d[:7]] = true
	}
	return len(list), s.app.DB().Write(ctx, func(tx *store.Tx) error {
		for m := range months {
			if err := tx.DeleteStatMonth(ctx, m); err != nil {
				return err
			}
		}
		return nil
	})
}

// settleDay counts day d by every scope and slice, with the completions
// before cut and the day's overdue stock (open), and replaces its rows.
func (s *Service) settleDay(ctx context.Context, d time.Time, through, cut string, open []*store.StatFact) error {
	facts, err := store.ListStatFacts(ctx, s.app.DB(), liveRange(d, d, ""))
	if err != nil {
		return err
	}
	cutAt := store.ParseTime(cut)
	for i := range facts {
		f := &facts[i]
		if !f.Registered.Before(cutAt) {
			f.Registered = time.Time{}
		}
		if !f.Accepted.Before(cutAt) {
			f.Accepted = time.Time{}
		}
	}
	for _, o := range open {
		facts = append(facts, *o)
	}
	byScope := map[string][]store.StatFact{}
	for i := range facts {
		for _, n := range scopeLevels {
			if len(facts[i].Region) >= n {
				sc := facts[i].Region[:n]
				byScope[sc] = append(byScope[sc], facts[i])
			}
		}
	}
	p := s.params(newPeriod("custom", d, d))
	var rows []store.StatSliceRow
	for sc, fs := range byScope {
		for _, sl := range Slices {
			for k, c := range measure.Count(fs, p, sliceOf(sl.Value, sc), nil) {
				rows = append(rows, store.StatSliceRow{Scope: sc, Slice: sl.Value, Key: k, Counts: measure.ToRow(*c)})
			}
		}
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.ReplaceStatDay(ctx, d.Format(time.DateOnly), through, s.app.Now(), rows)
	})
}

// stock finds, for the days first..last, the lead assignments open and
// overdue at each day's end: one load of those not replied before first
// (the open ones and those replied since), then each one's overdue days
// (measure.Stock).
func (s *Service) stock(ctx context.Context, first, last time.Time) (map[string][]*store.StatFact, error) {
	r := app.StatRange(last, last, "")
	r.OpenOnly, r.RepliedFrom = true, app.StatRange(first, first, "").From
	cands, err := store.ListStatFacts(ctx, s.app.DB(), r)
	if err != nil {
		return nil, err
	}
	return measure.Stock(cands, first, last), nil
}

// Rebuild forgets every settled span (after a change of the deadline
// policy's return_days, or of a past holiday schedule), audited; the next
// FreezeDue settles them again from the raw tables.
func (s *Service) Rebuild(ctx context.Context) error {
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteStatSlices(ctx); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, app.System, "stats.rebuild", "stats", map[string]any{})
	})
}
