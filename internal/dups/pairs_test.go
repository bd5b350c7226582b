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
		if len(parts) != 3 {
			tb.Fatalf("bad line %q", line)
		}
		out = append(out, pair{dup: parts[0] == "1", a: parts[1], b: parts[2]})
	}
	return out
}

// measure returns precision and recall of "Similar ≥ threshold" on pairs.
func measure(pairs []pair, threshold float64) (precision, recall float64, tp, fp, fn int) {
	for _, p := range pairs {
		got := Similar(p.a, p.b) >= threshold
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
	pairs := loadPairs(t)
	if len(pairs) < 200 {
		t.Fatalf("labelled set has %d pairs, want at least 200", len(pairs))
	}
	p, r, tp, fp, fn := measure(pairs, Threshold)
	t.Logf("threshold %.2f: %d pairs, precision %.3f, recall %.3f (tp %d, fp %d, fn %d)", Threshold, len(pairs), p, r, tp, fp, fn)
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
	if p < precisionFloor || r < recallFloor {
		t.Fatalf("precision %.3f (floor %.2f), recall %.3f (floor %.2f)", p, precisionFloor, r, recallFloor)
	}
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
}
