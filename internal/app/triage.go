package app

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/search"
	"zhitong/internal/store"
)

// RegisterInput classifies a case taken in online (登记、分类).
type RegisterInput struct {
	Version      int              `json:"version"`
	Title        string           `json:"title"`
	CategoryCode string           `json:"category"`
	Kind         zhitong.CaseKind `json:"kind"` // 诉求类型, optional; picks the deadline with the category
	RegionCode   string           `json:"region"`
	StationID    int64            `json:"station_id"`
	DeputyID     int64            `json:"deputy_id"`
	Place        string           `json:"place"`
	Note         string           `json:"note"`
}

// Register records category, place, station and deputy of a submitted case.
func (a *App) Register(ctx context.Context, p zhitong.Principal, id int64, in RegisterInput) (*zhitong.Case, error) {
	if in.CategoryCode == "" {
		return nil, zhitong.Invalid("category", "请选择分类")
	}
	if _, err := a.checkCategoryRef(ctx, a.db, "category", in.CategoryCode); err != nil {
		return nil, err
	}
	if err := validKind(in.Kind); err != nil {
		return nil, err
	}
	if err := checkLen("title", "标题", in.Title, 0, maxTitle); err != nil {
		return nil, err
	}
	if err := checkLen("place", "问题地点", in.Place, 0, maxShort); err != nil {
		return nil, err
	}
	if err := checkLen("note", "登记说明", in.Note, 0, maxNote); err != nil {
		return nil, err
	}
	if in.StationID != 0 {
		if _, err := a.checkStationRef(ctx, a.db, p, "station_id", in.StationID); err != nil {
			return nil, err
		}
	}
	if in.DeputyID != 0 {
		if _, err := a.checkDeputyRef(ctx, a.db, p, "deputy_id", in.DeputyID); err != nil {
			return nil, err
		}
	}
	if in.RegionCode != "" {
		if _, err := a.checkRegionRef(ctx, a.db, p, "region", in.RegionCode); err != nil {
			return nil, err
		}
		if err := a.checkStaffRegion(ctx, a.db, p, in.RegionCode); err != nil {
			return nil, err
		}
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionRegister, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.CategoryCode = in.CategoryCode
		if in.Title = strings.TrimSpace(in.Title); in.Title != "" {
			c.Title = in.Title
		}
		if in.RegionCode != "" {
			c.RegionCode = in.RegionCode
		}
		if in.StationID != 0 {
			c.StationID = in.StationID
		}
		if in.DeputyID != 0 {
			c.DeputyID = in.DeputyID
		}
		if in.Place != "" {
			c.Place = strings.TrimSpace(in.Place)
		}
		c.RegisteredAt = a.clock.Now()
		ev.Note, ev.Public = in.Note, "已登记，正在分流"
		if in.Kind != "" {
			if err := tx.SetCaseKind(ctx, c.ID, in.Kind); err != nil {
				return err
			}
		}
		return tx.IndexCase(ctx, c.ID, search.Document(c.Title+" "+c.Body+" "+c.Place))
	})
}

// TextInput carries the free text most steps need: an answer, a reason, a note.
type TextInput struct {
	Version int    `json:"version"`
	Text    string `json:"text"`
}

func requireText(field, label, s string) error { return checkLen(field, label, s, 1, maxNote) }

// Answer closes a case with an answer given on the spot (当场解答).
func (a *App) Answer(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := checkLen("text", "解答内容", in.Text, 1, maxBody); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionAnswer, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.Answer = strings.TrimSpace(in.Text)
		c.Resolution, c.ClosedAt = zhitong.ResolutionAnswered, a.clock.Now()
		if c.RegisteredAt.IsZero() {
			c.RegisteredAt = c.ClosedAt
		}
		ev.Public = "已当场解答：" + c.Answer
		return nil
	})
}

// AssignInput hands a case to one lead unit plus co-handlers (交办).
type AssignInput struct {
	Version  int              `json:"version"`
	LeadUnit int64            `json:"lead_unit_id"`
	CoUnits  []int64          `json:"co_unit_ids"`
	Days     int              `json:"days"` // working days; 0 takes the deadline policy's default
	Kind     zhitong.CaseKind `json:"kind"` // 诉求类型, optional; recorded and used for the default
	Note     string           `json:"note"`
}

// Assign hands the case to units with a working-day deadline; the
// Assigned hooks (its 交办函) run in the same transaction.
func (a *App) Assign(ctx context.Context, p zhitong.Principal, id int64, in AssignInput) (*zhitong.Case, error) {
	if err := checkAssignInput(in); err != nil {
		return nil, err
	}
	var out *zhitong.Case
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		c, err := a.assignTx(ctx, tx, p, id, in)
		if err != nil {
			return err
		}
		out = &c.Case
		return a.runAssignedHooks(ctx, tx, p, []*store.CaseRecord{c})
	})
	return out, err
}

// checkAssignInput checks what an assignment asks for before any case is read.
func checkAssignInput(in AssignInput) error {
	if in.LeadUnit == 0 {
		return zhitong.Invalid("lead_unit_id", "请选择主办单位")
	}
	if in.Days < 0 || in.Days > 130 {
		return zhitong.Invalid("days", "办理时限应在 1 到 130 个工作日之间")
	}
	if err := validKind(in.Kind); err != nil {
		return err
	}
	if len(in.CoUnits) > 10 {
		return zhitong.Invalid("co_unit_ids", "协办单位不能超过 10 个")
	}
	if err := checkLen("note", "交办意见", in.Note, 0, maxNote); err != nil {
		return err
	}
	seen := map[int64]bool{in.LeadUnit: true}
	for _, u := range in.CoUnits {
		if seen[u] {
			return zhitong.Invalid("co_unit_ids", "协办单位重复，或与主办单位相同")
		}
		seen[u] = true
	}
	return nil
}

// assignTx is the assignment step of case id inside tx.
func (a *App) assignTx(ctx context.Context, tx *store.Tx, p zhitong.Principal, id int64, in AssignInput) (*store.CaseRecord, error) {
	// Every unit must exist and serve both the actor's and the case's
	// county; checked in the step, after the case itself is authorised
	// (someone outside its jurisdiction is told forbidden, not invalid).
	units := func(q store.Q, caseRegion string) (lead zhitong.Unit, names []string, err error) {
		if lead, err = a.checkUnitRef(ctx, q, p, "lead_unit_id", in.LeadUnit, caseRegion); err != nil {
			return lead, nil, err
		}
		names = []string{lead.Name}
		for _, u := range in.CoUnits {
			unit, err := a.checkUnitRef(ctx, q, p, "co_unit_ids", u, caseRegion)
			if err != nil {
				return lead, nil, err
			}
			names = append(names, unit.Name)
		}
		return lead, names, nil
	}
	return a.stepTx(ctx, tx, p, id, in.Version, zhitong.ActionAssign, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		lead, names, err := units(tx, c.RegionCode)
		if err != nil {
			return err
		}
		days, err := a.defaultDays(ctx, tx, c, in.Kind)
		if err != nil && in.Days == 0 {
			return err
		}
		if in.Days != 0 {
			days = in.Days
		}
		c.DueFrom, c.DueDate, c.DueProvisional = a.due(days)
		c.DueDays = days
		c.LeadUnitID = in.LeadUnit
		if err := a.assignUnits(ctx, tx, c, in.LeadUnit, in.CoUnits, zhitong.AssignmentPending); err != nil {
			return err
		}
		ev.Note = "主办：" + names[0] + "；"
		if len(names) > 1 {
			ev.Note += "协办：" + strings.Join(names[1:], "、") + "；"
		}
		ev.Note += "时限 " + strconv.Itoa(days) + " 个工作日，截止 " + c.DueDate
		if in.Note != "" {
			ev.Note += "。" + in.Note
		}
		ev.Public = "已交办" + lead.Name + "办理，办理期限至 " + c.DueDate
		return nil
	})
}

func (a *App) assignUnits(ctx context.Context, tx *store.Tx, c *store.CaseRecord, lead int64, co []int64, state zhitong.AssignmentState) error {
	now := a.clock.Now()
	for i, u := range append([]int64{lead}, co...) {
		as := &zhitong.Assignment{CaseID: c.ID, UnitID: u, Lead: i == 0, Round: c.Round, DueDate: c.DueDate, State: state, AssignedAt: now}
		if state == zhitong.AssignmentAccepted {
			as.AcceptedAt = now
		}
		if _, err := tx.InsertAssignment(ctx, as); err != nil {
			return err
		}
	}
	return nil
}

// ProposeInput turns a case into a deputy proposal (代表建议): a new one, or
// an existing one that bundles several citizens' cases.
type ProposeInput struct {
	Version    int    `json:"version"`
	ProposalID int64  `json:"proposal_id"`
	Title      string `json:"title"`
	Body       string `json:"body"`
	DeputyID   int64  `json:"deputy_id"`
	UnitID     int64  `json:"unit_id"` // the handling unit (承办单位), optional
	Complex    bool   `json:"complex"` // a complex proposal gets the longer deadline
}

// Propose converts the case into (or bundles it with) a deputy proposal.
func (a *App) Propose(ctx context.Context, p zhitong.Principal, id int64, in ProposeInput) (*zhitong.Case, error) {
	if err := a.checkPropose(ctx, p, &in); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionPropose, a.propose(ctx, p, in))
}

// ProposeCases makes ONE deputy proposal of the cases ids in one
// transaction (a hot topic becoming a proposal, internal/topics): the first
// case whose state allows it creates the proposal from in, every other
// such case joins it, each an audited step; a case whose state does not
// allow it is skipped. An error on any case, or no case allowed
// (ECONFLICT), writes nothing.
func (a *App) ProposeCases(ctx context.Context, p zhitong.Principal, ids []int64, in ProposeInput) (proposalID int64, carried, skipped []int64, err error) {
	in.ProposalID, in.Version = 0, 0
	if err := a.checkPropose(ctx, p, &in); err != nil {
		return 0, nil, nil, err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		proposalID, carried, skipped = 0, []int64{}, []int64{} // a retried transaction starts again
		for _, id := range ids {
			c, err := store.GetCase(ctx, tx, id)
			if err != nil {
				return err
			}
			if c.Status.CanDo(zhitong.ActionPropose) != nil {
				skipped = append(skipped, id)
				continue
			}
			step := in
			step.ProposalID = proposalID
			after, err := a.stepTx(ctx, tx, p, id, 0, zhitong.ActionPropose, a.propose(ctx, p, step))
			if err != nil {
				return err
			}
			proposalID = after.ProposalID
			carried = append(carried, id)
		}
		if proposalID == 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "这些案件都已交办或办结，不能再转为代表建议（只有待分流或被退回的案件可以）")
		}
		return nil
	})
	if err != nil {
		return 0, nil, nil, err
	}
	return proposalID, carried, skipped, nil
}

// checkPropose checks a new proposal's fields and references (nothing to
// check when the case joins an existing one: the step checks that).
func (a *App) checkPropose(ctx context.Context, p zhitong.Principal, in *ProposeInput) error {
	if in.ProposalID != 0 {
		return nil
	}
	if err := checkLen("title", "建议标题", in.Title, 1, maxTitle); err != nil {
		return err
	}
	if err := checkLen("body", "建议内容", in.Body, 0, maxBody); err != nil {
		return err
	}
	if err := checkOwnDeputy(p, "deputy_id", in.DeputyID); err != nil {
		return err
	}
	if p.Role == zhitong.RoleDeputy {
		in.DeputyID = p.DeputyID
	}
	if in.DeputyID != 0 {
		if _, err := a.checkDeputyRef(ctx, a.db, p, "deputy_id", in.DeputyID); err != nil {
			return err
		}
	}
	if in.UnitID != 0 {
		if _, err := a.checkUnitRef(ctx, a.db, p, "unit_id", in.UnitID, ""); err != nil {
			return err
		}
	}
	return nil
}

// propose is the step that turns a case into a proposal (in.ProposalID 0:
// a new one) or bundles it with an existing one.
func (a *App) propose(ctx context.Context, p zhitong.Principal, in ProposeInput) stepFn {
	return func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		prop := &zhitong.Proposal{ID: in.ProposalID}
		var dueNote string
		var err error
		if in.ProposalID != 0 {
			existing, err := a.checkProposalRef(ctx, tx, p, "proposal_id", in.ProposalID)
			if err != nil {
				return err
			}
			if existing.State != "open" {
				return zhitong.Errorf(zhitong.ECONFLICT, "该代表建议已答复，不能再合并新的诉求")
			}
			prop = existing
		} else {
			prop = &zhitong.Proposal{Title: strings.TrimSpace(in.Title), Body: strings.TrimSpace(in.Body), DeputyID: in.DeputyID, UnitID: in.UnitID,
				RegionCode: c.RegionCode, State: "open", CreatedAt: a.clock.Now(), CreatedBy: p.UserID}
			if err := tx.InsertProposal(ctx, prop); err != nil {
				return err
			}
			if dueNote, err = a.proposalDue(ctx, tx, prop.ID, in.Complex); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, p, "proposal.create", "proposal:"+strconv.FormatInt(prop.ID, 10), map[string]any{"title": prop.Title}); err != nil {
				return err
			}
			if err := a.refreshDeputies(ctx, tx, prop.DeputyID); err != nil {
				return err
			}
		}
		c.ProposalID = prop.ID
		ev.Note = "代表建议 #" + strconv.FormatInt(prop.ID, 10) + "：" + prop.Title + dueNote
		ev.Public = "已转为人大代表建议，由代表提交有关部门办理"
		return nil
	}
}

// ReferInput sends a case outside the congress's remit (12345, 信访, courts).
type ReferInput struct {
	Version     int    `json:"version"`
	Destination string `json:"destination"`
	Note        string `json:"note"`
}

// Refer records where a case outside the remit was sent.
func (a *App) Refer(ctx context.Context, p zhitong.Principal, id int64, in ReferInput) (*zhitong.Case, error) {
	return a.ReferWith(ctx, p, id, in, nil)
}

// ReferWith is Refer with also run in the same step (nil: nothing more).
func (a *App) ReferWith(ctx context.Context, p zhitong.Principal, id int64, in ReferInput, also StepHook) (*zhitong.Case, error) {
	if err := checkLen("destination", "转往渠道", in.Destination, 1, maxShort); err != nil {
		return nil, err
	}
	if err := checkLen("note", "说明", in.Note, 0, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionRefer, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.ReferralDest = strings.TrimSpace(in.Destination)
		ev.Note = in.Note
		ev.Public = "该诉求不属于人大职权范围，已转交“" + c.ReferralDest + "”办理，我们将跟踪结果"
		if also != nil {
			return also(ctx, tx, c, ev)
		}
		return nil
	})
}

// ReferralResult records what the outside channel did, and closes the case.
func (a *App) ReferralResult(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	return a.ReferralResultWith(ctx, p, id, in, nil)
}

// ReferralResultWith is ReferralResult with also run in the same step.
func (a *App) ReferralResultWith(ctx context.Context, p zhitong.Principal, id int64, in TextInput, also StepHook) (*zhitong.Case, error) {
	if err := requireText("text", "转办结果", in.Text); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionReferralResult, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.ReferralResult = strings.TrimSpace(in.Text)
		c.Resolution, c.ClosedAt = zhitong.ResolutionReferred, a.clock.Now()
		ev.Public = c.ReferralDest + "办理结果：" + c.ReferralResult
		if also != nil {
			return also(ctx, tx, c, ev)
		}
		return nil
	})
}

// MergeInput merges a duplicate into another case.
type MergeInput struct {
	Version int    `json:"version"`
	Into    int64  `json:"into_case_id"`
	Note    string `json:"note"`
}

// Merge folds a duplicate case into another; the citizen follows the other case.
func (a *App) Merge(ctx context.Context, p zhitong.Principal, id int64, in MergeInput) (*zhitong.Case, error) {
	if in.Into == 0 || in.Into == id {
		return nil, zhitong.Invalid("into_case_id", "请选择要合并到的另一个案件")
	}
	if err := checkLen("note", "合并说明", in.Note, 0, maxNote); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionMerge, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		target, err := a.checkCaseRef(ctx, tx, p, "into_case_id", in.Into)
		if err != nil {
			return err
		}
		if target.Status == zhitong.StatusMerged {
			return zhitong.Invalid("into_case_id", "目标案件本身已被合并，请选择主案件")
		}
		c.MergedInto = target.ID
		c.Resolution, c.ClosedAt = zhitong.ResolutionMerged, a.clock.Now()
		ev.Note = "合并至 " + target.Code + "。" + in.Note
		ev.Public = "您的诉求与同类诉求合并办理，办理进展见本页“已与同类问题合并办理”"
		return a.noteFollowUpsEnded(ctx, tx, p, c, "案件已合并办理", ev)
	})
}

// Decline refuses a case with a reason the citizen is told. Nothing is
// rejected without one.
func (a *App) Decline(ctx context.Context, p zhitong.Principal, id int64, in TextInput) (*zhitong.Case, error) {
	if err := requireText("text", "不予受理的理由", in.Text); err != nil {
		return nil, err
	}
	return a.step(ctx, p, id, in.Version, zhitong.ActionDecline, func(tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
		c.DeclineReason = strings.TrimSpace(in.Text)
		c.Resolution, c.ClosedAt = zhitong.ResolutionDeclined, a.clock.Now()
		ev.Public = "不予受理。理由：" + c.DeclineReason
		return nil
	})
}
