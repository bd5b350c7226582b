// Package signin is how staff sign in beyond the password (issue #11, 等保
// level 3): TOTP two-factor sign-in with recovery codes, the sign-in policy
// the security administrator sets (which roles must use two factors,
// password expiry, session idle and absolute timeouts), and the reset of a
// user's two-factor enrolment. The password check and the lock-out stay in
// internal/app (LoginWith); this package plugs the second factor into it.
package signin

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Service is sign-in over one App.
type Service struct {
	app *app.App
}

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Policy is the sign-in policy of the deployment.
type Policy struct {
	// TwoFactorRoles must sign in with a second factor; other roles may.
	TwoFactorRoles []zhitong.Role `json:"two_factor_roles"`
	// PasswordMaxAgeDays: a password older than this must be changed at
	// the next sign-in; 0 = never expires.
	PasswordMaxAgeDays int `json:"password_max_age_days"`
	// IdleMinutes ends a session after this long without a request.
	IdleMinutes int `json:"idle_minutes"`
	// AbsoluteHours ends a session this long after sign-in, active or not.
	AbsoluteHours int `json:"absolute_hours"`
	// WarnMinutes: the page warns this long before the idle timeout.
	WarnMinutes int `json:"warn_minutes"`
}

// DefaultPolicy holds until the security administrator saves another one:
// two factors for the three administrators and the committee.
func DefaultPolicy() Policy {
	return Policy{
		TwoFactorRoles:     []zhitong.Role{zhitong.RoleSysAdmin, zhitong.RoleSecAdmin, zhitong.RoleAuditor, zhitong.RoleCommittee},
		PasswordMaxAgeDays: 90, IdleMinutes: 30, AbsoluteHours: 12, WarnMinutes: 2,
	}
}

// Bounds of the policy.
const (
	MaxIdleMinutes   = 8 * 60
	MaxAbsoluteHours = 24
)

// Idle, Absolute and Warn are the timeouts as durations.
func (p Policy) Idle() time.Duration     { return time.Duration(p.IdleMinutes) * time.Minute }
func (p Policy) Absolute() time.Duration { return time.Duration(p.AbsoluteHours) * time.Hour }
func (p Policy) Warn() time.Duration     { return time.Duration(p.WarnMinutes) * time.Minute }

// Requires reports whether role must sign in with two factors.
func (p Policy) Requires(role zhitong.Role) bool { return slices.Contains(p.TwoFactorRoles, role) }

// Validate checks a policy and names the first bad field.
func (p Policy) Validate() error {
	for _, r := range p.TwoFactorRoles {
		if !zhitong.Valid(zhitong.Roles, r) || r == zhitong.RoleIntegration {
			return zhitong.Invalid("two_factor_roles", "角色“%s”无效", r)
		}
	}
	switch {
	case p.PasswordMaxAgeDays < 0 || p.PasswordMaxAgeDays > 3650:
		return zhitong.Invalid("password_max_age_days", "密码有效期须在 0（永不过期）到 3650 天之间")
	case p.IdleMinutes < 5 || p.IdleMinutes > MaxIdleMinutes:
		return zhitong.Invalid("idle_minutes", "空闲超时须在 5 到 %d 分钟之间", MaxIdleMinutes)
	case p.AbsoluteHours < 1 || p.AbsoluteHours > MaxAbsoluteHours:
		return zhitong.Invalid("absolute_hours", "会话最长时间须在 1 到 %d 小时之间", MaxAbsoluteHours)
	case time.Duration(p.IdleMinutes)*time.Minute > time.Duration(p.AbsoluteHours)*time.Hour:
		return zhitong.Invalid("idle_minutes", "空闲超时不能长于会话最长时间")
	case p.WarnMinutes < 1 || p.WarnMinutes >= p.IdleMinutes:
		return zhitong.Invalid("warn_minutes", "超时提醒须提前 1 分钟以上，且短于空闲超时")
	}
	return nil
}

// Floor is what no security administrator can relax from the pages or the
// API (等保 level 3): two factors for the three administrators and the
// committee, and passwords that expire within a year. Only a command on the
// server (the demo loader, an operator) may save a policy below it.
var Floor = struct {
	TwoFactorRoles     []zhitong.Role
	PasswordMaxAgeDays int
}{DefaultPolicy().TwoFactorRoles, 365}

func (p Policy) holdsFloor() error {
	for _, r := range Floor.TwoFactorRoles {
		if !p.Requires(r) {
			return zhitong.Invalid("two_factor_roles", "%s必须使用两步验证（等保三级要求），不能取消", zhitong.Label(zhitong.Roles, r))
		}
	}
	if p.PasswordMaxAgeDays == 0 || p.PasswordMaxAgeDays > Floor.PasswordMaxAgeDays {
		return zhitong.Invalid("password_max_age_days", "密码有效期须在 1 到 %d 天之间", Floor.PasswordMaxAgeDays)
	}
	return nil
}

const policyKey = "signin.policy"

// policyTTL is how long a server trusts the policy it read: another server's
// change applies here within it.
const policyTTL = 5 * time.Second

var cache struct {
	sync.Mutex
	db  *store.DB
	at  time.Time
	pol Policy
}

// Policy returns the deployment's sign-in policy (DefaultPolicy until one
// is saved).
func (s *Service) Policy(ctx context.Context) (Policy, error) {
	cache.Lock()
	if cache.db == s.app.DB() && time.Since(cache.at) < policyTTL {
		p := cache.pol
		cache.Unlock()
		return p, nil
	}
	cache.Unlock()
	p, err := loadPolicy(ctx, s.app.DB())
	if err != nil {
		return p, err
	}
	cache.Lock()
	cache.db, cache.at, cache.pol = s.app.DB(), time.Now(), p
	cache.Unlock()
	return p, nil
}

func loadPolicy(ctx context.Context, q store.Q) (Policy, error) {
	raw, err := store.GetMeta(ctx, q, policyKey)
	if err != nil || raw == "" {
		return DefaultPolicy(), err
	}
	p := DefaultPolicy()
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return DefaultPolicy(), err
	}
	return p, nil
}

func forget() {
	cache.Lock()
	cache.db = nil
	cache.Unlock()
}

// SetPolicy stores a new policy: the security administrator (or the
// commands on the server), audited with before and after.
func (s *Service) SetPolicy(ctx context.Context, p zhitong.Principal, pol Policy) (Policy, error) {
	if p.Role != zhitong.RoleSecAdmin && !isSystem(p) {
		return Policy{}, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以设置登录策略")
	}
	if p.Role == zhitong.RoleSecAdmin && p.RegionCode != "" && !isTop(ctx, s.app, p) {
		return Policy{}, zhitong.Errorf(zhitong.EFORBIDDEN, "登录策略对整个系统生效，只有最高一级的安全管理员可以设置")
	}
	if pol.TwoFactorRoles == nil {
		pol.TwoFactorRoles = []zhitong.Role{}
	}
	if err := pol.Validate(); err != nil {
		return Policy{}, err
	}
	if !isSystem(p) {
		if err := pol.holdsFloor(); err != nil {
			return Policy{}, err
		}
	}
	raw, _ := json.Marshal(pol)
	err := s.app.DB().Write(ctx, func(tx *store.Tx) error {
		old, err := loadPolicy(ctx, tx)
		if err != nil {
			return err
		}
		if err := tx.SetMeta(ctx, policyKey, string(raw)); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "signin.policy", "policy:signin", map[string]any{"before": old, "after": pol})
	})
	forget()
	return pol, err
}

// isTop reports whether p's region is the widest any security
// administrator has: a county's administrator of a one-county deployment
// sets the policy, a township's would not when a county one exists.
func isTop(ctx context.Context, a *app.App, p zhitong.Principal) bool {
	users, err := store.ListUsers(ctx, a.DB())
	if err != nil {
		return false
	}
	for _, u := range users {
		if u.Role == zhitong.RoleSecAdmin && !u.Disabled && len(u.RegionCode) < len(p.RegionCode) {
			return false
		}
	}
	return true
}

// Saved reports whether a policy was ever saved (else DefaultPolicy holds).
func (s *Service) Saved(ctx context.Context) (bool, error) {
	raw, err := store.GetMeta(ctx, s.app.DB(), policyKey)
	return raw != "", err
}
