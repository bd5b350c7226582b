package app

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// validKind checks an optional case kind from a form.
func validKind(k zhitong.CaseKind) error {
	if k != "" && !zhitong.Valid(zhitong.CaseKinds, k) {
		return zhitong.Invalid("kind", "诉求类型应为咨询、求助、投诉或建议")
	}
	return nil
}

// defaultDays is the deadline policy's limit for c: by kind (recorded now
// when kind is given) and category.
func (a *App) defaultDays(ctx context.Context, tx *store.Tx, c *store.CaseRecord, kind zhitong.CaseKind) (int, error) {
	if kind != "" {
		if err := tx.SetCaseKind(ctx, c.ID, kind); err != nil {
			return 0, err
		}
	} else {
		var err error
		if kind, err = store.GetCaseKind(ctx, tx, c.ID); err != nil {
			return 0, err
		}
	}
	catDays := 0
	if c.CategoryCode != "" {
		cat, err := store.GetCategory(ctx, tx, c.CategoryCode)
		if err != nil {
			return 0, err
		}
		catDays = cat.DueDays
	}
	pol, err := a.policyFor(ctx, tx, c) // the organisation holding the case (policy_org.go)
	if err != nil {
		return 0, err
	}
	days := pol.DaysFor(kind, c.CategoryCode, catDays)
	if days == 0 {
		return 0, zhitong.Invalid("category", "案件尚未分类，无法按分类确定办理时限")
	}
	return days, nil
}

// checkReturnWindow refuses a return later than the policy allows after the
// assignment (签收、退回时限).
func (a *App) checkReturnWindow(as *zhitong.Assignment) error {
	days := a.policy().ReturnDays
	limit, _ := a.cal.Load().AddWorkdays(civilDay(as.AssignedAt), days)
	if a.today().After(limit) {
		return zhitong.Errorf(zhitong.ECONFLICT, "已超过退回时限（交办后 %d 个工作日内，截至 %s），请继续办理或申请延期", days, limit.Format(time.DateOnly))
	}
	return nil
}

// proposalDue sets a new deputy proposal's deadline: months from today, more for a complex one.
func (a *App) proposalDue(ctx context.Context, tx *store.Tx, id int64, complex bool) (string, error) {
	months := a.policy().ProposalMonths
	if complex {
		months = a.policy().ComplexProposalMonths
	}
	due := a.today().AddDate(0, months, 0).Format(time.DateOnly)
	return "，办理期限 " + strconv.Itoa(months) + " 个月（至 " + due + "）", tx.SetProposalDue(ctx, id, due, complex)
}

// civilDay is the China civil date of t, in the calendar's form.
func civilDay(t time.Time) time.Time { return calendar.Civil(t, zhitong.China) }

// chineseDay writes a day as a 公文 (and a letter's body) prints it:
// 2026-12-28 → 2026年12月28日. Text that is not a date is kept.
func chineseDay(date string) string {
	t, err := time.Parse(time.DateOnly, date)
	if err != nil {
		return date
	}
	return t.Format("2006年1月2日")
}
