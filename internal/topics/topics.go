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
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
	"zhitong/internal/search"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
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

// stop are frequent words that say nothing about the issue itself.
var stop = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`希望 反映 问题 我们 没有 一个 请求 要求 建议 相关 部门 解决 群众 居民 这个 已经 目前 影响 情况 村民
 非常 严重 经常 附近 存在 能够 尽快 处理 有关 政府 领导 进行 时候 现在 一直 多次 导致 造成 发生 出现 老百姓 大家 你们 他们 可以 是否
 什么 为什么 怎么 如何 以及 还是 就是 但是 因为 所以 如果 不能 不是 没人 有人 一下 一些 很多 今年 去年 每天 晚上 白天 帮忙 协调 落实`) {
		stop[w] = true
	}
}

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
	prevIDs  []int64
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
	"上升最快：本期与上期“提及该词的案件占比”的双比例 z 检验（合并比例），z ≥ 1.96（双侧 5% 水平）且本期至少 3 件才列入，按 z 从大到小排列。"

type doc struct {
	id   int64
	text string
	toks map[string]bool
}

// Topics computes the hot topics of the period and slice v names (as the
// dashboard: period, month|quarter|year|start/end, slice and key — the
// slice's row; no key is the whole jurisdiction), over the cases received
// in it in p's jurisdiction.
func (s *Service) Topics(ctx context.Context, p zhitong.Principal, v url.Values) (*Hot, error) {
	h, cur, prev, err := s.load(ctx, p, v)
	if err != nil {
		return nil, err
	}
	terms := candidates(cur)
	all := make([]Topic, 0, len(terms))
	for _, t := range terms {
		tp := Topic{Term: t, CaseIDs: matching(cur, t), prevIDs: matching(prev, t)}
		tp.Count, tp.Previous = len(tp.CaseIDs), len(tp.prevIDs)
		if tp.Count < MinCount {
			continue
		}
		tp.Share, tp.PrevShr = pct(tp.Count, len(cur)), pct(tp.Previous, len(prev))
		tp.Z = round2(ZTest(tp.Count, len(cur), tp.Previous, len(prev)))
		tp.Rising = tp.Z >= ZCritical
		tp.CasesURL = "/work/cases?" + h.query(t)
		all = append(all, tp)
	}
	freq := append([]Topic(nil), all...)
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
	return h, nil
}

// CaseIDs returns the cases of the period and slice v names that mention
// term (v's "topic"): exactly the cases the topic counted.
func (s *Service) CaseIDs(ctx context.Context, p zhitong.Principal, v url.Values) ([]int64, string, error) {
	term := strings.TrimSpace(v.Get("topic"))
	if len(search.Query(term)) == 0 || utf8.RuneCountInString(term) > 20 {
		return nil, "", zhitong.Invalid("topic", "热点词“%s”无效", term)
	}
	h, cur, _, err := s.load(ctx, p, v)
	if err != nil {
		return nil, "", err
	}
	return matching(cur, term), h.Period.Label + " · 热点“" + term + "”", nil
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

// load parses v, and reads the texts of the cases received in the period
// and the previous one (the dashboard's "received" cases of the slice row).
func (s *Service) load(ctx context.Context, p zhitong.Principal, v url.Values) (*Hot, []doc, []doc, error) {
	if !stats.May(p) {
		return nil, nil, nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看热点分析", zhitong.Label(zhitong.Roles, p.Role))
	}
	per, err := stats.ParsePeriod(v, calendar.Civil(s.app.Now(), zhitong.China))
	if err != nil {
		return nil, nil, nil, err
	}
	slice, err := stats.ParseSlice(v.Get("slice"))
	if err != nil {
		return nil, nil, nil, err
	}
	key := strings.TrimSpace(v.Get("key"))
	if slice != "" && key == "" {
		return nil, nil, nil, zhitong.Invalid("key", "按切片查看热点时请选择一行（key）")
	}
	h := &Hot{Period: per, Previous: per.Previous(), Slice: slice, Key: key, Method: Method, Frequent: []Topic{}, Rising: []Topic{}}
	st := stats.New(s.app)
	ids := func(pp stats.Period) ([]doc, error) {
		q := pp.Values()
		q.Set("stat", measure.Received)
		if slice != "" {
			q.Set("slice", slice)
			q.Set("key", key)
		}
		list, _, err := st.CaseIDs(ctx, p, q)
		if err != nil {
			return nil, err
		}
		return s.texts(ctx, list)
	}
	cur, err := ids(per)
	if err != nil {
		return nil, nil, nil, err
	}
	prev, err := ids(h.Previous)
	if err != nil {
		return nil, nil, nil, err
	}
	h.Cases, h.PrevCases = len(cur), len(prev)
	return h, cur, prev, nil
}

// texts reads the title and body of the cases.
func (s *Service) texts(ctx context.Context, ids []int64) ([]doc, error) {
	out := make([]doc, 0, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		rows, err := s.app.DB().Query(ctx, `SELECT id, title, body FROM cases WHERE id IN (?`+strings.Repeat(", ?", n-1)+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d doc
			var title, body string
			if err := rows.Scan(&d.id, &title, &body); err != nil {
				rows.Close()
				return nil, err
			}
			d.text = title + "\n" + body
			d.toks = map[string]bool{}
			for _, t := range search.Tokens(d.text) {
				d.toks[t] = true
			}
			out = append(out, d)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// matching lists the documents that mention term: every token of the term
// among the document's tokens (the search box's rule).
func matching(docs []doc, term string) []int64 {
	q := search.Query(term)
	ids := []int64{}
next:
	for _, d := range docs {
		for _, t := range q {
			if !d.toks[t] {
				continue next
			}
		}
		ids = append(ids, d.id)
	}
	return ids
}

// candidates merges overlapping bigrams into terms: every string of 2 to
// maxTermLen Han characters inside one run of a document, counted once per
// document; one appearing in at least MinCount documents is kept unless a
// string one character longer containing it appears in ≥ merge of its
// documents (then the longer one stands for it). Stop words and strings
// that start or end in a stop word are dropped.
func candidates(docs []doc) []string {
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, run := range hanRuns(d.text) {
			for i := range run {
				for n := 2; n <= maxTermLen && i+n <= len(run); n++ {
					g := string(run[i : i+n])
					if !seen[g] {
						seen[g] = true
						df[g]++
					}
				}
			}
		}
	}
	// sup is, for each string, the most documents of a string one
	// character longer containing it (its two sub-strings of one less).
	sup := map[string]int{}
	for g, c := range df {
		r := []rune(g)
		if len(r) < 3 || c < MinCount || edgeStop(g) {
			continue
		}
		for _, sub := range []string{string(r[:len(r)-1]), string(r[1:])} {
			sup[sub] = max(sup[sub], c)
		}
	}
	var out []string
	for g, c := range df {
		if c < MinCount || stop[g] || edgeStop(g) || float64(sup[g]) >= merge*float64(c) {
			continue
		}
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}

func edgeStop(g string) bool {
	r := []rune(g)
	for _, n := range []int{2, 3} {
		if len(r) > n && (stop[string(r[:n])] || stop[string(r[len(r)-n:])]) {
			return true
		}
	}
	return false
}

func hanRuns(s string) [][]rune {
	var out [][]rune
	var cur []rune
	for _, r := range s {
		if unicode.Is(unicode.Han, r) && unicode.IsLetter(r) {
			cur = append(cur, r)
			continue
		}
		if len(cur) > 1 {
			out = append(out, cur)
		}
		cur = nil
	}
	if len(cur) > 1 {
		out = append(out, cur)
	}
	return out
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
