package documents

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/documents/layout"
	"zhitong/internal/store"
	"zhitong/internal/topics"
)

func mayIssueReports(p zhitong.Principal) error {
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "通报和研判报告由代表工委签发")
	}
	return nil
}

// IssueBulletin issues a bulletin (通报) as a document of the committee's
// organisation, once per bulletin; as for publishing it, every unit and
// township in it must lie in the committee's jurisdiction.
func (s *Service) IssueBulletin(ctx context.Context, p zhitong.Principal, id int64) (*Document, error) {
	if err := mayIssueReports(p); err != nil {
		return nil, err
	}
	b, err := s.app.Bulletin(ctx, p, id)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Invalid("id", "通报不存在或不在您的辖区内")
	}
	if err != nil {
		return nil, err
	}
	var out *Document
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := s.app.CheckBulletinRef(ctx, tx, p, id); err != nil {
			return err
		}
		org, err := organisation(ctx, tx, p.RegionCode)
		if err != nil {
			return err
		}
		// Dates as a 公文 writes them: 2026年12月1日至2026年12月31日.
		period := chineseDate(b.Start) + "至" + chineseDate(b.End)
		doc := layout.Doc{Title: "关于意见建议办理情况" + b.PeriodLabel + "（" + period + "）的通报", Addressee: "各承办单位、各乡镇（街道）人大"}
		s.letterhead(org, &doc)
		doc.Body = []layout.Block{{Kind: layout.Para, Text: "现将" + period + "群众意见建议交办和办理情况通报如下。"}}
		for _, part := range []struct{ scope, heading, first string }{{"units", "一、承办单位办理情况", "承办单位"}, {"towns", "二、各乡镇（街道）情况", "乡镇（街道）"}} {
			rows := b.Rows(part.scope)
			if len(rows) == 0 {
				continue
			}
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Heading1, Text: part.heading})
			t := [][]string{{part.first, "交办", "按期答复", "期末逾期", "列入督办", "评价", "满意"}}
			for _, r := range rows {
				t = append(t, []string{r.Name, strconv.Itoa(r.Assigned), strconv.Itoa(r.RepliedOnTime), strconv.Itoa(r.Overdue),
					strconv.Itoa(r.Listed), strconv.Itoa(r.Evaluated), strconv.Itoa(r.Satisfied)})
			}
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Table, Rows: t})
		}
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "请逾期未办结的单位抓紧办理，按期书面答复并反馈群众。"})
		out, err = s.issue(ctx, tx, p, &draft{kind: "bulletin", org: org, source: "bulletin:" + strconv.FormatInt(id, 10), doc: doc})
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			return zhitong.Errorf(zhitong.ECONFLICT, "这期通报已签发过，不能重复签发；如需更正，请对已签发的通报发出更正")
		}
		return err
	})
	return out, err
}

// IssueReport issues an analysis report (研判报告, internal/topics) as a
// document, as its text stands now; once per report (a later edit is
// issued as a correction).
func (s *Service) IssueReport(ctx context.Context, p zhitong.Principal, id int64) (*Document, error) {
	if err := mayIssueReports(p); err != nil {
		return nil, err
	}
	r, err := topics.New(s.app).GetReport(ctx, p, id)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Invalid("id", "研判报告不存在或不在您的辖区内")
	}
	if err != nil {
		return nil, err
	}
	var out *Document
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		org, err := organisation(ctx, tx, r.Region)
		if err != nil {
			return err
		}
		doc := layout.Doc{Title: r.Title, Addressee: org.Name}
		s.letterhead(org, &doc)
		doc.Body = TextBlocks(r.Body)
		out, err = s.issue(ctx, tx, p, &draft{kind: "report", org: org, source: "report:" + strconv.FormatInt(id, 10), doc: doc})
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			return zhitong.Errorf(zhitong.ECONFLICT, "这份研判报告已签发过，不能重复签发；修改后请对已签发的报告发出更正")
		}
		return err
	})
	return out, err
}

// TextBlocks sets staff-written text as the body: a line starting with
// 一、 (二、…) is a first-level heading, （一） a second-level one, the
// rest paragraphs.
func TextBlocks(text string) []layout.Block {
	var out []layout.Block
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(strings.TrimLeft(line, "　"))
		if t == "" {
			continue
		}
		kind := layout.Para
		if r := []rune(t); len(r) > 2 && strings.ContainsRune("一二三四五六七八九十", r[0]) && strings.Contains(string(r[:min(4, len(r))]), "、") {
			kind = layout.Heading1
		} else if strings.HasPrefix(t, "（") && strings.Contains(string([]rune(t)[:min(5, len([]rune(t)))]), "）") {
			kind = layout.Heading2
		}
		out = append(out, layout.Block{Kind: kind, Text: t})
	}
	return out
}

// DutyReportInput names a deputy's report to voters (述职报告) to issue:
// the deputy and the period it was saved for.
type DutyReportInput struct {
	Deputy int64  `json:"deputy"`
	From   string `json:"from"`
	To     string `json:"to"`
}

// IssueDutyReport issues a deputy's report to voters (述职, the narrative
// and review stored by internal/app SaveVoterReport) as a document of the
// organisation over the deputy; by the committee or a station's officer
// whose jurisdiction holds the deputy, once per deputy and period (a later
// edit is issued as a correction).
func (s *Service) IssueDutyReport(ctx context.Context, p zhitong.Principal, in DutyReportInput) (*Document, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleOfficer {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "述职报告由代表工委或联络站工作人员签发")
	}
	if in.Deputy <= 0 {
		return nil, zhitong.Invalid("deputy", "请指定代表")
	}
	if in.From == "" || in.To == "" {
		return nil, zhitong.Invalid("from", "请指定述职期间的起止日期")
	}
	v, err := s.app.VoterReport(ctx, p, in.Deputy, in.From, in.To)
	if c := zhitong.ErrorCode(err); c == zhitong.ENOTFOUND || c == zhitong.EFORBIDDEN {
		return nil, zhitong.Invalid("deputy", "代表不存在或不在您的管辖范围内")
	}
	if err != nil {
		return nil, err
	}
	if !v.Saved {
		return nil, zhitong.Invalid("from", "%s 至 %s 的述职报告尚未保存，请先保存述职报告正文和评议结果再签发", v.Scorecard.From, v.Scorecard.To)
	}
	sc, rep := v.Scorecard, v.Report
	var out *Document
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		dep, err := store.GetDeputy(ctx, tx, in.Deputy)
		if err != nil {
			return err
		}
		org, err := organisation(ctx, tx, dep.RegionCode)
		if err != nil {
			return err
		}
		doc := layout.Doc{Title: sc.Name + "代表履职情况报告（" + chineseDate(sc.From) + "至" + chineseDate(sc.To) + "）", Addressee: "各位选民"}
		s.letterhead(org, &doc)
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Heading1, Text: "一、履职情况"})
		doc.Body = append(doc.Body, TextBlocks(rep.Narrative)...)
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Heading1, Text: "二、履职记录"},
			layout.Block{Kind: layout.Table, Rows: [][]string{
				{"进站履职", "接待群众", "收集意见建议", "提出建议", "建议采纳", "调解", "参加活动"},
				{strconv.Itoa(sc.Visits), strconv.Itoa(sc.Received), strconv.Itoa(sc.Cases), strconv.Itoa(sc.Proposals),
					strconv.Itoa(sc.Adopted), strconv.Itoa(sc.Mediations), strconv.Itoa(sc.Activities)}}})
		if rep.Present > 0 {
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Heading1, Text: "三、选民评议"},
				layout.Block{Kind: layout.Para, Text: "到会选民 " + strconv.Itoa(rep.Present) + " 人，评议满意 " + strconv.Itoa(rep.Satisfied) +
					" 票，基本满意 " + strconv.Itoa(rep.Basic) + " 票，不满意 " + strconv.Itoa(rep.Unsatisfied) + " 票。"})
		}
		source := "duty_report:" + strconv.FormatInt(in.Deputy, 10) + ":" + sc.From + ":" + sc.To
		out, err = s.issue(ctx, tx, p, &draft{kind: "duty_report", org: org, source: source, doc: doc})
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			return zhitong.Errorf(zhitong.ECONFLICT, "这一期间的述职报告已签发过，不能重复签发；修改后请对已签发的报告发出更正")
		}
		return err
	})
	return out, err
}
