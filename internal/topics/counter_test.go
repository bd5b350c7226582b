package topics

import (
	"fmt"
	"testing"
)

// TestCounterIsBounded: however many documents pass, the string counts
// never hold more than their bound, and a string in a tenth of the
// documents keeps its exact count while rare strings come and go.
func TestCounterIsBounded(t *testing.T) {
	c := newCounter(2000)
	han := []rune("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥天地玄黄宇宙洪荒日月盈昃辰宿列张")
	for i := range 5000 {
		// A unique pair of rare characters per document, and 路灯 in every tenth.
		text := string([]rune{han[i%len(han)], han[(i/len(han))%len(han)], han[(i*7+3)%len(han)]}) + fmt.Sprint(i)
		if i%10 == 0 {
			text += "，路灯"
		}
		c.addDoc(text)
		if len(c.counts) > c.max {
			t.Fatalf("after %d documents: %d strings, bound %d", i+1, len(c.counts), c.max)
		}
	}
	if c.counts["路灯"] != 500 {
		t.Errorf("路灯 counted in %d documents, want 500", c.counts["路灯"])
	}
	small := newCounter(10)
	for i := range 100 {
		small.addDoc(string([]rune{han[i%len(han)], han[(i+1)%len(han)]}) + "，路灯")
	}
	if len(small.counts) > 10 || small.counts["路灯"] != 100 {
		t.Errorf("tight bound: %d strings, 路灯 %d", len(small.counts), small.counts["路灯"])
	}
}
