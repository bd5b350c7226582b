package app

import (
	"context"
	"strconv"

	"zhitong"
	"zhitong/internal/store"
)

// NeedsSecondPerson tells whether p giving an account the security
// administrator's role (creating one, or changing an account from role
// from to it) needs a second person's approval: a security administrator
// never does it alone (two-person rule, docs/audit.md). The commands run on
// the server (the system principal) are the operator's own act and need none.
func NeedsSecondPerson(p zhitong.Principal, from, to zhitong.Role) bool {
	return to == zhitong.RoleSecAdmin && from != zhitong.RoleSecAdmin && !(p.Name == System.Name && p.UserID == 0 && p.TokenID == 0)
}

// ErrSecondPerson is the refusal of NeedsSecondPerson, on the role field.
func ErrSecondPerson() error {
	return &zhitong.Error{Code: zhitong.EFORBIDDEN, Field: "role",
		Message: "安全管理员不能独自新建安全管理员或把账号改为安全管理员：请提交申请，由另一位安全管理员或安全审计员审批"}
}

// refuseSecondPerson audits a refusal under the two-person rule (the
// refusal's only write) and returns the refusal.
func (a *App) refuseSecondPerson(ctx context.Context, p zhitong.Principal, action string, userID int64, detail map[string]any) error {
	object := "user:"
	if userID != 0 {
		object += strconv.FormatInt(userID, 10)
	} else {
		object = "region:" + p.RegionCode
	}
	detail["rule"] = "two_person"
	if err := a.db.Write(ctx, func(tx *store.Tx) error { return a.audit(ctx, tx, p, action, object, detail) }); err != nil {
		return err
	}
	return ErrSecondPerson()
}

// RefuseSecondPerson is refuseSecondPerson for the area packages (accounts).
func (a *App) RefuseSecondPerson(ctx context.Context, p zhitong.Principal, action string, userID int64, detail map[string]any) error {
	return a.refuseSecondPerson(ctx, p, action, userID, detail)
}
