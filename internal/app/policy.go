package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// Policy is the county's deadline policy (办理时限与督办规则): the working
// days a case gets, and when time turns into reminders, letters, the
// supervision list, call-backs and follow-ups. Committee staff set it.
type Policy struct {
	Limits                []Limit `json:"limits"`                  // default deadlines by kind and category
	RehandleDays          int     `json:"rehandle_days"`           // a re-handle round (重办)
	ReturnDays            int     `json:"return_days"`             // a unit may return (or must accept) within this many working days of assignment
	ProposalMonths        int     `json:"proposal_months"`         // a deputy proposal's reply
	ComplexProposalMonths int     `json:"complex_proposal_months"` // a complex proposal's reply
	ReminderDays          []int   `json:"reminder_days"`           // remind the unit this many working days before due
	ProposalReminderDays  []int   `json:"proposal_reminder_days"`  // likewise before a deputy proposal's due date
	LetterAfterDays       int     `json:"letter_after_days"`       // working days overdue before the supervision letter
	ListAfterDays         int     `json:"list_after_days"`         // working days overdue before the supervision list
	LetterPrefix          string  `json:"letter_prefix"`           // letter numbers: 定人大督〔2026〕12号
	CallbackAfterDays     int     `json:"callback_after_days"`     // working days after the reply reached the citizen
	CallbackMaxTries      int     `json:"callback_max_tries"`      // unanswered calls before the citizen counts as unreachable
	FollowUpDays          int     `json:"follow_up_days"`          // calendar days to a follow-up when a B reply promises no date
	BulletinWeekly        bool    `json:"bulletin_weekly"`
	BulletinMonthly       bool    `json:"bulletin_monthly"`
}

// Limit is a default deadline in working days for a kind of request, a
// category, or both. The most specific match wins; a case neither matches
// takes its category's own limit.
type Limit struct {
	Kind     zhitong.CaseKind `json:"kind"`
	Category string           `json:"category"`
	Days     int              `json:"days"`
}

// DefaultPolicy is the policy until staff change it.
func DefaultPolicy() Policy {
	return Policy{
		Limits: []Limit{{Kind: zhitong.KindConsultation, Days: 3}, {Kind: zhitong.KindHelp, Days: 5},
			{Kind: zhitong.KindComplaint, Days: 13}, {Kind: zhitong.KindSuggestion, Days: 15}},
		RehandleDays: 10, ReturnDays: 3, ProposalMonths: 3, ComplexProposalMonths: 6,
		ReminderDays: []int{3, 1}, ProposalReminderDays: []int{10, 3}, LetterAfterDays: 1, ListAfterDays: 5, LetterPrefix: "人大督",
		CallbackAfterDays: 3, CallbackMaxTries: 3, FollowUpDays: 30, BulletinWeekly: true, BulletinMonthly: true,
	}
}

const policyKey = "deadline_policy"

// DaysFor returns the default deadline for a case of kind in category, whose
// own limit is categoryDays.
func (p *Policy) DaysFor(kind zhitong.CaseKind, category string, categoryDays int) int {
	best, score := categoryDays, 0
	for _, l := range p.Limits {
		s := 0
		switch {
		case l.Kind != "" && l.Category != "":
			if l.Kind == kind && l.Category == category {
				s = 3
			}
		case l.Kind != "":
			if l.Kind == kind {
				s = 2
			}
		case l.Category == category:
			s = 1
		}
		if s > score {
			best, score = l.Days, s
		}
	}
	return best
}

// Level is the supervision level of a running case overdue by overdueDays
// working days (negative or zero: not overdue), see zhitong.SupervisionLevel.
func (p *Policy) Level(overdue bool, overdueDays int) zhitong.SupervisionLevel {
	switch {
	case !overdue:
		return zhitong.LevelNone
	case overdueDays >= p.ListAfterDays:
		return zhitong.LevelRed
	}
	return zhitong.LevelYellow
}

// policy returns the deadline policy in force.
func (a *App) policy() *Policy {
	if p := a.pol.Load(); p != nil {
		return p
	}
	d := DefaultPolicy()
	return &d
}

// loadPolicy reads the stored policy, so a change made by another process
// (the server, a sweep command) takes effect here too.
func (a *App) loadPolicy(ctx context.Context) error {
	s, err := store.GetMeta(ctx, a.db, policyKey)
	if err != nil {
		return fmt.Errorf("load deadline policy: %w", err)
	}
	p := DefaultPolicy()
	if s != "" {
		if err := json.Unmarshal([]byte(s), &p); err != nil {
			return fmt.Errorf("load deadline policy: %w", err)
		}
	}
	a.pol.Store(&p)
	return nil
}

// Policy returns the deadline policy to staff who may read it.
func (a *App) Policy(ctx context.Context, p zhitong.Principal) (*Policy, error) {
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看办理时限规则", zhitong.Label(zhitong.Roles, p.Role))
	}
	if err := a.loadPolicy(ctx); err != nil {
		return nil, err
	}
	key, err := a.policyScope(ctx, a.db, p)
	if err != nil {
		return nil, err
	}
	return a.policyAt(ctx, a.db, key)
}

// SetPolicy replaces the deadline policy. Only committee staff (代表工委) may.
func (a *App) SetPolicy(ctx context.Context, p zhitong.Principal, in Policy) (*Policy, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "办理时限与督办规则由代表工委设置")
	}
	if err := a.validatePolicy(ctx, &in); err != nil {
		return nil, err
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	key := policyKey
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if key, err = a.policyScope(ctx, tx, p); err != nil {
			return err
		}
		old, err := store.GetMeta(ctx, tx, key)
		if err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, key, string(b)); err != nil {
			return err
		}
		object := "policy:deadlines"
		if key != policyKey { // an organisation's own policy (policy_org.go)
			object += ":" + key[len(policyKey)+1:]
		}
		return a.audit(ctx, tx, p, "policy.update", object, map[string]any{"old": json.RawMessage(orJSON(old)), "new": json.RawMessage(b)})
	})
	if err != nil {
		return nil, err
	}
	if key == policyKey {
		a.pol.Store(&in)
	}
	return &in, nil
}

func orJSON(s string) string {
	if s == "" {
		return "null"
	}
	return s
}

func between(field, label string, v, lo, hi int) error {
	if v < lo || v > hi {
		return zhitong.Invalid(field, "%s应在 %d 到 %d 之间", label, lo, hi)
	}
	return nil
}

func (a *App) validatePolicy(ctx context.Context, in *Policy) error {
	if len(in.Limits) > 200 {
		return zhitong.Invalid("limits", "时限规则不能超过 200 条")
	}
	seen := map[Limit]bool{}
	for i, l := range in.Limits {
		if l.Kind == "" && l.Category == "" {
			return zhitong.Invalid("limits", "第 %d 条时限规则须指定诉求类型或分类", i+1)
		}
		if l.Kind != "" && !zhitong.Valid(zhitong.CaseKinds, l.Kind) {
			return zhitong.Invalid("limits", "诉求类型“%s”无效", l.Kind)
		}
		if l.Category != "" {
			if _, err := store.GetCategory(ctx, a.db, l.Category); err != nil {
				return asInvalid("limits", err)
			}
		}
		if err := between("limits", "办理时限（工作日）", l.Days, 1, 130); err != nil {
			return err
		}
		key := Limit{Kind: l.Kind, Category: l.Category}
		if seen[key] {
			return zhitong.Invalid("limits", "第 %d 条时限规则与前面的规则重复", i+1)
		}
		seen[key] = true
	}
	checks := []error{
		between("rehandle_days", "重办时限（工作日）", in.RehandleDays, 1, 130),
		between("return_days", "签收、退回时限（工作日）", in.ReturnDays, 1, 30),
		between("proposal_months", "代表建议办理时限（月）", in.ProposalMonths, 1, 12),
		between("complex_proposal_months", "复杂代表建议办理时限（月）", in.ComplexProposalMonths, in.ProposalMonths, 12),
		between("letter_after_days", "逾期发督办函的天数", in.LetterAfterDays, 1, 30),
		between("list_after_days", "逾期列入督办清单的天数", in.ListAfterDays, in.LetterAfterDays, 60),
		between("callback_after_days", "答复送达后未评价转回访的天数", in.CallbackAfterDays, 1, 30),
		between("callback_max_tries", "回访次数上限", in.CallbackMaxTries, 1, 10),
		between("follow_up_days", "跟踪问效的默认间隔（天）", in.FollowUpDays, 1, 365),
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	if err := checkReminders("reminder_days", in.ReminderDays, 30); err != nil {
		return err
	}
	if err := checkReminders("proposal_reminder_days", in.ProposalReminderDays, 60); err != nil {
		return err
	}
	in.LetterPrefix = strings.TrimSpace(in.LetterPrefix)
	return checkLen("letter_prefix", "督办函文号前缀", in.LetterPrefix, 1, 20)
}

// checkReminders validates reminder lead times (at most 3, 1 to hi working
// days, distinct) and sorts them from the earliest reminder.
func checkReminders(field string, days []int, hi int) error {
	if len(days) > 3 {
		return zhitong.Invalid(field, "到期前提醒最多设置 3 次")
	}
	for _, d := range days {
		if err := between(field, "到期前提醒的天数", d, 1, hi); err != nil {
			return err
		}
	}
	slices.Sort(days)
	slices.Reverse(days)
	if len(slices.Compact(slices.Clone(days))) != len(days) {
		return zhitong.Invalid(field, "到期前提醒的天数不能重复")
	}
	return nil
}
