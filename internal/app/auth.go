package app

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/emmansun/gmsm/sm3"
	"golang.org/x/crypto/argon2"

	"zhitong"
	"zhitong/internal/store"
)

// Login policy (等保 level 3: strong passwords, lockout after repeated failures).
const (
	MaxFailedLogins = 5
	LockoutDuration = 15 * time.Minute
	minPassword     = 10
)

// argon2id parameters: about 70 ms on the 2-core reference machine.
const (
	argonTime    = 2
	argonMemory  = 32 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	// Config.CheapPasswordHashes (tests only).
	cheapArgonTime    = 1
	cheapArgonMemory  = 64
	cheapArgonThreads = 1
)

// HashPassword returns an argon2id hash in the PHC string format.
func (a *App) HashPassword(password string) string {
	a.hashes <- struct{}{}
	defer func() { <-a.hashes }()
	salt := make([]byte, 16)
	rand.Read(salt)
	t, m, p := uint32(argonTime), uint32(argonMemory), uint8(argonThreads)
	if a.cheap {
		t, m, p = cheapArgonTime, cheapArgonMemory, cheapArgonThreads
	}
	key := argon2.IDKey([]byte(password), salt, t, m, p, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, m, t, p,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// dummyHash is a hash of the current cost that no password matches: an
// unknown user name is checked against it, taking as long as a known one.
func (a *App) dummyHash() string {
	if a.cheap {
		return "$argon2id$v=19$m=64,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	}
	return "$argon2id$v=19$m=32768,t=2,p=2$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
}

func (a *App) checkPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil {
		return false
	}
	a.hashes <- struct{}{}
	defer func() { <-a.hashes }()
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// ValidatePassword enforces the password policy: at least 10 characters from
// at least three of upper case, lower case, digits and symbols, and not a
// common password in disguise (see commonPassword). Accounts use
// ValidateUserPassword, which also refuses the user name.
func ValidatePassword(pw string) error {
	if len([]rune(pw)) < minPassword {
		return zhitong.Invalid("password", "密码至少 %d 位", minPassword)
	}
	if len(pw) > 256 {
		return zhitong.Invalid("password", "密码过长")
	}
	var classes [4]bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			classes[0] = true
		case unicode.IsLower(r):
			classes[1] = true
		case unicode.IsDigit(r):
			classes[2] = true
		default:
			classes[3] = true
		}
	}
	n := 0
	for _, c := range classes {
		if c {
			n++
		}
	}
	if n < 3 {
		return zhitong.Invalid("password", "密码须包含大写字母、小写字母、数字、符号中的至少三类")
	}
	if commonPassword(pw) {
		return zhitong.Invalid("password", "密码过于常见（如 Password@123、Admin@2024、1qaz@WSX），请换一个不易猜到的密码")
	}
	return nil
}

// Login checks a username and password. Repeated failures lock the account
// for a while; every attempt is audited.
func (a *App) Login(ctx context.Context, username, password, remote string) (*zhitong.User, error) {
	return a.LoginWith(ctx, username, password, remote, nil)
}

// Factor is the result of the check that follows a right password (the
// second factor, internal/signin).
type Factor int

const (
	// FactorOK: nothing more is needed, or the code was right.
	FactorOK Factor = iota
	// FactorMissing: a code is needed and none was given; neither a failure
	// nor a success (the password was right): nothing is counted.
	FactorMissing
	// FactorWrong: the code was wrong or used already; counts toward the
	// lock-out like a wrong password.
	FactorWrong
)

// SecondFactor runs after the password matched, in the transaction that
// records the attempt. It may change u (e.g. flag an expired password).
type SecondFactor func(ctx context.Context, tx *store.Tx, u *zhitong.User) (Factor, error)

// ErrCodeRequired is the answer to a right password when the account has a
// second factor and no code was given.
func ErrCodeRequired() error {
	return zhitong.Errorf(zhitong.ETWOFACTOR, "请输入身份验证器中的 6 位动态验证码（或一个恢复码）")
}

// LoginWith is Login followed by second (nil: none), under the same
// lock-out: a wrong code counts as a failed sign-in.
func (a *App) LoginWith(ctx context.Context, username, password, remote string, second SecondFactor) (*zhitong.User, error) {
	bad := zhitong.Errorf(zhitong.EUNAUTHORIZED, "用户名或密码错误")
	u, err := store.GetUserByName(ctx, a.db, strings.TrimSpace(username))
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		a.checkPassword(a.dummyHash(), password) // same time as a real check
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if err := a.mayTry(u); err != nil {
		return nil, err
	}
	ok := a.checkPassword(u.PasswordHash, password)
	return a.attempt(ctx, u, ok, remote, second, bad)
}

// ContinueLogin is the second step of a sign-in whose password was right a
// moment ago (the page asks for the code on a form of its own): second
// decides, under the same lock-out.
func (a *App) ContinueLogin(ctx context.Context, userID int64, remote string, second SecondFactor) (*zhitong.User, error) {
	u, err := store.GetUser(ctx, a.db, userID)
	if err != nil {
		return nil, err
	}
	if err := a.mayTry(u); err != nil {
		return nil, err
	}
	return a.attempt(ctx, u, true, remote, second, zhitong.Errorf(zhitong.EUNAUTHORIZED, "验证码错误或已使用过，请输入身份验证器中新的验证码"))
}

func (a *App) mayTry(u *zhitong.User) error {
	if u.Disabled {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "账号已停用，请联系安全管理员")
	}
	if now := a.clock.Now(); now.Before(u.LockedUntil) {
		return zhitong.Errorf(zhitong.ETOOMANY, "登录失败次数过多，账号已锁定，请于 %s 后再试", u.LockedUntil.In(zhitong.China).Format("15:04"))
	}
	return nil
}

// attempt records one sign-in attempt: a success resets the failure count,
// a failure counts toward the lock-out; both are audited.
func (a *App) attempt(ctx context.Context, u *zhitong.User, ok bool, remote string, second SecondFactor, bad error) (*zhitong.User, error) {
	now := a.clock.Now()
	missing := false
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		p := u.Principal()
		obj := "user:" + strconv.FormatInt(u.ID, 10)
		reason := "password"
		if ok && second != nil {
			f, err := second(ctx, tx, u)
			if err != nil {
				return err
			}
			switch f {
			case FactorMissing:
				missing = true
				return nil
			case FactorWrong:
				ok, reason = false, "two_factor"
			}
		}
		if ok {
			if err := tx.SetLoginState(ctx, u.ID, 0, time.Time{}); err != nil {
				return err
			}
			return a.audit(ctx, tx, p, "login.ok", obj, map[string]any{"remote": remote})
		}
		failed, locked := u.FailedLogins+1, time.Time{}
		if failed >= MaxFailedLogins {
			failed, locked = 0, now.Add(LockoutDuration)
		}
		if err := tx.SetLoginState(ctx, u.ID, failed, locked); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "login.failed", obj, map[string]any{"remote": remote, "locked": !locked.IsZero(), "reason": reason})
	})
	if err != nil {
		return nil, err
	}
	if missing {
		return u, ErrCodeRequired()
	}
	if !ok {
		return nil, bad
	}
	return u, nil
}

// UserInput creates a staff account.
type UserInput struct {
	Username    string       `json:"username"`
	DisplayName string       `json:"display_name"`
	Role        zhitong.Role `json:"role"`
	RegionCode  string       `json:"region"`
	StationID   int64        `json:"station_id"`
	UnitID      int64        `json:"unit_id"`
	DeputyID    int64        `json:"deputy_id"`
	Password    string       `json:"password"`
	// MustChangePassword makes the user choose their own password at the
	// first sign-in (accounts created for someone else).
	MustChangePassword bool `json:"must_change_password"`
	// Approved, set only by an approved two-person request
	// (internal/accounts), lets a security administrator be created: it runs
	// in the account's transaction and records the approval.
	Approved func(tx *store.Tx, u *zhitong.User) error `json:"-"`
}

// AddUser creates an account. Only the security administrator manages
// accounts; the system principal (the CLI on the server) may too.
func (a *App) AddUser(ctx context.Context, p zhitong.Principal, in UserInput) (*zhitong.User, error) {
	if p.Role != zhitong.RoleSecAdmin && !isSystem(p) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以管理账号")
	}
	if err := checkLen("username", "用户名", in.Username, 3, 40); err != nil {
		return nil, err
	}
	for _, r := range in.Username {
		if !(r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '_' || r == '-')) {
			return nil, zhitong.Invalid("username", "用户名只能包含英文字母、数字和 . _ -")
		}
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if err := checkLen("display_name", "姓名", in.DisplayName, 1, 50); err != nil {
		return nil, err
	}
	if !zhitong.Valid(zhitong.Roles, in.Role) {
		return nil, zhitong.Invalid("role", "角色“%s”无效", in.Role)
	}
	if err := ValidateUserPassword(in.Username, in.Password); err != nil {
		return nil, err
	}
	if err := a.CheckAccountScope(ctx, p, in.Role, in.RegionCode, in.StationID, in.UnitID, in.DeputyID); err != nil {
		return nil, err
	}
	if in.Approved == nil && NeedsSecondPerson(p, "", in.Role) {
		return nil, a.refuseSecondPerson(ctx, p, "user.add_refused", 0, map[string]any{"username": in.Username, "role": in.Role, "region": in.RegionCode})
	}
	u := &zhitong.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, RegionCode: in.RegionCode,
		StationID: in.StationID, UnitID: in.UnitID, DeputyID: in.DeputyID, PasswordHash: a.HashPassword(in.Password), CreatedAt: a.clock.Now(),
		MustChangePassword: in.MustChangePassword}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertUser(ctx, u); err != nil {
			return err
		}
		if in.Approved != nil {
			if err := in.Approved(tx, u); err != nil {
				return err
			}
		}
		return a.audit(ctx, tx, p, "user.add", "user:"+strconv.FormatInt(u.ID, 10), map[string]any{"username": u.Username, "role": u.Role, "region": u.RegionCode})
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CheckAccountScope checks what an account or token would act as: every
// reference exists and lies in the jurisdiction of p, who is giving it
// (outside it is EINVALID on that field, like a reference that does not
// exist), and the role has what it needs.
func (a *App) CheckAccountScope(ctx context.Context, p zhitong.Principal, role zhitong.Role, region string, station, unit, deputy int64) error {
	outside := func(field, what string) error {
		return zhitong.Invalid(field, "%s不在您的管辖范围内", what)
	}
	// Every invalid reference is reported at once (Problems splits them).
	var bad []error
	if region != "" {
		if _, err := store.GetRegion(ctx, a.db, region); err != nil {
			if err := gather(&bad, asInvalid("region", err)); err != nil {
				return err
			}
		}
	}
	if len(bad) == 0 && !strings.HasPrefix(region, p.RegionCode) {
		bad = append(bad, outside("region", "所选地区"))
	}
	if station != 0 {
		if st, err := store.GetStation(ctx, a.db, station); err != nil {
			if err := gather(&bad, asInvalid("station_id", err)); err != nil {
				return err
			}
		} else if ok, err := a.SeesStation(ctx, zhitong.Principal{Role: p.Role, RegionCode: p.RegionCode}, st); err != nil {
			return err
		} else if !ok {
			bad = append(bad, outside("station_id", "所选联络站"))
		}
	}
	if unit != 0 {
		if u, err := store.GetUnit(ctx, a.db, unit); err != nil {
			if err := gather(&bad, asInvalid("unit_id", err)); err != nil {
				return err
			}
		} else if !strings.HasPrefix(u.RegionCode, p.RegionCode) {
			bad = append(bad, outside("unit_id", "所选承办单位"))
		}
	}
	if deputy != 0 {
		if d, err := store.GetDeputy(ctx, a.db, deputy); err != nil {
			if err := gather(&bad, asInvalid("deputy_id", err)); err != nil {
				return err
			}
		} else if !strings.HasPrefix(d.RegionCode, p.RegionCode) {
			bad = append(bad, outside("deputy_id", "所选代表"))
		}
	}
	switch {
	case role == zhitong.RoleUnit && unit == 0:
		bad = append(bad, zhitong.Invalid("unit_id", "承办单位账号须指定所属单位"))
	case role == zhitong.RoleDeputy && deputy == 0:
		bad = append(bad, zhitong.Invalid("deputy_id", "代表账号须关联代表档案"))
	}
	return errors.Join(bad...)
}

// ChangePassword lets a user replace their own password.
func (a *App) ChangePassword(ctx context.Context, p zhitong.Principal, old, new string) error {
	u, err := store.GetUser(ctx, a.db, p.UserID)
	if err != nil {
		return err
	}
	if !a.checkPassword(u.PasswordHash, old) {
		return zhitong.Invalid("old_password", "原密码不正确")
	}
	if old == new {
		return zhitong.Invalid("password", "新密码不能与原密码相同")
	}
	return a.SetPassword(ctx, p, u.Username, new)
}

// SetPassword sets a user's password (the user themself, the security
// administrator, or the CLI) and clears any lock. It ends every session of
// the user; the caller keeps its own (see server and web: they sign the
// session in again). A password the security administrator chose must be
// changed at the next sign-in; the user's own, or one set with the CLI on
// the server, need not.
func (a *App) SetPassword(ctx context.Context, p zhitong.Principal, username, password string) error {
	u, err := store.GetUserByName(ctx, a.db, username)
	if err != nil {
		return err
	}
	if err := ValidateUserPassword(u.Username, password); err != nil {
		return err
	}
	if p.UserID != u.ID && p.Role != zhitong.RoleSecAdmin && !isSystem(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有本人或安全管理员可以修改密码")
	}
	if p.UserID != u.ID && !isSystem(p) && !strings.HasPrefix(u.RegionCode, p.RegionCode) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "该账号不在您的管辖范围内")
	}
	hash := a.HashPassword(password)
	mustChange := p.UserID != u.ID && !isSystem(p)
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetPassword(ctx, u.ID, hash, mustChange); err != nil {
			return err
		}
		if err := tx.SetPasswordChangedAt(ctx, u.ID, a.clock.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "user.password", "user:"+strconv.FormatInt(u.ID, 10), map[string]any{"username": u.Username, "must_change": mustChange})
	})
}

// System is the principal of commands run on the server itself (zhitong user add, demo).
var System = zhitong.Principal{Name: "system"}

func isSystem(p zhitong.Principal) bool { return p.Role == "" && p.Name == "system" }

// AddToken creates an API token and returns its secret, shown only once.
func (a *App) AddToken(ctx context.Context, p zhitong.Principal, name string, role zhitong.Role, region string) (string, *zhitong.Token, error) {
	if p.Role != zhitong.RoleSecAdmin && !isSystem(p) {
		return "", nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以签发令牌")
	}
	if err := checkLen("name", "令牌名称", name, 1, 60); err != nil {
		return "", nil, err
	}
	if !zhitong.Valid(zhitong.Roles, role) || role == zhitong.RoleUnit || role == zhitong.RoleDeputy {
		return "", nil, zhitong.Invalid("role", "令牌角色“%s”无效（可用 integration、committee、officer、analyst、auditor 等）", role)
	}
	if err := a.CheckAccountScope(ctx, p, role, region, 0, 0, 0); err != nil {
		return "", nil, err
	}
	raw := make([]byte, 20)
	rand.Read(raw)
	secret := "zt_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw))
	tok := &zhitong.Token{Name: name, Role: role, RegionCode: region, CreatedAt: a.clock.Now()}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertToken(ctx, tok, tokenHash(secret)); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "token.add", "token:"+strconv.FormatInt(tok.ID, 10), map[string]any{"name": name, "role": role, "region": region})
	})
	if err != nil {
		return "", nil, err
	}
	return secret, tok, nil
}

func tokenHash(secret string) string {
	h := sm3.Sum([]byte(secret))
	return hex.EncodeToString(h[:])
}

// tokenTouchInterval is how stale a token's last-used time may get.
const tokenTouchInterval = time.Minute

// Authenticate turns a bearer token into the principal it acts as.
func (a *App) Authenticate(ctx context.Context, secret string) (zhitong.Principal, error) {
	if !strings.HasPrefix(secret, "zt_") || len(secret) > 100 {
		return zhitong.Principal{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "API 令牌无效或已吊销")
	}
	tok, err := store.GetTokenByHash(ctx, a.db, tokenHash(secret))
	if err != nil {
		return zhitong.Principal{}, err
	}
	if now := a.clock.Now(); now.Sub(tok.LastUsedAt) >= tokenTouchInterval {
		// One write a minute per token at most: the conditional update
		// makes concurrent requests (and servers) agree without a read.
		err := a.db.Write(ctx, func(tx *store.Tx) error { return tx.TouchToken(ctx, tok.ID, now, now.Add(-tokenTouchInterval)) })
		if err != nil {
			return zhitong.Principal{}, err
		}
	}
	return zhitong.Principal{TokenID: tok.ID, Name: tok.Name, Role: tok.Role, RegionCode: tok.RegionCode}, nil
}

// User loads an account, for the session middleware.
func (a *App) User(ctx context.Context, id int64) (*zhitong.User, error) {
	return store.GetUser(ctx, a.db, id)
}
