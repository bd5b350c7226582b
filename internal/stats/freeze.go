package stats

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Settled spans (pre-aggregation), docs/statistics.md. A day's counts can
// still change while one of its assignments may be accepted in time or one
// of its cases registered in time; once the day is AcceptDays+1 working
// days behind, every count of it is final (replies, evaluations and
// listings carry the time they happen, so they only land on today).
// FreezeDue then counts each final day, and each month whose last day is
// final, once through measure.Count by every combination of dimensions
// (stat_settled); the dashboard reads those rows for settled spans and
// counts the rest live. A settled span keeps the dimensions and the
// deadline policy as they were when it settled, like a bulletin.

// final reports whether every count of day d is final on today.
func (s *Service) final(d, today time.Time) bool {
	f, _ := s.app.Calendar().AddWorkdays(d, s.app.ReturnDays()+1)
	return today.After(f)
}

// FreezeDue settles every final day and month not settled yet, from the
// first case on; it returns how many spans it settled. Idempotent: a span
// is settled once (stat_spans' key), so two servers may run it together.
func (s *Service) FreezeDue(ctx context.Context) (int, error) {
	first, err := store.StatFirstDay(ctx, s.app.DB())
	if err != nil || first.IsZero() {
		return 0, err
	}
	first = calendar.Civil(first, zhitong.China)
	today := s.today()
	days, err := store.SettledSpans(ctx, s.app.DB(), first.Format(time.DateOnly), today.Format(time.DateOnly))
	if err != nil {
		return 0, err
	}
	months, err := store.SettledSpans(ctx, s.app.DB(), first.Format("2006-01"), today.Format("2006-01"))
	if err != nil {
		return 0, err
	}
	var todo []time.Time
	for d := first; s.final(d, today); d = d.AddDate(0, 0, 1) {
		if !days[d.Format(time.DateOnly)] {
			todo = append(todo, d)
		}
	}
	stock, stockDims, err := s.stock(ctx, todo)
	if err != nil {
		return 0, err
	}
	n := 0
	settle := func(span string, start, end time.Time, stock map[string]int) error {
		ok, err := s.freeze(ctx, span, start, end, stock, stockDims)
		if ok {
			n++
		}
		return err
	}
	for _, d := range todo {
		if err := settle(d.Format(time.DateOnly), d, d, stock[d.Format(time.DateOnly)]); err != nil {
			return n, err
		}
	}
	for m := date(first.Year(), first.Month(), 1); s.final(m.AddDate(0, 1, -1), today); m = m.AddDate(0, 1, 0) {
		if !months[m.Format("2006-01")] {
			if err := settle(m.Format("2006-01"), m, m.AddDate(0, 1, -1), nil); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// stock computes, for the days to settle, each day's overdue stock at its
// end by cube key: one load of the lead assignments not replied before
// the first of them (the open ones and those replied since), then each
// assignment's overdue days (measure.Stock).
func (s *Service) stock(ctx context.Context, days []time.Time) (map[string]map[string]int, map[string]store.StatFact, error) {
	dims := map[string]store.StatFact{}
	if len(days) == 0 {
		return nil, dims, nil
	}
	first, last := days[0], days[len(days)-1]
	r := app.StatRange(last, last, "")
	r.OpenOnly, r.RepliedFrom = true, app.StatRange(first, first, "").From
	cands, err := store.ListStatFacts(ctx, s.app.DB(), r)
	if err != nil {
		return nil, nil, err
	}
	return measure.Stock(cands, first, last, func(f *store.StatFact) string {
		d := measure.CubeKey(f)
		k := cubeKeyString(d)
		dims[k] = d
		return k
	}), dims, nil
}

// freeze counts start..end and stores its rows as span, with the overdue
// stock at its end by cube key (days only).
func (s *Service) freeze(ctx context.Context, span string, start, end time.Time, stock map[string]int, stockDims map[string]store.StatFact) (bool, error) {
	per := newPeriod("custom", start, end)
	facts, err := store.ListStatFacts(ctx, s.app.DB(), liveRange(start, end, ""))
	if err != nil {
		return false, err
	}
	dims := map[string]store.StatFact{}
	key := func(f *store.StatFact) string {
		d := measure.CubeKey(f)
		k := cubeKeyString(d)
		dims[k] = d
		return k
	}
	counts := measure.Count(facts, s.params(per), measure.Slice{Key: key, Units: true}, nil)
	for k, n := range stock {
		if counts[k] == nil {
			counts[k] = &measure.Counts{}
			dims[k] = stockDims[k]
		}
		counts[k].Overdue = n
	}
	rows := make([]store.StatCubeRow, 0, len(counts))
	for k, c := range counts {
		rows = append(rows, store.StatCubeRow{Span: span, Fact: dims[k], Counts: measure.ToCube(*c)})
	}
	var added bool
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		added, err = tx.InsertStatSpan(ctx, span, s.app.Now(), rows)
		return err
	})
	return added, err
}

func cubeKeyString(d store.StatFact) string {
	lead := "0"
	if d.Lead {
		lead = "1"
	}
	return d.Region + "|" + itoa(d.Station) + "|" + itoa(d.Unit) + "|" + d.Category + "|" + d.Channel + "|" + itoa(d.Deputy) + "|" + lead
}

// Rebuild forgets every settled span (after a change of the deadline
// policy's return_days, or of a past holiday schedule), audited; the next
// FreezeDue settles them again from the raw tables.
func (s *Service) Rebuild(ctx context.Context) error {
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.DeleteStatSpans(ctx); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, app.System, "stats.rebuild", "stats", map[string]any{})
	})
}
