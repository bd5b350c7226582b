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

// Supervision writes the supervision list as one sheet.
func Supervision(w io.Writer, items []app.SupervisionItem) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := "督办清单"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(3, 3, 40); err != nil {
		return err
	}
	if err := sw.SetRow("A1", supervisionHeader); err != nil {
		return err
	}
	for i, it := range items {
		last, lastAt := "", ""
		if it.LastAction != nil {
			last = it.LastAction.KindLabel + "：" + it.LastAction.Note
			lastAt = it.LastAction.At.In(chinaTime).Format("2006-01-02 15:04")
		}
		listed := "否"
		if it.Listed {
			listed = "是"
		}
		row := []any{i + 1, it.Code, it.Title, it.UnitName, it.DueDate, it.OverdueDays, it.LevelLabel, listed, it.Actions, last, lastAt, it.StatusLabel}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

var chinaTime = zhitong.China
