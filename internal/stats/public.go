package stats

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Monthly is the public statistics: the figures of each of the last twelve
// complete months and the current one, for the whole deployment. No
// personal data: counts and rates only.
//
// The page is public, so it never computes a long history from the raw
// tables: while the settle job is still catching up (a fresh import of
// years of cases, `zhitong stats settle` not yet run), the months between
// the last settled day and the current month are marked Pending ("统计整理中")
// instead of counted live — at a million cases one request counting twelve
// months live took two minutes and 1.6 GB.
func (s *Service) Monthly(ctx context.Context) ([]MonthFigures, error) {
	if s.live {
		return s.monthly(ctx, time.Time{})
	}
	mark, err := store.StatMark(ctx, s.app.ReportDB())
	if err != nil {
		return nil, err
	}
	// The page is public: one computation per ten minutes serves everyone,
	// and a new one as soon as the settle job moves its mark.
	publicCache.Lock()
	defer publicCache.Unlock()
	c := publicCache.m[s.app]
	if c != nil && c.mark == mark && s.app.Now().Sub(c.at) < 10*time.Minute && s.app.Now().After(c.at) {
		return c.months, nil
	}
	// Counted up to here: the mark, or before the first case when nothing
	// is settled yet (a new deployment has nothing to wait for).
	settled, _, err := s.settledDay(ctx, mark)
	if err != nil {
		return nil, err
	}
	months, err := s.monthly(ctx, settled)
	if err != nil {
		return nil, err
	}
	publicCache.m[s.app] = &publicMonths{at: s.app.Now(), mark: mark, months: months}
	return months, nil
}

var publicCache = struct {
	sync.Mutex
	m map[*app.App]*publicMonths
}{m: map[*app.App]*publicMonths{}}

type publicMonths struct {
	at     time.Time
	mark   string
	months []MonthFigures
}

// monthly counts the twelve months. With the last settled day given, the
// months it has settled come from the settled rows and the current month
// is counted live; a month in between (the settle job behind by more than
// the current month) is Pending. A zero day (s.live) counts everything live.
func (s *Service) monthly(ctx context.Context, settled time.Time) ([]MonthFigures, error) {
	today := s.today()
	start := date(today.Year(), today.Month()-11, 1)
	end := date(today.Year(), today.Month()+1, 0)
	thisMonth := date(today.Year(), today.Month(), 1)
	// The ranges to count: all of it, or (the settle job behind) the
	// settled months through the mark's and the current month apart.
	ranges := [][2]time.Time{{start, end}}
	pendingFrom, pendingTo := end, start // none
	if !settled.IsZero() {
		if settled.Before(start) {
			settled = start.AddDate(0, 0, -1)
		}
		if settled.Before(thisMonth.AddDate(0, 0, -1)) {
			ranges = ranges[:0]
			markMonthEnd := date(settled.Year(), settled.Month()+1, 0)
			if !markMonthEnd.Before(start) {
				ranges = append(ranges, [2]time.Time{start, markMonthEnd})
			}
			ranges = append(ranges, [2]time.Time{thisMonth, end})
			pendingFrom, pendingTo = markMonthEnd.AddDate(0, 0, 1), thisMonth.AddDate(0, 0, -1)
			if pendingFrom.Before(start) {
				pendingFrom = start
			}
		}
	}
	rows := map[string]*measure.Counts{}
	for _, r := range ranges {
		src, err := s.load(ctx, newPeriod("custom", r[0], r[1]), "", []string{""}, true, nil)
		if err != nil {
			return nil, err
		}
		maps.Copy(rows, src.trend(func(t time.Time) string { return t.Format("2006-01") }))
	}
	var out []MonthFigures
	for t := start; !t.After(end); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		m := MonthFigures{Month: k, Label: fmt.Sprintf("%d年%d月", t.Year(), t.Month())}
		if !t.Before(pendingFrom) && !t.After(pendingTo) {
			m.Pending = true
		} else if c := rows[k]; c != nil {
			m.Counts = *c
		}
		out = append(out, m)
	}
	slices.Reverse(out)
	return out, nil
}

// MonthFigures is one month of the public statistics.
type MonthFigures struct {
	Month  string         `json:"month"`
	Label  string         `json:"label"`
	Counts measure.Counts `json:"counts"`
	// Pending: the month is not settled yet (the statistics job is still
	// catching up after an import); its counts are zero until it is.
	Pending bool `json:"pending,omitempty"`
}
