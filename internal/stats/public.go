package stats

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/stats/measure"
)

// Monthly is the public statistics: the figures of each of the last twelve
// complete months and the current one, for the whole deployment. No
// personal data: counts and rates only.
func (s *Service) Monthly(ctx context.Context) ([]MonthFigures, error) {
	if s.live {
		return s.monthly(ctx)
	}
	// The page is public: one computation per ten minutes serves everyone.
	publicCache.Lock()
	defer publicCache.Unlock()
	c := publicCache.m[s.app]
	if c != nil && s.app.Now().Sub(c.at) < 10*time.Minute && s.app.Now().After(c.at) {
		return c.months, nil
	}
	months, err := s.monthly(ctx)
	if err != nil {
		return nil, err
	}
	publicCache.m[s.app] = &publicMonths{at: s.app.Now(), months: months}
	return months, nil
}

var publicCache = struct {
	sync.Mutex
	m map[*app.App]*publicMonths
}{m: map[*app.App]*publicMonths{}}

type publicMonths struct {
	at     time.Time
	months []MonthFigures
}

func (s *Service) monthly(ctx context.Context) ([]MonthFigures, error) {
	today := s.today()
	start := date(today.Year(), today.Month()-11, 1)
	per := newPeriod("custom", start, date(today.Year(), today.Month()+1, 0))
	src, err := s.load(ctx, per, "", []string{""}, true)
	if err != nil {
		return nil, err
	}
	rows := src.trend(func(t time.Time) string { return t.Format("2006-01") })
	var out []MonthFigures
	for t := per.Start; !t.After(per.End); t = t.AddDate(0, 1, 0) {
		k := t.Format("2006-01")
		m := MonthFigures{Month: k, Label: fmt.Sprintf("%d年%d月", t.Year(), t.Month())}
		if c := rows[k]; c != nil {
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
}
