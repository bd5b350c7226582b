package dups

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"time"
)

type pair struct {
	dup  bool
	a, b string
	// sa, sb are the cases' structured signals, when the set gives them
	// (pairs.txt columns 4 and 5: region/category/station).
	sa, sb  Signals
	signals bool
}

// heldOutPairs builds the held-out set from testdata/heldout.txt, written
// apart from groups.txt and never used to choose the threshold, the
// generic bigrams or the stop characters.
func heldOutPairs(tb testing.TB) []pair { return groupPairs(tb, "testdata/heldout.txt") }

// blindPairs builds the blind set from testdata/blind.txt, written on
// 2026-12-07 by someone who had read neither the measure, its synonym
// table, nor groups.txt, pairs.txt or heldout.txt; it has never been used
// for tuning and is only reported.
func blindPairs(tb testing.TB) []pair { return groupPairs(tb, "testdata/blind.txt") }

// groupPairs reads a file of "group|place|kind|description" lines: every
// two descriptions of a group are duplicates; the non-duplicates are the
// hard ones, description i of two groups of the same place, and of two
// groups of the same kind of problem in different places.
func groupPairs(tb testing.TB, name string) []pair {
	tb.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		tb.Fatal(err)
	}
	type group struct {
		place, kind string
		texts       []string
	}
	var groups []*group
	byID := map[string]*group{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.SplitN(line, "|", 4)
		if len(f) != 4 {
			tb.Fatalf("bad line %q", line)
		}
		g := byID[f[0]]
		if g == nil {
			g = &group{place: f[1], kind: f[2]}
			byID[f[0]] = g
			groups = append(groups, g)
		}
		g.texts = append(g.texts, f[3])
	}
	var out []pair
	for i, g := range groups {
		for x := range g.texts {
			for y := x + 1; y < len(g.texts); y++ {
				out = append(out, pair{dup: true, a: g.texts[x], b: g.texts[y]})
			}
		}
		for _, h := range groups[i+1:] {
			if g.place == h.place || g.kind == h.kind {
				for k := range min(len(g.texts), len(h.texts)) {
					out = append(out, pair{dup: false, a: g.texts[k], b: h.texts[k]})
				}
			}
		}
	}
	return out
}

func loadPairs(tb testing.TB) []pair {
	tb.Helper()
	f, err := os.Open("testdata/pairs.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []pair
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.Split(line, "\t")
		if len(parts) != 3 && len(parts) != 5 {
			tb.Fatalf("bad line %q", line)
		}
		p := pair{dup: parts[0] == "1", a: parts[1], b: parts[2]}
		if len(parts) == 5 {
			p.sa, p.sb, p.signals = parseSignals(tb, parts[3]), parseSignals(tb, parts[4]), true
		}
		out = append(out, p)
	}
	return out
}

// measure returns precision and recall of "Similar ≥ threshold" on pairs.
func measure(pairs []pair, threshold float64) (precision, recall float64, tp, fp, fn int) {
	return measureBy(pairs, threshold, func(p pair) float64 { return Similar(p.a, p.b) })
}

// measureBy returns precision and recall of "score ≥ threshold" on pairs.
func measureBy(pairs []pair, threshold float64, score func(pair) float64) (precision, recall float64, tp, fp, fn int) {
	for _, p := range pairs {
		got := score(p) >= threshold
		switch {
		case got && p.dup:
			tp++
		case got && !p.dup:
			fp++
		case !got && p.dup:
			fn++
		}
	}
	if tp+fp > 0 {
		precision = float64(tp) / float64(tp+fp)
	}
	if tp+fn > 0 {
		recall = float64(tp) / float64(tp+fn)
	}
	return
}

// The floors below are what docs/duplicates.md promises; lower them only
// with a reason written there.
const (
	precisionFloor = 0.95
	recallFloor    = 0.90
)

func TestLabelledPairs(t *testing.T) {
	checkPairs(t, "tuning set", loadPairs(t), 200, precisionFloor, recallFloor)
}

// checkPairs measures a labelled set at Threshold and fails below its
// floors; -v prints the curve and every wrong pair.
func checkPairs(t *testing.T, name string, pairs []pair, least int, pFloor, rFloor float64) {
	if len(pairs) < least {
		t.Fatalf("%s has %d pairs, want at least %d", name, len(pairs), least)
	}
	p, r, tp, fp, fn := measure(pairs, Threshold)
	t.Logf("%s, threshold %.2f: %d pairs, precision %.3f, recall %.3f (tp %d, fp %d, fn %d)", name, Threshold, len(pairs), p, r, tp, fp, fn)
	if testing.Verbose() {
		for th := 0.15; th < 0.56; th += 0.05 {
			p, r, _, _, _ := measure(pairs, th)
			t.Logf("  threshold %.2f: precision %.3f recall %.3f", th, p, r)
		}
		for _, x := range pairs {
			s := Similar(x.a, x.b)
			if (s >= Threshold) != x.dup {
				t.Logf("  wrong %v %.2f %s | %s", x.dup, s, x.a, x.b)
			}
		}
	}
	if p < pFloor || r < rFloor {
		t.Fatalf("%s: precision %.3f (floor %.2f), recall %.3f (floor %.2f)", name, p, pFloor, r, rFloor)
	}
}

// The held-out floors guard against regressions only: the held-out set
// says how the measure does on text it was not fitted to (first measured
// precision 0.841, recall 0.514; with the synonym table and places 0.873,
// 0.764, docs/duplicates.md says how blind that figure is). They sit a
// little below the last measurement; nothing is tuned on this set.
const (
	heldOutPrecisionFloor = 0.80
	heldOutRecallFloor    = 0.72
)

func TestHeldOutPairs(t *testing.T) {
	checkPairs(t, "held-out set", heldOutPairs(t), 100, heldOutPrecisionFloor, heldOutRecallFloor)
}

// The blind floors guard against regressions only, like the held-out
// ones. testdata/blind.txt was written blind on 2026-12-07 (see
// blindPairs) and never used for tuning; the floors sit a few points
// under what the detector measured on it that day: precision 0.821,
// recall 0.727 at threshold 0.20 (docs/duplicates.md).
const (
	blindPrecisionFloor = 0.78
	blindRecallFloor    = 0.69
)

func TestBlindPairs(t *testing.T) {
	checkPairs(t, "blind set", blindPairs(t), 220, blindPrecisionFloor, blindRecallFloor)
}

func BenchmarkLabelledPairs(b *testing.B) {
	pairs := loadPairs(b)
	start := time.Now()
	for b.Loop() {
		for _, p := range pairs {
			Similar(p.a, p.b)
		}
	}
	pr, rc, _, _, _ := measure(pairs, Threshold)
	b.ReportMetric(pr, "precision")
	b.ReportMetric(rc, "recall")
	b.ReportMetric(float64(time.Since(start).Nanoseconds())/float64(b.N*len(pairs)), "ns/pair")
	held := heldOutPairs(b)
	hp, hr, _, _, _ := measure(held, Threshold)
	b.ReportMetric(hp, "heldout-precision")
	b.ReportMetric(hr, "heldout-recall")
	bp, br, _, _, _ := measure(blindPairs(b), Threshold)
	b.ReportMetric(bp, "blind-precision")
	b.ReportMetric(br, "blind-recall")
}

// TestConceptGrid prints, with -v, precision and recall on the tuning set
// for concept bonus/penalty and threshold: how ConceptBonus and
// ConceptPenalty were chosen (never on the held-out set).
func TestConceptGrid(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("-v prints the grid")
	}
	pairs := loadPairs(t)
	b0, p0, l0 := ConceptBonus, ConceptPenalty, PlacePenalty
	defer func() { ConceptBonus, ConceptPenalty, PlacePenalty = b0, p0, l0 }()
	for _, bonus := range []float64{0, 0.2, 0.4, 0.6, 0.8} {
		for _, pen := range []float64{0, 0.2, 0.4, 0.6} {
			for _, place := range []float64{0, 0.2, 0.4, 0.6} {
				ConceptBonus, ConceptPenalty, PlacePenalty = bonus, pen, place
				for _, th := range []float64{0.2, 0.25, 0.3, 0.35} {
					p, r, _, _, _ := measure(pairs, th)
					t.Logf("bonus %.2f penalty %.2f place %.2f threshold %.2f: precision %.3f recall %.3f", bonus, pen, place, th, p, r)
				}
			}
		}
	}
}
