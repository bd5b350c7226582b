package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/search"
	"zhitong/internal/store"
)

// CaseSummary is a case in a list, with personal data masked.
type CaseSummary struct {
	ID             int64                    `json:"id"`
	Code           string                   `json:"code"`
	Version        int                      `json:"version"`
	Status         zhitong.Status           `json:"status"`
	StatusLabel    string                   `json:"status_label"`
	Channel        string                   `json:"channel"`
	Title          string                   `json:"title"`
	Category       string                   `json:"category"`
	Region         string                   `json:"region"`
	StationID      int64                    `json:"station_id,omitempty"`
	DeputyID       int64                    `json:"deputy_id,omitempty"`
	LeadUnitID     int64                    `json:"lead_unit_id,omitempty"`
	Round          int                      `json:"round"`
	SubmittedAt    time.Time                `json:"submitted_at"`
	UpdatedAt      time.Time                `json:"updated_at"`
	DueDate        string                   `json:"due_date,omitempty"`
	DueProvisional bool                     `json:"due_provisional,omitempty"`
	DaysLeft       *int                     `json:"days_left,omitempty"` // working days; negative when overdue
	Overdue        bool                     `json:"overdue"`
	Level          zhitong.SupervisionLevel `json:"supervision_level"` // none, yellow, red: see docs/supervision.md
	Submitter      string                   `json:"submitter"`         // masked name, or 匿名
	Demo           bool                     `json:"demo,omitempty"`
}

// CaseView is everything staff see on a case page.
type CaseView struct {
	CaseSummary
	Body           string                `json:"body"`
	Place          string                `json:"place"`
	Lat            float64               `json:"lat,omitempty"`
	Lng            float64               `json:"lng,omitempty"`
	Anonymous      bool                  `json:"anonymous"`
	Phone          string                `json:"phone,omitempty"` // masked
	IDCard         string                `json:"id_card,omitempty"`
	Address        string                `json:"address,omitempty"`
	ExternalID     string                `json:"external_id,omitempty"`
	Answer         string                `json:"answer,omitempty"`
	DeclineReason  string                `json:"decline_reason,omitempty"`
	MergedInto     int64                 `json:"merged_into,omitempty"`
	ProposalID     int64                 `json:"proposal_id,omitempty"`
	ReferralDest   string                `json:"referral_destination,omitempty"`
	ReferralResult string                `json:"referral_result,omitempty"`
	Resolution     zhitong.Resolution    `json:"resolution,omitempty"`
	ClosingNote    string                `json:"closing_note,omitempty"`
	Solved         bool                  `json:"solved"` // current outcome is A: the latest reply, or a follow-up found its promise kept
	DualFeedback   bool                  `json:"dual_feedback"`
	Assignments    []*zhitong.Assignment `json:"assignments"`
	Extensions     []*zhitong.Extension  `json:"extensions"`
	Replies        []*zhitong.Reply      `json:"replies"`
	Evaluations    []*zhitong.Evaluation `json:"evaluations"`
	Events         []*zhitong.Event      `json:"events"`
	Supervision    *SupervisionInfo      `json:"supervision"`
	CoOpinions     []CoOpinion           `json:"co_opinions"`       // co-handling units' opinions (协办意见), every round
	Actions        []zhitong.Action      `json:"actions"`           // what this person may do now
	HeldBy         string                `json:"held_by,omitempty"` // the organisation (region code) the case was moved to, internal/levels
	// DefaultLeadUnitID is the lead unit the case's category names by
	// default in its jurisdiction (docs/admin.md), offered when this person
	// may assign the case now; 0 when none.
	DefaultLeadUnitID int64 `json:"default_lead_unit_id,omitempty"`
}

func (a *App) summary(c *store.CaseRecord) CaseSummary {
	s := CaseSummary{ID: c.ID, Code: c.Code, Version: c.Version, Status: c.Status, StatusLabel: zhitong.Label(zhitong.Statuses, c.Status),
		Channel: string(c.Channel), Title: c.Title, Category: c.CategoryCode, Region: c.RegionCode, StationID: c.StationID, DeputyID: c.DeputyID,
		LeadUnitID: c.LeadUnitID, Round: c.Round, SubmittedAt: c.SubmittedAt, UpdatedAt: c.UpdatedAt, DueDate: c.DueDate,
		DueProvisional: c.DueProvisional, Demo: c.Demo, Submitter: "匿名"}
	if c.Status.Running() && c.DueDate != "" {
		if due, err := time.Parse(time.DateOnly, c.DueDate); err == nil {
			n := a.cal.Load().WorkdaysBetween(a.today(), due)
			s.DaysLeft = &n
			s.Overdue = a.today().After(due)
		}
	}
	s.Level, _ = a.levelOf(&c.Case)
	if !c.Submitter.Anonymous {
		// A name that does not open is a key problem, never "no name".
		switch name, err := a.sealer.Open(c.Submitter.Name, "case:name"); {
		case err != nil:
			s.Submitter = "（无法解密）"
			a.log.Error("a sealed name does not open: check the key (docs/operations.md, Master key)", "case", c.ID)
		case name != "":
			s.Submitter = pii.MaskName(name)
		default:
			s.Submitter = "未留姓名"
		}
	}
	return s
}

// Get returns the case page for staff, with personal data masked.
func (a *App) Get(ctx context.Context, p zhitong.Principal, id int64) (*CaseView, error) {
	c, err := store.GetCase(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, a.db, p, zhitong.ActionView, c); err != nil {
		return nil, err
	}
	v := &CaseView{CaseSummary: a.summary(c), Body: c.Body, Place: c.Place, Lat: c.Lat, Lng: c.Lng, Anonymous: c.Submitter.Anonymous,
		ExternalID: c.ExternalID, Answer: c.Answer, DeclineReason: c.DeclineReason, MergedInto: c.MergedInto, ProposalID: c.ProposalID,
		ReferralDest: c.ReferralDest, ReferralResult: c.ReferralResult, Resolution: c.Resolution, ClosingNote: c.ClosingNote}
	if sub, err := a.unseal(c.Submitter); err == nil {
		v.Phone, v.IDCard, v.Address = maskOrEmpty(sub.Phone, pii.MaskPhone), maskOrEmpty(sub.IDCard, pii.MaskIDCard), maskOrEmpty(sub.Address, pii.MaskAddress)
	}
	if v.Assignments, err = store.ListAssignments(ctx, a.db, id); err != nil {
		return nil, err
	}
	if v.Extensions, err = store.ListExtensions(ctx, a.db, id); err != nil {
		return nil, err
	}
	if v.Replies, err = store.ListReplies(ctx, a.db, id); err != nil {
		return nil, err
	}
	if v.Evaluations, err = store.ListEvaluations(ctx, a.db, id); err != nil {
		return nil, err
	}
	if v.Events, err = store.ListEvents(ctx, a.db, id); err != nil {
		return nil, err
	}
	if v.Supervision, err = a.supervisionInfo(ctx, c); err != nil {
		return nil, err
	}
	if v.CoOpinions, err = a.coOpinions(ctx, a.db, id); err != nil {
		return nil, err
	}
	if n := len(v.Replies); n > 0 {
		fus, err := store.ListCaseFollowUps(ctx, a.db, id)
		if err != nil {
			return nil, err
		}
		v.Solved = outcomeNow(v.Replies, fus) == zhitong.OutcomeSolved
		v.DualFeedback = len(v.Replies[n-1].Deliveries) == 2
	}
	v.Actions, v.HeldBy = a.allowed(p, c, v.Assignments), c.HeldBy
	if c.CategoryCode != "" && slices.Contains(v.Actions, zhitong.ActionAssign) {
		if v.DefaultLeadUnitID, err = store.DefaultLeadUnit(ctx, a.db, c.CategoryCode, c.RegionCode); err != nil {
			return nil, err
		}
	}
	return v, nil
}

func maskOrEmpty(s string, mask func(string) string) string {
	if s == "" {
		return ""
	}
	return mask(s)
}

// allowed lists the actions p may take on c now, for the UI to offer.
func (a *App) allowed(p zhitong.Principal, c *store.CaseRecord, assignments []*zhitong.Assignment) []zhitong.Action {
	var out []zhitong.Action
	if !p.Holds(zhitong.Scope{HeldBy: c.HeldBy}) {
		return nil // moved to another level: read only (internal/levels)
	}
	for _, n := range zhitong.ActionLabels {
		act := n.Value
		if act == zhitong.ActionView || act == zhitong.ActionSubmit || act == zhitong.ActionIntake || act == zhitong.ActionEvaluate || !p.May(act) {
			continue
		}
		if c.Status.CanDo(act) != nil {
			continue
		}
		if p.Role == zhitong.RoleUnit {
			var mine *zhitong.Assignment
			for _, as := range assignments {
				if as.Round == c.Round && as.UnitID == p.UnitID && as.State != zhitong.AssignmentDone && as.State != zhitong.AssignmentReturned {
					mine = as
				}
			}
			switch {
			case mine == nil && act != zhitong.ActionDeliver:
				continue
			case act == zhitong.ActionAccept && mine.State != zhitong.AssignmentPending:
				continue
			case (act == zhitong.ActionReturn || act == zhitong.ActionReply || act == zhitong.ActionRequestExtension) && !mine.Lead:
				continue
			case act == zhitong.ActionReply && mine.State != zhitong.AssignmentAccepted:
				continue
			case act == zhitong.ActionReturn && a.checkReturnWindow(mine) != nil:
				continue
			case act == zhitong.ActionRevealPhone && (!mine.Lead || c.Submitter.Anonymous || c.Submitter.Phone == ""):
				continue
			case act == zhitong.ActionCoOpinion && mine.Lead:
				continue
			}
		}
		out = append(out, act)
	}
	return out
}

// Reveal returns the unmasked personal data of a case to a permitted role,
// recording who looked and why.
func (a *App) Reveal(ctx context.Context, p zhitong.Principal, id int64, reason string) (zhitong.Submitter, error) {
	if err := checkLen("reason", "查看原因", reason, 2, maxShort); err != nil {
		return zhitong.Submitter{}, err
	}
	var out zhitong.Submitter
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.authorize(ctx, tx, p, zhitong.ActionReveal, c); err != nil {
			return err
		}
		if out, err = a.unseal(c.Submitter); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "case.reveal", "case:"+strconv.FormatInt(id, 10), map[string]any{"code": c.Code, "reason": strings.TrimSpace(reason)})
	})
	return out, err
}

// ListInput filters and pages a case list.
type ListInput struct {
	Status   []zhitong.Status
	Category string
	Region   string
	Station  int64
	Unit     int64
	Channel  zhitong.Channel
	Overdue  bool
	From, To string // YYYY-MM-DD
	Query    string // full-text, Chinese
	Phone    string // exact, through the blind index
	Sort     string
	Page     int // from 1, at most MaxPage
	PerPage  int
	// After and Before are cursors (CasePage.Next, CasePage.Prev): the page
	// after or before a row, in the same sort. They take precedence over Page.
	After, Before string

	// DueBy keeps running cases due from today up to this date (YYYY-MM-DD): "due soon".
	DueBy string
	// UnitState keeps cases with an assignment in this state (for a unit: its own; pending is 待签收).
	UnitState zhitong.AssignmentState
	// ExtensionPending keeps cases with an extension request waiting for a decision.
	ExtensionPending bool
	// CoOpinionDue keeps running cases whose co-handling unit (for a unit:
	// itself) has not given its opinion this round (协办意见待提交).
	CoOpinionDue bool
	// CountOnly returns the total alone, without a page: the home queues.
	CountOnly bool
	// OnlyIDs, when OnlyIDsSet, keeps these cases alone: the cases behind a
	// statistic (internal/stats), still within p's jurisdiction.
	OnlyIDs    []int64
	OnlyIDsSet bool
}

// CountByStatus counts the cases p may see, per status, each up to
// store.StatusCountCap+1 (more than the cap): one index range per status,
// all in one statement (store.CountCasesEachStatus), rather than a pass
// over every case of the county.
func (a *App) CountByStatus(ctx context.Context, p zhitong.Principal) (map[zhitong.Status]int, error) {
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	var f store.CaseFilter
	scope(p, &f)
	if err := a.scopeShared(ctx, a.db, p, &f); err != nil {
		return nil, err
	}
	statuses := make([]zhitong.Status, len(zhitong.Statuses))
	for i, s := range zhitong.Statuses {
		statuses[i] = s.Value
	}
	return store.CountCasesEachStatus(ctx, a.db, f, statuses, store.StatusCountCap)
}

// List returns one page of cases in p's jurisdiction, and the total
// (capped: see CasePage.More).
func (a *App) List(ctx context.Context, p zhitong.Principal, in ListInput) ([]CaseSummary, int, error) {
	pg, err := a.ListPage(ctx, p, in)
	return pg.Items, pg.Total, err
}

// CasePage is one page of a case list.
type CasePage struct {
	Items []CaseSummary
	// Total counts the list up to store.ListCountCap (store.SearchCountCap
	// for a search); More says there are more than that and Total is the cap+1.
	Total int
	More  bool
	// SortedNewest, when not 0, says the page's order (a search sorted by
	// deadline or last update that found more than store.SearchCountCap
	// hits) is that of the newest SortedNewest hits only: the pages hold
	// those, and older hits are found by the default order or a narrower
	// search.
	SortedNewest int
	// Next and Prev are the cursors of the pages after and before this one
	// ("" when there is none), for ListInput.After and ListInput.Before.
	Next, Prev string
}

// MaxPage is the last page number a list of perPage rows accepts: the
// rows it counts (store.ListCountCap, a search store.SearchCountCap) and
// no further; beyond, the cursors go on.
func MaxPage(perPage int, search bool) int {
	if search {
		return max(store.SearchCountCap/perPage, 1)
	}
	return max(store.ListCountCap/perPage, 1)
}

// ListPage returns one page of cases in p's jurisdiction: by page number
// (at most MaxPage) or, with a cursor, the page after or before a row.
func (a *App) ListPage(ctx context.Context, p zhitong.Principal, in ListInput) (CasePage, error) {
	f, err := a.caseFilter(ctx, p, in)
	if err != nil {
		return CasePage{}, err
	}
	if in.PerPage <= 0 {
		in.PerPage = 20
	}
	if in.PerPage > 100 {
		return CasePage{}, zhitong.Invalid("per_page", "每页最多 100 条")
	}
	if in.Page <= 0 {
		in.Page = 1
	}
	isSearch := len(f.Search) > 0
	if last := MaxPage(in.PerPage, isSearch); in.Page > last && !in.CountOnly {
		return CasePage{}, zhitong.Invalid("page", "页码不能超过 %d：列表只逐页列出前 %d 件，请用筛选条件缩小范围，或逐页向后翻", last, last*in.PerPage)
	}
	f.Limit, f.Offset = in.PerPage, (in.Page-1)*in.PerPage
	var cur *store.Cursor
	switch {
	case in.After != "" && in.Before != "":
		return CasePage{}, zhitong.Invalid("after", "after 与 before 只能选一个")
	case in.After != "":
		if cur, err = decodeCursor("after", in.After, f.Sort); err != nil {
			return CasePage{}, err
		}
		f.After = cur
	case in.Before != "":
		if cur, err = decodeCursor("before", in.Before, f.Sort); err != nil {
			return CasePage{}, err
		}
		f.Before = cur
	}
	capN := store.ListCountCap
	if isSearch {
		capN = store.SearchCountCap
	}
	if in.CountOnly {
		n, err := store.CountCases(ctx, a.db, f, search.FTS5Match(f.Search), search.TSQuery(f.Search))
		return CasePage{Total: n, More: n > capN}, err
	}
	// One row more than the page tells whether a page follows.
	f.Limit++
	recs, total, err := store.ListCases(ctx, a.db, f, search.FTS5Match(f.Search), search.TSQuery(f.Search))
	if err != nil {
		return CasePage{}, err
	}
	pg := CasePage{Total: total, More: total > capN}
	if isSearch && pg.More && (f.Sort == "due" || f.Sort == "updated") {
		pg.SortedNewest = store.SearchCountCap
	}
	recs, hasNext, hasPrev := cutPage(recs, store.Page{After: f.After, Before: f.Before, Limit: f.Limit})
	pg.Items = make([]CaseSummary, len(recs))
	for i, r := range recs {
		pg.Items[i] = a.summary(r)
	}
	if len(recs) > 0 {
		first, last := store.CursorOf(f, recs[0]), store.CursorOf(f, recs[len(recs)-1])
		if hasNext {
			pg.Next = encodeCursor(f.Sort, last)
		}
		if hasPrev || (cur == nil && in.Page > 1) {
			pg.Prev = encodeCursor(f.Sort, first)
		}
	}
	return pg, nil
}

// caseFilter checks in and turns it into the store's filter, limited to
// p's jurisdiction: the one definition of a case list, on screen and exported.
func (a *App) caseFilter(ctx context.Context, p zhitong.Principal, in ListInput) (store.CaseFilter, error) {
	if !p.May(zhitong.ActionView) {
		return store.CaseFilter{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	f := store.CaseFilter{Category: in.Category, Region: in.Region, StationID: in.Station, UnitID: in.Unit, Channel: in.Channel,
		Overdue: in.Overdue, Today: a.today().Format(time.DateOnly), Statuses: in.Status, Sort: in.Sort}
	scope(p, &f)
	if err := a.scopeShared(ctx, a.db, p, &f); err != nil {
		return store.CaseFilter{}, err
	}
	for _, s := range in.Status {
		if !zhitong.Valid(zhitong.Statuses, s) {
			return store.CaseFilter{}, zhitong.Invalid("status", "状态“%s”无效", s)
		}
	}
	if in.Channel != "" && !zhitong.Valid(zhitong.Channels, in.Channel) {
		return store.CaseFilter{}, zhitong.Invalid("channel", "渠道“%s”无效", in.Channel)
	}
	// The dates are civil dates in China: from its midnight to the midnight
	// after the last day, as UTC timestamps like submitted_at.
	for _, d := range []struct {
		field, v string
		days     int
		out      *string
	}{{"from", in.From, 0, &f.From}, {"to", in.To, 1, &f.To}} {
		if d.v == "" {
			continue
		}
		day, err := parseDate(d.field, d.v)
		if err != nil {
			return store.CaseFilter{}, err
		}
		*d.out = store.FormatTime(time.Date(day.Year(), day.Month(), day.Day()+d.days, 0, 0, 0, 0, zhitong.China))
	}
	if in.DueBy != "" {
		if _, err := parseDate("due_by", in.DueBy); err != nil {
			return store.CaseFilter{}, err
		}
	}
	switch in.UnitState {
	case "", zhitong.AssignmentPending, zhitong.AssignmentAccepted, zhitong.AssignmentReturned, zhitong.AssignmentDone:
	default:
		return store.CaseFilter{}, zhitong.Invalid("unit_state", "办理任务状态“%s”无效", in.UnitState)
	}
	f.DueBy, f.UnitState, f.ExtensionPending, f.CoOpinionDue = in.DueBy, in.UnitState, in.ExtensionPending, in.CoOpinionDue
	f.OnlyIDs, f.OnlyIDsSet = in.OnlyIDs, in.OnlyIDsSet
	switch in.Sort {
	case "", "submitted", "due", "updated", "oldest":
	default:
		return store.CaseFilter{}, zhitong.Invalid("sort", "排序方式应为 submitted、due、updated 或 oldest")
	}
	if in.Phone != "" {
		phone, err := pii.NormalizeContactPhone(in.Phone)
		if err != nil {
			return store.CaseFilter{}, zhitong.Invalid("phone", "%s", err.Error())
		}
		f.PhoneIndex = a.sealer.BlindIndexes("phone", phone)
	}
	if utf8Len(in.Query) > 100 {
		return store.CaseFilter{}, zhitong.Invalid("q", "搜索词不能超过 100 个字")
	}
	f.Search = search.Query(in.Query)
	return f, nil
}

func utf8Len(s string) int { return len([]rune(s)) }

func (a *App) caseByCode(ctx context.Context, code string) (*store.CaseRecord, error) {
	norm, ok := NormalizeCode(code)
	if !ok {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "查询码不正确，请核对后重试")
	}
	c, err := store.GetCaseByCode(ctx, a.db, norm)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "查询码不正确，请核对后重试")
	}
	return c, err
}

// scope limits a case filter to p's jurisdiction, the list form of
// zhitong.Principal.Sees: a unit sees what was assigned to it, a deputy what
// they took in, a station role its station, everyone else their region subtree.
func scope(p zhitong.Principal, f *store.CaseFilter) {
	switch {
	case p.Role == zhitong.RoleUnit:
		f.ScopeUnit = p.UnitID
	case p.Role == zhitong.RoleDeputy:
		f.ScopeDeputy = p.DeputyID
		if p.DeputyID == 0 {
			f.ScopeDeputy = -1 // a deputy account without a deputy sees nothing
		}
	case p.StationID != 0:
		f.ScopeStation = p.StationID
	default:
		f.ScopeRegion = p.RegionCode
	}
}
