// Package export writes lists as Excel workbooks (.xlsx) with excelize's
// stream writer, so a long list does not sit in memory as cells.
package export

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/app"
)

// ContentType is the media type of an .xlsx file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// supervisionHeader is the header row of the supervision list (督办清单).
var supervisionHeader = []any{"序号", "查询码", "标题", "承办单位", "办理期限", "逾期工作日", "督办等级", "列入督办清单", "督办次数", "最近督办", "最近督办时间", "状态"}

// proposalHeader is the header row of the deputies' proposals under supervision.
var proposalHeader = []any{"序号", "建议编号", "标题", "承办单位", "办理期限", "复杂建议", "逾期工作日", "督办等级", "列入督办清单", "督办次数", "最近督办", "最近督办时间", "涉及群众意见"}

// Supervision writes the supervision list: the cases on the first sheet,
// the deputies' proposals under supervision on the second.
func Supervision(w io.Writer, items []app.SupervisionItem, proposals []app.ProposalItem) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "督办清单"); err != nil {
		return err
	}
	rows := make([][]any, len(items))
	for i, it := range items {
		last, lastAt := lastAction(it.LastAction)
		rows[i] = []any{i + 1, it.Code, it.Title, it.UnitName, it.DueDate, it.OverdueDays, it.LevelLabel, yesNo(it.Listed), it.Actions, last, lastAt, it.StatusLabel}
	}
	if err := writeSheet(f, "督办清单", supervisionHeader, rows); err != nil {
		return err
	}
	if _, err := f.NewSheet("代表建议"); err != nil {
		return err
	}
	rows = make([][]any, len(proposals))
	for i, it := range proposals {
		last, lastAt := lastAction(it.LastAction)
		rows[i] = []any{i + 1, it.ID, it.Title, it.UnitName, it.DueDate, yesNo(it.Complex), it.OverdueDays, it.LevelLabel, yesNo(it.Listed), it.Actions, last, lastAt, it.Cases}
	}
	if err := writeSheet(f, "代表建议", proposalHeader, rows); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// writeSheet streams a header and rows into sheet.
func writeSheet(f *excelize.File, sheet string, header []any, rows [][]any) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 3, 40); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func lastAction(e *app.SupervisionEntry) (what, at string) {
	if e == nil {
		return "", ""
	}
	return e.KindLabel + "：" + e.Note, e.At.In(chinaTime).Format("2006-01-02 15:04")
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

var chinaTime = zhitong.China
