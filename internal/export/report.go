package export

import (
	"archive/zip"
	"fmt"
	"io"
	"iter"
	"net/http"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"zhitong"
)

// Column is one column of a report: its header, its width in characters
// (0: 12) and whether long text wraps inside the cell.
type Column struct {
	Name  string
	Width float64
	Wrap  bool
}

// Report is one sheet of an exported list, formatted the way a county
// office files it: a title row naming the jurisdiction and the period, a
// frozen header row repeated on every printed page, the column widths,
// wrapped text, A4 landscape fitted to the page width, and 第 N 页 共 M 页 in
// the footer.
type Report struct {
	Title        string // what the list is: 案件清单, 督办清单…
	Jurisdiction string // whose: 龙南市, 龙南市 · 东江乡联络站…
	Period       string // when: 2026-11-01 至 2026-11-30, 截至 2026-12-07 10:00…
	Sheet        string // the sheet's name; Title when empty
	Columns      []Column
	// Rows yields the data rows in order. A row's cells may be strings
	// (stored as text, never as a formula), integers, floats, bools
	// (是/否), time.Time (China time, to the minute), *int (empty when nil)
	// or nil. The first error stops the report and is returned by Write.
	Rows iter.Seq2[[]any, error]
}

// Rows adapts a slice to a report's rows.
func Rows[T any](xs []T, row func(i int, x T) []any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		for i, x := range xs {
			if !yield(row(i, x), nil) {
				return
			}
		}
	}
}

// Stream adapts a sequence read from the database (in batches, by key) to
// a report's rows, numbering them from 0; its error ends the sheet.
func Stream[T any](xs iter.Seq2[T, error], row func(i int, x T) []any) iter.Seq2[[]any, error] {
	return func(yield func([]any, error) bool) {
		i := 0
		for x, err := range xs {
			if err != nil {
				yield(nil, err)
				return
			}
			if !yield(row(i, x), nil) {
				return
			}
			i++
		}
	}
}

// TitleLine is the text of a report's title row.
func (r *Report) TitleLine() string {
	s := strings.TrimSpace(r.Jurisdiction + r.Title)
	if r.Period != "" {
		s += "（" + r.Period + "）"
	}
	return s
}

// Write writes the reports as the sheets of one workbook, streaming each
// sheet's rows to a temporary file rather than holding them as cells.
func Write(w io.Writer, reports ...Report) error {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return err
	}
	for i := range reports {
		r := &reports[i]
		sheet := sheetName(r, i)
		if idx, _ := f.GetSheetIndex(sheet); idx >= 0 && i > 0 {
			sheet = fmt.Sprintf("%s%d", sheet, i+1)
		}
		if i == 0 {
			err = f.SetSheetName("Sheet1", sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return err
		}
		if err := writeReport(f, st, sheet, r); err != nil {
			return err
		}
	}
	// excelize's WriteTo builds the whole file in memory before copying it
	// out (a 1,000,000-row export held its 103 MB twice over); a zip writer
	// on w itself streams it, the rows coming from the stream writer's
	// temporary file. WriteToBuffer's buffer then stays empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(w) })
	if _, err := f.WriteToBuffer(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// sheetName is a valid, unique sheet name: at most 31 characters, none of []:*?/\.
func sheetName(r *Report, i int) string {
	name := r.Sheet
	if name == "" {
		name = r.Title
	}
	name = strings.Map(func(c rune) rune {
		if strings.ContainsRune(`[]:*?/\`, c) {
			return '_'
		}
		return c
	}, name)
	if name == "" {
		name = fmt.Sprintf("Sheet%d", i+1)
	}
	if rs := []rune(name); len(rs) > 28 {
		name = string(rs[:28])
	}
	return name
}

type styles struct{ title, header, text, wrap, plain int }

func newStyles(f *excelize.File) (*styles, error) {
	border := []excelize.Border{{Type: "left", Color: "999999", Style: 1}, {Type: "right", Color: "999999", Style: 1},
		{Type: "top", Color: "999999", Style: 1}, {Type: "bottom", Color: "999999", Style: 1}}
	var s styles
	for _, x := range []struct {
		dst   *int
		style *excelize.Style
	}{
		{&s.title, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}}},
		{&s.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Border: border, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		// Text cells are formatted as text ("@"), so that editing one in
		// Excel or WPS keeps it text rather than evaluating it.
		{&s.text, &excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&s.wrap, &excelize.Style{NumFmt: 49, Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&s.plain, &excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
	} {
		id, err := f.NewStyle(x.style)
		if err != nil {
			return nil, err
		}
		*x.dst = id
	}
	return &s, nil
}

// The page setup: A4 (paper size 9), landscape, one page wide and as many
// long as needed.
func pageSetup(f *excelize.File, sheet string) error {
	a4, landscape, one, tall := 9, "landscape", 1, 0
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	fit := true
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	m := 0.4
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{Left: &m, Right: &m, Top: &m, Bottom: &m}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页 共 &N 页"}); err != nil {
		return err
	}
	// The header row repeats on every printed page.
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", Scope: sheet, RefersTo: fmt.Sprintf("'%s'!$2:$2", sheet)})
}

func writeReport(f *excelize.File, st *styles, sheet string, r *Report) error {
	n := max(len(r.Columns), 1)
	lastCol, _ := excelize.ColumnNumberToName(n)
	if err := pageSetup(f, sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, c := range r.Columns {
		width := c.Width
		if width <= 0 {
			width = 12
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: st.title, Value: Safe(r.TitleLine())}}, excelize.RowOpts{Height: 30}); err != nil {
		return err
	}
	if n > 1 {
		if err := sw.MergeCell("A1", lastCol+"1"); err != nil {
			return err
		}
	}
	header := make([]any, len(r.Columns))
	for i, c := range r.Columns {
		header[i] = excelize.Cell{StyleID: st.header, Value: Safe(c.Name)}
	}
	if err := sw.SetRow("A2", header); err != nil {
		return err
	}
	row := 3
	if r.Rows != nil {
		cells := make([]any, len(r.Columns))
		for values, err := range r.Rows {
			if err != nil {
				return err
			}
			cells = cells[:0]
			for i, v := range values {
				wrap := i < len(r.Columns) && r.Columns[i].Wrap
				cells = append(cells, cell(st, v, wrap))
			}
			name, _ := excelize.CoordinatesToCellName(1, row)
			if err := sw.SetRow(name, cells); err != nil {
				return err
			}
			row++
		}
	}
	if row == 3 {
		if err := sw.SetRow("A3", []any{excelize.Cell{StyleID: st.text, Value: "（无记录）"}}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cell is the styled cell of one value.
func cell(st *styles, v any, wrap bool) excelize.Cell {
	text := st.text
	if wrap {
		text = st.wrap
	}
	switch x := v.(type) {
	case nil:
		return excelize.Cell{StyleID: text, Value: ""}
	case string:
		return excelize.Cell{StyleID: text, Value: Safe(x)}
	case bool:
		if x {
			return excelize.Cell{StyleID: text, Value: "是"}
		}
		return excelize.Cell{StyleID: text, Value: "否"}
	case time.Time:
		if x.IsZero() {
			return excelize.Cell{StyleID: text, Value: ""}
		}
		return excelize.Cell{StyleID: text, Value: x.In(zhitong.China).Format("2006-01-02 15:04")}
	case *int:
		if x == nil {
			return excelize.Cell{StyleID: text, Value: ""}
		}
		return excelize.Cell{StyleID: st.plain, Value: *x}
	case int, int64, int32, float64:
		return excelize.Cell{StyleID: st.plain, Value: x}
	case fmt.Stringer:
		return excelize.Cell{StyleID: text, Value: Safe(x.String())}
	}
	return excelize.Cell{StyleID: text, Value: Safe(fmt.Sprint(v))}
}

// Safe keeps text from being taken for a formula when the workbook is
// opened, edited or saved as CSV: text that starts with =, +, -, @, a tab
// or a carriage return gets a leading apostrophe (OWASP's advice for
// exported cells). The cell is a text cell in any case.
func Safe(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	// Full-width ＝＋－＠ are converted to ASCII by some spreadsheet
	// programs' input methods.
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(s, p) {
			return "'" + s
		}
	}
	return s
}

// FileName is the Chinese file name of a report made on day:
// 龙南市案件清单-20261207.xlsx.
func FileName(jurisdiction, title string, day time.Time) string {
	name := strings.Map(func(c rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, c) || c < 0x20 {
			return '_'
		}
		return c
	}, jurisdiction+title)
	return name + "-" + day.In(zhitong.China).Format("20060102") + ".xlsx"
}

// Attachment sets the headers of an .xlsx download named name, with ascii
// as the fallback for clients without RFC 6266 filename* (a plain ASCII
// name such as cases-20261207.xlsx). The answer is never cached.
func Attachment(w http.ResponseWriter, name, ascii string) {
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Disposition", Disposition(name, ascii))
}

// Disposition is the Content-Disposition of an attachment named name
// (RFC 6266, filename* in UTF-8 per RFC 5987) with an ASCII fallback.
func Disposition(name, ascii string) string {
	ascii = strings.Map(func(c rune) rune {
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '/' || c == ';' {
			return '_'
		}
		return c
	}, ascii)
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + attrEscape(name)
}

// attrEscape percent-encodes every byte of s that is not an RFC 5987 attr-char.
func attrEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
