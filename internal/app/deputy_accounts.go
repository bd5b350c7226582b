package app

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// AccountInput links a deputy to the account they log in with: an existing
// account of role deputy that is linked to no other deputy (UserID), or a
// new one (Username, DisplayName, Password).
type AccountInput struct {
	UserID      int64  `json:"user_id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Password    string `json:"password"`
}

// LinkDeputyAccount links a deputy to their login account, creating it when
// asked. Any account linked to the deputy before is unlinked and disabled,
// since a deputy account without a deputy has nothing to act as.
func (a *App) LinkDeputyAccount(ctx context.Context, p zhitong.Principal, id int64, in AccountInput) (*DeputyProfile, error) {
	var hash string
	if in.UserID == 0 {
		if in.Username == "" {
			return nil, zhitong.Invalid("user_id", "请选择已有的代表账号，或填写新账号的用户名和初始密码")
		}
		if err := ValidateUserPassword(in.Username, in.Password); err != nil {
			return nil, err
		}
		hash = a.HashPassword(in.Password)
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.managedDeputy(ctx, tx, p, id, deputyAccount)
		if err != nil {
			return err
		}
		var u *zhitong.User
		if in.UserID != 0 {
			if u, err = a.checkUserRef(ctx, tx, p, "user_id", in.UserID); err != nil {
				return err
			}
			if u.Role != zhitong.RoleDeputy {
				return zhitong.Invalid("user_id", "账号%s的角色不是人大代表", u.Username)
			}
			if u.DeputyID != 0 && u.DeputyID != id {
				return zhitong.Invalid("user_id", "账号%s已关联其他代表", u.Username)
			}
		} else {
			if err := checkUsername(in.Username); err != nil {
				return err
			}
			if in.DisplayName = strings.TrimSpace(in.DisplayName); in.DisplayName == "" {
				in.DisplayName = d.Name
			}
			u = &zhitong.User{Username: in.Username, DisplayName: in.DisplayName, Role: zhitong.RoleDeputy, RegionCode: d.RegionCode,
				DeputyID: id, PasswordHash: hash, CreatedAt: a.clock.Now()}
			if err := tx.InsertUser(ctx, u); err != nil {
				if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
					return zhitong.Invalid("username", "%s", zhitong.ErrorMessage(err))
				}
				return err
			}
		}
		var unlinked []int64
		if prev, err := store.GetUserByDeputy(ctx, tx, id); err == nil && prev.ID != u.ID {
			if _, err := tx.Exec(ctx, `UPDATE users SET deputy_id = NULL, disabled = ? WHERE deputy_id = ? AND id <> ?`, true, id, u.ID); err != nil {
				return err
			}
			unlinked = append(unlinked, prev.ID)
		} else if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return err
		}
		if err := tx.SetUserDeputy(ctx, u.ID, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "deputy.account", deputyObject(id),
			map[string]any{"user_id": u.ID, "username": u.Username, "created": in.UserID == 0, "unlinked": unlinked})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffDeputy(ctx, p, id)
}

// checkUsername applies AddUser's rules for a username.
func checkUsername(name string) error {
	if err := checkLen("username", "用户名", name, 3, 40); err != nil {
		return err
	}
	for _, r := range name {
		if !(r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')) {
			return zhitong.Invalid("username", "用户名只能包含英文字母、数字和 . _ -")
		}
	}
	return nil
}

// DeputyAccountCandidates lists the accounts of role deputy linked to no deputy.
func (a *App) DeputyAccountCandidates(ctx context.Context, p zhitong.Principal) ([]AccountRef, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, nil
	}
	users, err := store.ListUsers(ctx, a.db)
	if err != nil {
		return nil, err
	}
	var out []AccountRef
	for _, u := range users {
		if u.Role == zhitong.RoleDeputy && u.DeputyID == 0 && !u.Disabled && strings.HasPrefix(u.RegionCode, p.RegionCode) {
			out = append(out, AccountRef{UserID: u.ID, Username: u.Username})
		}
	}
	return out, nil
}

// UnlinkDeputyAccount takes a deputy's login account away (解除关联): the
// account is unlinked and disabled, as when another one is linked, and the
// deputy is reached by SMS from then on (deputy_notify.go). Committee only.
func (a *App) UnlinkDeputyAccount(ctx context.Context, p zhitong.Principal, id int64) (*DeputyProfile, error) {
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.managedDeputy(ctx, tx, p, id, deputyAccount)
		if err != nil {
			return err
		}
		prev, err := store.GetUserByDeputy(ctx, tx, id)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return zhitong.Errorf(zhitong.ECONFLICT, "代表%s没有关联登录账号", d.Name)
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE users SET deputy_id = NULL, disabled = ? WHERE deputy_id = ?`, true, id); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "deputy.account", deputyObject(id),
			map[string]any{"user_id": 0, "unlinked": []int64{prev.ID}, "disabled": true})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffDeputy(ctx, p, id)
}
