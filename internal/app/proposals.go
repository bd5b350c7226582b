package app

import (
	"cmp"
	"context"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// ProposalView is a deputy proposal with its deadline and supervision.
type ProposalView struct {
	zhitong.Proposal
	Deadline ProposalDeadline `json:"deadline"`
}

// ProposalDeadline is a proposal's deadline as shown: the case supervision
// fields (level, overdue days, listed, actions, letters) plus the days left.
type ProposalDeadline struct {
	SupervisionInfo
	Start    string `json:"start"`     // China civil date the months count from
	DaysLeft int    `json:"days_left"` // working days to the due date; negative once overdue; 0 when replied
	UnitName string `json:"unit_name"` // the handling unit, "" when none
}

// proposalKinds labels the proposal-only entries of the supervision record.
var proposalKinds = []zhitong.Named[string]{{Value: "complex", Label: "改为复杂建议"}, {Value: "unit", Label: "确定承办单位"}}

// Proposal returns a deputy proposal in p's jurisdiction.
func (a *App) Proposal(ctx context.Context, p zhitong.Principal, id int64) (*ProposalView, error) {
	prop, err := store.GetProposal(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := p.Authorize(zhitong.ActionView, proposalScope(prop)); err != nil {
		return nil, err
	}
	return a.proposalView(ctx, prop)
}

func proposalScope(prop *zhitong.Proposal) zhitong.Scope {
	s := zhitong.Scope{RegionCode: prop.RegionCode, DeputyID: prop.DeputyID}
	if prop.UnitID != 0 {
		s.UnitIDs = []int64{prop.UnitID}
	}
	return s
}

func (a *App) proposalView(ctx context.Context, prop *zhitong.Proposal) (*ProposalView, error) {
	v := &ProposalView{Proposal: *prop}
	d := &v.Deadline
	d.Actions, d.Letters, d.Level = []SupervisionEntry{}, []LetterRef{}, zhitong.LevelNone
	d.Start = civilDay(prop.CreatedAt).Format(time.DateOnly)
	if prop.State == "open" && prop.DueDate != "" {
		d.Level, d.OverdueDays = a.levelAt(prop.DueDate)
		d.DaysLeft = -d.OverdueDays
		d.OverdueDays = max(d.OverdueDays, 0)
	}
	d.LevelLabel = zhitong.Label(zhitong.SupervisionLevels, d.Level)
	if prop.UnitID != 0 {
		if u, err := store.GetUnit(ctx, a.db, prop.UnitID); err == nil {
			d.UnitName = u.Name
		}
	}
	acts, err := store.ListProposalSupervision(ctx, a.db, prop.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range acts {
		d.Actions = append(d.Actions, entry(s))
		if s.Kind == "listed" && s.By == 0 && prop.State == "open" {
			d.Listed = true
		}
	}
	letters, err := store.ListProposalLetters(ctx, a.db, prop.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		d.Letters = append(d.Letters, LetterRef{ID: l.ID, Number: l.Number, IssuedAt: l.IssuedAt})
	}
	return v, nil
}

// ComplexInput marks a proposal complex after it was made.
type ComplexInput struct {
	Reason string `json:"reason"`
}

// MarkProposalComplex gives an open proposal the complex deadline
// (complex_proposal_months from the day it was made), for committee staff.
// The change is kept in the proposal's supervision record, on the timeline
// of each bundled case and in the audit log; escalation starts over for the
// new date.
func (a *App) MarkProposalComplex(ctx context.Context, p zhitong.Principal, id int64, in ComplexInput) (*ProposalView, error) {
	if err := checkLen("reason", "认定理由", in.Reason, 1, maxNote); err != nil {
		return nil, err
	}
	return a.changeProposal(ctx, p, id, "代表建议是否复杂由代表工委认定", func(tx *store.Tx, prop *zhitong.Proposal) (proposalChange, error) {
		if prop.Complex {
			return proposalChange{}, zhitong.Errorf(zhitong.ECONFLICT, "该代表建议已是复杂建议")
		}
		months := a.policy().ComplexProposalMonths
		due := civilDay(prop.CreatedAt).AddDate(0, months, 0).Format(time.DateOnly)
		if due < prop.DueDate {
			due = prop.DueDate // never shorten a deadline
		}
		reason := strings.TrimSpace(in.Reason)
		if err := tx.SetProposalDue(ctx, prop.ID, due, true); err != nil {
			return proposalChange{}, err
		}
		old := prop.DueDate
		prop.DueDate, prop.Complex = due, true
		return proposalChange{kind: "complex", audit: map[string]any{"old_due": old, "new_due": due, "reason": reason},
			note: "改为复杂建议，办理期限由 " + old + " 改为 " + due + "（自提出之日起 " + strconv.Itoa(months) + " 个月）：" + reason}, nil
	})
}

// proposalChange is what a committee change to a proposal records: the
// supervision record's kind and note, and the audit entry's detail.
type proposalChange struct {
	kind, note string
	audit      map[string]any
	done       func(s *zhitong.SupervisionAction) error // after it is recorded
}

// changeProposal applies change to an open proposal in p's jurisdiction,
// for committee staff only (forbidden says why not), in one transaction
// with its supervision record (on the proposal, CaseID naming its first
// case), a note on each bundled case's timeline and the audit entry
// "proposal.<kind>".
func (a *App) changeProposal(ctx context.Context, p zhitong.Principal, id int64, forbidden string,
	change func(tx *store.Tx, prop *zhitong.Proposal) (proposalChange, error)) (*ProposalView, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "%s", forbidden)
	}
	var out *zhitong.Proposal
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		prop, err := store.GetProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(prop.RegionCode, p.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该代表建议不在您的管辖范围内")
		}
		switch {
		case prop.State != "open":
			return zhitong.Errorf(zhitong.ECONFLICT, "该代表建议已答复")
		case len(prop.CaseIDs) == 0:
			return zhitong.Errorf(zhitong.ECONFLICT, "该代表建议没有合并的案件")
		}
		first, err := store.GetCase(ctx, tx, prop.CaseIDs[0])
		if err != nil {
			return err
		}
		ch, err := change(tx, prop)
		if err != nil {
			return err
		}
		s := &zhitong.SupervisionAction{CaseID: first.ID, Round: first.Round, ProposalID: prop.ID, Kind: ch.kind,
			Level: zhitong.LevelNone, At: a.clock.Now(), Note: ch.note, By: p.UserID}
		if err := tx.InsertSupervisionAction(ctx, s, ""); err != nil {
			return err
		}
		pid := strconv.FormatInt(prop.ID, 10)
		if err := a.proposalEvents(ctx, tx, prop, p.Name, p.UserID, "代表建议 #"+pid+" "+ch.note); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "proposal."+ch.kind, "proposal:"+pid, ch.audit); err != nil {
			return err
		}
		out = prop
		if ch.done != nil {
			return ch.done(s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a.proposalView(ctx, out)
}

// ProposalItem is one deputy proposal on the supervision list.
type ProposalItem struct {
	ID          int64                    `json:"id"`
	Title       string                   `json:"title"`
	RegionCode  string                   `json:"region_code"`
	UnitID      int64                    `json:"unit_id"`
	UnitName    string                   `json:"unit_name"`
	DueDate     string                   `json:"due_date"`
	Complex     bool                     `json:"complex"`
	DaysLeft    int                      `json:"days_left"`
	Level       zhitong.SupervisionLevel `json:"level"`
	LevelLabel  string                   `json:"level_label"`
	OverdueDays int                      `json:"overdue_days"`
	Listed      bool                     `json:"listed"`
	Actions     int                      `json:"actions"`
	LastAction  *SupervisionEntry        `json:"last_action"`
	Cases       int                      `json:"cases"` // citizens' cases it bundles
}

// ProposalSupervisionList returns the open deputy proposals in p's
// jurisdiction under supervision: overdue, or with any supervision action
// (a reminder included). Most overdue first. The filters are the case
// list's: unit (the handling unit), region, level, overdue days.
func (a *App) ProposalSupervisionList(ctx context.Context, p zhitong.Principal, in SupervisionListInput) ([]ProposalItem, error) {
	if err := checkProposalList(p, in); err != nil {
		return nil, err
	}
	var f store.CaseFilter
	scope(p, &f)
	ids, err := store.ListSupervisedProposals(ctx, a.db, f.ScopeRegion, in.Region, a.today().Format(time.DateOnly), maxSupervised)
	if err != nil {
		return nil, err
	}
	out := []ProposalItem{}
	for _, id := range ids {
		prop, err := store.GetProposal(ctx, a.db, id)
		if err != nil {
			return nil, err
		}
		it, ok, err := a.proposalItem(ctx, p, in, prop)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(x, y ProposalItem) int { return cmp.Compare(y.OverdueDays, x.OverdueDays) })
	return out, nil
}

// ExportProposalSupervision walks every proposal ProposalSupervisionList
// would list, without its cap, by deadline then id (not re-sorted by days
// overdue: that would hold them all), in batches of ExportBatch by key.
func (a *App) ExportProposalSupervision(ctx context.Context, p zhitong.Principal, in SupervisionListInput) (iter.Seq2[ProposalItem, error], error) {
	if err := checkProposalList(p, in); err != nil {
		return nil, err
	}
	return func(yield func(ProposalItem, error) bool) {
		due, after := "", int64(0)
		for {
			ids, err := store.OpenProposalsAfter(ctx, a.db, in.Region, due, after, ExportBatch)
			if err != nil {
				yield(ProposalItem{}, err)
				return
			}
			for _, id := range ids {
				prop, err := store.GetProposal(ctx, a.db, id)
				if err != nil {
					yield(ProposalItem{}, err)
					return
				}
				due, after = prop.DueDate, prop.ID
				it, ok, err := a.proposalItem(ctx, p, in, prop)
				if err != nil {
					yield(ProposalItem{}, err)
					return
				}
				if ok && !yield(it, nil) {
					return
				}
			}
			if len(ids) < ExportBatch {
				return
			}
		}
	}, nil
}

func checkProposalList(p zhitong.Principal, in SupervisionListInput) error {
	if !p.May(zhitong.ActionView) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看督办清单", zhitong.Label(zhitong.Roles, p.Role))
	}
	if in.Level != "" && !zhitong.Valid(zhitong.SupervisionLevels, in.Level) {
		return zhitong.Invalid("level", "督办等级应为 none、yellow 或 red")
	}
	return nil
}

// proposalItem is prop's row of the list, ok false when p may not see it
// or in's filters leave it out.
func (a *App) proposalItem(ctx context.Context, p zhitong.Principal, in SupervisionListInput, prop *zhitong.Proposal) (ProposalItem, bool, error) {
	if p.Authorize(zhitong.ActionView, proposalScope(prop)) != nil || (in.Unit != 0 && prop.UnitID != in.Unit) {
		return ProposalItem{}, false, nil
	}
	v, err := a.proposalView(ctx, prop)
	if err != nil {
		return ProposalItem{}, false, err
	}
	d := v.Deadline
	if (d.Level == zhitong.LevelNone && len(d.Actions) == 0) || (in.Level != "" && d.Level != in.Level) || d.OverdueDays < in.MinOverdue {
		return ProposalItem{}, false, nil
	}
	it := ProposalItem{ID: prop.ID, Title: prop.Title, RegionCode: prop.RegionCode, UnitID: prop.UnitID, UnitName: d.UnitName,
		DueDate: prop.DueDate, Complex: prop.Complex, DaysLeft: d.DaysLeft, Level: d.Level, LevelLabel: d.LevelLabel,
		OverdueDays: d.OverdueDays, Listed: d.Listed, Actions: len(d.Actions), Cases: len(prop.CaseIDs)}
	if len(d.Actions) > 0 {
		it.LastAction = &d.Actions[len(d.Actions)-1]
	}
	return it, true, nil
}
