package stats

import (
	"context"
	"sync"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// source is what a period's counts come from: the settled months' rows,
// the live facts of the rest, and the lead assignments open at its end.
type source struct {
	p     measure.Params
	live  []store.StatFact
	cube  []store.StatCubeRow // settled spans' flows
	stock []store.StatCubeRow // the settled end day's overdue stock
}

// count counts flows and the overdue stock at the end.
func (src *source) count(sl measure.Slice) map[string]*measure.Counts {
	out := src.flows(sl)
	measure.AddCube(src.stock, sl, out, true)
	return out
}

// flows counts the flows only (a slice that skips "open" facts: the trend).
func (src *source) flows(sl measure.Slice) map[string]*measure.Counts {
	out := measure.Count(src.live, src.p, sl, nil)
	measure.AddCube(src.cube, sl, out, false)
	return out
}

// liveRange is the range of the flows of start..end, without the open assignments.
func liveRange(start, end time.Time, region string) store.StatRange {
	r := app.StatRange(start, end, region)
	r.EndDay = ""
	return r
}

// load gathers period per under region: whole settled months from
// stat_settled when months is set (a monthly trend), settled days from it
// always, every other day live; and the assignments open at its end. The
// reads are independent and run side by side (SQLite has several reader
// connections; so has PostgreSQL's pool).
func (s *Service) load(ctx context.Context, per Period, region string, months bool) (*source, error) {
	src := &source{p: s.params(per)}
	settledMonths, settledDays := map[string]bool{}, map[string]bool{}
	if !s.live {
		var err error
		if months {
			if settledMonths, err = store.SettledSpans(ctx, s.app.ReportDB(), per.Start.Format("2006-01"), per.End.Format("2006-01")); err != nil {
				return nil, err
			}
		}
		if settledDays, err = store.SettledSpans(ctx, s.app.ReportDB(), per.Start.Format(time.DateOnly), per.End.Format(time.DateOnly)); err != nil {
			return nil, err
		}
	}
	// The settled spans, and the unsettled runs of days between them.
	var spans []string
	var runs [][2]time.Time
	for d := per.Start; !d.After(per.End); {
		m := date(d.Year(), d.Month(), 1)
		last := m.AddDate(0, 1, -1)
		settled := ""
		next := d.AddDate(0, 0, 1)
		if d.Equal(m) && !last.After(per.End) && settledMonths[m.Format("2006-01")] {
			settled, next = m.Format("2006-01"), last.AddDate(0, 0, 1)
		} else if settledDays[d.Format(time.DateOnly)] {
			settled = d.Format(time.DateOnly)
		}
		switch {
		case settled != "":
			spans = append(spans, settled)
		case len(runs) > 0 && runs[len(runs)-1][1].Equal(d.AddDate(0, 0, -1)):
			runs[len(runs)-1][1] = d
		default:
			runs = append(runs, [2]time.Time{d, d})
		}
		d = next
	}
	var g group
	live := make([][]store.StatFact, len(runs)+1)
	for i, r := range runs {
		g.Go(func() (err error) {
			live[i], err = store.ListStatFacts(ctx, s.app.ReportDB(), liveRange(r[0], r[1], region))
			return err
		})
	}
	g.Go(func() error { return s.loadSettled(ctx, src, spans, region) })
	g.Go(func() (err error) {
		live[len(runs)], src.stock, err = s.loadStock(ctx, per, region)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	for _, facts := range live {
		src.live = append(src.live, facts...)
	}
	return src, nil
}

// loadStock reads the lead assignments open and overdue at per's end: from
// the end day's settled rows when it is settled (stock), else live (open).
func (s *Service) loadStock(ctx context.Context, per Period, region string) (open []store.StatFact, stock []store.StatCubeRow, err error) {
	r := s.openRange(per, region)
	if !s.live {
		// The stock at a settled day's end is stored with the day.
		end, _ := time.Parse(time.DateOnly, r.EndDay)
		settled, err := store.SettledSpans(ctx, s.app.ReportDB(), r.EndDay, r.EndDay)
		if err != nil {
			return nil, nil, err
		}
		if settled[r.EndDay] && !end.IsZero() {
			stock, err = store.ListStatCube(ctx, s.app.ReportDB(), r.EndDay, r.EndDay, region)
			return nil, stock, err
		}
	}
	r.OpenOnly = true
	open, err = store.ListStatFacts(ctx, s.app.ReportDB(), r)
	return open, nil, err
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

// loadSettled adds the rows of the settled spans (months and days) to src.
func (s *Service) loadSettled(ctx context.Context, src *source, spans []string, region string) error {
	want := map[string]bool{}
	lo, hi := map[int]string{}, map[int]string{}
	for _, sp := range spans {
		want[sp] = true
		n := len(sp)
		if lo[n] == "" || sp < lo[n] {
			lo[n] = sp
		}
		if sp > hi[n] {
			hi[n] = sp
		}
	}
	for n, from := range lo {
		var err error
		if src.cube, err = store.AppendStatCube(ctx, s.app.ReportDB(), src.cube, from, hi[n], region, func(span string) bool { return want[span] }); err != nil {
			return err
		}
	}
	return nil
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
