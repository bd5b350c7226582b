package app

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// The functions in this file save one row of an Excel import (internal/sheets)
// inside the caller's transaction, so a whole file is written or nothing is.
// They apply the same checks as the create and update functions of each
// area, compare the row with what is stored, and write and audit only when
// something changed: re-importing an exported list changes nothing.

// SystemAs is the principal of a command run on the server that acts with
// the rights of role in region, such as zhitong import: the system, but
// limited as a member of staff would be. The audit log names it "system".
func SystemAs(role zhitong.Role, region string) zhitong.Principal {
	return zhitong.Principal{Name: System.Name, Role: role, RegionCode: region}
}

// mayImport checks that p is the role that imports kind, or the system (the CLI).
func mayImport(p zhitong.Principal, role zhitong.Role, what string) error {
	if isSystem(p) || p.Role == role && p.StationID == 0 {
		return nil
	}
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	return zhitong.Errorf(zhitong.EFORBIDDEN, "只有%s可以导入%s", zhitong.Label(zhitong.Roles, role), what)
}

// MayImport checks that p may import the kind of record that role manages
// (the committee: stations, deputies, units; the security administrator:
// staff accounts).
func MayImport(p zhitong.Principal, role zhitong.Role, what string) error {
	return mayImport(p, role, what)
}

func importDetail(detail map[string]any, row int) map[string]any {
	detail["source"], detail["row"] = "import", row
	return detail
}

// ImportUser creates a staff account (no account named in.Username yet;
// in.Password is its initial password, to be changed at first sign-in) or
// updates its name, role and jurisdiction, in tx, with AddUser's checks.
// The account's region, station, unit and deputy must lie in p's jurisdiction.
func (a *App) ImportUser(ctx context.Context, tx *store.Tx, p zhitong.Principal, row int, in UserInput) (int64, string, error) {
	if err := mayImport(p, zhitong.RoleSecAdmin, "员工账号"); err != nil {
		return 0, "", err
	}
	in.Username, in.DisplayName, in.RegionCode = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.RegionCode)
	// Every invalid field is reported at once (Problems splits them).
	bad := []error{checkUsername(in.Username)}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	bad = append(bad, checkLen("display_name", "姓名", in.DisplayName, 1, 50))
	if !zhitong.Valid(zhitong.Roles, in.Role) {
		bad = append(bad, zhitong.Invalid("role", "角色“%s”无效", in.Role))
	}
	if in.RegionCode == "" {
		bad = append(bad, zhitong.Invalid("region", "请填写账号管辖的行政区划代码"))
	}
	scope := a.CheckAccountScope(ctx, p, in.Role, in.RegionCode, in.StationID, in.UnitID, in.DeputyID)
	if scope != nil && zhitong.ErrorCode(scope) != zhitong.EINVALID {
		return 0, "", scope
	}
	for _, e := range Problems(scope) {
		if in.RegionCode != "" || zhitong.ErrorField(e) != "region" { // an empty region is reported above
			bad = append(bad, e)
		}
	}
	if in.DeputyID != 0 && zhitong.Valid(zhitong.Roles, in.Role) && !hasField(scope, "deputy_id") {
		if in.Role != zhitong.RoleDeputy {
			bad = append(bad, zhitong.Invalid("deputy_id", "只有角色为人大代表的账号可以关联代表"))
		} else if prev, err := store.GetUserByDeputy(ctx, tx, in.DeputyID); err == nil && prev.Username != in.Username {
			bad = append(bad, zhitong.Invalid("deputy_id", "该代表已关联账号 %s；如需更换，请在代表档案页操作", prev.Username))
		} else if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return 0, "", err
		}
	}
	old, err := store.GetUserByName(ctx, tx, in.Username)
	if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return 0, "", err
	}
	if old != nil && !strings.HasPrefix(old.RegionCode, p.RegionCode) {
		bad = append(bad, zhitong.Invalid("username", "用户名“%s”已被您管辖范围之外的账号使用", in.Username))
	}
	if old == nil && NeedsSecondPerson(p, "", in.Role) || old != nil && NeedsSecondPerson(p, old.Role, in.Role) {
		bad = append(bad, zhitong.Invalid("role", "安全管理员不能独自新建安全管理员或把账号改为安全管理员，请在账号管理页提交申请，由第二人审批"))
	}
	if err := errors.Join(bad...); err != nil {
		return 0, "", err
	}
	u := &zhitong.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, RegionCode: in.RegionCode,
		StationID: in.StationID, UnitID: in.UnitID, DeputyID: in.DeputyID}
	detail := map[string]any{"username": u.Username, "role": u.Role, "region": u.RegionCode}
	if old != nil {
		if old.DisplayName == u.DisplayName && old.Role == u.Role && old.RegionCode == u.RegionCode &&
			old.StationID == u.StationID && old.UnitID == u.UnitID && old.DeputyID == u.DeputyID {
			return old.ID, ImportUnchanged, nil
		}
		u.ID = old.ID
		if u.Role != old.Role && u.ID == p.UserID {
			return 0, "", zhitong.Invalid("role", "不能修改自己的角色")
		}
		if old.Role == zhitong.RoleSecAdmin && u.Role != zhitong.RoleSecAdmin && !old.Disabled {
			if n, err := store.CountActiveSecAdmins(ctx, tx, u.ID); err != nil {
				return 0, "", err
			} else if n == 0 {
				return 0, "", zhitong.Invalid("role", "这是最后一个在用的安全管理员账号，不能改变其角色")
			}
		}
		if err := tx.UpdateUserRole(ctx, u); err != nil {
			return 0, "", err
		}
		return u.ID, ImportUpdated, a.audit(ctx, tx, p, "user.update", "user:"+strconv.FormatInt(u.ID, 10), importDetail(detail, row))
	}
	if err := ValidateUserPassword(in.Username, in.Password); err != nil {
		return 0, "", err
	}
	u.PasswordHash, u.CreatedAt, u.MustChangePassword = a.HashPassword(in.Password), a.clock.Now(), true
	if err := tx.InsertUser(ctx, u); err != nil {
		return 0, "", err
	}
	return u.ID, ImportAdded, a.audit(ctx, tx, p, "user.add", "user:"+strconv.FormatInt(u.ID, 10), importDetail(detail, row))
}
