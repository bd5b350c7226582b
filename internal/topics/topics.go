// Package topics is the analysis group's work of issue 13 (docs/analysis.md):
// hot topics (热点) of any period and slice of the statistics dashboard —
// the most frequent issues, and those rising fastest against the previous
// period by a two-proportion z-test — and the analysis opinions (研判意见)
// the committee decides.
//
// Topics are read from the cases' Chinese text with the project's own
// bigram segmentation (internal/search): a case "mentions" a term when
// every bigram of the term is among the case's tokens, the same rule the
// case list's search box applies. Terms are built by merging overlapping
// bigrams into the longest frequent strings (路 灯 → 路灯, 噪音 音扰 扰民 →
// 噪音扰民).
package topics

import (
	"context"
	"maps"
	"math"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/search"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// Service computes hot topics and keeps analysis opinions.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

const (
	// MinCount is the fewest cases of the period a topic must appear in.
	MinCount = 3
	// ZCritical is the z value above which a topic is "rising": one-sided
	// 2.5 % level (two-sided 5 %).
	ZCritical = 1.96
	// MaxTopics caps each list.
	MaxTopics  = 20
	maxTermLen = 6
	// merge keeps a shorter string only when no longer string containing it
	// appears in at least this share of its cases.
	merge = 0.8
)

// Topic is one term with its counts in the period and the previous one.
type Topic struct {
	Term     string  `json:"term"`
	Count    int     `json:"count"`    // cases of the period mentioning it
	Previous int     `json:"previous"` // cases of the previous period mentioning it
	Share    float64 `json:"share"`    // Count / period's cases, per cent
	PrevShr  float64 `json:"previous_share"`
	Z        float64 `json:"z"`      // two-proportion z statistic (period vs previous)
	Rising   bool    `json:"rising"` // Z ≥ ZCritical and Count ≥ MinCount
	CaseIDs  []int64 `json:"case_ids"`
	CasesURL string  `json:"cases_url"`
}

// Hot is the answer for one period and slice.
type Hot struct {
	Period    stats.Period `json:"period"`
	Previous  stats.Period `json:"previous"`
	Slice     string       `json:"slice"`
	Key       string       `json:"key"`
	Cases     int          `json:"cases"`          // cases received in the period (the denominator)
	PrevCases int          `json:"previous_cases"` // … in the previous period
	Method    string       `json:"method"`
	Frequent  []Topic      `json:"frequent"`
	Rising    []Topic      `json:"rising"`
}

// Method states the test in words (shown next to the lists).
const Method = "热点词：案件标题和内容按二元字组（与全文检索相同）切分，重叠字组合并为最长的常见词；一件案件只计一次。" +
	"去掉客套、虚词和只是更长词一部分的片段；至少 20 件、类别分布与本期全部案件无显著差异（χ² 拟合优度检验，1% 水平）的词是各类意见都用的套话，不算热点（地名除外）。" +
	"上升最快：本期与上期“提及该词的案件占比”的双比例 z 检验（合并比例），z ≥ 1.96（双侧 5% 水平）且本期至少 3 件才列入，按 z 从大到小排列。"

// Bounds of the work over one period (docs/analysis.md, "At scale"): the
// texts are read in batches and never held; the strings counted per
// document are kept in a map of at most maxStrings, pruned of the rarest
// when full (lossy counting: a string in many documents survives); the
// maxCandidates most frequent terms are then counted exactly, in the
// period and the previous one, by the search box's rule.
const (
	textBatch     = 1000
	maxStrings    = 300_000
	maxCandidates = 1000
)

// Topics computes the hot topics of the period and slice v names (as the
// dashboard: period, month|quarter|year|start/end, slice and key — the
// slice's row; no key is the whole jurisdiction), over the cases received
// in it in p's jurisdiction.
func (s *Service) Topics(ctx context.Context, p zhitong.Principal, v url.Values) (*Hot, error) {
	return s.topics(ctx, p, v, true)
}

// maxTexts is the most case texts one hot-topic question reads (the
// period and the previous one together): the texts are read from the raw
// cases at each request, so a quarter or a year of a large deployment is
// refused with a message rather than read for minutes (docs/analysis.md,
// "At scale"). At 1,000,000 cases over three years a month against the
// previous month is about 56,000.
var maxTexts = 60_000

// bounded refuses a question that would read more than maxTexts texts:
// the cases received in the periods under sc's region.
func (s *Service) bounded(ctx context.Context, sc scope, pers ...stats.Period) error {
	n := 0
	for _, per := range pers {
		r := app.StatRange(per.Start, per.End, sc.region)
		c, err := store.CountReceived(ctx, s.app.DB(), r, maxTexts)
		if err != nil {
			return err
		}
		n += c
	}
	if n > maxTexts {
		what := pers[0].Label
		if len(pers) > 1 {
			what += "和上期（" + pers[1].Label + "）"
		}
		return zhitong.Invalid("period", "热点分析逐件读取案件原文，一次最多读取 %d 件（本期和上期合计）；%s共收到 %d 件以上。请选择较短的期间（例如自定义最近一周），或按乡镇、下一级区划只看一个地区", maxTexts, what, maxTexts)
	}
	return nil
}

// topics computes the hot topics; without previous, the previous period
// is not read (Previous counts, shares, z and Rising stay zero): the
// report's recurring problems need only the frequent list.
func (s *Service) topics(ctx context.Context, p zhitong.Principal, v url.Values, previous bool) (*Hot, error) {
	h, sc, err := s.parse(ctx, p, v)
	if err != nil {
		return nil, err
	}
	pers := []stats.Period{h.Period}
	if previous {
		pers = append(pers, h.Previous)
	}
	if err := s.bounded(ctx, sc, pers...); err != nil {
		return nil, err
	}
	// Pass 1: the strings of the period's documents, and its category mix.
	df := newCounter(maxStrings)
	mix := newMix()
	if h.Cases, err = s.each(ctx, sc, h.Period, func(f *store.StatFact, text string) {
		df.addDoc(text)
		mix.all[mix.index(f.Category)]++
	}); err != nil {
		return nil, err
	}
	terms := candidates(df.counts, maxCandidates)
	// Pass 2: each candidate's cases in both periods, by the search rule,
	// and by category in the period.
	m := newMatcher(terms)
	cur, prev := make([]int, len(terms)), make([]int, len(terms))
	byCat := make([][]int, len(terms))
	if _, err := s.each(ctx, sc, h.Period, func(f *store.StatFact, text string) {
		c := mix.index(f.Category)
		m.match(text, func(i int) {
			cur[i]++
			if byCat[i] == nil {
				byCat[i] = make([]int, len(mix.all))
			}
			byCat[i][c]++
		})
	}); err != nil {
		return nil, err
	}
	if previous {
		if h.PrevCases, err = s.each(ctx, sc, h.Previous, func(_ *store.StatFact, text string) { m.match(text, func(i int) { prev[i]++ }) }); err != nil {
			return nil, err
		}
	}
	all := make([]Topic, 0, len(terms))
	for i, t := range terms {
		tp := Topic{Term: t, Count: cur[i], Previous: prev[i]}
		if tp.Count < MinCount || (!placeLike(t) && mix.filler(byCat[i])) {
			continue
		}
		tp.Share, tp.PrevShr = pct(tp.Count, h.Cases), pct(tp.Previous, h.PrevCases)
		tp.Z = round2(ZTest(tp.Count, h.Cases, tp.Previous, h.PrevCases))
		tp.Rising = tp.Z >= ZCritical
		tp.CasesURL = "/work/cases?" + h.query(t)
		all = append(all, tp)
	}
	freq := append([]Topic{}, all...)
	sort.SliceStable(freq, func(i, j int) bool {
		if freq[i].Count != freq[j].Count {
			return freq[i].Count > freq[j].Count
		}
		return len([]rune(freq[i].Term)) > len([]rune(freq[j].Term))
	})
	h.Frequent = freq[:min(len(freq), MaxTopics)]
	for _, t := range all {
		if t.Rising {
			h.Rising = append(h.Rising, t)
		}
	}
	sort.SliceStable(h.Rising, func(i, j int) bool { return h.Rising[i].Z > h.Rising[j].Z })
	h.Rising = h.Rising[:min(len(h.Rising), MaxTopics)]
	if h.Rising == nil {
		h.Rising = []Topic{}
	}
	// Pass 3: the cases of the topics shown.
	shown := map[string][]int64{}
	for _, t := range append(append([]Topic(nil), h.Frequent...), h.Rising...) {
		shown[t.Term] = []int64{}
	}
	sm := newMatcher(slices.Sorted(maps.Keys(shown)))
	if len(shown) > 0 {
		if _, err := s.each(ctx, sc, h.Period, func(f *store.StatFact, text string) {
			sm.match(text, func(i int) { shown[sm.terms[i]] = append(shown[sm.terms[i]], f.CaseID) })
		}); err != nil {
			return nil, err
		}
	}
	for _, list := range [][]Topic{h.Frequent, h.Rising} {
		for i := range list {
			list[i].CaseIDs = shown[list[i].Term]
			slices.Sort(list[i].CaseIDs)
		}
	}
	return h, nil
}

// CaseIDs returns the cases of the period and slice v names that mention
// term (v's "topic"): exactly the cases the topic counted.
func (s *Service) CaseIDs(ctx context.Context, p zhitong.Principal, v url.Values) ([]int64, string, error) {
	term := strings.TrimSpace(v.Get("topic"))
	if len(search.Query(term)) == 0 || utf8.RuneCountInString(term) > 20 {
		return nil, "", zhitong.Invalid("topic", "热点词“%s”无效", term)
	}
	h, sc, err := s.parse(ctx, p, v)
	if err != nil {
		return nil, "", err
	}
	if err := s.bounded(ctx, sc, h.Period); err != nil {
		return nil, "", err
	}
	m := newMatcher([]string{term})
	ids := []int64{}
	if _, err := s.each(ctx, sc, h.Period, func(f *store.StatFact, text string) { m.match(text, func(int) { ids = append(ids, f.CaseID) }) }); err != nil {
		return nil, "", err
	}
	slices.Sort(ids)
	return ids, h.Period.Label + " · 热点“" + term + "”", nil
}

func (h *Hot) query(term string) string {
	q := h.Period.Values()
	if h.Slice != "" {
		q.Set("slice", h.Slice)
		q.Set("key", h.Key)
	}
	q.Set("topic", term)
	return q.Encode()
}

// scope is whose cases a period's topics read: the viewer's region and
// the slice's row.
type scope struct {
	region string
	slice  measure.Slice
	key    string
}

// parse checks v: the period, the slice and its row.
func (s *Service) parse(ctx context.Context, p zhitong.Principal, v url.Values) (*Hot, scope, error) {
	if !stats.May(p) {
		return nil, scope{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看热点分析", zhitong.Label(zhitong.Roles, p.Role))
	}
	per, err := stats.ParsePeriod(v, calendar.Civil(s.app.Now(), zhitong.China))
	if err != nil {
		return nil, scope{}, err
	}
	slice, err := stats.ParseSlice(v.Get("slice"))
	if err != nil {
		return nil, scope{}, err
	}
	key := strings.TrimSpace(v.Get("key"))
	if slice != "" && key == "" {
		return nil, scope{}, zhitong.Invalid("key", "按切片查看热点时请选择一行（key）")
	}
	if slice == "" {
		key = "all"
	} else if err := stats.New(s.app).CheckKey(ctx, p.RegionCode, slice, key); err != nil {
		return nil, scope{}, err
	}
	h := &Hot{Period: per, Previous: per.Previous(), Slice: slice, Key: strings.TrimSpace(v.Get("key")), Method: Method, Frequent: []Topic{}, Rising: []Topic{}}
	sc := scope{region: p.RegionCode, slice: stats.SliceOf(slice, p.RegionCode), key: key}
	if slice == "town" || slice == "level" {
		// A place's row: every case it holds lies under its code (the
		// key is a prefix of the case's region), so only that part of the
		// region is read; the slice still filters exactly.
		sc.region = key
	}
	return h, sc, nil
}

// each calls fn with the facts and text (title and body) of every case
// received in per in sc — the dashboard's "received" count of the slice's
// row — read in batches by key; it returns how many.
func (s *Service) each(ctx context.Context, sc scope, per stats.Period, fn func(f *store.StatFact, text string)) (int, error) {
	r := app.StatRange(per.Start, per.End, sc.region)
	r.EndDay = ""
	n := 0
	var after *store.ReceivedText
	for {
		batch, err := store.ReceivedTexts(ctx, s.app.DB(), r, after, textBatch)
		if err != nil {
			return n, err
		}
		for i := range batch {
			if sc.slice.Key(&batch[i].Fact) != sc.key {
				continue
			}
			n++
			fn(&batch[i].Fact, batch[i].Title+"\n"+batch[i].Body)
		}
		if len(batch) < textBatch {
			return n, nil
		}
		after = &batch[len(batch)-1]
	}
}

// matcher finds which of its terms a text mentions: every token of the
// term among the text's tokens (the search box's rule), looking at the
// terms whose first token the text has.
type matcher struct {
	terms []string
	toks  [][]string
	first map[string][]int
}

func newMatcher(terms []string) *matcher {
	m := &matcher{terms: terms, toks: make([][]string, len(terms)), first: map[string][]int{}}
	for i, t := range terms {
		m.toks[i] = search.Query(t)
		if len(m.toks[i]) > 0 {
			m.first[m.toks[i][0]] = append(m.first[m.toks[i][0]], i)
		}
	}
	return m
}

// match calls hit with the index of each term text mentions, once each.
func (m *matcher) match(text string, hit func(i int)) {
	set := map[string]bool{}
	for _, t := range search.Tokens(text) {
		set[t] = true
	}
	for t := range set {
	next:
		for _, i := range m.first[t] {
			for _, u := range m.toks[i][1:] {
				if !set[u] {
					continue next
				}
			}
			hit(i)
		}
	}
}

// ZTest is the two-proportion z statistic of x1 of n1 against x0 of n0
// with the pooled proportion; 0 when either period has no cases or the
// pooled proportion is 0 or 1.
func ZTest(x1, n1, x0, n0 int) float64 {
	if n1 == 0 || n0 == 0 {
		return 0
	}
	p1, p0 := float64(x1)/float64(n1), float64(x0)/float64(n0)
	pp := float64(x1+x0) / float64(n1+n0)
	se := math.Sqrt(pp * (1 - pp) * (1/float64(n1) + 1/float64(n0)))
	if se == 0 {
		return 0
	}
	return (p1 - p0) / se
}

func pct(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return round2(100 * float64(a) / float64(b))
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
