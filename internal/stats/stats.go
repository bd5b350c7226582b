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
	"strings"
	"sync"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Service computes the dashboard.
type Service struct {
	app  *app.App
	live bool // never use settled months (tests compare the two)
}

// Live is the service counting every period from the raw tables, without
// the settled months: what the settled months must agree with.
func (s *Service) Live() *Service { return &Service{app: s.app, live: true} }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// MaxDays is the longest custom period: two years.
const MaxDays = 731

// Slices are the ways to split a period's figures, with their Chinese names.
var Slices = []zhitong.Named[string]{
	{Value: "", Label: "合计"}, {Value: "town", Label: "乡镇（街道）"}, {Value: "station", Label: "联络站"},
	{Value: "unit", Label: "承办单位"}, {Value: "category", Label: "分类"}, {Value: "channel", Label: "渠道"},
	{Value: "deputy", Label: "代表"}, {Value: "level", Label: "下一级区划"},
}

// Periods are the kinds of period.
var Periods = []zhitong.Named[string]{
	{Value: "month", Label: "月"}, {Value: "quarter", Label: "季度"}, {Value: "year", Label: "年"}, {Value: "custom", Label: "自定义"},
}

// Period is a span of China civil dates, both ends included.
type Period struct {
	Kind  string    `json:"kind"`
	Start time.Time `json:"-"`
	End   time.Time `json:"-"`
	From  string    `json:"from"` // YYYY-MM-DD
	To    string    `json:"to"`
	Label string    `json:"label"`
}

func newPeriod(kind string, start, end time.Time) Period {
	p := Period{Kind: kind, Start: start, End: end, From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)}
	switch kind {
	case "month":
		p.Label = fmt.Sprintf("%d年%d月", start.Year(), start.Month())
	case "quarter":
		p.Label = fmt.Sprintf("%d年第%d季度", start.Year(), (int(start.Month())-1)/3+1)
	case "year":
		p.Label = fmt.Sprintf("%d年", start.Year())
	default:
		p.Label = p.From + " 至 " + p.To
	}
	return p
}

// Values are the query parameters that name this period.
func (p Period) Values() url.Values {
	v := url.Values{"period": {p.Kind}}
	switch p.Kind {
	case "month":
		v.Set("month", p.Start.Format("2006-01"))
	case "quarter":
		v.Set("quarter", fmt.Sprintf("%d-Q%d", p.Start.Year(), (int(p.Start.Month())-1)/3+1))
	case "year":
		v.Set("year", strconv.Itoa(p.Start.Year()))
	default:
		v.Set("start", p.From)
		v.Set("end", p.To)
	}
	return v
}

// Previous is the period of the same kind and length just before p.
func (p Period) Previous() Period {
	switch p.Kind {
	case "month":
		return newPeriod("month", p.Start.AddDate(0, -1, 0), p.Start.AddDate(0, 0, -1))
	case "quarter":
		return newPeriod("quarter", p.Start.AddDate(0, -3, 0), p.Start.AddDate(0, 0, -1))
	case "year":
		return newPeriod("year", p.Start.AddDate(-1, 0, 0), p.Start.AddDate(0, 0, -1))
	}
	days := int(p.End.Sub(p.Start).Hours()/24) + 1
	return newPeriod("custom", p.Start.AddDate(0, 0, -days), p.Start.AddDate(0, 0, -1))
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ParsePeriod reads period (month, quarter, year, custom) and its value from
// v; the default is the current month. Errors are Chinese and EINVALID.
func ParsePeriod(v url.Values, today time.Time) (Period, error) {
	kind := strings.TrimSpace(v.Get("period"))
	switch kind {
	case "", "month":
		s := strings.TrimSpace(v.Get("month"))
		if s == "" {
			return newPeriod("month", date(today.Year(), today.Month(), 1), date(today.Year(), today.Month()+1, 0)), nil
		}
		t, err := time.Parse("2006-01", s)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return Period{}, zhitong.Invalid("month", "月份“%s”无效，应写成 2026-11", s)
		}
		return newPeriod("month", t, date(t.Year(), t.Month()+1, 0)), nil
	case "quarter":
		s := strings.ToUpper(strings.TrimSpace(v.Get("quarter")))
		var y, q int
		if n, err := fmt.Sscanf(s, "%d-Q%d", &y, &q); err != nil || n != 2 || q < 1 || q > 4 || y < 2000 || y > 2100 || len(s) != 7 {
			return Period{}, zhitong.Invalid("quarter", "季度“%s”无效，应写成 2026-Q4", s)
		}
		start := date(y, time.Month(3*q-2), 1)
		return newPeriod("quarter", start, start.AddDate(0, 3, -1)), nil
	case "year":
		s := strings.TrimSpace(v.Get("year"))
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			return Period{}, zhitong.Invalid("year", "年份“%s”无效，应写成 2026", s)
		}
		return newPeriod("year", date(y, 1, 1), date(y, 12, 31)), nil
	case "custom":
		from, err := parseDay("start", "开始日期", v.Get("start"))
		if err != nil {
			return Period{}, err
		}
		to, err := parseDay("end", "结束日期", v.Get("end"))
		if err != nil {
			return Period{}, err
		}
		if to.Before(from) {
			return Period{}, zhitong.Invalid("end", "结束日期不能早于开始日期")
		}
		if days := int(to.Sub(from).Hours()/24) + 1; days > MaxDays {
			return Period{}, zhitong.Invalid("end", "自定义期间最长 %d 天（两年），所选为 %d 天，请缩短", MaxDays, days)
		}
		return newPeriod("custom", from, to), nil
	}
	return Period{}, zhitong.Invalid("period", "期间类型“%s”无效，可选：月（month）、季度（quarter）、年（year）、自定义（custom）", kind)
}

func parseDay(field, label, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, zhitong.Invalid(field, "请填写%s", label)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, zhitong.Invalid(field, "%s“%s”无效，应写成 2026-11-01", label, s)
	}
	return t, nil
}

// ParseSlice checks a slice name.
func ParseSlice(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !zhitong.Valid(Slices, s) {
		names := make([]string, 0, len(Slices))
		for _, x := range Slices[1:] {
			names = append(names, x.Label+"（"+x.Value+"）")
		}
		return "", zhitong.Invalid("slice", "未知的切片“%s”，可选：%s", s, strings.Join(names, "、"))
	}
	return s, nil
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
	Value    *float64 `json:"value"`     // nil: nothing to divide by
	Previous *float64 `json:"previous"`  // the previous period's value
	Change   *float64 `json:"change"`    // Value − Previous (percentage points for rates)
	NumCount int      `json:"num_count"` // the numerator's count (a count's own value)
	DenCount int      `json:"den_count"` // the denominator's count
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
	Label  string         `json:"label"`
	Counts measure.Counts `json:"counts"`
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
}

func (s *Service) params(p Period) measure.Params {
	return measure.Params{Start: p.Start, End: p.End, Cal: s.app.Calendar(), AcceptDays: s.app.ReturnDays()}
}

// facts loads what period p counts under region; the open assignments at
// its end (overdue) are taken at today when the period runs past today.
func (s *Service) facts(ctx context.Context, p Period, region string) ([]store.StatFact, error) {
	return store.ListStatFacts(ctx, s.app.DB(), s.openRange(p, region))
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
		if r, err := store.GetRegion(ctx, s.app.DB(), region); err == nil {
			d.Jurisdiction = r.Name
		} else {
			d.Jurisdiction = region
		}
	}
	monthly := per.End.Sub(per.Start) > 62*24*time.Hour
	var cur, prev *source
	var g group
	g.Go(func() (err error) { cur, err = s.load(ctx, per, region, monthly); return err })
	g.Go(func() (err error) { prev, err = s.load(ctx, d.Previous, region, monthly); return err })
	if err := g.Wait(); err != nil {
		return nil, err
	}
	total := cur.count(measure.Total)["all"]
	ptotal := prev.count(measure.Total)["all"]
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
		if v, ok := f.Value(*total); ok {
			fv.Value = &v
		}
		if v, ok := f.Value(*ptotal); ok {
			fv.Previous = &v
		}
		if fv.Value != nil && fv.Previous != nil {
			c := *fv.Value - *fv.Previous
			fv.Change = &c
		}
		d.Figures = append(d.Figures, fv)
	}
	if slice != "" {
		sl := sliceOf(slice, region)
		rows := cur.count(sl)
		prows := prev.count(sl)
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
	points := cur.flows(measure.Slice{Key: func(f *store.StatFact) string {
		if f.Kind == "open" {
			return "" // a stock at the period's end, not a flow of a day
		}
		return step(calendar.Civil(f.At, zhitong.China))
	}})
	for t := per.Start; !t.After(per.End); t = t.AddDate(0, 0, 1) {
		k := step(t)
		if len(d.Trend) > 0 && d.Trend[len(d.Trend)-1].Label == k {
			continue
		}
		pt := Point{Label: k}
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
			if r, err := store.GetRegion(ctx, s.app.DB(), k); err == nil {
				out[k] = r.Name
			}
		}
	case "channel":
		for k := range rows {
			out[k] = zhitong.Label(zhitong.Channels, zhitong.Channel(k))
		}
	default:
		table := map[string]string{"unit": "units", "station": "stations", "deputy": "deputies", "category": "categories"}[slice]
		names, err := store.StatNames(ctx, s.app.DB(), table)
		if err != nil {
			return nil, err
		}
		for k := range rows {
			out[k] = names[k]
		}
	}
	none := map[string]string{"unit": "（未交办）", "station": "（未经联络站）", "deputy": "（无代表）", "category": "（未分类）"}[slice]
	for k, v := range out {
		if v == "" && (k == "0" || k == "") {
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
	if slice == "" {
		key = "all"
	}
	facts, err := s.facts(ctx, per, p.RegionCode)
	if err != nil {
		return nil, "", err
	}
	seen := map[int64]bool{}
	measure.Count(facts, s.params(per), sliceOf(slice, p.RegionCode), func(count, k string, id int64) {
		if count == stat && k == key {
			seen[id] = true
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
	return ids, label, nil
}

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
	src, err := s.load(ctx, per, "", true)
	if err != nil {
		return nil, err
	}
	rows := src.flows(measure.Slice{Key: func(f *store.StatFact) string {
		if f.Kind == "open" {
			return ""
		}
		return calendar.Civil(f.At, zhitong.China).Format("2006-01")
	}})
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

// CasesURL is the staff case list of the cases behind count stat in the
// slice's row key (ignored without a slice): the list reproduces exactly
// the set the count counted.
func (d *Dashboard) CasesURL(stat, key string) string {
	v := d.Period.Values()
	v.Set("stat", stat)
	if d.Slice != "" {
		v.Set("slice", d.Slice)
		v.Set("key", key)
	}
	return "/work/cases?" + v.Encode()
}

// Query is the dashboard's own query string (period and slice).
func (d *Dashboard) Query() string {
	v := d.Period.Values()
	if d.Slice != "" {
		v.Set("slice", d.Slice)
	}
	return v.Encode()
}

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
			if settledMonths, err = store.SettledSpans(ctx, s.app.DB(), per.Start.Format("2006-01"), per.End.Format("2006-01")); err != nil {
				return nil, err
			}
		}
		if settledDays, err = store.SettledSpans(ctx, s.app.DB(), per.Start.Format(time.DateOnly), per.End.Format(time.DateOnly)); err != nil {
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
			live[i], err = store.ListStatFacts(ctx, s.app.DB(), liveRange(r[0], r[1], region))
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
		settled, err := store.SettledSpans(ctx, s.app.DB(), r.EndDay, r.EndDay)
		if err != nil {
			return nil, nil, err
		}
		if settled[r.EndDay] && !end.IsZero() {
			stock, err = store.ListStatCube(ctx, s.app.DB(), r.EndDay, r.EndDay, region)
			return nil, stock, err
		}
	}
	r.OpenOnly = true
	open, err = store.ListStatFacts(ctx, s.app.DB(), r)
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
		rows, err := store.ListStatCube(ctx, s.app.DB(), from, hi[n], region)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if want[r.Span] {
				src.cube = append(src.cube, r)
			}
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

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
