package app

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/mask"
	"zhitong/internal/store"
)

// ReportCase is one case a deputy collected, with how it ended so far.
type ReportCase struct {
	ID      int64  `json:"id"`
	Code    string `json:"code"`
	Title   string `json:"title"`
	Day     string `json:"day"`
	Status  string `json:"status"`
	Outcome string `json:"outcome"` // class of the last reply, "" if none
	// OutcomeLabel says how it ended so far: the reply's class, 当场答复
	// for a case answered on the spot, or 尚未答复.
	OutcomeLabel string `json:"outcome_label"`
}

// ReportPoint is a ledger entry of the report with its source named for
// people: the case's tracking code, the record's kind and date.
type ReportPoint struct {
	zhitong.PointEntry
	SourceLabel string `json:"source_label"`
}

// ReportProposal is one proposal a deputy made.
type ReportProposal struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Day     string `json:"day"`
	State   string `json:"state"`
	Adopted bool   `json:"adopted"`
}

// VoterReportView is the draft of a report to voters (述职) drawn from the
// record, with the narrative and review staff stored for it.
type VoterReportView struct {
	Scorecard *Scorecard            `json:"scorecard"`
	Records   []*zhitong.DutyRecord `json:"records"`
	Cases     []ReportCase          `json:"cases"`
	Proposals []ReportProposal      `json:"proposals"`
	Points    []ReportPoint         `json:"points"` // the stored ledger of the period
	Report    zhitong.VoterReport   `json:"report"`
	Saved     bool                  `json:"saved"`
	// SavedReports are every report stored for the deputy, any period,
	// latest first, without their narrative.
	SavedReports []zhitong.VoterReport `json:"saved_reports"`
}

// VoterReport drafts a deputy's report to voters for a period.
func (a *App) VoterReport(ctx context.Context, p zhitong.Principal, deputyID int64, from, to string) (*VoterReportView, error) {
	if _, err := a.deputyInScope(ctx, p, deputyID, true); err != nil {
		return nil, err
	}
	sc, err := a.Scorecard(ctx, deputyID, from, to)
	if err != nil {
		return nil, err
	}
	v := &VoterReportView{Scorecard: sc, Report: zhitong.VoterReport{DeputyID: deputyID, From: sc.From, To: sc.To}}
	if v.Records, err = store.ListDutyRecords(ctx, a.db, store.RecordFilter{DeputyID: deputyID, From: sc.From, To: sc.To, Limit: -1}); err != nil {
		return nil, err
	}
	if v.Cases, v.Proposals, err = a.reportItems(ctx, deputyID, sc.From, sc.To); err != nil {
		return nil, err
	}
	if v.Points, err = a.reportPoints(ctx, v); err != nil {
		return nil, err
	}
	if v.SavedReports, err = store.ListVoterReports(ctx, a.db, deputyID); err != nil {
		return nil, err
	} else if v.SavedReports == nil {
		v.SavedReports = []zhitong.VoterReport{}
	}
	stored, err := store.GetVoterReport(ctx, a.db, deputyID, sc.From, sc.To)
	switch {
	case err == nil:
		v.Report, v.Saved = *stored, true
	case zhitong.ErrorCode(err) != zhitong.ENOTFOUND:
		return nil, err
	}
	if v.Report.Narrative == "" {
		v.Report.Narrative = draftNarrative(sc)
	}
	return v, nil
}

// reportPoints lists the ledger of the report's period, each source named
// from the records, cases and proposals of the same period.
func (a *App) reportPoints(ctx context.Context, v *VoterReportView) ([]ReportPoint, error) {
	sc := v.Scorecard
	entries, err := store.ListLedger(ctx, a.db, sc.DeputyID, sc.From, sc.To)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, r := range v.Records {
		names["record:"+strconv.FormatInt(r.ID, 10)] = zhitong.Label(zhitong.RecordKinds, r.Kind) + " " + r.Day + " " + r.Title
	}
	for _, c := range v.Cases {
		names["case:"+strconv.FormatInt(c.ID, 10)] = "意见建议 " + c.Code + " " + c.Title
	}
	for _, pr := range v.Proposals {
		names["proposal:"+strconv.FormatInt(pr.ID, 10)] = "代表建议 " + pr.Title
	}
	out := make([]ReportPoint, 0, len(entries))
	for _, e := range entries {
		label := names[e.Source]
		switch kind, _ := splitSource(e.Source); {
		case label != "":
		case kind == "duty" && e.Event == zhitong.PointAbsence:
			label = "轮值 " + e.Day + " 无故缺席"
		case kind == "duty":
			label = "轮值 " + e.Day + " 进站签到"
		default:
			label = zhitong.Label(zhitong.PointEvents, e.Event) + " " + e.Day
		}
		out = append(out, ReportPoint{PointEntry: e, SourceLabel: label})
	}
	return out, nil
}

// outcomeLabel says how a collected case ended so far.
func outcomeLabel(r store.CaseOutcome) string {
	switch {
	case r.Outcome != "":
		return zhitong.Label(zhitong.Outcomes, zhitong.Outcome(r.Outcome))
	case r.Resolution == string(zhitong.ResolutionAnswered):
		return "当场答复"
	case r.Resolution == string(zhitong.ResolutionReferred):
		return "已转交有关部门"
	case r.Resolution == string(zhitong.ResolutionMerged):
		return "已合并办理"
	case r.Resolution == string(zhitong.ResolutionDeclined):
		return "不予受理"
	}
	return "尚未答复"
}

// draftNarrative is the opening paragraph staff start from.
func draftNarrative(s *Scorecard) string {
	var b strings.Builder
	b.WriteString("本人" + s.Name + "在" + s.From + "至" + s.To + "期间，")
	b.WriteString("进站履职" + strconv.Itoa(s.Visits) + "次，接待群众" + strconv.Itoa(s.Received) + "人次，")
	b.WriteString("收集意见建议" + strconv.Itoa(s.Cases) + "条，提出代表建议" + strconv.Itoa(s.Proposals) + "件（采纳" + strconv.Itoa(s.Adopted) + "件），")
	b.WriteString("参与调解纠纷" + strconv.Itoa(s.Mediations) + "起，参加调研视察等活动" + strconv.Itoa(s.Activities) + "次，")
	b.WriteString("获得履职积分" + strconv.Itoa(s.Points) + "分。")
	return b.String()
}

func (a *App) reportItems(ctx context.Context, deputyID int64, from, to string) ([]ReportCase, []ReportProposal, error) {
	rows, err := store.DeputyCaseOutcomes(ctx, a.db, deputyID)
	if err != nil {
		return nil, nil, err
	}
	cases := []ReportCase{}
	for _, r := range rows {
		day := chinaDay(r.SubmittedAt)
		if within(day, from, to) {
			// The report is read out and printed for voters: the title
			// is masked as on the public board (internal/mask).
			cases = append(cases, ReportCase{ID: r.ID, Code: r.Code, Title: mask.Public(r.Title), Day: day,
				Status: zhitong.Label(zhitong.Statuses, zhitong.Status(r.Status)), Outcome: r.Outcome, OutcomeLabel: outcomeLabel(r)})
		}
	}
	made, adopted, err := store.DeputyProposals(ctx, a.db, deputyID)
	if err != nil {
		return nil, nil, err
	}
	props := []ReportProposal{}
	for _, m := range made {
		day := chinaDay(m.At)
		if !within(day, from, to) {
			continue
		}
		prop, err := store.GetProposal(ctx, a.db, m.ID)
		if err != nil {
			return nil, nil, err
		}
		props = append(props, ReportProposal{ID: m.ID, Title: prop.Title, Day: day, State: prop.State, Adopted: adopted[m.ID]})
	}
	return cases, props, nil
}

// VoterReportInput is the narrative and voters' review of a report (述职评议).
type VoterReportInput struct {
	From        string `json:"from"`
	To          string `json:"to"`
	Narrative   string `json:"narrative"`
	Present     int    `json:"present"`
	Satisfied   int    `json:"satisfied"`
	Basic       int    `json:"basic"`
	Unsatisfied int    `json:"unsatisfied"`
}

// SaveVoterReport stores the narrative and review of a deputy's report.
func (a *App) SaveVoterReport(ctx context.Context, p zhitong.Principal, deputyID int64, in VoterReportInput) (*zhitong.VoterReport, error) {
	if p.Staff() && p.Role == zhitong.RoleDeputy {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "述职报告和评议结果由工作人员登记")
	}
	if _, err := a.deputyInScope(ctx, p, deputyID, false); err != nil {
		return nil, err
	}
	if p.Role == zhitong.RoleAnalyst {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色无权登记述职报告")
	}
	if in.From == "" || in.To == "" {
		return nil, zhitong.Invalid("from", "请填写述职期间的起止日期")
	}
	from, to, err := optionalPeriod(in.From, in.To)
	if err != nil {
		return nil, err
	}
	if err := checkLen("narrative", "述职报告正文", in.Narrative, 0, 20000); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field string
		n     int
	}{{"present", in.Present}, {"satisfied", in.Satisfied}, {"basic", in.Basic}, {"unsatisfied", in.Unsatisfied}} {
		if f.n < 0 || f.n > 100000 {
			return nil, zhitong.Invalid(f.field, "人数应在 0 到 100000 之间")
		}
	}
	if in.Satisfied+in.Basic+in.Unsatisfied > in.Present {
		return nil, zhitong.Invalid("present", "评议票数（%d）不能多于到会选民人数（%d）", in.Satisfied+in.Basic+in.Unsatisfied, in.Present)
	}
	narrative := strings.TrimSpace(in.Narrative)
	if narrative == "" {
		// An empty narrative stores the drafted one: a printed report
		// never has nothing under 一、履职情况.
		sc, err := a.Scorecard(ctx, deputyID, from, to)
		if err != nil {
			return nil, err
		}
		narrative = draftNarrative(sc)
	}
	r := &zhitong.VoterReport{DeputyID: deputyID, From: from, To: to, Narrative: narrative, Present: in.Present,
		Satisfied: in.Satisfied, Basic: in.Basic, Unsatisfied: in.Unsatisfied, UpdatedAt: a.clock.Now(), UpdatedBy: p.UserID}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.PutVoterReport(ctx, r); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "voter_report.save", "deputy:"+strconv.FormatInt(deputyID, 10),
			map[string]any{"from": from, "to": to, "present": in.Present, "satisfied": in.Satisfied, "basic": in.Basic, "unsatisfied": in.Unsatisfied, "chars": len([]rune(r.Narrative))})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
