// Package accounts is the security administrator's (安全管理员) work: staff
// accounts and API tokens, each limited to the administrator's region
// subtree. Every change is one transaction with its audit entry.
//
// Sign-in, the password policy and token authentication stay in
// internal/app (Login, ValidatePassword, Authenticate); AddUser and AddToken
// too, since set-up and the demo create accounts through them. What this
// package adds is the administration around them: list, change role and
// jurisdiction, disable and enable, reset a password, unlock, revoke.
package accounts

import (
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Service administers accounts and tokens.
type Service struct{ app *app.App }

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Account states, as the list shows them.
const (
	StateActive     = "active"
	StateDisabled   = "disabled"
	StateLocked     = "locked"
	StateMustChange = "must_change"
)

// StateLabels are the states in Chinese.
var StateLabels = map[string]string{StateActive: "正常", StateDisabled: "已停用", StateLocked: "已锁定", StateMustChange: "待改密码"}

// Account is a staff account as the security administrator sees it: never
// its password hash.
type Account struct {
	ID           int64        `json:"id"`
	Username     string       `json:"username"`
	DisplayName  string       `json:"display_name"`
	Role         zhitong.Role `json:"role"`
	RoleLabel    string       `json:"role_label"`
	Region       string       `json:"region"`
	StationID    int64        `json:"station_id"`
	UnitID       int64        `json:"unit_id"`
	DeputyID     int64        `json:"deputy_id"`
	Jurisdiction string       `json:"jurisdiction"` // the region, station, unit or deputy by name
	State        string       `json:"state"`
	StateLabel   string       `json:"state_label"`
	Disabled     bool         `json:"disabled"`
	LockedUntil  *time.Time   `json:"locked_until"`
	FailedLogins int          `json:"failed_logins"`
	// MustChangePassword: the password was set by someone else and must be
	// changed at the next sign-in.
	MustChangePassword bool      `json:"must_change_password"`
	CreatedAt          time.Time `json:"created_at"`
}

// mayManage refuses everyone but the security administrator and the
// commands run on the server.
func mayManage(p zhitong.Principal) error {
	if p.Role != zhitong.RoleSecAdmin && p != app.System {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以管理账号和令牌")
	}
	return nil
}

// inJurisdiction tells whether region lies in p's subtree.
func inJurisdiction(p zhitong.Principal, region string) bool {
	return strings.HasPrefix(region, p.RegionCode)
}

// Users lists the accounts in p's jurisdiction, by username.
func (s *Service) Users(ctx context.Context, p zhitong.Principal) ([]Account, error) {
	if err := mayManage(p); err != nil {
		return nil, err
	}
	users, err := store.ListUsersUnder(ctx, s.app.DB(), p.RegionCode)
	if err != nil {
		return nil, err
	}
	n := newNamer(ctx, s.app.DB())
	out := make([]Account, 0, len(users))
	for _, u := range users {
		out = append(out, s.view(n, u))
	}
	return out, n.err
}

// UsersPage is a page of Users, by username, paged by cursor.
func (s *Service) UsersPage(ctx context.Context, p zhitong.Principal, in app.PageInput) (app.KeysetPage[Account], error) {
	if err := mayManage(p); err != nil {
		return app.KeysetPage[Account]{}, err
	}
	pg, err := in.StorePage("users")
	if err != nil {
		return app.KeysetPage[Account]{}, err
	}
	users, total, err := store.UsersUnderPage(ctx, s.app.DB(), p.RegionCode, pg, app.ListCountCap)
	if err != nil {
		return app.KeysetPage[Account]{}, err
	}
	n := newNamer(ctx, s.app.DB())
	out := make([]Account, 0, len(users))
	for _, u := range users {
		out = append(out, s.view(n, u))
	}
	return app.PageOf("users", out, total, false, pg, func(a Account) store.Cursor { return store.Cursor{Key: a.Username, ID: a.ID} }), n.err
}

// User loads one account in p's jurisdiction.
func (s *Service) User(ctx context.Context, p zhitong.Principal, id int64) (Account, error) {
	u, err := s.load(ctx, s.app.DB(), p, id)
	if err != nil {
		return Account{}, err
	}
	n := newNamer(ctx, s.app.DB())
	return s.view(n, u), n.err
}

// load reads an account and checks that p may manage it: outside p's
// jurisdiction is EFORBIDDEN.
func (s *Service) load(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (*zhitong.User, error) {
	if err := mayManage(p); err != nil {
		return nil, err
	}
	u, err := store.GetUser(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !inJurisdiction(p, u.RegionCode) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该账号不在您的管辖范围内")
	}
	return u, nil
}

func (s *Service) view(n *namer, u *zhitong.User) Account {
	v := Account{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, RoleLabel: zhitong.Label(zhitong.Roles, u.Role),
		Region: u.RegionCode, StationID: u.StationID, UnitID: u.UnitID, DeputyID: u.DeputyID, Disabled: u.Disabled,
		FailedLogins: u.FailedLogins, MustChangePassword: u.MustChangePassword, CreatedAt: u.CreatedAt}
	now := s.app.Now()
	if u.Locked(now) {
		t := u.LockedUntil
		v.LockedUntil = &t
	}
	switch {
	case u.Disabled:
		v.State = StateDisabled
	case u.Locked(now):
		v.State = StateLocked
	case u.MustChangePassword:
		v.State = StateMustChange
	default:
		v.State = StateActive
	}
	v.StateLabel = StateLabels[v.State]
	v.Jurisdiction = n.jurisdiction(u.RegionCode, u.StationID, u.UnitID, u.DeputyID)
	return v
}

// Created is a new account with its initial password, shown only once.
type Created struct {
	Account
	Password string `json:"password"`
}

// Create adds an account in p's jurisdiction. Without a password one is
// generated; either way the user must change it at the first sign-in.
func (s *Service) Create(ctx context.Context, p zhitong.Principal, in app.UserInput) (Created, error) {
	if err := mayManage(p); err != nil {
		return Created{}, err
	}
	in.Username, in.DisplayName = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName)
	if in.Password == "" {
		in.Password = NewPassword()
	}
	in.MustChangePassword = true
	u, err := s.app.AddUser(ctx, p, in)
	if err != nil {
		return Created{}, err
	}
	n := newNamer(ctx, s.app.DB())
	return Created{Account: s.view(n, u), Password: in.Password}, n.err
}

// Change is a partial update of an account (PATCH): only the fields given
// change.
type Change struct {
	DisplayName *string       `json:"display_name"`
	Role        *zhitong.Role `json:"role"`
	Region      *string       `json:"region"`
	StationID   *int64        `json:"station_id"`
	UnitID      *int64        `json:"unit_id"`
	DeputyID    *int64        `json:"deputy_id"`
}

// Update changes an account's name, role and jurisdiction. Each reference
// must exist and lie in p's jurisdiction. The last active security
// administrator keeps that role, and nobody changes their own role.
//
// Making an account a security administrator is refused to a security
// administrator alone (RequestPromotion asks for a second person).
func (s *Service) Update(ctx context.Context, p zhitong.Principal, id int64, c Change) (Account, error) {
	return s.update(ctx, p, id, c, nil)
}

// update is Update; approved, when not nil, runs in the transaction of an
// approved two-person request and records the approval.
func (s *Service) update(ctx context.Context, p zhitong.Principal, id int64, c Change, approved func(tx *store.Tx) error) (Account, error) {
	before, err := s.load(ctx, s.app.DB(), p, id)
	if err != nil {
		return Account{}, err
	}
	u := *before
	if c.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*c.DisplayName)
		if n := len([]rune(u.DisplayName)); n < 1 || n > 50 {
			return Account{}, zhitong.Invalid("display_name", "姓名须为 1–50 个字")
		}
	}
	if c.Role != nil {
		u.Role = *c.Role
		if !zhitong.Valid(zhitong.Roles, u.Role) {
			return Account{}, zhitong.Invalid("role", "角色“%s”无效", u.Role)
		}
	}
	set := func(dst *int64, src *int64) {
		if src != nil {
			*dst = *src
		}
	}
	if c.Region != nil {
		u.RegionCode = strings.TrimSpace(*c.Region)
	}
	set(&u.StationID, c.StationID)
	set(&u.UnitID, c.UnitID)
	set(&u.DeputyID, c.DeputyID)
	if u.Role != before.Role && u.ID == p.UserID {
		return Account{}, zhitong.Errorf(zhitong.EFORBIDDEN, "不能修改自己的角色")
	}
	if err := s.app.CheckAccountScope(ctx, p, u.Role, u.RegionCode, u.StationID, u.UnitID, u.DeputyID); err != nil {
		return Account{}, err
	}
	if approved == nil && app.NeedsSecondPerson(p, before.Role, u.Role) {
		return Account{}, s.app.RefuseSecondPerson(ctx, p, "user.update_refused", u.ID, map[string]any{"username": u.Username,
			"before": scopeOf(before), "after": scopeOf(&u)})
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if approved != nil {
			if err := approved(tx); err != nil {
				return err
			}
		}
		if before.Role == zhitong.RoleSecAdmin && u.Role != zhitong.RoleSecAdmin && !before.Disabled {
			if err := lastSecAdmin(ctx, tx, u.ID, "改变其角色"); err != nil {
				return err
			}
		}
		if err := tx.UpdateUserRole(ctx, &u); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "user.update", object(u.ID), map[string]any{"username": u.Username,
			"before": scopeOf(before), "after": scopeOf(&u)})
	})
	if err != nil {
		return Account{}, err
	}
	return s.User(ctx, p, id)
}

func scopeOf(u *zhitong.User) map[string]any {
	return map[string]any{"display_name": u.DisplayName, "role": u.Role, "region": u.RegionCode,
		"station_id": u.StationID, "unit_id": u.UnitID, "deputy_id": u.DeputyID}
}

// lastSecAdmin refuses a change that would leave no active security
// administrator, since nobody could then manage accounts in the product.
func lastSecAdmin(ctx context.Context, q store.Q, id int64, what string) error {
	n, err := store.CountActiveSecAdmins(ctx, q, id)
	if err != nil {
		return err
	}
	if n == 0 {
		return zhitong.Errorf(zhitong.ECONFLICT, "这是最后一个在用的安全管理员账号，不能%s", what)
	}
	return nil
}

func object(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// Disable stops an account from signing in and ends its sessions at once.
// Nobody disables their own account, nor the last active security
// administrator.
func (s *Service) Disable(ctx context.Context, p zhitong.Principal, id int64) (Account, error) {
	return s.setDisabled(ctx, p, id, true)
}

// Enable lets a disabled account sign in again.
func (s *Service) Enable(ctx context.Context, p zhitong.Principal, id int64) (Account, error) {
	return s.setDisabled(ctx, p, id, false)
}

func (s *Service) setDisabled(ctx context.Context, p zhitong.Principal, id int64, disabled bool) (Account, error) {
	if disabled && id == p.UserID {
		return Account{}, zhitong.Errorf(zhitong.EFORBIDDEN, "不能停用自己的账号")
	}
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := s.load(ctx, tx, p, id)
		if err != nil || u.Disabled == disabled {
			return err
		}
		if disabled && u.Role == zhitong.RoleSecAdmin {
			if err := lastSecAdmin(ctx, tx, u.ID, "停用"); err != nil {
				return err
			}
		}
		if err := tx.SetUserDisabled(ctx, u.ID, disabled); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
		}
		return s.app.AppendAudit(ctx, tx, p, action, object(u.ID), map[string]any{"username": u.Username})
	})
	if err != nil {
		return Account{}, err
	}
	return s.User(ctx, p, id)
}

// ResetPassword gives an account a new generated password, returned only
// this once. The user must change it at the next sign-in; their sessions
// end at once, and any lock is cleared. One's own password is changed on
// the account page instead.
func (s *Service) ResetPassword(ctx context.Context, p zhitong.Principal, id int64) (Created, error) {
	if id == p.UserID {
		return Created{}, zhitong.Errorf(zhitong.EFORBIDDEN, "请在“我的账号”页面修改自己的密码")
	}
	if _, err := s.load(ctx, s.app.DB(), p, id); err != nil {
		return Created{}, err
	}
	password := NewPassword()
	hash := s.app.HashPassword(password)
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := tx.SetPassword(ctx, u.ID, hash, true); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "user.reset_password", object(u.ID), map[string]any{"username": u.Username})
	})
	if err != nil {
		return Created{}, err
	}
	a, err := s.User(ctx, p, id)
	return Created{Account: a, Password: password}, err
}

// Unlock clears the failed sign-ins and the lock they caused.
func (s *Service) Unlock(ctx context.Context, p zhitong.Principal, id int64) (Account, error) {
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := s.load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := tx.SetLoginState(ctx, u.ID, 0, time.Time{}); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "user.unlock", object(u.ID), map[string]any{"username": u.Username,
			"failed_logins": u.FailedLogins, "was_locked": u.Locked(s.app.Now())})
	})
	if err != nil {
		return Account{}, err
	}
	return s.User(ctx, p, id)
}

// passwordAlphabet leaves out the characters people misread (0/O, 1/l/I).
const passwordAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"

// NewPassword generates a password that passes the policy: three groups of
// four letters and digits joined by dashes, about 70 bits.
func NewPassword() string {
	for {
		b := make([]byte, 32)
		rand.Read(b)
		var sb strings.Builder
		n := 0
		for _, c := range b {
			if int(c) >= 256/len(passwordAlphabet)*len(passwordAlphabet) || n == 12 {
				continue // no modulo bias
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(passwordAlphabet[int(c)%len(passwordAlphabet)])
			n++
		}
		if n < 12 {
			continue
		}
		pw := sb.String()
		if strings.ContainsAny(pw, "23456789") && strings.IndexFunc(pw, isUpper) >= 0 && strings.IndexFunc(pw, isLower) >= 0 && app.ValidatePassword(pw) == nil {
			return pw
		}
	}
}

func isUpper(r rune) bool { return r >= 'A' && r <= 'Z' }
func isLower(r rune) bool { return r >= 'a' && r <= 'z' }
