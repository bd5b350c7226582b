package audit

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func chain(c Chain, n int) []Entry {
	var out []Entry
	prev := ""
	at := time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)
	for i := int64(1); i <= int64(n); i++ {
		e := Entry{Seq: i, At: at.Add(time.Duration(i) * time.Second), Actor: "user:1 张三", Action: "case.assign", Object: "case:42",
			Detail: `{"unit":7}`, Region: "360783", ActorRegion: "360783", Prev: prev}
		e.Hash = c.Link(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verifyAll(c Chain, es []Entry) *Break {
	v := Verifier{Chain: c}
	for _, e := range es {
		if b := v.Next(e); b != nil {
			return b
		}
	}
	last := ""
	if len(es) > 0 {
		last = es[len(es)-1].Hash
	}
	return v.Finish(int64(len(es))+c.PrunedThrough, last)
}

// TestVerifier: a keyed chain verifies; each kind of change is named at
// the right entry; the region fields are covered by the keyed link.
func TestVerifier(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	c := Chain{Key: key, KeyedFrom: 1, Anchor: Checkpoint(key, "keyed", 0, "")}
	es := chain(c, 10)
	if b := verifyAll(c, es); b != nil {
		t.Fatalf("intact: %+v", b)
	}
	for _, tc := range []struct {
		name string
		edit func([]Entry) []Entry
		seq  int64
	}{
		{"detail", func(es []Entry) []Entry { es[4].Detail = "{}"; return es }, 5},
		{"region", func(es []Entry) []Entry { es[6].Region = "360728"; return es }, 7},
		{"deleted", func(es []Entry) []Entry { return append(es[:3:3], es[4:]...) }, 4},
		{"wrong key", func(es []Entry) []Entry {
			other := Chain{Key: bytes.Repeat([]byte{8}, 32), KeyedFrom: 1}
			return chain(other, 10)
		}, 1},
	} {
		got := verifyAll(c, tc.edit(append([]Entry(nil), es...)))
		if got == nil || got.Seq != tc.seq {
			t.Errorf("%s: %+v, want entry %d", tc.name, got, tc.seq)
		}
	}
	// Without the key nothing keyed verifies.
	if b := verifyAll(Chain{KeyedFrom: 1}, es); b == nil {
		t.Error("verified without the key")
	}
	// An archive round trip, and a cut one.
	var buf bytes.Buffer
	w := NewArchiveWriter(&buf, key, ArchiveHeader{Contiguous: true})
	for _, e := range es {
		w.Write(e)
	}
	w.Close()
	if _, n, b, err := VerifyArchive(bytes.NewReader(buf.Bytes()), c); err != nil || b != nil || n != 10 {
		t.Fatalf("archive: %v %+v %d", err, b, n)
	}
	lines := strings.SplitAfter(buf.String(), "\n")
	cut := strings.Join(append(append([]string{}, lines[:5]...), lines[6:]...), "")
	if _, _, b, _ := VerifyArchive(strings.NewReader(cut), c); b == nil || b.Seq != 6 {
		t.Errorf("archive without entry 5: %+v", b)
	}
}

// BenchmarkVerify measures the keyed verifier per entry.
func BenchmarkVerify(b *testing.B) {
	key := bytes.Repeat([]byte{7}, 32)
	c := Chain{Key: key, KeyedFrom: 1, Anchor: Checkpoint(key, "keyed", 0, "")}
	es := chain(c, 10000)
	b.ResetTimer()
	for b.Loop() {
		if verifyAll(c, es) != nil {
			b.Fatal("broken")
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/entry")
}
