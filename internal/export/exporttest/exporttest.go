// Package exporttest opens a workbook written by export.Write in tests and
// checks the format every export shares.
package exporttest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Sheet is one checked sheet: its title row and its rows from the header on.
type Sheet struct {
	Name   string
	Title  string
	Header []string
	Rows   [][]string // data rows, under the header
}

// Open reads a workbook produced by export.Write and fails tb unless every
// sheet has a title row merged across the columns, a frozen header on row 2,
// A4 landscape fitted to one page wide, the page numbers in the footer,
// the header repeated on every page, and no formula in any cell.
func Open(tb testing.TB, data []byte) []Sheet {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("open workbook: %v", err)
	}
	defer f.Close()
	var out []Sheet
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			tb.Fatalf("%s: rows: %v", name, err)
		}
		if len(rows) < 2 || len(rows[0]) == 0 {
			tb.Fatalf("%s: no title and header rows: %q", name, rows)
		}
		s := Sheet{Name: name, Title: rows[0][0], Header: rows[1], Rows: rows[2:]}
		panes, err := f.GetPanes(name)
		if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
			tb.Errorf("%s: header not frozen under row 2: %+v %v", name, panes, err)
		}
		pl, err := f.GetPageLayout(name)
		if err != nil || pl.Size == nil || *pl.Size != 9 || pl.Orientation == nil || *pl.Orientation != "landscape" ||
			pl.FitToWidth == nil || *pl.FitToWidth != 1 || pl.FitToHeight == nil || *pl.FitToHeight != 0 {
			tb.Errorf("%s: page layout is not A4 landscape one page wide: %+v %v", name, pl, err)
		}
		props, err := f.GetSheetProps(name)
		if err != nil || props.FitToPage == nil || !*props.FitToPage {
			tb.Errorf("%s: not fitted to page: %v", name, err)
		}
		hf, err := f.GetHeaderFooter(name)
		if err != nil || !strings.Contains(hf.OddFooter, "第 &P 页 共 &N 页") {
			tb.Errorf("%s: footer without page numbers: %+v %v", name, hf, err)
		}
		titles := false
		for _, d := range f.GetDefinedName() {
			titles = titles || d.Name == "_xlnm.Print_Titles" && d.Scope == name && strings.HasSuffix(d.RefersTo, "!$2:$2")
		}
		if !titles {
			tb.Errorf("%s: header row not repeated on printed pages", name)
		}
		merged, err := f.GetMergeCells(name)
		if len(s.Header) > 1 && (err != nil || len(merged) == 0 || merged[0].GetStartAxis() != "A1") {
			tb.Errorf("%s: title row not merged across the columns: %v", name, err)
		}
		for r, row := range rows {
			for c := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fx, _ := f.GetCellFormula(name, cell); fx != "" {
					tb.Errorf("%s!%s is a formula: %q", name, cell, fx)
				}
			}
		}
		if w, _ := f.GetColWidth(name, "A"); w <= 0 {
			tb.Errorf("%s: no column width", name)
		}
		out = append(out, s)
	}
	return out
}

// Column is the values of the named header's column in s's rows.
func (s Sheet) Column(tb testing.TB, header string) []string {
	tb.Helper()
	for i, h := range s.Header {
		if h == header {
			var out []string
			for _, r := range s.Rows {
				v := ""
				if i < len(r) {
					v = r[i]
				}
				out = append(out, v)
			}
			return out
		}
	}
	tb.Fatalf("%s: no column %q in %q", s.Name, header, s.Header)
	return nil
}
