package dups

import (
	"hash/fnv"
	"slices"
	"strings"
)

// Signals are what a case knows besides its text: where (region code, down
// to the village or community when it was given), what (category and its
// group) and at which liaison station it was taken in. Zero values mean
// "not known" and weigh nothing.
type Signals struct {
	Region   string // region code: 9 digits a township, 12 a village/community
	Category string // category code (categories.code)
	Group    string // the category's group (categories.grp)
	Station  int64
}

// villageDigits is the length of a village or community code.
const villageDigits = 12

// The structured weights (docs/duplicates.md "Structured signals"), chosen
// on the tuning set only (TestSignalGrid prints the grid): the text score
// is multiplied by 1 + SameVillageBonus when both cases name the same
// village or community, by 1 − OtherPlacePenalty when they name different
// ones (or different townships), by 1 − GroupPenalty when their
// categories are of different groups, by 1 + StationBonus when both were
// taken in at the same station.
var (
	SameVillageBonus  = 0.0
	OtherPlacePenalty = 0.3
	GroupPenalty      = 0.0
	StationBonus      = 0.0
)

// Adjust weighs a text score with the two cases' signals.
func Adjust(score float64, a, b Signals) float64 {
	switch {
	case a.Region == "" || b.Region == "":
	case Area(a.Region) != Area(b.Region):
		score *= 1 - OtherPlacePenalty
	case len(a.Region) >= villageDigits && len(b.Region) >= villageDigits:
		if a.Region[:villageDigits] == b.Region[:villageDigits] {
			score *= 1 + SameVillageBonus
		} else {
			score *= 1 - OtherPlacePenalty
		}
	}
	if a.Group != "" && b.Group != "" && a.Group != b.Group {
		score *= 1 - GroupPenalty
	}
	if a.Station != 0 && a.Station == b.Station {
		score *= 1 + StationBonus
	}
	return score
}

// committeeSuffixes are left off a gazetteer name: 清源村民委员会 is named
// 清源村 in a complaint.
var committeeSuffixes = [][2]string{{"村民委员会", "村"}, {"社区居民委员会", "社区"}, {"居民委员会", "社区"}, {"社区居委会", "社区"}, {"村委会", "村"}, {"居委会", "社区"}}

// placeSuffixShort are the suffixes a gazetteer name may be cited without:
// 清源村 is also 清源.
var placeSuffixShort = []string{"社区", "村", "街道", "镇", "乡"}

// Gazetteer is the place names of an area (its villages and communities,
// from the regions table) to look for in a case's text.
type Gazetteer []gazName

type gazName struct {
	text  string // as it may be written
	value uint64 // the place value both forms share
}

// NewGazetteer returns the gazetteer of names: each name, without a
// committee suffix, and its core without 村/社区 when two runes or more
// remain, stand for the same place.
func NewGazetteer(names []string) Gazetteer {
	var g Gazetteer
	for _, n := range names {
		for _, s := range committeeSuffixes {
			if strings.HasSuffix(n, s[0]) {
				n = strings.TrimSuffix(n, s[0]) + s[1]
				break
			}
		}
		if len([]rune(n)) < 2 {
			continue
		}
		h := fnv.New64a()
		h.Write([]byte(n))
		v := placeFlag | (h.Sum64() & 0xffff)
		g = append(g, gazName{n, v})
		for _, s := range placeSuffixShort {
			if core := strings.TrimSuffix(n, s); core != n && len([]rune(core)) >= 2 {
				g = append(g, gazName{core, v})
				break
			}
		}
	}
	return g
}

// PrintIn is Print with the gazetteer's names found in text as places, so
// that 八一九村 (which the pattern reads as 一九村) or a village cited
// without its suffix count as the place they are.
func PrintIn(text string, g Gazetteer) Fingerprint {
	f := Print(text)
	n := len(f)
	for _, p := range g {
		if strings.Contains(text, p.text) {
			f = append(f, p.value)
		}
	}
	if len(f) == n {
		return f
	}
	slices.Sort(f)
	return slices.Compact(f)
}
