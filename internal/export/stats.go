package export

import (
	"io"
	"strconv"

	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
)

// StatsFilename is the dashboard workbook's Chinese file name.
func StatsFilename(d *stats.Dashboard) string {
	return d.Jurisdiction + "统计分析_" + d.Period.Label + ".xlsx"
}

// Stats writes every table of the dashboard through the one report writer
// (Write): the figures with their 口径 (汇总), the comparison between slices
// (对比, when sliced) and the trend (趋势), each sheet with its title row
// naming the jurisdiction and period.
func Stats(w io.Writer, d *stats.Dashboard) error {
	title := " 意见建议办理统计（" + d.Period.Label + "，" + d.Period.From + " 至 " + d.Period.To + "）"
	sheet := func(name, suffix string, cols []Column, rows [][]any) Report {
		return Report{Jurisdiction: d.Jurisdiction, Title: title + suffix, Sheet: name, Columns: cols,
			Rows: Rows(rows, func(_ int, r []any) []any { return r })}
	}
	// 汇总: one row per figure.
	rows := make([][]any, 0, len(d.Figures))
	for _, fv := range d.Figures {
		rows = append(rows, []any{fv.Label, num(fv.Value, fv.Kind), num(fv.Previous, fv.Kind), num(fv.Change, fv.Kind), fv.Kou})
	}
	reports := []Report{sheet("汇总", " 上期："+d.Previous.Label, []Column{{Name: "指标", Width: 22}, {Name: "本期", Width: 12},
		{Name: "上期", Width: 12}, {Name: "变化", Width: 12}, {Name: "口径", Width: 70, Wrap: true}}, rows)}
	// figureColumns are the figures' columns after the first, skipping
	// the overdue stock where asked (the trend has no stock per day).
	figureColumns := func(first Column, skipOverdue bool) []Column {
		cols := []Column{first}
		for _, fg := range measure.Figures {
			if !(skipOverdue && fg.Key == measure.Overdue) {
				cols = append(cols, Column{Name: fg.Label, Width: 12})
			}
		}
		return cols
	}
	figureRow := func(first string, counts measure.Counts, skipOverdue bool) []any {
		row := []any{first}
		for _, fg := range measure.Figures {
			if !(skipOverdue && fg.Key == measure.Overdue) {
				v, ok := fg.Value(counts)
				row = append(row, numOK(v, ok, fg.Kind))
			}
		}
		return row
	}
	if d.Slice != "" {
		var cmp [][]any
		for _, r := range d.Rows {
			cmp = append(cmp, figureRow(r.Name, r.Counts, false))
		}
		reports = append(reports, sheet("对比", " 按"+d.SliceLabel, figureColumns(Column{Name: d.SliceLabel, Width: 28}, false), cmp))
	}
	var trend [][]any
	for _, pt := range d.Trend {
		trend = append(trend, figureRow(pt.Label, pt.Counts, true))
	}
	reports = append(reports, sheet("趋势", " 逐"+map[string]string{"day": "日", "month": "月"}[d.TrendStep], figureColumns(Column{Name: "日期", Width: 12}, true), trend))
	return Write(w, reports...)
}

// num renders a figure's value for a cell: counts as integers, rates and
// averages with one decimal; "" when there is nothing to divide by.
func num(v *float64, kind string) any {
	if v == nil {
		return ""
	}
	return numOK(*v, true, kind)
}

func numOK(v float64, ok bool, kind string) any {
	if !ok {
		return ""
	}
	if kind == measure.KindCount {
		return int64(v)
	}
	f, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'f', 1, 64), 64)
	return f
}
