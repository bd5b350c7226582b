// Package export writes the workbench's lists as Excel workbooks (.xlsx):
// one report writer (report.go) formats every sheet the way a county office
// files it, and streams the rows so a long list never sits in memory.
package export

import (
	"context"

	"zhitong"
	"zhitong/internal/app"
)

// ContentType is the media type of an .xlsx file.
const ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

var supervisionColumns = []Column{{Name: "序号", Width: 7}, {Name: "查询码", Width: 14}, {Name: "标题", Width: 34, Wrap: true}, {Name: "承办单位", Width: 18, Wrap: true},
	{Name: "办理期限", Width: 12}, {Name: "逾期工作日", Width: 10}, {Name: "督办等级", Width: 10}, {Name: "列入督办清单", Width: 10}, {Name: "督办次数", Width: 9},
	{Name: "最近督办", Width: 30, Wrap: true}, {Name: "最近督办时间", Width: 17}, {Name: "状态", Width: 10}}

var proposalColumns = []Column{{Name: "序号", Width: 7}, {Name: "建议编号", Width: 10}, {Name: "标题", Width: 34, Wrap: true}, {Name: "承办单位", Width: 18, Wrap: true},
	{Name: "办理期限", Width: 12}, {Name: "复杂建议", Width: 9}, {Name: "逾期工作日", Width: 10}, {Name: "督办等级", Width: 10}, {Name: "列入督办清单", Width: 10},
	{Name: "督办次数", Width: 9}, {Name: "最近督办", Width: 30, Wrap: true}, {Name: "最近督办时间", Width: 17}, {Name: "涉及群众意见", Width: 10}}

// Supervision is the supervision list (督办清单) of in's filters: the cases
// on the first sheet, the deputies' proposals under supervision on the
// second (every one of each, streamed by key).
func (s *Service) Supervision(ctx context.Context, p zhitong.Principal, in app.SupervisionListInput) (*File, error) {
	items, err := s.app.ExportSupervision(ctx, p, in)
	if err != nil {
		return nil, err
	}
	proposals, err := s.app.ExportProposalSupervision(ctx, p, in)
	if err != nil {
		return nil, err
	}
	where, err := s.Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	period := s.asOf()
	cases := Report{Title: "督办清单", Jurisdiction: where, Period: period, Columns: supervisionColumns,
		Rows: Stream(items, func(i int, it app.SupervisionItem) []any {
			last, lastAt := lastAction(it.LastAction)
			return []any{i + 1, it.Code, it.Title, it.UnitName, it.DueDate, it.OverdueDays, it.LevelLabel, it.Listed, it.Actions, last, lastAt, it.StatusLabel}
		})}
	props := Report{Title: "代表建议督办清单", Sheet: "代表建议", Jurisdiction: where, Period: period, Columns: proposalColumns,
		Rows: Stream(proposals, func(i int, it app.ProposalItem) []any {
			last, lastAt := lastAction(it.LastAction)
			return []any{i + 1, it.ID, it.Title, it.UnitName, it.DueDate, it.Complex, it.OverdueDays, it.LevelLabel, it.Listed, it.Actions, last, lastAt, it.Cases}
		})}
	return NewFile(where, "督办清单", "supervision", s.app.Now(), cases, props), nil
}

func lastAction(e *app.SupervisionEntry) (what string, at any) {
	if e == nil {
		return "", nil
	}
	return e.KindLabel + "：" + e.Note, e.At
}
