package app

import (
	"context"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// unitAssignment finds the acting unit's assignment in the case's current round.
func unitAssignment(ctx context.Context, tx *store.Tx, c *store.CaseRecord, unitID int64) (*zhitong.Assignment, error) {
	list, err := store.ListAssignments(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, as := range list {
		if as.Round == c.Round && as.UnitID == unitID && as.State != zhitong.AssignmentDone && as.State != zhitong.AssignmentReturned {
			return as, nil
		}
	}
	return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "本单位在本轮没有该案件的办理任务")
}

// Accept records that a unit has taken the case on (签收). The lead unit's
// acceptance starts the handling.
func (a *App) Accept(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	return a.step(ctx, p, id, in.Version, zhitong.ActionAccept, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		as, err := unitAssignment(ctx, tx, c, p.UnitID)
		if err != nil {
			return err
		}
		if as.State != zhitong.AssignmentPending {
			return zhitong.Errorf(zhitong.ECONFLICT, "本单位已签收该案件")
		}
		as.State, as.AcceptedAt = zhitong.AssignmentAccepted, a.clock.Now()
		if err := tx.UpdateAssignment(ctx, as); err != nil {
			return err
		}
		if as.Lead {
			c.Status = zhitong.StatusInProgress
			ev.Public = "承办单位已签收，正在办理"
			ev.Note = "主办单位签收"
		} else {
			ev.Note = "协办单位签收"
		}
		return nil
	})
}

// Return sends a case back as not the lead unit's remit (退回), with a reason;
// staff then reassign it.
func (a *App) Return(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := requireText("text", "退回理由", in.Text); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionReturn, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		as, err := unitAssignment(ctx, tx, c, p.UnitID)
		if err != nil {
			return err
		}
		if !as.Lead {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "只有主办单位可以退回案件")
		}
		if err := a.checkReturnWindow(as); err != nil {
			return err
		}
		list, err := store.ListAssignments(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		now := a.clock.Now()
		for _, other := range list {
			if other.Round != c.Round || other.State == zhitong.AssignmentDone || other.State == zhitong.AssignmentReturned {
				continue
			}
			other.State = zhitong.AssignmentDone
			if other.ID == as.ID {
				other.State, other.ReturnedAt, other.ReturnReason = zhitong.AssignmentReturned, now, strings.TrimSpace(in.Text)
			}
			if err := tx.UpdateAssignment(ctx, other); err != nil {
				return err
			}
		}
		if err := withdrawExtensions(ctx, tx, c); err != nil {
			return err
		}
		c.DueFrom, c.DueDays, c.DueDate, c.DueProvisional, c.LeadUnitID = "", 0, "", false, 0
		ev.Note = "退回理由：" + strings.TrimSpace(in.Text)
		ev.Public = "正在重新确定承办单位"
		return nil
	})
}

// ExtensionInput asks for more working days (延期申请).
type ExtensionInput struct {
	Version int    `json:"version"`
	Days    int    `json:"days"`
	Reason  string `json:"reason"`
}

// RequestExtension records a lead unit's request for more time.
func (a *App) RequestExtension(ctx context.Context, p zhitong.Principal, id int64, in ExtensionInput) (*zhitong.Case, error) {
	if in.Days < 1 || in.Days > 60 {
		return nil, zhitong.Invalid("days", "延期天数应在 1 到 60 个工作日之间")
	}
	if err := requireText("reason", "延期理由", in.Reason); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionRequestExtension, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		as, err := unitAssignment(ctx, tx, c, p.UnitID)
		if err != nil {
			return err
		}
		if !as.Lead {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "只有主办单位可以申请延期")
		}
		exts, err := store.ListExtensions(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		for _, e := range exts {
			if e.State == "pending" {
				return zhitong.Errorf(zhitong.ECONFLICT, "已有一项延期申请待审批")
			}
		}
		ext := &zhitong.Extension{CaseID: c.ID, UnitID: p.UnitID, Days: in.Days, Reason: strings.TrimSpace(in.Reason), State: "pending", RequestedAt: a.clock.Now()}
		if _, err := tx.InsertExtension(ctx, ext); err != nil {
			return err
		}
		ev.Note = "申请延期 " + strconv.Itoa(in.Days) + " 个工作日：" + ext.Reason
		return nil
	})
}

// DecisionInput approves or refuses a pending extension request.
type DecisionInput struct {
	Version int    `json:"version"`
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// DecideExtension approves (moving the deadline, keeping the history) or
// refuses the pending extension request.
func (a *App) DecideExtension(ctx context.Context, p zhitong.Principal, id int64, in DecisionInput) (*zhitong.Case, error) {
	if !in.Approve {
		if err := requireText("note", "不同意延期的理由", in.Note); err != nil {
			return nil, err
		}
	} else if err := checkLen("note", "审批意见", in.Note, 0, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionDecideExtension, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		exts, err := store.ListExtensions(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		var ext *zhitong.Extension
		for _, e := range exts {
			if e.State == "pending" {
				ext = e
			}
		}
		if ext == nil {
			return zhitong.Errorf(zhitong.ECONFLICT, "没有待审批的延期申请")
		}
		ext.DecidedAt, ext.DecidedBy, ext.Note = a.clock.Now(), p.UserID, strings.TrimSpace(in.Note)
		if in.Approve {
			from, err := time.Parse(time.DateOnly, c.DueFrom)
			if err != nil {
				return zhitong.Errorf(zhitong.ECONFLICT, "案件没有正在计算的办理时限")
			}
			old := c.DueDate
			c.DueDays += ext.Days
			due, prov := a.cal.Load().AddWorkdays(from, c.DueDays)
			c.DueDate, c.DueProvisional = due.Format(time.DateOnly), prov
			ext.State, ext.NewDue = "approved", c.DueDate
			if err := setRoundDue(ctx, tx, c); err != nil {
				return err
			}
			ev.Note = "同意延期 " + strconv.Itoa(ext.Days) + " 个工作日，截止日期由 " + old + " 改为 " + c.DueDate
			ev.Public = "办理期限延长至 " + c.DueDate
		} else {
			ext.State = "refused"
			ev.Note = "不同意延期：" + ext.Note
		}
		return tx.UpdateExtension(ctx, ext)
	})
}

func setRoundDue(ctx context.Context, tx *store.Tx, c *store.CaseRecord) error {
	list, err := store.ListAssignments(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, as := range list {
		if as.Round == c.Round && as.State != zhitong.AssignmentDone && as.State != zhitong.AssignmentReturned {
			as.DueDate = c.DueDate
			if err := tx.UpdateAssignment(ctx, as); err != nil {
				return err
			}
		}
	}
	return nil
}

// DeliveryInput records that a reply reached one recipient.
type DeliveryInput struct {
	Recipient zhitong.Recipient       `json:"recipient"`
	Channel   zhitong.FeedbackChannel `json:"channel"`
	At        string                  `json:"at"` // RFC 3339; empty is now
	Note      string                  `json:"note"`
}

// ReplyInput is a unit's reply with its outcome class (答复).
// maxPublicSummary bounds a reply's public summary, in characters.
const maxPublicSummary = 200

type ReplyInput struct {
	Version     int             `json:"version"`
	Outcome     zhitong.Outcome `json:"outcome"`
	Text        string          `json:"text"`
	PlannedDate string          `json:"planned_date"`
	Reason      string          `json:"reason"`
	// PublicSummary is what was done, for the public results board
	// (optional, at most 200 characters, masked again when shown).
	PublicSummary string          `json:"public_summary"`
	Deliveries    []DeliveryInput `json:"deliveries"`
}

func (a *App) validateReply(in *ReplyInput, p zhitong.Principal) ([]zhitong.Delivery, error) {
	if !zhitong.Valid(zhitong.Outcomes, in.Outcome) {
		return nil, zhitong.Invalid("outcome", "请选择办理结果分类（A 已解决、B 正在解决、C 列入计划、D 暂不能解决）")
	}
	if err := checkLen("text", "答复内容", in.Text, 5, maxBody); err != nil {
		return nil, err
	}
	if err := checkLen("public_summary", "公示摘要", in.PublicSummary, 0, maxPublicSummary); err != nil {
		return nil, err
	}
	switch in.Outcome {
	case zhitong.OutcomePlanned:
		d, err := parseDate("planned_date", in.PlannedDate)
		if err != nil {
			return nil, zhitong.Invalid("planned_date", "C 类（列入计划）须填写计划完成日期")
		}
		if d.Before(a.today()) {
			return nil, zhitong.Invalid("planned_date", "计划完成日期不能早于今天")
		}
	case zhitong.OutcomeNotNow:
		if err := requireText("reason", "暂不能解决的原因", in.Reason); err != nil {
			return nil, err
		}
	default:
		if in.PlannedDate != "" {
			if _, err := parseDate("planned_date", in.PlannedDate); err != nil {
				return nil, err
			}
		}
	}
	return a.deliveries(in.Deliveries, p)
}

func (a *App) deliveries(ins []DeliveryInput, p zhitong.Principal) ([]zhitong.Delivery, error) {
	if len(ins) > 2 {
		return nil, zhitong.Invalid("deliveries", "双反馈最多两条：反馈人大、反馈群众")
	}
	seen := map[zhitong.Recipient]bool{}
	var out []zhitong.Delivery
	now := a.clock.Now()
	for _, d := range ins {
		if !zhitong.Valid(zhitong.Recipients, d.Recipient) {
			return nil, zhitong.Invalid("deliveries", "反馈对象应为 congress（人大）或 citizen（群众）")
		}
		if seen[d.Recipient] {
			return nil, zhitong.Invalid("deliveries", "同一反馈对象只能登记一次")
		}
		seen[d.Recipient] = true
		if !zhitong.Valid(zhitong.FeedbackChannels, d.Channel) {
			return nil, zhitong.Invalid("deliveries", "反馈方式“%s”无效", d.Channel)
		}
		at := now
		if d.At != "" {
			t, err := time.Parse(time.RFC3339, d.At)
			if err != nil {
				return nil, zhitong.Invalid("deliveries", "反馈时间格式不正确")
			}
			if t.After(now.Add(time.Minute)) {
				return nil, zhitong.Invalid("deliveries", "反馈时间不能晚于现在")
			}
			at = t
		}
		if err := checkLen("deliveries", "反馈备注", d.Note, 0, maxShort); err != nil {
			return nil, err
		}
		out = append(out, zhitong.Delivery{Recipient: d.Recipient, Channel: d.Channel, At: at, Note: strings.TrimSpace(d.Note), By: p.UserID})
	}
	return out, nil
}

// Reply records the lead unit's answer and its outcome class. "Replied" is
// never "solved": only outcome A counts as solved. The previous reply's
// open follow-ups end with it.
func (a *App) Reply(ctx context.Context, p zhitong.Principal, id int64, in ReplyInput) (*zhitong.Case, error) {
	return a.ReplyWith(ctx, p, id, in, nil)
}

// ReplyWith is Reply that also, when not nil, writes more rows of the reply
// (its attachments) in the same transaction.
func (a *App) ReplyWith(ctx context.Context, p zhitong.Principal, id int64, in ReplyInput, also func(*store.Tx, *store.CaseRecord) error) (*zhitong.Case, error) {
	dels, err := a.validateReply(&in, p)
	if err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionReply, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		if ev.FromStatus == zhitong.StatusProposal {
			return zhitong.Errorf(zhitong.ECONFLICT, "该案件已转为代表建议，请在代表建议中答复")
		}
		unitID := c.LeadUnitID
		if p.Role == zhitong.RoleUnit {
			as, err := unitAssignment(ctx, tx, c, p.UnitID)
			if err != nil {
				return err
			}
			if !as.Lead {
				return zhitong.Errorf(zhitong.EFORBIDDEN, "答复由主办单位统一作出")
			}
			unitID = p.UnitID
		}
		r := &zhitong.Reply{CaseID: c.ID, Round: c.Round, UnitID: unitID, Outcome: in.Outcome, Text: strings.TrimSpace(in.Text),
			PlannedDate: in.PlannedDate, Reason: strings.TrimSpace(in.Reason), PublicSummary: strings.TrimSpace(in.PublicSummary), At: a.clock.Now(), By: p.UserID, Deliveries: dels}
		if _, err := tx.InsertReply(ctx, r); err != nil {
			return err
		}
		if err := finishRound(ctx, tx, c); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx, c); err != nil {
				return err
			}
		}
		ev.Note = zhitong.Label(zhitong.Outcomes, in.Outcome)
		ev.Public = "承办单位已答复（" + zhitong.Label(zhitong.Outcomes, in.Outcome) + "），请您评价"
		return a.replyEndsFollowUps(ctx, tx, p, c, in.Outcome, ev)
	})
}

// finishRound marks the current round's assignments done and withdraws any
// extension request still pending, so it cannot be approved in a later round.
func finishRound(ctx context.Context, tx *store.Tx, c *store.CaseRecord) error {
	if err := withdrawExtensions(ctx, tx, c); err != nil {
		return err
	}
	list, err := store.ListAssignments(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, as := range list {
		if as.Round == c.Round && as.State != zhitong.AssignmentDone && as.State != zhitong.AssignmentReturned {
			as.State = zhitong.AssignmentDone
			if err := tx.UpdateAssignment(ctx, as); err != nil {
				return err
			}
		}
	}
	return nil
}

// Deliver records one side of dual feedback for the case's latest reply.
func (a *App) Deliver(ctx context.Context, p zhitong.Principal, id int64, in DeliveryInput) (*zhitong.Case, error) {
	dels, err := a.deliveries([]DeliveryInput{in}, p)
	if err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, 0, zhitong.ActionDeliver, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		replies, err := store.ListReplies(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		if len(replies) == 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "案件尚无答复")
		}
		last := replies[len(replies)-1]
		for _, d := range last.Deliveries {
			if d.Recipient == in.Recipient {
				return zhitong.Errorf(zhitong.ECONFLICT, "本次答复已登记过%s", zhitong.Label(zhitong.Recipients, in.Recipient))
			}
		}
		dels[0].ReplyID = last.ID
		ev.Note = zhitong.Label(zhitong.Recipients, in.Recipient) + "（" + zhitong.Label(zhitong.FeedbackChannels, in.Channel) + "）"
		return tx.InsertDelivery(ctx, &dels[0])
	})
}

// ReplyProposal records the reply to a deputy proposal; it reaches every
// citizen's case the proposal bundles.
func (a *App) ReplyProposal(ctx context.Context, p zhitong.Principal, proposalID int64, in ReplyInput) (*zhitong.Proposal, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "代表建议的答复由代表工委登记")
	}
	dels, err := a.validateReply(&in, p)
	if err != nil {
		return nil, err
	}
	prop, err := store.GetProposal(ctx, a.db, proposalID)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(prop.RegionCode, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该代表建议不在您的管辖范围内")
	}
	if prop.State != "open" {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该代表建议已答复")
	}
	// Check every bundled case first, so that the fan-out below does not stop
	// half-way on one the caller may not answer for; a re-run skips the cases
	// already replied.
	var pending []int64
	for _, cid := range prop.CaseIDs {
		c, err := store.GetCase(ctx, a.db, cid)
		if err != nil {
			return nil, err
		}
		if c.Status != zhitong.StatusProposal {
			continue
		}
		if err := a.authorize(ctx, a.db, p, zhitong.ActionReply, c); err != nil {
			return nil, err
		}
		pending = append(pending, cid)
	}
	for _, cid := range pending {
		_, err := a.step(ctx, p, cid, 0, zhitong.ActionReply, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
			if ev.FromStatus != zhitong.StatusProposal {
				return errSkip
			}
			r := &zhitong.Reply{CaseID: c.ID, Round: c.Round, ProposalID: prop.ID, Outcome: in.Outcome, Text: strings.TrimSpace(in.Text),
				PlannedDate: in.PlannedDate, Reason: strings.TrimSpace(in.Reason), PublicSummary: strings.TrimSpace(in.PublicSummary), At: a.clock.Now(), By: p.UserID,
				Deliveries: append([]zhitong.Delivery(nil), dels...)}
			if _, err := tx.InsertReply(ctx, r); err != nil {
				return err
			}
			ev.Note = "代表建议 #" + strconv.FormatInt(prop.ID, 10) + " 答复：" + zhitong.Label(zhitong.Outcomes, in.Outcome)
			ev.Public = "代表建议已获答复（" + zhitong.Label(zhitong.Outcomes, in.Outcome) + "），请您评价"
			return a.replyEndsFollowUps(ctx, tx, p, c, in.Outcome, ev)
		})
		if err != nil && err != errSkip {
			return nil, err
		}
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetProposalState(ctx, prop.ID, "replied"); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "proposal.reply", "proposal:"+strconv.FormatInt(prop.ID, 10), map[string]any{"outcome": in.Outcome, "cases": len(prop.CaseIDs)})
	})
	if err != nil {
		return nil, err
	}
	return store.GetProposal(ctx, a.db, prop.ID)
}

// errSkip rolls back one case's step without failing the whole operation.
var errSkip = &zhitong.Error{Code: zhitong.ECONFLICT, Message: "跳过"}

// withdrawExtensions ends the pending extension requests of a case whose round is over.
func withdrawExtensions(ctx context.Context, tx *store.Tx, c *store.CaseRecord) error {
	exts, err := store.ListExtensions(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, e := range exts {
		if e.State == "pending" {
			e.State, e.Note = "withdrawn", "本轮办理已结束，申请自动撤回"
			if err := tx.UpdateExtension(ctx, e); err != nil {
				return err
			}
		}
	}
	return nil
}
