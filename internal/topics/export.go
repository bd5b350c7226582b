package topics

import (
	"context"
	"fmt"
	"net/url"

	"zhitong"
	"zhitong/internal/export"
	"zhitong/internal/stats"
)

var topicColumns = []export.Column{{Name: "序号", Width: 7}, {Name: "热点词", Width: 18, Wrap: true}, {Name: "本期件数", Width: 10},
	{Name: "本期占比（%）", Width: 12}, {Name: "上期件数", Width: 10}, {Name: "上期占比（%）", Width: 12}, {Name: "z 值", Width: 9},
	{Name: "显著上升", Width: 9}, {Name: "检验方法", Width: 60, Wrap: true}}

// ExportTopics is the hot topics of v's period and slice (as Topics reads
// them) as a workbook: the most frequent and the fastest rising, each
// with its counts, shares and z statistic, and the test in words.
func (s *Service) ExportTopics(ctx context.Context, p zhitong.Principal, v url.Values) (*export.File, error) {
	h, err := s.Topics(ctx, p, v)
	if err != nil {
		return nil, err
	}
	where, err := export.New(s.app).Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	period := fmt.Sprintf("%s（%s 至 %s，收到 %d 件；上期 %s %d 件）", h.Period.Label, h.Period.From, h.Period.To, h.Cases, h.Previous.Label, h.PrevCases)
	if h.Slice != "" {
		period += " · " + zhitong.Label(stats.Slices, h.Slice)
		if h.Key != "" {
			period += "：" + h.Key
		}
	}
	row := func(i int, t Topic) []any {
		return []any{i + 1, t.Term, t.Count, t.Share, t.Previous, t.PrevShr, t.Z, t.Rising, Method}
	}
	frequent := export.Report{Title: "热点分析 · 最常见", Jurisdiction: where, Period: period, Sheet: "最常见", Columns: topicColumns, Rows: export.Rows(h.Frequent, row)}
	rising := export.Report{Title: "热点分析 · 上升最快", Jurisdiction: where, Period: period, Sheet: "上升最快", Columns: topicColumns, Rows: export.Rows(h.Rising, row)}
	return export.NewFile(where, "热点分析", "topics", s.app.Now(), frequent, rising), nil
}

var opinionSheet = []export.Column{{Name: "编号", Width: 7}, {Name: "对象", Width: 22, Wrap: true}, {Name: "建议", Width: 10},
	{Name: "研判意见", Width: 50, Wrap: true}, {Name: "提出时间", Width: 17}, {Name: "状态", Width: 10}, {Name: "决定时间", Width: 17},
	{Name: "理由", Width: 30, Wrap: true}}

// ExportOpinions is the analysis opinions of the list /work/analysis shows
// (state filters as Opinions does) as a workbook.
func (s *Service) ExportOpinions(ctx context.Context, p zhitong.Principal, state string) (*export.File, error) {
	ops, err := s.Opinions(ctx, p, state)
	if err != nil {
		return nil, err
	}
	where, err := export.New(s.app).Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	period := "截至 " + s.app.Now().In(zhitong.China).Format("2006-01-02 15:04")
	if state != "" {
		period += " · " + zhitong.Label(States, state)
	}
	rep := export.Report{Title: "研判意见", Jurisdiction: where, Period: period, Columns: opinionSheet,
		Rows: export.Rows(ops, func(_ int, o *Opinion) []any {
			about := fmt.Sprintf("热点“%s”（%s）", o.Topic, o.Period)
			if o.CaseID != 0 {
				about = fmt.Sprintf("案件 %d", o.CaseID)
			}
			var decided any
			if !o.DecidedAt.IsZero() {
				decided = o.DecidedAt
			}
			return []any{o.ID, about, zhitong.Label(Proposals, o.Proposal), o.Text, o.CreatedAt, zhitong.Label(States, o.State), decided, o.Reason}
		})}
	return export.NewFile(where, "研判意见", "analysis-opinions", s.app.Now(), rep), nil
}
