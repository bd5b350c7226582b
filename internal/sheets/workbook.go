package sheets

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/app"
)

// ContentType is the media type of an .xlsx file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// helpSheet explains the columns.
const helpSheet = "填写说明"

// readWorkbook reads an uploaded workbook: at most MaxFileBytes, really a
// zip (an .xlsx), the kind's headers on the first row of its first sheet,
// at most MaxRows data rows. Blank rows are skipped.
func readWorkbook(spec *Spec, r io.Reader) ([]record, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, zhitong.Invalid("file", "文件上传不完整，请重新选择文件上传")
	}
	switch {
	case len(data) == 0:
		return nil, zhitong.Invalid("file", "请选择要导入的 Excel（.xlsx）文件")
	case len(data) > MaxFileBytes:
		return nil, zhitong.Invalid("file", "文件超过 %d MB，请拆分成几个文件分批导入", MaxFileBytes>>20)
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, zhitong.Invalid("file", "这是旧版 Excel（.xls）文件，请在 Excel 或 WPS 中“另存为” .xlsx 格式后再导入")
	case !bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return nil, zhitong.Invalid("file", "这不是 Excel（.xlsx）文件，请下载导入模板，填写后上传")
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 20 * MaxFileBytes, UnzipXMLSizeLimit: 10 * MaxFileBytes})
	if err != nil {
		return nil, zhitong.Invalid("file", "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 工作簿")
	}
	defer f.Close()
	list := f.GetSheetList()
	if len(list) == 0 {
		return nil, zhitong.Invalid("file", "该 Excel 文件没有工作表")
	}
	sheet := list[0]
	if slices.Contains(list, spec.Label) {
		sheet = spec.Label
	}
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, zhitong.Invalid("file", "无法读取该 Excel 文件：文件已损坏或不是 .xlsx 工作簿")
	}
	if err := checkHeaders(spec, rows); err != nil {
		return nil, err
	}
	if len(rows)-1 > MaxRows {
		return nil, zhitong.Invalid("file", "文件有 %d 行，一次最多导入 %d 行，请拆分后分批导入", len(rows)-1, MaxRows)
	}
	var out []record
	for i, row := range rows[1:] {
		rec := record{n: i + 2, cells: map[string]string{}}
		blank := true
		for j, c := range spec.Columns {
			if j < len(row) {
				v := strings.TrimSpace(row[j])
				rec.cells[c.Header] = v
				blank = blank && v == ""
			}
		}
		if !blank {
			out = append(out, rec)
		}
	}
	if len(out) == 0 {
		return nil, zhitong.Invalid("file", "文件中没有数据行：请从第 2 行起每行填写一条%s", spec.Label)
	}
	return out, nil
}

func checkHeaders(spec *Spec, rows [][]string) error {
	want := spec.Headers()
	var got []string
	if len(rows) > 0 {
		got = rows[0]
	}
	for len(got) > 0 && strings.TrimSpace(got[len(got)-1]) == "" {
		got = got[:len(got)-1]
	}
	for i := range max(len(want), len(got)) {
		var w, g string
		if i < len(want) {
			w = want[i]
		}
		if i < len(got) {
			g = strings.TrimSpace(got[i])
		}
		if w == g {
			continue
		}
		col, _ := excelize.ColumnNumberToName(i + 1)
		switch {
		case w == "":
			return zhitong.Invalid("file", "表头与“%s”导入模板不一致：第 %s 列“%s”是多余的。请下载模板，不要增删或改动表头", spec.Label, col, g)
		case g == "":
			return zhitong.Invalid("file", "表头与“%s”导入模板不一致：第 %s 列应为“%s”，文件中缺少。请下载模板，不要增删或改动表头", spec.Label, col, w)
		}
		return zhitong.Invalid("file", "表头与“%s”导入模板不一致：第 %s 列应为“%s”，文件中是“%s”。请下载模板，不要增删或改动表头", spec.Label, col, w, g)
	}
	return nil
}

// Template writes the empty template of kind: its headers, one example row,
// drop-down lists, and a sheet that explains each column.
func Template(w io.Writer, kind string) error {
	spec, err := Kind(kind)
	if err != nil {
		return err
	}
	ex := make([]string, len(spec.Columns))
	for i, c := range spec.Columns {
		ex[i] = c.Example
	}
	return writeBook(w, spec, [][]string{ex})
}

// Export writes the kind's records in p's jurisdiction in the template's
// layout: importing the file again changes nothing.
func (s *Service) Export(ctx context.Context, p zhitong.Principal, kind string, w io.Writer) error {
	spec, err := Kind(kind)
	if err != nil {
		return err
	}
	if err := mayExport(p, spec); err != nil {
		return err
	}
	h, err := spec.open(ctx, s, s.app.DB(), p)
	if err != nil {
		return err
	}
	rows, err := h.export(ctx)
	if err != nil {
		return err
	}
	return writeBook(w, spec, rows)
}

// writeBook writes rows under the kind's headers, with the drop-down lists
// and the explanation sheet.
func writeBook(w io.Writer, spec *Spec, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := spec.Label
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": codes stay text
	if err != nil {
		return err
	}
	last := MaxRows + 1
	for i, c := range spec.Columns {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(max(12, 2*len([]rune(c.Header))+4))); err != nil {
			return err
		}
		if c.Text {
			if err := f.SetColStyle(sheet, col, text); err != nil {
				return err
			}
		}
		if len(c.Options) == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(fmt.Sprintf("%s2:%s%d", col, col, last))
		if err := dv.SetDropList(c.Options); err != nil {
			return err
		}
		if c.Multi {
			dv.SetInput(c.Header, "可填多个，用顿号“、”分隔")
		} else {
			dv.SetError(excelize.DataValidationErrorStyleStop, c.Header, "请从下拉列表中选择")
		}
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return err
		}
	}
	header := make([]any, len(spec.Columns))
	for i, h := range spec.Headers() {
		header[i] = h
	}
	if err := f.SetSheetRow(sheet, "A1", &header); err != nil {
		return err
	}
	end, _ := excelize.ColumnNumberToName(len(spec.Columns))
	if err := f.SetCellStyle(sheet, "A1", end+"1", bold); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", i+2), &cells); err != nil {
			return err
		}
	}
	if err := writeHelp(f, spec, bold); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

func writeHelp(f *excelize.File, spec *Spec, bold int) error {
	if _, err := f.NewSheet(helpSheet); err != nil {
		return err
	}
	lines := [][]any{
		{spec.Label + "导入说明"},
		{"每行一条" + spec.Label + "，从第 2 行填起；不要增删或改动第 1 行的表头。第 2 行是示例，导入前请改成真实数据或删除。"},
		{"再次导入时按" + spec.KeyHelp + "对应已有记录：已有的更新，没有的新增，内容相同的不变。任何一行有问题时整个文件都不会写入。"},
		{fmt.Sprintf("一次最多 %d 行，文件不超过 %d MB。", MaxRows, MaxFileBytes>>20)},
		{},
		{"列名", "是否必填", "说明", "可选值"},
	}
	for _, c := range spec.Columns {
		req := "选填"
		if c.Required {
			req = "必填"
		}
		lines = append(lines, []any{c.Header, req, c.Help, strings.Join(c.Options, "、")})
	}
	for i, l := range lines {
		if err := f.SetSheetRow(helpSheet, fmt.Sprintf("A%d", i+1), &l); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(helpSheet, "A", "A", 20); err != nil {
		return err
	}
	if err := f.SetColWidth(helpSheet, "C", "D", 50); err != nil {
		return err
	}
	return f.SetCellStyle(helpSheet, "A6", "D6", bold)
}

// mayExport checks that p may export the kind: whoever may import it.
func mayExport(p zhitong.Principal, spec *Spec) error { return app.MayImport(p, spec.Role, spec.Label) }
