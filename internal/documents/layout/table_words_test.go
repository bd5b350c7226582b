package layout

import (
	"strings"
	"testing"
)

// TestTableKeepsCodesWhole: a tracking code in a 交办函's table is a run of
// Latin letters and digits and stays on one line of its cell, however
// long the case's title in the next column.
func TestTableKeepsCodesWhole(t *testing.T) {
	needFonts(t)
	d := sample(0)
	d.Body = []Block{{Kind: Table, Rows: [][]string{
		{"序号", "查询码", "事项", "办理时限", "办结期限"},
		{"1", "MEUE-P7FR-BDHQ", strings.Repeat("小区门口路灯不亮影响夜间出行", 3), "10 个工作日", "2026年12月21日"},
	}}}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	whole := false
	for _, p := range lo.pages {
		for _, l := range p.lines {
			if strings.Contains(l.text, "MEUE-P7FR-BDHQ") {
				whole = true
			}
		}
	}
	if !whole {
		var cells []string
		for _, l := range lo.pages[0].lines {
			if l.size == size4 {
				cells = append(cells, l.text)
			}
		}
		t.Errorf("the tracking code is broken across lines: %q", cells)
	}
}
