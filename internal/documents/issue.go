package documents

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/documents/layout"
	"zhitong/internal/store"
)

// letterhead fills the parts every document of org shares.
func (s *Service) letterhead(org zhitong.Organisation, doc *layout.Doc) {
	committee := org.CommitteeName
	if committee == "" {
		committee = org.Name
	}
	doc.Authority, doc.Signer = committee, committee
	doc.Date = s.today()
	doc.Printer, doc.PrintDate = org.Name+"办公室", doc.Date
}

// assignDoc is the 交办函 of cases handed to unit: what, the deadline in
// working days and its date, what to send back.
func (s *Service) assignDoc(org zhitong.Organisation, unit zhitong.Unit, cases []*store.CaseRecord, co []string) layout.Doc {
	doc := layout.Doc{Title: "关于交办群众意见建议的函", Addressee: unit.Name}
	s.letterhead(org, &doc)
	n := len(cases)
	intro := fmt.Sprintf("现将群众通过人大代表联络站反映的意见建议%s交由你单位办理。", map[bool]string{true: "", false: fmt.Sprintf("（共 %d 件）", n)}[n == 1])
	doc.Body = []layout.Block{{Kind: layout.Para, Text: intro}, {Kind: layout.Heading1, Text: "一、交办事项"}}
	rows := [][]string{{"序号", "查询码", "事项", "办理时限", "办结期限"}}
	for i, c := range cases {
		rows = append(rows, []string{strconv.Itoa(i + 1), c.Code, c.Title, strconv.Itoa(c.DueDays) + " 个工作日", chineseDate(c.DueDate)})
	}
	doc.Body = append(doc.Body, layout.Block{Kind: layout.Table, Rows: rows})
	if n == 1 {
		c := cases[0]
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "反映内容：" + c.Body})
		if c.Place != "" {
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "事发地点：" + c.Place})
		}
	}
	doc.Body = append(doc.Body,
		layout.Block{Kind: layout.Heading1, Text: "二、办理要求"},
		layout.Block{Kind: layout.Para, Text: "请你单位自收到本函之日起，在上表所列工作日内办结，并在办结期限前通过民意直通平台书面答复我委，同时将办理结果反馈群众。确有困难不能按期办结的，请在期限届满前申请延期并说明理由。"},
		layout.Block{Kind: layout.Heading1, Text: "三、报送材料"},
		layout.Block{Kind: layout.Para, Text: "办理结束后，请报送答复函一份，写明办理结果（已解决、正在解决、列入计划或因条件限制暂不能解决）、依据、经办人和联系电话；列入计划的，写明计划完成时间。"},
	)
	if len(co) > 0 {
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "协办单位：" + strings.Join(co, "、") + "。请主办单位牵头，协办单位配合。"})
		doc.CC = co
	}
	doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "特此函告。"})
	return doc
}

// chineseDate writes 2026-12-07 as 2026年12月7日.
func chineseDate(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// onAssigned issues the 交办函 of an assignment, in its transaction: one
// letter for every case assigned together (one case, or a batch to one
// unit), numbered once and linked to each. A region without an
// organisation (never after zhitong init) issues none.
func (s *Service) onAssigned(ctx context.Context, tx *store.Tx, p zhitong.Principal, cases []*store.CaseRecord) error {
	if len(cases) == 0 {
		return nil
	}
	org, err := store.OrganisationFor(ctx, tx, cases[0].RegionCode)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	// One letter has one issuer: a batch must lie in one organisation's area.
	for _, c := range cases[1:] {
		other, err := store.OrganisationFor(ctx, tx, c.RegionCode)
		if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return err
		}
		if other.RegionCode != org.RegionCode {
			return zhitong.Invalid("case_ids", "案件 #%d 与案件 #%d 分属不同的人大常委会，不能列入同一份交办函，请分别交办", c.ID, cases[0].ID)
		}
	}
	unit, err := store.GetUnit(ctx, tx, cases[0].LeadUnitID)
	if err != nil {
		return err
	}
	rounds, co, err := assignRounds(ctx, tx, cases)
	if err != nil {
		return err
	}
	_, err = s.issue(ctx, tx, p, &draft{kind: "assign", org: org, unitID: unit.ID, cases: rounds, doc: s.assignDoc(org, unit, cases, co)})
	return err
}

// assignRounds links each case's current lead assignment (document_cases.ref)
// and, for a letter of one case, names its co-handling units.
func assignRounds(ctx context.Context, q store.Q, cases []*store.CaseRecord) ([]caseRound, []string, error) {
	rounds := make([]caseRound, 0, len(cases))
	for _, c := range cases {
		lead, err := leadAssignment(ctx, q, c)
		if err != nil {
			return nil, nil, err
		}
		rounds = append(rounds, caseRound{c.ID, c.Round, lead})
	}
	if len(cases) != 1 {
		return rounds, nil, nil
	}
	co, err := coUnits(ctx, q, cases[0])
	return rounds, co, err
}

// leadAssignment is the id of the case's current assignment to its lead
// unit (the latest of the round not given back).
func leadAssignment(ctx context.Context, q store.Q, c *store.CaseRecord) (int64, error) {
	as, err := store.ListAssignments(ctx, q, c.ID)
	if err != nil {
		return 0, err
	}
	var id int64
	for _, a := range as {
		if a.Round == c.Round && a.Lead && a.UnitID == c.LeadUnitID && a.State != zhitong.AssignmentReturned {
			id = max(id, a.ID)
		}
	}
	return id, nil
}

// coUnits names the co-handling units of the case's current round.
func coUnits(ctx context.Context, q store.Q, c *store.CaseRecord) ([]string, error) {
	as, err := store.ListAssignments(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range as {
		if a.Round == c.Round && !a.Lead && a.State != zhitong.AssignmentReturned {
			u, err := store.GetUnit(ctx, q, a.UnitID)
			if err != nil {
				return nil, err
			}
			out = append(out, u.Name)
		}
	}
	return out, nil
}

// AssignInput issues one 交办函 for a batch of cases assigned to one unit
// (cases assigned before documents were issued automatically, or a
// combined letter): each must be assigned to the unit as lead unit in its
// current round, still running, and have no 交办函 of that round.
type AssignInput struct {
	UnitID  int64   `json:"unit_id"`
	CaseIDs []int64 `json:"case_ids"`
}

// IssueAssign issues the 交办函 of in.
func (s *Service) IssueAssign(ctx context.Context, p zhitong.Principal, in AssignInput) (*Document, error) {
	if !p.May(zhitong.ActionAssign) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权签发交办函", zhitong.Label(zhitong.Roles, p.Role))
	}
	if in.UnitID == 0 {
		return nil, zhitong.Invalid("unit_id", "请选择承办单位")
	}
	if len(in.CaseIDs) == 0 {
		return nil, zhitong.Invalid("case_ids", "请选择要交办的案件")
	}
	if len(in.CaseIDs) > 50 {
		return nil, zhitong.Invalid("case_ids", "一份交办函最多列 50 件案件")
	}
	var out *Document
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		unit, err := s.app.CheckOwnUnitRef(ctx, tx, p, "unit_id", "承办单位", in.UnitID)
		if err != nil {
			return err
		}
		var cases []*store.CaseRecord
		seen := map[int64]bool{}
		region := ""
		for _, id := range in.CaseIDs {
			if seen[id] {
				return zhitong.Invalid("case_ids", "案件重复")
			}
			seen[id] = true
			c, err := store.GetCase(ctx, tx, id)
			if err != nil {
				return zhitong.Invalid("case_ids", "案件不存在")
			}
			if err := s.app.AuthorizeCase(ctx, tx, p, zhitong.ActionAssign, c); err != nil {
				return err
			}
			if !c.Status.Running() {
				return zhitong.Errorf(zhitong.ECONFLICT, "案件 %s 当前状态为“%s”，不在办理中，不能签发交办函", c.Code, zhitong.Label(zhitong.Statuses, c.Status))
			}
			if c.LeadUnitID != unit.ID {
				return zhitong.Invalid("case_ids", "案件 %s 的主办单位不是%s", c.Code, unit.Name)
			}
			org, err := organisation(ctx, tx, c.RegionCode)
			if err != nil {
				return err
			}
			if region != "" && org.RegionCode != region {
				return zhitong.Invalid("case_ids", "所选案件分属不同的人大常委会，请分别签发")
			}
			region = org.RegionCode
			cases = append(cases, c)
		}
		org, err := organisation(ctx, tx, cases[0].RegionCode)
		if err != nil {
			return err
		}
		rounds, co, err := assignRounds(ctx, tx, cases)
		if err != nil {
			return err
		}
		out, err = s.issue(ctx, tx, p, &draft{kind: "assign", org: org, unitID: unit.ID, cases: rounds, doc: s.assignDoc(org, unit, cases, co)})
		return err
	})
	return out, err
}

// onLetter issues the 督办函 of a supervision letter under the number the
// letter was given (the organisation's 督办函 series).
func (s *Service) onLetter(ctx context.Context, tx *store.Tx, p zhitong.Principal, l *store.Letter) error {
	c, err := store.GetCase(ctx, tx, l.CaseID)
	if err != nil {
		return err
	}
	org, err := store.OrganisationFor(ctx, tx, c.RegionCode)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil
	}
	if err != nil {
		return err
	}
	unit, err := store.GetUnit(ctx, tx, l.UnitID)
	if err != nil {
		return err
	}
	doc := layout.Doc{Title: "督办函", Addressee: unit.Name}
	if l.ProposalID != 0 {
		doc.Title = "关于督办代表建议的函"
	} else {
		doc.Title = "关于督办群众意见建议的函"
	}
	s.letterhead(org, &doc)
	// The letter's body starts with the addressee's line; the rest are paragraphs.
	lines := strings.Split(l.Body, "\n")
	if len(lines) > 1 {
		lines = lines[1:]
	}
	for _, line := range lines {
		if t := strings.TrimSpace(strings.TrimLeft(line, "　")); t != "" {
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: t})
		}
	}
	doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "特此函告。"})
	// Several letters may go out in one round (escalation, by hand): the
	// case link is keyed by the letter (ref), so each has its own and the
	// letter lists with its case (GET /documents?case_id=, the case page).
	d := &draft{kind: "supervise", org: org, unitID: unit.ID, source: "letter:" + strconv.FormatInt(l.ID, 10), doc: doc,
		number: l.Number, year: l.Year, seq: l.DocSeq, cases: []caseRound{{c.ID, l.Round, l.ID}}}
	_, err = s.issue(ctx, tx, p, d)
	return err
}

// ReplyInput issues the 答复函 of a reply a unit recorded.
type ReplyInput struct {
	CaseID  int64 `json:"case_id"`
	ReplyID int64 `json:"reply_id"`
}

// IssueReply issues the 答复函 of the unit's reply: from the unit to the
// congress office, with the outcome and the text it recorded. The unit
// that replied or the office may issue it, once per reply.
func (s *Service) IssueReply(ctx context.Context, p zhitong.Principal, in ReplyInput) (*Document, error) {
	if in.CaseID == 0 {
		return nil, zhitong.Invalid("case_id", "请指定案件")
	}
	if in.ReplyID == 0 {
		return nil, zhitong.Invalid("reply_id", "请指定答复")
	}
	var out *Document
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCase(ctx, tx, in.CaseID)
		if err != nil {
			return zhitong.Invalid("case_id", "案件不存在")
		}
		if err := s.app.AuthorizeCase(ctx, tx, p, zhitong.ActionView, c); err != nil {
			return err
		}
		if p.Role != zhitong.RoleUnit && !p.May(zhitong.ActionAssign) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权签发答复函", zhitong.Label(zhitong.Roles, p.Role))
		}
		replies, err := store.ListReplies(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var r *zhitong.Reply
		for _, x := range replies {
			if x.ID == in.ReplyID {
				r = x
			}
		}
		if r == nil {
			return zhitong.Invalid("reply_id", "该案件没有这条答复")
		}
		if p.Role == zhitong.RoleUnit && r.UnitID != p.UnitID {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "只能为本单位的答复签发答复函")
		}
		org, err := organisation(ctx, tx, c.RegionCode)
		if err != nil {
			return err
		}
		unit, err := store.GetUnit(ctx, tx, r.UnitID)
		if err != nil {
			return err
		}
		committee := org.CommitteeName
		if committee == "" {
			committee = org.Name
		}
		doc := layout.Doc{Title: "关于群众意见建议办理情况的答复函", Addressee: committee}
		s.letterhead(org, &doc)
		// The unit issues it, so the unit prints it (版记's 印发机关).
		doc.Authority, doc.Signer, doc.Printer = unit.Name, unit.Name, unit.Name
		doc.Body = []layout.Block{
			{Kind: layout.Para, Text: fmt.Sprintf("你委交办的群众意见建议“%s”（查询码 %s）已办理，现将办理情况答复如下：", c.Title, c.Code)},
			{Kind: layout.Para, Text: "办理结果：" + zhitong.Label(zhitong.Outcomes, r.Outcome) + "。"},
			{Kind: layout.Para, Text: r.Text},
		}
		if r.PlannedDate != "" {
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "计划完成时间：" + chineseDate(r.PlannedDate) + "。"})
		}
		if r.Reason != "" {
			doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "暂不能解决的原因：" + r.Reason})
		}
		doc.Body = append(doc.Body, layout.Block{Kind: layout.Para, Text: "特此答复。"})
		doc.CC = nil
		out, err = s.issue(ctx, tx, p, &draft{kind: "reply", org: org, unitID: unit.ID, source: "reply:" + strconv.FormatInt(r.ID, 10),
			cases: []caseRound{{c.ID, r.Round, r.ID}}, doc: doc})
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			return zhitong.Errorf(zhitong.ECONFLICT, "这条答复已签发过答复函，不能重复签发")
		}
		return err
	})
	return out, err
}
