package dups

import (
	"strconv"
	"strings"
	"testing"

	"zhitong/internal/setup"
)

// tuningGazetteer names the regions of the tuning set's signals (pairs.txt
// columns 4 and 5; /dev/shm is not the repo: the rule that wrote them is in
// docs/duplicates.md): the county seat's communities and the villages, some
// under their committee's full name as a deployment may enter them.
var tuningGazetteer = map[string]string{
	"360728100801": "渡江社区居民委员会", "360728100802": "金塘社区", "360728100803": "文化社区",
	"360728100804": "城东社区居委会", "360728100805": "工业园社区",
	"360728201001": "清源村民委员会", "360728201002": "石门村",
	"360728202001": "八一九村委会", "360728203001": "杨村", "360728204001": "东坑村",
	"360728205001": "西坑村", "360728206001": "塘口村村委会", "360728207001": "新园村",
}

// categoryGroups maps the default categories to their groups.
var categoryGroups = func() map[string]string {
	m := map[string]string{}
	for _, c := range setup.DefaultCategories {
		m[c.Code] = c.Group
	}
	return m
}()

func parseSignals(tb testing.TB, s string) Signals {
	tb.Helper()
	f := strings.Split(s, "/")
	if len(f) != 3 {
		tb.Fatalf("bad signals %q", s)
	}
	st, err := strconv.ParseInt(f[2], 10, 64)
	g, ok := categoryGroups[f[1]]
	if err != nil || (f[1] != "" && !ok) {
		tb.Fatalf("bad signals %q", s)
	}
	return Signals{Region: f[0], Category: f[1], Group: g, Station: st}
}

// gazetteerOf is the gazetteer of region's township in the tuning set.
func gazetteerOf(region string) Gazetteer {
	var names []string
	for code, n := range tuningGazetteer {
		if Area(code) == Area(region) {
			names = append(names, n)
		}
	}
	return NewGazetteer(names)
}

// structured scores a pair as the service does: gazetteer places, then the
// signals; pairs without signals are scored on text only.
func structured(p pair) float64 {
	if !p.signals {
		return Similar(p.a, p.b)
	}
	return Adjust(Score(PrintIn(p.a, gazetteerOf(p.sa.Region)), PrintIn(p.b, gazetteerOf(p.sb.Region))), p.sa, p.sb)
}

// Floors of the structured measure on the tuning set (docs/duplicates.md).
const (
	signalPrecisionFloor = 0.95
	signalRecallFloor    = 0.95
)

func TestLabelledPairsSignals(t *testing.T) {
	pairs := loadPairs(t)
	n := 0
	for _, p := range pairs {
		if p.signals {
			n++
		}
	}
	if n < 200 {
		t.Fatalf("%d pairs with signals, want at least 200", n)
	}
	pr, rc, tp, fp, fn := measureBy(pairs, Threshold, structured)
	t.Logf("tuning set with signals, threshold %.2f: %d pairs, precision %.3f, recall %.3f (tp %d, fp %d, fn %d)", Threshold, len(pairs), pr, rc, tp, fp, fn)
	// The candidate query compares cases of one township only: the pairs
	// that could meet in it.
	var same []pair
	for _, p := range pairs {
		if p.signals && Area(p.sa.Region) == Area(p.sb.Region) {
			same = append(same, p)
		}
	}
	p0, r0, _, _, _ := measure(same, Threshold)
	p1, r1, _, _, _ := measureBy(same, Threshold, structured)
	t.Logf("same-township pairs (%d): text only precision %.3f recall %.3f, with signals %.3f %.3f", len(same), p0, r0, p1, r1)
	if testing.Verbose() {
		for _, x := range pairs {
			if s := structured(x); (s >= Threshold) != x.dup {
				t.Logf("  wrong %v %.2f %s %v | %s %v", x.dup, s, x.a, x.sa, x.b, x.sb)
			}
		}
	}
	if pr < signalPrecisionFloor || rc < signalRecallFloor {
		t.Fatalf("precision %.3f (floor %.2f), recall %.3f (floor %.2f)", pr, signalPrecisionFloor, rc, signalRecallFloor)
	}
}

// TestSignalGrid prints, with -v, the tuning set's precision and recall for
// each combination of the structured weights at Threshold: how they were
// chosen (never on the held-out set, which has no signals).
func TestSignalGrid(t *testing.T) {
	if !testing.Verbose() {
		t.Skip("-v prints the grid")
	}
	pairs := loadPairs(t)
	saved := [4]float64{SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus}
	defer func() {
		SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus = saved[0], saved[1], saved[2], saved[3]
	}()
	steps := []float64{0, 0.1, 0.2, 0.3, 0.4}
	for _, v := range steps {
		for _, o := range steps {
			for _, g := range steps {
				for _, s := range steps {
					SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus = v, o, g, s
					p, r, tp, fp, fn := measureBy(pairs, Threshold, structured)
					t.Logf("grid village %.1f other %.1f group %.1f station %.1f: precision %.3f recall %.3f f1 %.3f (tp %d fp %d fn %d)", v, o, g, s, p, r, 2*p*r/(p+r), tp, fp, fn)
				}
			}
		}
	}
}

func TestAdjust(t *testing.T) {
	saved := [4]float64{SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus}
	defer func() {
		SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus = saved[0], saved[1], saved[2], saved[3]
	}()
	SameVillageBonus, OtherPlacePenalty, GroupPenalty, StationBonus = 0.5, 0.5, 0.5, 0.5
	v1 := Signals{Region: "360728201001", Group: "基础设施", Station: 3}
	for _, c := range []struct {
		name string
		b    Signals
		want float64
	}{
		{"same village, group and station", Signals{Region: "360728201001", Group: "基础设施", Station: 3}, 1.5 * 1.5},
		{"other village of the township", Signals{Region: "360728201002", Group: "基础设施"}, 0.5},
		{"township only: neutral", Signals{Region: "360728201", Group: "基础设施"}, 1},
		{"other township", Signals{Region: "360728202"}, 0.5},
		{"unrelated category group", Signals{Group: "生态环境"}, 0.5},
		{"nothing known", Signals{}, 1},
	} {
		if got := Adjust(1, v1, c.b); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestGazetteer(t *testing.T) {
	g := NewGazetteer([]string{"八一九村委会", "清源村民委员会", "城东社区居民委员会", "镇"})
	a := PrintIn("八一九村桥头有个坑", g)
	b := PrintIn("八一九的自来水停了", g)
	c := PrintIn("清源的自来水停了", g)
	places := func(f Fingerprint) []uint64 { return f[nBelow(f, uint64(len(concepts))+1):nBelow(f, placeFlag<<1)] }
	if intersect(places(a), places(b)) == 0 {
		t.Errorf("八一九村 and 八一九 are not one place: %v %v", places(a), places(b))
	}
	if intersect(places(b), places(c)) != 0 {
		t.Errorf("八一九 and 清源 are one place")
	}
	if len(places(PrintIn("城东社区门口积水", g))) == 0 || len(places(PrintIn("城东门口积水", g))) == 0 {
		t.Errorf("城东社区 not found")
	}
}

// BenchmarkPrintIn is the cost of the gazetteer per text (30 villages, as
// BenchmarkForDraft) against Print alone: run both and compare ns/op.
func BenchmarkPrintIn(b *testing.B) {
	var names []string
	for i := range 30 {
		names = append(names, "第"+strconv.Itoa(i)+"村村民委员会")
	}
	g := NewGazetteer(names)
	text := "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。清源村三组自来水浑浊发黄。"
	b.Run("Print", func(b *testing.B) {
		for b.Loop() {
			Print(text)
		}
	})
	b.Run("PrintIn", func(b *testing.B) {
		for b.Loop() {
			PrintIn(text, g)
		}
	})
}
