// Package stats is the statistics dashboard (统计分析) of issue 13: every
// figure of internal/stats/measure for any period and slice of the viewer's
// jurisdiction, the previous period, a trend, and the cases behind each
// figure. The bulletins count through the same measure.Count, so the two
// never disagree (TestDashboardAgreesWithBulletin). See docs/statistics.md.
package stats

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Service computes the dashboard.
type Service struct {
	app   *app.App
	live  bool        // never use settled months (tests compare the two)
	stale *staleCache // the touched days, while no case is touched again and mark stays
}

// Live is the service counting every period from the raw tables, without
// the settled months: what the settled months must agree with.
func (s *Service) Live() *Service { return &Service{app: s.app, live: true} }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a, stale: &staleCache{}} }

// MaxDays is the longest custom period: two years.
const MaxDays = 731

// Slices are the ways to split a period's figures, with their Chinese names.
var Slices = []zhitong.Named[string]{
	{Value: "", Label: "合计"}, {Value: "town", Label: "乡镇（街道）"}, {Value: "station", Label: "联络站"},
	{Value: "unit", Label: "承办单位"}, {Value: "category", Label: "分类"}, {Value: "channel", Label: "渠道"},
	{Value: "deputy", Label: "代表"}, {Value: "level", Label: "下一级区划"},
}

// May reports whether p may see the dashboard: the committee and the
// analysis group, each in its region subtree (a city's or province's
// committee sees its whole subtree).
func May(p zhitong.Principal) bool {
	return (p.Role == zhitong.RoleCommittee || p.Role == zhitong.RoleAnalyst) && p.StationID == 0
}

func authorize(p zhitong.Principal) error {
	if !May(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看统计分析", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

// FigureValue is one figure of a period, with the previous period's.
type FigureValue struct {
	measure.Figure
	Value    *float64 `json:"value"`     // nil: nothing to divide by, or pending
	Previous *float64 `json:"previous"`  // the previous period's value
	Change   *float64 `json:"change"`    // Value − Previous (percentage points for rates)
	NumCount int      `json:"num_count"` // the numerator's count (a count's own value)
	DenCount int      `json:"den_count"` // the denominator's count
	// Pending: the figure waits for the settle job (统计整理中; Value nil);
	// PreviousPending the same of the previous period.
	Pending         bool `json:"pending,omitempty"`
	PreviousPending bool `json:"previous_pending,omitempty"`
}

// Row is one slice's figures.
type Row struct {
	Key      string         `json:"key"`
	Name     string         `json:"name"`
	Counts   measure.Counts `json:"counts"`
	Previous measure.Counts `json:"previous"`
}

// Point is one step of the trend.
type Point struct {
	Label   string         `json:"label"`
	Counts  measure.Counts `json:"counts"`
	Pending bool           `json:"pending,omitempty"` // the period waits for the settle job: zero counts
}

// Dashboard is everything the statistics page shows.
type Dashboard struct {
	Region       string         `json:"region"`
	Jurisdiction string         `json:"jurisdiction"`
	Period       Period         `json:"period"`
	Previous     Period         `json:"previous"`
	Slice        string         `json:"slice"`
	SliceLabel   string         `json:"slice_label"`
	Figures      []FigureValue  `json:"figures"`
	Rows         []Row          `json:"rows"`
	TrendStep    string         `json:"trend_step"` // day or month
	Trend        []Point        `json:"trend"`
	Total        measure.Counts `json:"total"`
	// While the settle job catches up (docs/statistics.md): Pending, the
	// period has days neither settled nor countable live (counts zero, no
	// rows, figures pending); OverduePending, its overdue stock at the end
	// waits (a past day not settled yet); the same of the previous period;
	// SettledThrough, the last settled day ("" none) when any is set.
	Pending                bool   `json:"pending,omitempty"`
	OverduePending         bool   `json:"overdue_pending,omitempty"`
	PreviousPending        bool   `json:"previous_pending,omitempty"`
	PreviousOverduePending bool   `json:"previous_overdue_pending,omitempty"`
	SettledThrough         string `json:"settled_through,omitempty"`
	// RowsRead is how many rows the dashboard read: settled rows and live
	// facts, of both periods (the benchmarks report it).
	RowsRead int `json:"-"`
}

func (s *Service) params(p Period) measure.Params {
	return measure.Params{Start: p.Start, End: p.End, Cal: s.app.Calendar(), AcceptDays: s.app.ReturnDays()}
}

// town is a region's township (nine-digit prefix), or itself above.
func town(region string) string { return region[:min(len(region), 9)] }

// childLen is the length of the next level's codes under a prefix of length n.
func childLen(n int) int {
	switch {
	case n < 2:
		return 2
	case n < 4:
		return 4
	case n < 6:
		return 6
	case n < 9:
		return 9
	}
	return 12
}

// SliceOf is the measure slice for name (one of Slices), for a viewer
// scoped to region: how the dashboard keys each fact's row.
func SliceOf(name, region string) measure.Slice { return sliceOf(name, region) }

// sliceOf is the measure slice for name, for a viewer scoped to region.
func sliceOf(name, region string) measure.Slice {
	id := func(v int64) string { return strconv.FormatInt(v, 10) }
	switch name {
	case "town":
		return measure.Slice{Key: func(f *store.StatFact) string { return town(f.Region) }}
	case "station":
		return measure.Slice{Key: func(f *store.StatFact) string { return id(f.Station) }}
	case "unit":
		return measure.Slice{Key: func(f *store.StatFact) string { return id(f.Unit) }, Units: true}
	case "category":
		return measure.Slice{Key: func(f *store.StatFact) string { return f.Category }}
	case "channel":
		return measure.Slice{Key: func(f *store.StatFact) string { return f.Channel }}
	case "deputy":
		return measure.Slice{Key: func(f *store.StatFact) string { return id(f.Deputy) }}
	case "level":
		n := childLen(len(region))
		return measure.Slice{Key: func(f *store.StatFact) string { return f.Region[:min(len(f.Region), n)] }}
	}
	return measure.Total
}

// Dashboard computes the figures of the period and slice v names, in p's jurisdiction.
func (s *Service) Dashboard(ctx context.Context, p zhitong.Principal, v url.Values) (*Dashboard, error) {
	if err := authorize(p); err != nil {
		return nil, err
	}
	per, err := ParsePeriod(v, s.today())
	if err != nil {
		return nil, err
	}
	slice, err := ParseSlice(v.Get("slice"))
	if err != nil {
		return nil, err
	}
	return s.compute(ctx, p.RegionCode, per, slice)
}

func (s *Service) today() time.Time { return calendar.Civil(s.app.Now(), zhitong.China) }

func (s *Service) compute(ctx context.Context, region string, per Period, slice string) (*Dashboard, error) {
	d := &Dashboard{Region: region, Period: per, Previous: per.Previous(), Slice: slice, SliceLabel: zhitong.Label(Slices, slice), Rows: []Row{}}
	d.Jurisdiction = "全国"
	if region != "" {
		if r, err := store.GetRegion(ctx, s.app.ReportDB(), region); err == nil {
			d.Jurisdiction = r.Name
		} else {
			d.Jurisdiction = region
		}
	}
	monthly := per.End.Sub(per.Start) > 62*24*time.Hour
	w, err := s.window(ctx, region)
	if err != nil {
		return nil, err
	}
	d.Pending, d.PreviousPending = w.pending(per), w.pending(d.Previous)
	d.OverduePending = d.Pending || w.stockPending(per)
	d.PreviousOverduePending = d.PreviousPending || w.stockPending(d.Previous)
	if d.OverduePending || d.PreviousOverduePending {
		d.SettledThrough = w.Through()
	}
	var cur, prev *source
	var g group
	names := []string{""}
	if slice != "" {
		names = append(names, slice)
	}
	load := func(p Period, pending bool) (*source, error) {
		if pending {
			return &source{p: s.params(p)}, nil // counted once settled, never live
		}
		return s.load(ctx, p, region, names, monthly, &w)
	}
	g.Go(func() (err error) { cur, err = load(per, d.Pending); return err })
	g.Go(func() (err error) { prev, err = load(d.Previous, d.PreviousPending); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	d.RowsRead = cur.rows() + prev.rows()
	total := cur.count("", measure.Total)["all"]
	ptotal := prev.count("", measure.Total)["all"]
	if total == nil {
		total = &measure.Counts{}
	}
	if ptotal == nil {
		ptotal = &measure.Counts{}
	}
	d.Total = *total
	for _, f := range measure.Figures {
		fv := FigureValue{Figure: f, NumCount: total.Get(f.Num), DenCount: total.Get(f.Den)}
		if f.Kind == measure.KindAvg {
			fv.NumCount = total.ReplyDays
		}
		stock := f.Num == measure.Overdue || f.Den == measure.Overdue
		fv.Pending = d.Pending || (stock && d.OverduePending)
		fv.PreviousPending = d.PreviousPending || (stock && d.PreviousOverduePending)
		if v, ok := f.Value(*total); ok && !fv.Pending {
			fv.Value = &v
		}
		if v, ok := f.Value(*ptotal); ok && !fv.PreviousPending {
			fv.Previous = &v
		}
		if fv.Value != nil && fv.Previous != nil {
			c := *fv.Value - *fv.Previous
			fv.Change = &c
		}
		d.Figures = append(d.Figures, fv)
	}
	if slice != "" && !d.Pending {
		sl := sliceOf(slice, region)
		rows := cur.count(slice, sl)
		prows := prev.count(slice, sl)
		withNone(slice, *total, rows)
		withNone(slice, *ptotal, prows)
		names, err := s.names(ctx, slice, rows)
		if err != nil {
			return nil, err
		}
		for k, c := range rows {
			r := Row{Key: k, Name: names[k], Counts: *c}
			if pc := prows[k]; pc != nil {
				r.Previous = *pc
			}
			d.Rows = append(d.Rows, r)
		}
		sort.Slice(d.Rows, func(i, j int) bool {
			if d.Rows[i].Counts.Received != d.Rows[j].Counts.Received {
				return d.Rows[i].Counts.Received > d.Rows[j].Counts.Received
			}
			return d.Rows[i].Key < d.Rows[j].Key
		})
	}
	d.TrendStep = "month"
	step := func(t time.Time) string { return t.Format("2006-01") }
	if !monthly {
		d.TrendStep = "day"
		step = func(t time.Time) string { return t.Format("01-02") }
	}
	points := cur.trend(step)
	for t := per.Start; !t.After(per.End); t = t.AddDate(0, 0, 1) {
		k := step(t)
		if len(d.Trend) > 0 && d.Trend[len(d.Trend)-1].Label == k {
			continue
		}
		pt := Point{Label: k, Pending: d.Pending}
		if c := points[k]; c != nil {
			pt.Counts = *c
		}
		d.Trend = append(d.Trend, pt)
	}
	return d, nil
}

// names names the keys of a slice's rows.
func (s *Service) names(ctx context.Context, slice string, rows map[string]*measure.Counts) (map[string]string, error) {
	out := map[string]string{}
	switch slice {
	case "town", "level":
		for k := range rows {
			out[k] = k
			if r, err := store.GetRegion(ctx, s.app.ReportDB(), k); err == nil {
				out[k] = r.Name
			}
		}
	case "channel":
		for k := range rows {
			out[k] = zhitong.Label(zhitong.Channels, zhitong.Channel(k))
		}
	default:
		table := map[string]string{"unit": "units", "station": "stations", "deputy": "deputies", "category": "categories"}[slice]
		names, err := store.StatNames(ctx, s.app.ReportDB(), table)
		if err != nil {
			return nil, err
		}
		for k := range rows {
			out[k] = names[k]
		}
	}
	none := map[string]string{"unit": "（未交办）", "station": "（未经联络站）", "deputy": "（无代表）", "category": "（未分类）", "channel": "（未指定渠道）"}[slice]
	for k, v := range out {
		if (v == "" || k == NoneKey) && (k == "0" || k == "" || k == NoneKey) {
			out[k] = none
		} else if v == "" {
			out[k] = k
		}
	}
	return out, nil
}

// CaseIDs returns the cases behind one count of the dashboard: v names the
// period and slice as for Dashboard, plus stat (a count, measure.Received…)
// and key (the slice's row; empty for the total). The case list shows them.
func (s *Service) CaseIDs(ctx context.Context, p zhitong.Principal, v url.Values) ([]int64, string, error) {
	if err := authorize(p); err != nil {
		return nil, "", err
	}
	per, err := ParsePeriod(v, s.today())
	if err != nil {
		return nil, "", err
	}
	slice, err := ParseSlice(v.Get("slice"))
	if err != nil {
		return nil, "", err
	}
	stat := v.Get("stat")
	fig, ok := measure.FigureByKey(stat)
	if !ok || !measure.IsCount(stat) {
		return nil, "", zhitong.Invalid("stat", "统计项“%s”无效", stat)
	}
	key := v.Get("key")
	if key == "" {
		slice = "" // the total of a sliced dashboard
	}
	if slice == "" {
		key = "all"
	} else if err := s.CheckKey(ctx, p.RegionCode, slice, key); err != nil {
		return nil, "", err
	}
	// A pending period is not counted live here either (the dashboard
	// shows 统计整理中 for it); only the overdue count reads the stock.
	w, err := s.window(ctx, p.RegionCode)
	if err != nil {
		return nil, "", err
	}
	if w.pending(per) || (stat == measure.Overdue && w.stockPending(per)) {
		return nil, "", errPending(w, per)
	}
	r := s.openRange(per, p.RegionCode)
	if stat != measure.Overdue {
		r.EndDay = ""
	}
	facts, err := store.ListStatFacts(ctx, s.app.ReportDB(), r)
	if err != nil {
		return nil, "", err
	}
	seen := map[int64]bool{}
	events := 0
	measure.Count(facts, s.params(per), caseSlice(slice, p.RegionCode), func(count, k string, id int64) {
		if count == stat && k == key {
			seen[id] = true
			events++
		}
	})
	ids := make([]int64, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	label := per.Label + " · " + fig.Label
	if slice != "" {
		names, err := s.names(ctx, slice, map[string]*measure.Counts{key: nil})
		if err != nil {
			return nil, "", err
		}
		label += " · " + zhitong.Label(Slices, slice) + "：" + names[key]
	}
	if events > len(ids) {
		// Re-handled rounds, repeat evaluations: the figure counts events.
		label += fmt.Sprintf("（本项计 %d 次，涉及 %d 件案件：同一案件在期内多次计入，只列一次）", events, len(ids))
	}
	return ids, label, nil
}

// CasesURL is the staff case list of the cases behind count stat in the
// slice's row key (ignored without a slice; "" is the total): the list
// reproduces exactly the set the count counted.
func (d *Dashboard) CasesURL(stat, key string) string {
	v := d.Period.Values()
	v.Set("stat", stat)
	if d.Slice != "" && key != "" {
		v.Set("slice", d.Slice)
		v.Set("key", key)
	}
	return "/work/cases?" + v.Encode()
}

// Settled refuses a pending dashboard for uses that need its figures
// whole (the Excel workbook): 409 统计整理中.
func (d *Dashboard) Settled() error {
	if !d.Pending {
		return nil
	}
	through := "尚未整理任何一天"
	if d.SettledThrough != "" {
		through = "已整理到 " + d.SettledThrough
	}
	return zhitong.Errorf(zhitong.ECONFLICT, "统计整理中：%s含统计作业尚未整理的日子（%s），整理完后才能查看和导出。请稍后再试（统计作业每 10 分钟运行一次，每次整理约一个月）", d.Period.Label, through)
}

// Query is the dashboard's own query string (period and slice).
func (d *Dashboard) Query() string {
	v := d.Period.Values()
	if d.Slice != "" {
		v.Set("slice", d.Slice)
	}
	return v.Encode()
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
