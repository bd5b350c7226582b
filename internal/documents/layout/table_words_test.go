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

// TestTableColumnsFitTheirContent: the batch 交办函's table gives the
// deadline and date columns the width of their longest value, so "15 个工
// 作日" and "2026年12月28日" stay on one line; the summary column takes the
// rest, and a short title stays whole too.
func TestTableColumnsFitTheirContent(t *testing.T) {
	needFonts(t)
	d := sample(0)
	rows := [][]string{{"序号", "查询码", "事项", "办理时限", "办结期限"}}
	for i, code := range []string{"FFDC-79D4-6G6S", "MEUE-P7FR-BDHQ", "WWWW-MMMM-QQQQ"} {
		rows = append(rows, []string{string(rune('1' + i)), code, "幸福路路灯不亮" + string(rune('1'+i)), "15 个工作日", "2026年12月28日"})
	}
	rows = append(rows, []string{"4", "AAAA-BBBB-CCCC", strings.Repeat("小区门口路灯不亮影响夜间出行", 3), "15 个工作日", "2026年12月28日"})
	d.Body = []Block{{Kind: Table, Rows: rows}}
	lo, err := lay(d)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	var cells []string
	for _, p := range lo.pages {
		for _, l := range p.lines {
			if l.size == size4 {
				seen[l.text]++
				cells = append(cells, l.text)
			}
		}
	}
	for _, want := range []string{"15 个工作日", "2026年12月28日"} {
		if seen[want] != 4 {
			t.Errorf("%q whole on %d lines, want 4: %q", want, seen[want], cells)
		}
	}
	for _, want := range []string{"幸福路路灯不亮1", "幸福路路灯不亮2", "FFDC-79D4-6G6S", "AAAA-BBBB-CCCC", "办理时限", "办结期限"} {
		if seen[want] == 0 {
			t.Errorf("%q is not whole on one line: %q", want, cells)
		}
	}
	for _, w := range lo.tableWidths {
		if w[2] <= w[1] || w[2] <= w[4] {
			t.Errorf("the summary column is not the widest: %v", w)
		}
	}
}
