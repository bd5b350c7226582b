package stats

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Settled months (pre-aggregation). A month's counts can still change
// while an assignment of its last days may be accepted in time or a case
// registered in time; once its last day is AcceptDays+1 working days
// behind, every count of the month is final (replies, evaluations and
// listings carry the time they happen, so they only ever land in the
// current month). FreezeDue then counts the month once, through
// measure.Count, by every combination of dimensions (stat_months); the
// dashboard adds those rows for whole settled months and counts the rest
// live. A settled month keeps the dimensions and the deadline policy as
// they were when it settled, like a bulletin.

// settled reports whether month m (its first day) is final on today.
func (s *Service) settled(m, today time.Time) bool {
	last := m.AddDate(0, 1, -1)
	final, _ := s.app.Calendar().AddWorkdays(last, s.app.ReturnDays()+1)
	return today.After(final)
}

// FreezeDue settles every final month not settled yet, from the first
// case's month on; it returns how many it settled. Idempotent: a month is
// settled once (stat_frozen's key), so two servers may run it together.
func (s *Service) FreezeDue(ctx context.Context) (int, error) {
	first, err := store.StatFirstDay(ctx, s.app.DB())
	if err != nil || first.IsZero() {
		return 0, err
	}
	first = calendar.Civil(first, zhitong.China)
	today := s.today()
	m := date(first.Year(), first.Month(), 1)
	done, err := store.FrozenMonths(ctx, s.app.DB(), m.Format("2006-01"), today.Format("2006-01"))
	if err != nil {
		return 0, err
	}
	n := 0
	for ; s.settled(m, today); m = m.AddDate(0, 1, 0) {
		if done[m.Format("2006-01")] {
			continue
		}
		ok, err := s.freeze(ctx, m)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// freeze counts month m (its first day) and stores its rows.
func (s *Service) freeze(ctx context.Context, m time.Time) (bool, error) {
	per := newPeriod("month", m, m.AddDate(0, 1, -1))
	r := liveRange(per.Start, per.End, "")
	facts, err := store.ListStatFacts(ctx, s.app.DB(), r)
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
	rows := make([]store.StatCubeRow, 0, len(counts))
	for k, c := range counts {
		rows = append(rows, store.StatCubeRow{Month: m.Format("2006-01"), Fact: dims[k], Counts: measure.ToCube(*c)})
	}
	var added bool
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		added, err = tx.InsertStatMonth(ctx, m.Format("2006-01"), s.app.Now(), rows)
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
