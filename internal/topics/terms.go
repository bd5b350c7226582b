package topics

// The terms of a period: which strings of the cases' text name an issue or
// a place (docs/analysis.md, "Terms").

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// stop are frequent words that say nothing about the issue itself:
// function words, courtesy, time and people words, and place words that
// name no place (门口, 旁边). A topic must name an issue or a place a clerk
// recognises (docs/analysis.md, "Terms").
var stop = map[string]bool{}

// The characters a term may not start or end with: a string beginning
// with 了 or ending in 的 is a piece of a phrase, not a word (了一, 不了,
// 好几). Characters that begin or end real words of the domain are left
// out (就医, 和平路, 最低生活保障, 更换, 居委会, 土地, 给水).
const (
	badFirst = "的了与及是在很也都把被让对从我你他她们这那吗呢吧啊呀得几啦嘛到"
	badLast  = "的了与和及是在很也就都还把被让对从我你他她这那一吗呢吧啊呀得着又才太最更几个啦嘛没不到"
)

func init() {
	for _, w := range strings.Fields(`希望 反映 问题 我们 没有 一个 请求 要求 建议 相关 部门 解决 群众 居民 这个 已经 目前 影响 情况 村民
 非常 严重 经常 附近 存在 能够 尽快 处理 有关 政府 领导 进行 时候 现在 一直 多次 导致 造成 发生 出现 老百姓 大家 你们 他们 可以 是否
 什么 为什么 怎么 如何 以及 还是 就是 但是 因为 所以 如果 不能 不是 没人 有人 一下 一些 很多 今年 去年 每天 晚上 白天 帮忙 协调 落实
 谢谢 您好 你好 我是 麻烦 请问 感谢 辛苦 领导们 很大 好几 只能 天天 每次 几次 几天 半年 个月 一年 两年 三年 老是 总是 根本 实在 真的 特别
 一样 这样 那样 这么 那么 一点 有点 还有 而且 然后 结果 到现在 一到 每到 一半 了解 知道 看到 发现 听说 据说 需要 应该 必须 不然
 有时 平时 最近 以前 之前 后来 终于 今天 昨天 明天 自己 别人 方便 不方便 周末 镇上 多年 请核查 核查 作为`) {
		stop[w] = true
	}
	for _, w := range strings.Fields(`门口 旁边 对面 楼下 楼上 下面 上面 这里 那里 这边 那边 周边 一带 家里 我家 小区 村里 村上 路上 街上 地方 周围 前面 后面
 里面 外面 老人 小孩 孩子 业主 人家 住户 家长 大人 下雨 下雨天 夜间 房子 安全 学生`) {
		alone[w] = true
	}
}

// alone are words that name no issue or place by themselves but do inside
// a longer term (安居小区, 校门口): dropped only as a whole term.
var alone = map[string]bool{}

// counter counts in how many documents each string of 2 to maxTermLen+1 Han
// characters appears, in a map of at most max strings: when it is full,
// the strings of the fewest documents are dropped (and a string's count
// restarts if it comes back), so the map never outgrows max however many
// documents pass. A string frequent enough to be a topic stays.
type counter struct {
	counts map[string]int
	max    int
}

func newCounter(max int) *counter { return &counter{counts: map[string]int{}, max: max} }

func (c *counter) addDoc(text string) {
	seen := map[string]bool{}
	for _, run := range hanRuns(text) {
		for i := range run {
			for n := 2; n <= maxTermLen+1 && i+n <= len(run); n++ {
				g := string(run[i : i+n])
				if !seen[g] {
					seen[g] = true
					c.counts[g]++
				}
			}
		}
	}
	if len(c.counts) > c.max {
		c.prune()
	}
}

// prune drops the strings of the fewest documents until the map holds at
// most three quarters of max.
func (c *counter) prune() {
	floor := 1
	for len(c.counts) > c.max*3/4 {
		for g, n := range c.counts {
			if n <= floor {
				delete(c.counts, g)
			}
		}
		floor++
	}
}

// candidates merges overlapping bigrams into terms: df holds every string
// of 2 to maxTermLen+1 Han characters inside one run of a document,
// counted once per document (counter). A string of at most maxTermLen
// appearing in at least MinCount documents is a term unless it is a piece
// of longer ones: when the frequent strings one character longer on one
// side (左: X+g, 右: g+X) together cover ≥ merge of its documents, they
// stand for it (坑村 is 东坑村 and 西坑村; 孩出行很不安 is 小孩出行很不安).
// Stop words, strings that start or end in a stop word, and strings that
// start or end with a function character (badFirst, badLast) are dropped.
// At most limit terms, the most frequent.
func candidates(df map[string]int, limit int) []string {
	// left and right are, for each string, how many documents the
	// frequent strings one character longer on that side hold.
	left, right := map[string]int{}, map[string]int{}
	for g, c := range df {
		r := []rune(g)
		if len(r) < 3 || c < MinCount || functionEdge(r) {
			continue
		}
		left[string(r[1:])] += c
		right[string(r[:len(r)-1])] += c
	}
	var out []string
	for g, c := range df {
		if c < MinCount || utf8.RuneCountInString(g) > maxTermLen || alone[g] || badEdge(g) {
			continue
		}
		if float64(max(left[g], right[g])) >= merge*float64(c) || placePiece([]rune(g), df) {
			continue
		}
		out = append(out, g)
	}
	// The most frequent first (then by text, for a stable answer), at most limit.
	sort.Slice(out, func(i, j int) bool {
		if df[out[i]] != df[out[j]] {
			return df[out[i]] > df[out[j]]
		}
		return out[i] < out[j]
	})
	out = out[:min(len(out), limit)]
	sort.Strings(out)
	return out
}

// badEdge says g is no term: a stop word, or a string starting or ending
// with one or with a function character.
func badEdge(g string) bool {
	r := []rune(g)
	if stop[g] || functionEdge(r) {
		return true
	}
	for _, n := range []int{2, 3} {
		if len(r) > n && (stop[string(r[:n])] || stop[string(r[len(r)-n:])]) {
			return true
		}
	}
	return false
}

// placePiece says r is a piece of place names rather than a term: it
// begins with the last character of the place before it (镇文化路 of
// 城关镇文化路, 组临时救助 of 三组临时救助) and the rest is a term itself,
// or it is two characters ending in one (岭镇 of 大岭镇, 坪乡; not 村: 杨村
// is a village).
func placePiece(r []rune, df map[string]int) bool {
	const ends = "省市县区镇乡村组街"
	if len(r) == 2 {
		return r[1] != '村' && strings.ContainsRune(ends, r[1])
	}
	return strings.ContainsRune(ends, r[0]) && df[string(r[1:])] >= MinCount
}

// functionEdge says r starts or ends with a function character: a piece
// of a phrase. Such a string covers no shorter term either (的路灯 does not
// make 路灯 a piece of it).
func functionEdge(r []rune) bool {
	return strings.ContainsRune(badFirst, r[0]) || strings.ContainsRune(badLast, r[len(r)-1])
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

// mix is the period's cases by category, to tell an issue from a phrase
// every kind of case uses (想反映一件事, 出行不方便): a term whose cases
// fall into the categories in the same proportions as all the period's
// cases says nothing about what is wrong.
type mix struct {
	ids map[string]int
	all []int
}

// FillerMin is the fewest cases from which a term is tested against the
// period's category mix, and FillerZ the Wilson–Hilferty z of its χ²
// below which it is dropped (one-sided 1 % level: its mix cannot be told
// from all cases').
const (
	FillerMin = 20
	FillerZ   = 2.326
)

func newMix() *mix { return &mix{ids: map[string]int{}} }

func (m *mix) index(category string) int {
	i, ok := m.ids[category]
	if !ok {
		i = len(m.all)
		m.ids[category] = i
		m.all = append(m.all, 0)
	}
	return i
}

// filler says a term with counts by category (indexes as m.all; nil
// none) is a phrase, not an issue: at least FillerMin cases whose mix a χ²
// goodness-of-fit test against the period's cannot tell apart at the 1 %
// level. With fewer cases or one category, nothing is decided.
func (m *mix) filler(counts []int) bool {
	n, total := 0, 0
	for i, c := range counts {
		n += c
		total += m.all[i]
	}
	k := 0
	for _, c := range m.all {
		if c > 0 {
			k++
		}
	}
	if n < FillerMin || k < 2 {
		return false
	}
	chi := 0.0
	for i, c := range m.all {
		if c == 0 {
			continue
		}
		e := float64(n) * float64(c) / float64(total)
		d := float64(counts[i]) - e
		chi += d * d / e
	}
	return ChiZ(chi, k-1) < FillerZ
}

// ChiZ is the Wilson–Hilferty normal approximation of a χ² statistic with
// df degrees of freedom: z above 2.326 is significant at the one-sided 1 %
// level.
func ChiZ(chi float64, df int) float64 {
	v := 2 / (9 * float64(df))
	return (math.Cbrt(chi/float64(df)) - (1 - v)) / math.Sqrt(v)
}

// placeLike says a term names a place by its ending (新华街, 平安村, 滨江
// 花园): places are kept whatever their category mix.
func placeLike(term string) bool {
	for _, suf := range []string{"路", "街", "巷", "大道", "村", "组", "社区", "小区", "花园", "新村", "镇", "乡", "广场", "市场", "公园", "学校", "小学", "中学", "医院", "卫生院", "大桥", "桥"} {
		if strings.HasSuffix(term, suf) && utf8.RuneCountInString(term) > utf8.RuneCountInString(suf) {
			return true
		}
	}
	return false
}
