package topics

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/export"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
	"zhitong/internal/store"
)

// UnitLine is one handling unit's performance in the report, from the
// dashboard's unit slice (internal/stats, unchanged figures).
type UnitLine struct {
	Name      string   `json:"name"`
	Assigned  int      `json:"assigned"`
	Replied   int      `json:"replied"`
	OnTime    *float64 `json:"on_time_rate"`
	Solved    *float64 `json:"solved_rate"`
	Satisfied *float64 `json:"satisfied_rate"`
	Rehandled int      `json:"rehandled"`
	Overdue   int      `json:"overdue"`
}

// Report is a periodic analysis report (研判报告).
type Report struct {
	ID        int64      `json:"id"`
	Region    string     `json:"region"`
	Period    string     `json:"period"` // the period's label
	Title     string     `json:"title"`
	Body      string     `json:"body"` // the text staff edit
	Version   int        `json:"version"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	Leading   []Topic    `json:"leading,omitempty"`   // the draft's top topics
	Recurring []string   `json:"recurring,omitempty"` // frequent in this and the previous period
	Units     []UnitLine `json:"units,omitempty"`
}

// Suggestions is the template text of the report's last section, edited by staff.
const Suggestions = "（请研判小组根据以上情况修改）\n1. 对反复出现的问题，建议由代表工委牵头约谈相关承办单位，从源头上解决。\n" +
	"2. 对按期办结率、满意率偏低的承办单位，建议列入督办并在下期通报中说明整改情况。\n3. 对涉及面广的热点问题，建议转为代表建议，推动出台长效措施。"

func rate(c measure.Counts, num, den string) *float64 {
	d := c.Get(den)
	if d == 0 {
		return nil
	}
	v := float64(int(1000*float64(c.Get(num))/float64(d)+0.5)) / 10
	return &v
}

func pctText(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", *v)
}

// Draft builds a report for the period v names (as the dashboard) in p's
// jurisdiction: leading issues (top topics), units' performance (the
// dashboard's unit slice), recurring problems (frequent topics of this and
// the previous period) and template suggestions. It is not stored.
func (s *Service) Draft(ctx context.Context, p zhitong.Principal, v url.Values) (*Report, error) {
	q := url.Values{}
	for k, x := range v {
		if k != "slice" && k != "key" {
			q[k] = x
		}
	}
	hot, err := s.Topics(ctx, p, q)
	if err != nil {
		return nil, err
	}
	// The previous period's frequent topics, for the recurring problems:
	// not its own previous period (fewer texts than the check above passed).
	prev, err := s.topics(ctx, p, hot.Previous.Values(), false)
	if err != nil {
		return nil, err
	}
	uq := hot.Period.Values()
	uq.Set("slice", "unit")
	d, err := stats.New(s.app).Dashboard(ctx, p, uq)
	if err != nil {
		return nil, err
	}
	r := &Report{Region: p.RegionCode, Period: hot.Period.Label, Title: hot.Period.Label + "民意研判报告", Version: 1}
	r.Leading = hot.Frequent[:min(len(hot.Frequent), 10)]
	was := map[string]bool{}
	for _, t := range prev.Frequent {
		was[t.Term] = true
	}
	for _, t := range hot.Frequent {
		if was[t.Term] {
			r.Recurring = append(r.Recurring, t.Term)
		}
	}
	for _, row := range d.Rows {
		c := row.Counts
		r.Units = append(r.Units, UnitLine{Name: row.Name, Assigned: c.Assigned, Replied: c.Replied, Rehandled: c.Rehandled, Overdue: c.Overdue,
			OnTime: rate(c, measure.RepliedOnTime, measure.Replied), Solved: rate(c, measure.Solved, measure.Replied), Satisfied: rate(c, measure.Satisfied, measure.Evaluated)})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "一、总体情况\n本期（%s）共收到群众意见建议 %d 件，上期 %d 件。\n\n二、主要问题\n", hot.Period.Label, hot.Cases, hot.PrevCases)
	if len(r.Leading) == 0 {
		b.WriteString("本期没有出现 3 件以上的集中问题。\n")
	}
	for i, t := range r.Leading {
		fmt.Fprintf(&b, "%d. “%s”：%d 件（占 %.1f%%），上期 %d 件", i+1, t.Term, t.Count, t.Share, t.Previous)
		if t.Rising {
			fmt.Fprintf(&b, "，明显上升（z = %.2f）", t.Z)
		}
		b.WriteString("。\n")
	}
	b.WriteString("\n三、承办单位办理情况\n")
	switch {
	case d.Pending:
		fmt.Fprintf(&b, "统计整理中：%s的承办单位数字要等统计作业整理到这些日子（%s），请稍后重新生成草稿。\n", hot.Period.Label, settledText(d.SettledThrough))
	case len(r.Units) == 0:
		b.WriteString("本期没有交办案件。\n")
	}
	for _, u := range r.Units {
		overdue := fmt.Sprintf("%d 件", u.Overdue)
		if d.OverduePending {
			overdue = "统计整理中（" + settledText(d.SettledThrough) + "）"
		}
		fmt.Fprintf(&b, "%s：交办 %d 件，答复 %d 件，按期办结率 %s，解决率 %s，满意率 %s，重办 %d 件，期末逾期 %s。\n",
			u.Name, u.Assigned, u.Replied, pctText(u.OnTime), pctText(u.Solved), pctText(u.Satisfied), u.Rehandled, overdue)
	}
	b.WriteString("\n四、反复出现的问题\n")
	switch {
	case len(r.Recurring) == 0:
		b.WriteString("没有连续两期都集中出现的问题。\n")
	default:
		fmt.Fprintf(&b, "以下问题在本期和上期（%s）都集中出现：%s。\n", hot.Previous.Label, strings.Join(r.Recurring, "、"))
	}
	b.WriteString("\n五、意见建议\n" + Suggestions + "\n")
	r.Body = b.String()
	return r, nil
}

// settledText names how far the statistics are settled.
func settledText(through string) string {
	if through == "" {
		return "尚未整理任何一天"
	}
	return "已整理到 " + through
}

// ReportInput saves a report's edited text.
type ReportInput struct {
	Version int    `json:"version"`
	Period  string `json:"period"`
	Title   string `json:"title"`
	Body    string `json:"body"`
}

func mayWriteReport(p zhitong.Principal) error {
	if err := mayRead(p); err != nil {
		return err
	}
	return nil
}

// SaveReport stores a new report (id 0) or a new version of one of p's
// jurisdiction; a stale version is a conflict.
func (s *Service) SaveReport(ctx context.Context, p zhitong.Principal, id int64, in ReportInput) (*Report, error) {
	if err := mayWriteReport(p); err != nil {
		return nil, err
	}
	title, err := checkText("title", "报告标题", in.Title, 1, 100)
	if err != nil {
		return nil, err
	}
	body, err := checkText("body", "报告正文", in.Body, 1, 20000)
	if err != nil {
		return nil, err
	}
	now := s.app.Now()
	var r *Report
	if id != 0 {
		if r, err = s.GetReport(ctx, p, id); err != nil {
			return nil, err
		}
	} else {
		period, err := checkText("period", "期间", in.Period, 1, 40)
		if err != nil {
			return nil, err
		}
		r = &Report{Region: p.RegionCode, Period: period, CreatedBy: p.UserID, CreatedAt: now}
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if id == 0 {
			r.Version = 1
			if err := tx.QueryRow(ctx, `INSERT INTO analysis_reports (region_code, period, title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
				r.Region, r.Period, title, body, p.UserID, store.FormatTime(now), store.FormatTime(now)).Scan(&r.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.Exec(ctx, `UPDATE analysis_reports SET title = ?, body = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
				title, body, store.FormatTime(now), id, in.Version)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return zhitong.Errorf(zhitong.ECONFLICT, "报告已被他人修改，请刷新后重试")
			}
			r.Version++
		}
		return s.app.AppendAudit(ctx, tx, p, "analysis.report", "analysis_report:"+itoa(r.ID), map[string]any{"title": title, "version": r.Version})
	})
	if err != nil {
		return nil, err
	}
	r.Title, r.Body, r.UpdatedAt = title, body, now
	return r, nil
}

const reportColumns = `id, region_code, period, title, body, version, created_by, created_at, updated_at`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	var r Report
	var c, u string
	if err := sc.Scan(&r.ID, &r.Region, &r.Period, &r.Title, &r.Body, &r.Version, &r.CreatedBy, &c, &u); err != nil {
		return nil, err
	}
	r.CreatedAt, r.UpdatedAt = store.ParseTime(c), store.ParseTime(u)
	return &r, nil
}

// GetReport loads a report of p's jurisdiction (another's is not found).
func (s *Service) GetReport(ctx context.Context, p zhitong.Principal, id int64) (*Report, error) {
	if err := mayRead(p); err != nil {
		return nil, err
	}
	r, err := scanReport(s.app.DB().QueryRow(ctx, `SELECT `+reportColumns+` FROM analysis_reports WHERE id = ?`, id))
	if err != nil || !strings.HasPrefix(r.Region, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "研判报告不存在")
	}
	return r, nil
}

// Reports lists the reports of p's jurisdiction, newest first.
func (s *Service) Reports(ctx context.Context, p zhitong.Principal) ([]*Report, error) {
	if err := mayRead(p); err != nil {
		return nil, err
	}
	rows, err := s.app.DB().Query(ctx, `SELECT `+reportColumns+` FROM analysis_reports WHERE region_code LIKE ? ORDER BY id DESC LIMIT 200`, p.RegionCode+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExportReport is the report as a workbook (internal/export's writer): one
// row per line of its text.
func (s *Service) ExportReport(ctx context.Context, p zhitong.Principal, id int64) (*export.File, error) {
	r, err := s.GetReport(ctx, p, id)
	if err != nil {
		return nil, err
	}
	where, err := export.New(s.app).Jurisdiction(ctx, p)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(r.Body, "\n")
	rep := export.Report{Title: "民意研判报告", Jurisdiction: where, Period: r.Period, Sheet: "研判报告",
		Columns: []export.Column{{Name: "序号", Width: 6}, {Name: r.Title, Width: 110, Wrap: true}},
		Rows:    export.Rows(lines, func(i int, l string) []any { return []any{i + 1, l} })}
	return export.NewFile(where, "民意研判报告", "analysis-report", s.app.Now(), rep), nil
}
