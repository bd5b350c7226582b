package export

import (
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
)

// StatsFilename is the dashboard workbook's Chinese file name.
func StatsFilename(d *stats.Dashboard) string {
	return d.Jurisdiction + "统计分析_" + d.Period.Label + ".xlsx"
}

// Stats writes every table of the dashboard: the figures with their 口径
// (汇总), the comparison between slices (对比, when sliced) and the trend
// (趋势). Each sheet has a title row naming the jurisdiction and period, a
// frozen header, column widths and text cells that never become formulas.
func Stats(w io.Writer, d *stats.Dashboard) error {
	f := excelize.NewFile()
	defer f.Close()
	title := d.Jurisdiction + " 意见建议办理统计（" + d.Period.Label + "，" + d.Period.From + " 至 " + d.Period.To + "）"
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return err
	}
	big, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	// 汇总: one row per figure.
	rows := make([][]any, 0, len(d.Figures))
	for _, fv := range d.Figures {
		rows = append(rows, []any{fv.Label, num(fv.Value, fv.Kind), num(fv.Previous, fv.Kind), num(fv.Change, fv.Kind), Safe(fv.Kou)})
	}
	if err := statSheet(f, "Sheet1", "汇总", title+" 上期："+d.Previous.Label, []string{"指标", "本期", "上期", "变化", "口径"},
		[]float64{22, 12, 12, 12, 70}, rows, bold, big); err != nil {
		return err
	}
	figs := tableFigures()
	if d.Slice != "" {
		header := []string{d.SliceLabel}
		widths := []float64{28}
		for _, fg := range figs {
			header = append(header, fg.Label)
			widths = append(widths, 12)
		}
		rows = rows[:0]
		for _, r := range d.Rows {
			row := []any{Safe(r.Name)}
			for _, fg := range figs {
				v, ok := fg.Value(r.Counts)
				row = append(row, numOK(v, ok, fg.Kind))
			}
			rows = append(rows, row)
		}
		if err := statSheet(f, "", "对比", title+" 按"+d.SliceLabel, header, widths, rows, bold, big); err != nil {
			return err
		}
	}
	header := []string{"日期"}
	widths := []float64{12}
	for _, fg := range figs {
		if fg.Key == measure.Overdue {
			continue
		}
		header = append(header, fg.Label)
		widths = append(widths, 12)
	}
	rows = rows[:0]
	for _, pt := range d.Trend {
		row := []any{pt.Label}
		for _, fg := range figs {
			if fg.Key == measure.Overdue {
				continue
			}
			v, ok := fg.Value(pt.Counts)
			row = append(row, numOK(v, ok, fg.Kind))
		}
		rows = append(rows, row)
	}
	if err := statSheet(f, "", "趋势", title+" 逐"+map[string]string{"day": "日", "month": "月"}[d.TrendStep], header, widths, rows, bold, big); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// tableFigures are the figures of the comparison and trend tables.
func tableFigures() []measure.Figure { return measure.Figures }

// statSheet writes one sheet: title row, header row (frozen), rows. rename:
// the existing sheet to rename, or "" to add a new one.
func statSheet(f *excelize.File, rename, name, title string, header []string, widths []float64, rows [][]any, bold, big int) error {
	if rename != "" {
		if err := f.SetSheetName(rename, name); err != nil {
			return err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return err
	}
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Orientation: ptr("landscape"), Size: ptr(9), FitToWidth: ptr(1), FitToHeight: ptr(0)}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(name, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页，共 &N 页"}); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: big, Value: Safe(title)}}); err != nil {
		return err
	}
	hs := make([]any, len(header))
	for i, h := range header {
		hs[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A2", hs, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func ptr[T any](v T) *T { return &v }

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
