package export_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhitong/internal/export"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
)

// TestStatsWorkbook: each sheet has the title row, a frozen header, widths,
// and a name that looks like a formula stays text.
func TestStatsWorkbook(t *testing.T) {
	v := 87.5
	d := &stats.Dashboard{Jurisdiction: "龙南市", Period: stats.Period{Kind: "month", From: "2026-11-01", To: "2026-11-30", Label: "2026年11月"},
		Previous: stats.Period{Label: "2026年10月"}, Slice: "unit", SliceLabel: "承办单位",
		Rows:  []stats.Row{{Key: "1", Name: "=HYPERLINK(\"http://x\")", Counts: measure.Counts{Received: 3}}, {Key: "2", Name: "@SUM(A1)"}},
		Trend: []stats.Point{{Label: "11-01", Counts: measure.Counts{Replied: 2, RepliedOnTime: 1}}}}
	for _, f := range measure.Figures {
		d.Figures = append(d.Figures, stats.FigureValue{Figure: f, Value: &v})
	}
	var buf bytes.Buffer
	if err := export.Stats(&buf, d); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"汇总", "对比", "趋势"} {
		rows, err := x.GetRows(sheet)
		if err != nil || len(rows) < 3 || !strings.Contains(rows[0][0], "龙南市") || !strings.Contains(rows[0][0], "2026年11月") {
			t.Fatalf("%s: %v %v", sheet, rows, err)
		}
		panes, err := x.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 2 {
			t.Errorf("%s: panes %+v %v", sheet, panes, err)
		}
		if w, _ := x.GetColWidth(sheet, "A"); w < 12 {
			t.Errorf("%s: column A is %v wide", sheet, w)
		}
	}
	for cell, want := range map[string]string{"A3": "'=HYPERLINK(\"http://x\")", "A4": "'@SUM(A1)"} {
		got, _ := x.GetCellValue("对比", cell)
		f, _ := x.GetCellFormula("对比", cell)
		if got != want || f != "" {
			t.Errorf("对比!%s = %q (formula %q), want the text %q", cell, got, f, want)
		}
	}
	if got := export.Safe("-1+2"); got != "'-1+2" {
		t.Errorf("Safe = %q", got)
	}
	if name := export.StatsFilename(d); name != "龙南市统计分析_2026年11月.xlsx" {
		t.Errorf("file name %q", name)
	}
}
