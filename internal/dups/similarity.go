// Package dups finds likely duplicate cases: cases from the same area
// (township subtree) and recent weeks whose text is similar to a draft or to
// a case. Candidates come from one indexed, bounded query; the similarity is
// computed in Go over internal/search's character bigrams (see
// docs/duplicates.md for the measure, the threshold and what it costs).
package dups

import (
	"hash/fnv"
	"slices"
	"strings"
	"unicode"

	"zhitong/internal/search"
)

// Threshold is the score at or above which two texts are called likely
// duplicates. It was chosen on testdata/pairs.txt (TestLabelledPairs
// asserts the precision and recall floors at this threshold).
const Threshold = 0.20

// generic lists bigrams of complaint language that say nothing about which
// problem a case is about (反映, 希望, 尽快…); they are left out of the
// fingerprint so that two different problems written in the same polite
// form do not look alike.
var generic = map[string]bool{}

func init() {
	for _, w := range []string{
		"反映", "希望", "尽快", "解决", "问题", "群众", "村民", "居民", "请求", "要求", "相关", "部门",
		"处理", "严重", "影响", "出行", "一下", "一直", "没有", "已经", "多次", "现在", "目前", "情况",
		"我们", "你们", "这个", "那个", "非常", "有关", "领导", "政府", "帮忙", "帮助", "协调", "附近",
		"生活", "安全", "隐患", "存在", "大家", "周边", "不便", "麻烦", "反应", "看看", "及时", "维修",
	} {
		generic[w] = true
	}
}

// stopChars are characters too common in case text to tell two problems
// apart; they count only inside bigrams.
const stopChars = "的了在是有不我们你他她它这那个一到很请就都也和把被要没人去来上下里好大小多说会能还对给让从向与及或等之其为已经过时后前中家村组镇乡路街道"

// Fingerprint is the sorted, de-duplicated set of hashed bigrams of a text.
type Fingerprint []uint64

// Print returns the fingerprint of text: the 64-bit FNV-1a hashes of its
// search tokens (character bigrams of Han runs, whole Latin/digit runs),
// generic complaint bigrams left out.
func Print(text string) Fingerprint {
	toks := search.Tokens(text)
	out := make(Fingerprint, 0, 2*len(toks))
	add := func(t string) {
		h := fnv.New64a()
		h.Write([]byte(t))
		out = append(out, h.Sum64())
	}
	for _, t := range toks {
		if !generic[t] {
			add(t)
		}
		// The characters of a bigram count too, so that 路面有坑 and
		// 坑洼 share 坑: paraphrases often keep the key character and
		// change the word around it.
		for _, r := range t {
			if unicode.Is(unicode.Han, r) && !strings.ContainsRune(stopChars, r) {
				add("\x00" + string(r))
			}
		}
	}
	// Concepts are small numbers (FNV hashes of tokens are not, but for a
	// chance of 2⁻⁵⁸): Score tells them apart.
	out = append(out, conceptIDs(text)...)
	slices.Sort(out)
	return slices.Compact(out)
}

// Score says how alike two fingerprints are: the mean of the Jaccard
// index |A∩B|/|A∪B| and the overlap |A∩B|/min(|A|,|B|) of their tokens, so
// that a short report of a problem described at length elsewhere still
// scores; then, when both name problems of the concept table, plus
// ConceptBonus if they share one, minus ConceptPenalty if not.
func Score(a, b Fingerprint) float64 {
	ca, cb := nBelow(a, uint64(len(concepts))+1), nBelow(b, uint64(len(concepts))+1)
	pa, pb := nBelow(a, placeFlag<<1), nBelow(b, placeFlag<<1)
	ta, tb := a[pa:], b[pb:]
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	inter := intersect(ta, tb)
	jac := float64(inter) / float64(len(ta)+len(tb)-inter)
	ov := float64(inter) / float64(min(len(ta), len(tb)))
	score := (jac + ov) / 2
	samePlace := pa == ca || pb == cb || intersect(a[ca:pa], b[cb:pb]) > 0
	if !samePlace {
		score *= 1 - PlacePenalty
	}
	if ca > 0 && cb > 0 {
		if intersect(a[:ca], b[:cb]) > 0 {
			if samePlace {
				score *= 1 + ConceptBonus
			}
		} else {
			score *= 1 - ConceptPenalty
		}
	}
	return score
}

// nBelow is how many of a sorted fingerprint's first values are below v.
func nBelow(f Fingerprint, v uint64) int {
	n := 0
	for n < len(f) && f[n] < v {
		n++
	}
	return n
}

// intersect counts the values two sorted sets share.
func intersect(a, b []uint64) int {
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return inter
}

// Similar scores two texts.
func Similar(a, b string) float64 { return Score(Print(a), Print(b)) }
