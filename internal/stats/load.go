package stats

import (
	"context"
	"sync"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// source is what a period's counts come from: the settled rows of its
// days (and whole final months), and the facts counted live — the days
// not settled yet (normally today), the completions since the last
// settled day, and the open assignments at its end when that is not a
// settled day.
type source struct {
	p     measure.Params
	live  []store.StatFact
	flows []store.StatSliceRow // settled spans: their flows
	stock []store.StatSliceRow // the settled end day: its overdue stock
	minus []store.StatFact     // "open" facts to take off that stock (replied since)
}

func (src *source) rows() int {
	return len(src.live) + len(src.flows) + len(src.stock) + len(src.minus)
}

// count counts slice name (sl) with its overdue stock at the end.
func (src *source) count(name string, sl measure.Slice) map[string]*measure.Counts {
	out := measure.Count(src.live, src.p, sl, nil)
	add := func(rows []store.StatSliceRow, stock bool) {
		for i := range rows {
			r := &rows[i]
			if r.Slice != name {
				continue
			}
			c := measure.FromRow(r.Counts)
			if stock {
				c = measure.Counts{Overdue: c.Overdue}
			} else {
				c.Overdue = 0
			}
			row := out[r.Key]
			if row == nil {
				row = &measure.Counts{}
				out[r.Key] = row
			}
			row.Add(c)
		}
	}
	add(src.flows, false)
	add(src.stock, true)
	for k, c := range measure.Count(src.minus, src.p, sl, nil) {
		if out[k] == nil {
			out[k] = &measure.Counts{}
		}
		out[k].Overdue -= c.Overdue
	}
	return out
}

// trend counts the flows by step of their day (no stock).
func (src *source) trend(step func(time.Time) string) map[string]*measure.Counts {
	out := measure.Count(src.live, src.p, measure.Slice{Key: func(f *store.StatFact) string {
		if f.Kind == "open" {
			return "" // a stock at the period's end, not a flow of a day
		}
		return step(calendar.Civil(f.At, zhitong.China))
	}}, nil)
	for i := range src.flows {
		r := &src.flows[i]
		if r.Slice != "" {
			continue
		}
		layout := time.DateOnly
		if len(r.Span) == 7 {
			layout = "2006-01"
		}
		d, _ := time.Parse(layout, r.Span)
		k := step(d)
		c := measure.FromRow(r.Counts)
		c.Overdue = 0
		if out[k] == nil {
			out[k] = &measure.Counts{}
		}
		out[k].Add(c)
	}
	return out
}

// liveRange is the range of the flows of start..end, without the open assignments.
func liveRange(start, end time.Time, region string) store.StatRange {
	r := app.StatRange(start, end, region)
	r.EndDay = ""
	return r
}

// load gathers period per under region for the slices named ("" the
// total; the trend reads it): the settled days up to the last one settled
// (whole final months as month rows when months is set: a monthly trend),
// the rest live, the completions since the last settled day, and the
// stock at the end. The reads are independent and run side by side
// (SQLite has several reader connections; so has PostgreSQL's pool).
//
// With a window (the dashboard), the caller has checked that per's flows
// are not pending; its stock is not read when it is (w.stockPending: the
// figure shows 统计整理中), and "overdue now" is read from the open
// assignments while the job is catching up (the change since an old
// settled day would read every reply since).
func (s *Service) load(ctx context.Context, per Period, region string, names []string, months bool, w *window) (*source, error) {
	src := &source{p: s.params(per)}
	noStock := w != nil && w.stockPending(per)
	db := s.app.ReportDB()
	var mark time.Time
	if !s.live && settledScope(region) {
		m, err := store.StatMark(ctx, db)
		if err != nil {
			return nil, err
		}
		if m != "" {
			mark = civilDay(m)
		}
	}
	if mark.IsZero() || mark.Before(per.Start) {
		if w != nil && w.none && !per.End.After(w.settled) {
			return src, nil // before the first case: nothing to read
		}
		// Nothing settled in the period: everything live.
		r := s.openRange(per, region)
		if noStock {
			r.EndDay = ""
		}
		facts, err := store.ListStatFacts(ctx, db, r)
		src.live = facts
		return src, err
	}
	settledEnd := per.End
	if mark.Before(settledEnd) {
		settledEnd = mark
	}
	// The settled days whose rows may count a case by its old dimensions
	// (touched since): read live, like today.
	stale, err := s.staleDays(ctx, db, mark)
	if err != nil {
		return nil, err
	}
	var covered map[string]string
	if months {
		if covered, err = store.StatSpans(ctx, db, per.Start.Format("2006-01"), settledEnd.Format("2006-01")); err != nil {
			return nil, err
		}
		for d := range stale {
			delete(covered, d[:7])
		}
	}
	// Runs of days and of months to read.
	type run struct{ from, to string }
	var dayRuns, monthRuns, staleRuns []run
	extend := func(runs []run, from, to, prev string) []run {
		if n := len(runs); n > 0 && runs[n-1].to == prev {
			runs[n-1].to = to
			return runs
		}
		return append(runs, run{from, to})
	}
	for d := per.Start; !d.After(settledEnd); {
		m := date(d.Year(), d.Month(), 1)
		lastDay := m.AddDate(0, 1, -1)
		if d.Equal(m) && !lastDay.After(settledEnd) && covered[m.Format("2006-01")] != "" {
			monthRuns = extend(monthRuns, m.Format("2006-01"), m.Format("2006-01"), m.AddDate(0, -1, 0).Format("2006-01"))
			d = lastDay.AddDate(0, 0, 1)
			continue
		}
		day, prev := d.Format(time.DateOnly), d.AddDate(0, 0, -1).Format(time.DateOnly)
		if stale[day] {
			staleRuns = extend(staleRuns, day, day, prev)
		} else {
			dayRuns = extend(dayRuns, day, day, prev)
		}
		d = d.AddDate(0, 0, 1)
	}
	var live, done, open []store.StatFact
	var g group
	var mu sync.Mutex
	for _, r := range staleRuns {
		g.Go(func() error {
			facts, err := store.ListStatFacts(ctx, db, liveRange(civilDay(r.from), civilDay(r.to), region))
			mu.Lock()
			defer mu.Unlock()
			src.live = append(src.live, facts...)
			return err
		})
	}
	liveOpen := func() {
		g.Go(func() (err error) {
			r := s.openRange(per, region)
			r.OpenOnly = true
			open, err = store.ListStatFacts(ctx, db, r)
			return err
		})
	}
	read := func(from, to string, stock bool) {
		g.Go(func() error {
			rows, err := store.ListStatSlices(ctx, db, region, names, from, to)
			mu.Lock()
			defer mu.Unlock()
			if stock {
				src.stock = append(src.stock, rows...)
			} else {
				src.flows = append(src.flows, rows...)
			}
			return err
		})
	}
	for _, r := range append(dayRuns, monthRuns...) {
		read(r.from, r.to, false)
	}
	if per.End.After(mark) {
		// The days after the last settled one, and the stock at the end.
		g.Go(func() (err error) {
			live, err = store.ListStatFacts(ctx, db, liveRange(mark.AddDate(0, 0, 1), per.End, region))
			return err
		})
		if today := s.today(); per.End.After(today) && mark.Before(today) && !stale[mark.Format(time.DateOnly)] && (w == nil || !w.catchingUp()) {
			// Overdue now: the last settled day's stock, less those
			// replied since, plus those overdue since.
			read(mark.Format(time.DateOnly), mark.Format(time.DateOnly), true)
			g.Go(func() (err error) {
				src.minus, open, err = store.ListStatStockChange(ctx, db, region, mark.Format(time.DateOnly), app.StatRange(mark, mark, "").To,
					today.Format(time.DateOnly))
				return err
			})
		} else if !noStock {
			liveOpen()
		}
	} else if stale[per.End.Format(time.DateOnly)] {
		liveOpen()
	} else {
		read(per.End.Format(time.DateOnly), per.End.Format(time.DateOnly), true)
	}
	// Completions since the last settled day of the days that may still
	// have them; a settled row already holds those up to its through day
	// (at least mark: a run settles those days again before moving mark).
	from := s.unfinal(mark, per.Start)
	if !from.After(settledEnd) {
		g.Go(func() (err error) {
			done, err = store.ListStatCompletions(ctx, db, liveRange(from, settledEnd, region), app.StatRange(mark, mark, "").To)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	through := map[string]string{}
	for i := range src.flows {
		through[src.flows[i].Span] = src.flows[i].Through
	}
	for _, f := range done {
		if stale[calendar.Civil(f.At, zhitong.China).Format(time.DateOnly)] {
			continue // its day is read live, with every completion
		}
		at := f.Registered
		if f.Kind == "accepted" {
			at = f.Accepted
		}
		th := mark
		if t, ok := through[calendar.Civil(f.At, zhitong.China).Format(time.DateOnly)]; ok {
			th = civilDay(t)
		}
		if !at.Before(store.ParseTime(app.StatRange(th, th, "").To)) {
			live = append(live, f)
		}
	}
	src.live = append(append(live, open...), src.live...)
	return src, nil
}

// staleDays are the days up to mark whose settled rows may count a case
// by dimensions it no longer has: the days of the facts (or of the overdue
// stock) of the cases touched since the job last ran (migration 097).
// Those days' facts are past, so the set changes only when another case is
// touched or mark moves: it is kept until then (both read each time).
func (s *Service) staleDays(ctx context.Context, db store.Q, mark time.Time) (map[string]bool, error) {
	last, err := store.StatTouchedLast(ctx, db)
	if err != nil || last == 0 {
		return nil, err
	}
	m := mark.Format(time.DateOnly)
	if c := s.stale; c != nil {
		c.mu.Lock()
		days, ok := c.days, c.mark == m && c.last == last
		c.mu.Unlock()
		if ok {
			return days, nil
		}
	}
	ids, last, err := store.StatTouched(ctx, db)
	if err != nil {
		return nil, err
	}
	days, err := store.StatCaseDays(ctx, db, ids, m)
	if err == nil && s.stale != nil {
		s.stale.mu.Lock()
		s.stale.mark, s.stale.last, s.stale.days = m, last, days
		s.stale.mu.Unlock()
	}
	return days, err
}

type staleCache struct {
	mu   sync.Mutex
	mark string
	last int64
	days map[string]bool // read only once stored
}

// group runs functions side by side and keeps the first error.
type group struct {
	wg  sync.WaitGroup
	mu  sync.Mutex
	err error
}

func (g *group) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	})
}

func (g *group) Wait() error {
	g.wg.Wait()
	return g.err
}

// openRange is the range of period p's open assignments: at its end, or
// now when it runs past today.
func (s *Service) openRange(p Period, region string) store.StatRange {
	r := app.StatRange(p.Start, p.End, region)
	if today := s.today(); p.End.After(today) {
		r.EndDay = today.Format(time.DateOnly) // overdue now: due before today, not replied yet
	}
	return r
}
