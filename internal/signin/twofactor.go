package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emmansun/gmsm/sm3"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// TOTP parameters: what every authenticator app (Google Authenticator,
// Microsoft Authenticator, 阿里云 APP, FreeOTP…) understands.
const (
	Period = 30
	Digits = otp.DigitsSix
	// Skew is how many steps before and after now a code is accepted
	// (phone clocks drift).
	Skew = 1
	// Issuer names the system in the authenticator app.
	Issuer = "民意直通"
	// RecoveryCodes is how many recovery codes an enrolment gets.
	RecoveryCodes = 10
)

func opts() totp.ValidateOpts {
	return totp.ValidateOpts{Period: Period, Skew: 0, Digits: Digits, Algorithm: otp.AlgorithmSHA1}
}

// Code returns the TOTP code of secret at t (for tests and tools).
func Code(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, opts())
}

// Step is the TOTP time step of t.
func Step(t time.Time) int64 { return t.Unix() / Period }

func secretAAD(userID int64) string { return "two_factor:secret:" + strconv.FormatInt(userID, 10) }

// Status is a user's two-factor state, as the account page shows it.
type Status struct {
	Enrolled      bool      `json:"enrolled"`
	Required      bool      `json:"required"`
	EnrolledAt    time.Time `json:"enrolled_at,omitzero"`
	RecoveryLeft  int       `json:"recovery_codes_left"`
	pendingSecret string
}

// Status returns u's two-factor state.
func (s *Service) Status(ctx context.Context, u *zhitong.User) (Status, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return Status{}, err
	}
	st := Status{Required: pol.Requires(u.Role)}
	tf, err := store.GetTwoFactor(ctx, s.app.DB(), u.ID)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return st, nil
	} else if err != nil {
		return st, err
	}
	if tf.ConfirmedAt.IsZero() {
		st.pendingSecret, err = s.app.Sealer().Open(tf.Secret, secretAAD(u.ID))
		return st, err
	}
	st.Enrolled, st.EnrolledAt = true, tf.ConfirmedAt
	st.RecoveryLeft, err = store.RecoveryCodesLeft(ctx, s.app.DB(), u.ID)
	return st, err
}

// Outcome is a sign-in that got past the password.
type Outcome struct {
	User *zhitong.User
	// Enrol: the user's role must use two factors and they have none yet;
	// the session may do nothing but enrol (and change the password).
	Enrol bool
}

// SignIn checks the password and, when the user has enrolled, the code (a
// TOTP code or a recovery code). A right password without a code for an
// enrolled user is ETWOFACTOR with the user (the page then asks for the
// code); a wrong code counts toward the lock-out. An expired password
// flags the account must-change.
func (s *Service) SignIn(ctx context.Context, username, password, code, remote string) (Outcome, error) {
	u, err := s.app.LoginWith(ctx, username, password, remote, s.check(code))
	if err != nil {
		return Outcome{User: u}, err
	}
	return s.outcome(ctx, u)
}

// Continue is the second step of a page sign-in: the code for a user whose
// password was right (the session remembers who).
func (s *Service) Continue(ctx context.Context, userID int64, code, remote string) (Outcome, error) {
	if strings.TrimSpace(code) == "" {
		return Outcome{}, zhitong.Invalid("code", "请输入验证码")
	}
	u, err := s.app.ContinueLogin(ctx, userID, remote, s.check(code))
	if err != nil {
		return Outcome{}, err
	}
	return s.outcome(ctx, u)
}

func (s *Service) outcome(ctx context.Context, u *zhitong.User) (Outcome, error) {
	pol, err := s.Policy(ctx)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{User: u}
	if pol.Requires(u.Role) {
		_, err := confirmed(ctx, s.app.DB(), u.ID)
		switch zhitong.ErrorCode(err) {
		case "":
		case zhitong.ENOTFOUND:
			out.Enrol = true
		default:
			return out, err
		}
	}
	return out, nil
}

func confirmed(ctx context.Context, q store.Q, userID int64) (*store.TwoFactor, error) {
	tf, err := store.GetTwoFactor(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	if tf.ConfirmedAt.IsZero() {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "两步验证尚未完成绑定")
	}
	return tf, nil
}

// check is the second factor for app.LoginWith: none needed when the user
// has not enrolled; else a TOTP code of a step not used before, or an
// unused recovery code. It also expires an old password.
func (s *Service) check(code string) app.SecondFactor {
	return func(ctx context.Context, tx *store.Tx, u *zhitong.User) (app.Factor, error) {
		if err := s.expire(ctx, tx, u); err != nil {
			return 0, err
		}
		tf, err := confirmed(ctx, tx, u.ID)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return app.FactorOK, nil
		} else if err != nil {
			return 0, err
		}
		code = strings.TrimSpace(code)
		if code == "" {
			return app.FactorMissing, nil
		}
		ok, err := s.verify(ctx, tx, u, tf, code)
		if err != nil || !ok {
			return app.FactorWrong, err
		}
		return app.FactorOK, nil
	}
}

// verify checks a TOTP or recovery code and spends it.
func (s *Service) verify(ctx context.Context, tx *store.Tx, u *zhitong.User, tf *store.TwoFactor, code string) (bool, error) {
	code = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u3000' {
			return -1
		}
		return r
	}, code)
	now := s.app.Now()
	if len(code) == int(Digits) && strings.Trim(code, "0123456789") == "" {
		secret, err := s.app.Sealer().Open(tf.Secret, secretAAD(u.ID))
		if err != nil {
			return false, err
		}
		step, ok := matchStep(secret, code, now)
		if !ok || step <= tf.LastStep {
			return false, nil
		}
		return tx.UseTwoFactorStep(ctx, u.ID, step)
	}
	used, err := tx.UseRecoveryCode(ctx, u.ID, recoveryHash(u.ID, code), now)
	if err != nil || !used {
		return false, err
	}
	return true, s.app.AppendAudit(ctx, tx, u.Principal(), "two_factor.recovery_used", object(u.ID), map[string]any{"username": u.Username})
}

// matchStep finds the step within Skew of now whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	for d := int64(-Skew); d <= Skew; d++ {
		step := Step(now) + d
		want, err := Code(secret, time.Unix(step*Period, 0))
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// expire flags an account whose password is older than the policy allows.
func (s *Service) expire(ctx context.Context, tx *store.Tx, u *zhitong.User) error {
	if u.MustChangePassword {
		return nil
	}
	pol, err := s.Policy(ctx)
	if err != nil || pol.PasswordMaxAgeDays == 0 {
		return err
	}
	changed, err := store.PasswordChangedAt(ctx, tx, u.ID)
	if err != nil {
		return err
	}
	if changed.IsZero() {
		changed = u.CreatedAt
	}
	if s.app.Now().Sub(changed) < time.Duration(pol.PasswordMaxAgeDays)*24*time.Hour {
		return nil
	}
	if err := tx.SetMustChangePassword(ctx, u.ID); err != nil {
		return err
	}
	u.MustChangePassword = true
	return s.app.AppendAudit(ctx, tx, u.Principal(), "user.password_expired", object(u.ID), map[string]any{"username": u.Username,
		"changed_at": changed, "max_age_days": pol.PasswordMaxAgeDays})
}

func object(id int64) string { return "user:" + strconv.FormatInt(id, 10) }

// Enrolment is what the user's authenticator app needs: the secret (for
// typing in) and the otpauth:// address the QR code carries.
type Enrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// Begin starts (or restarts) the signed-in user's enrolment with a new
// secret; nothing changes for sign-in until Confirm. An enrolled user must
// have it reset first (or disable it, when their role allows).
func (s *Service) Begin(ctx context.Context, p zhitong.Principal) (Enrolment, error) {
	u, err := s.self(ctx, p)
	if err != nil {
		return Enrolment{}, err
	}
	if _, err := confirmed(ctx, s.app.DB(), u.ID); err == nil {
		return Enrolment{}, zhitong.Errorf(zhitong.ECONFLICT, "您已绑定两步验证；更换手机请先停用，或请安全管理员重置")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: Issuer, AccountName: u.Username, Period: Period, SecretSize: 20, Digits: Digits, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return Enrolment{}, err
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.PutTwoFactor(ctx, &store.TwoFactor{UserID: u.ID, Secret: s.app.Sealer().Seal(key.Secret(), secretAAD(u.ID)), CreatedAt: s.app.Now()})
	})
	return enrolment(u.Username, key.Secret()), err
}

// Pending returns the enrolment the signed-in user has begun and not yet
// confirmed (for the QR code and the page), ENOTFOUND when none.
func (s *Service) Pending(ctx context.Context, p zhitong.Principal) (Enrolment, error) {
	u, err := s.self(ctx, p)
	if err != nil {
		return Enrolment{}, err
	}
	st, err := s.Status(ctx, u)
	if err != nil {
		return Enrolment{}, err
	}
	if st.pendingSecret == "" {
		return Enrolment{}, zhitong.Errorf(zhitong.ENOTFOUND, "没有进行中的两步验证绑定")
	}
	return enrolment(u.Username, st.pendingSecret), nil
}

func enrolment(username, secret string) Enrolment {
	v := url.Values{"secret": {secret}, "issuer": {Issuer}, "period": {"30"}, "digits": {"6"}, "algorithm": {"SHA1"}}
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + Issuer + ":" + username, RawQuery: v.Encode()}
	return Enrolment{Secret: secret, URL: u.String()}
}

// decodeSecret decodes a Base32 secret as authenticator apps write it.
func decodeSecret(secret string) ([]byte, error) {
	secret = strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	b, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(strings.TrimRight(secret, "="))
	if err == nil && len(b) < 10 {
		err = errors.New("secret too short")
	}
	return b, err
}

// Confirm finishes the enrolment with a first code from the app and returns
// the recovery codes, shown this once (only their hashes are kept).
func (s *Service) Confirm(ctx context.Context, p zhitong.Principal, code string) ([]string, error) {
	u, err := s.self(ctx, p)
	if err != nil {
		return nil, err
	}
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if code == "" {
		return nil, zhitong.Invalid("code", "请输入身份验证器显示的 6 位验证码")
	}
	codes := newRecoveryCodes()
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		tf, err := store.GetTwoFactor(ctx, tx, u.ID)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return zhitong.Errorf(zhitong.ECONFLICT, "请先开始绑定（生成二维码）")
		} else if err != nil {
			return err
		}
		if !tf.ConfirmedAt.IsZero() {
			return zhitong.Errorf(zhitong.ECONFLICT, "您已绑定两步验证")
		}
		secret, err := s.app.Sealer().Open(tf.Secret, secretAAD(u.ID))
		if err != nil {
			return err
		}
		step, ok := matchStep(secret, code, s.app.Now())
		if !ok {
			return zhitong.Invalid("code", "验证码不正确：请确认手机时间准确，并输入身份验证器当前显示的 6 位数字")
		}
		if err := tx.ConfirmTwoFactor(ctx, u.ID, step, s.app.Now()); err != nil {
			return err
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes(u.ID, codes)); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "two_factor.enrol", object(u.ID), map[string]any{"username": u.Username})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// NewRecoveryCodes replaces the signed-in user's recovery codes (the old
// ones stop working) and returns the new ones, shown this once.
func (s *Service) NewRecoveryCodes(ctx context.Context, p zhitong.Principal) ([]string, error) {
	u, err := s.self(ctx, p)
	if err != nil {
		return nil, err
	}
	codes := newRecoveryCodes()
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if _, err := confirmed(ctx, tx, u.ID); err != nil {
			return zhitong.Errorf(zhitong.ECONFLICT, "您尚未绑定两步验证")
		}
		if err := tx.ReplaceRecoveryCodes(ctx, u.ID, hashes(u.ID, codes)); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "two_factor.recovery_codes", object(u.ID), map[string]any{"username": u.Username})
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// Disable removes the signed-in user's own two-factor sign-in, which only a
// role the policy does not require may do, with a current code.
func (s *Service) Disable(ctx context.Context, p zhitong.Principal, code string) error {
	u, err := s.self(ctx, p)
	if err != nil {
		return err
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if pol.Requires(u.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色必须使用两步验证，不能停用；更换手机请联系安全管理员重置")
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		tf, err := confirmed(ctx, tx, u.ID)
		if err != nil {
			return zhitong.Errorf(zhitong.ECONFLICT, "您尚未绑定两步验证")
		}
		ok, err := s.verify(ctx, tx, u, tf, code)
		if err != nil {
			return err
		}
		if !ok {
			return zhitong.Invalid("code", "验证码不正确")
		}
		if err := tx.DeleteTwoFactor(ctx, u.ID); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "two_factor.disable", object(u.ID), map[string]any{"username": u.Username})
	})
}

// Reset removes another user's two-factor enrolment (a lost phone): the
// security administrator of the user's jurisdiction only, audited. The
// user's sessions end; at the next sign-in they enrol again when their
// role requires it.
func (s *Service) Reset(ctx context.Context, p zhitong.Principal, userID int64) error {
	if p.Role != zhitong.RoleSecAdmin && !isSystem(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以重置两步验证")
	}
	if userID == p.UserID {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "不能重置自己的两步验证，请另一位安全管理员操作")
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !strings.HasPrefix(u.RegionCode, p.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该账号不在您的管辖范围内")
		}
		if _, err := store.GetTwoFactor(ctx, tx, u.ID); err != nil {
			if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
				return zhitong.Errorf(zhitong.ECONFLICT, "账号%s没有绑定两步验证", u.Username)
			}
			return err
		}
		if err := tx.DeleteTwoFactor(ctx, u.ID); err != nil {
			return err
		}
		if err := tx.BumpSessionEpoch(ctx, u.ID); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "two_factor.reset", object(u.ID), map[string]any{"username": u.Username})
	})
}

// EnrolSecret enrols a user with a given secret, confirmed at once: for the
// commands on the server only (tests, and `zhitong user two-factor`, which
// prints the secret for a person to type into their app).
func (s *Service) EnrolSecret(ctx context.Context, p zhitong.Principal, userID int64, secret string) error {
	if !isSystem(p) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只能在服务器上用命令设置")
	}
	if _, err := decodeSecret(secret); err != nil {
		return zhitong.Invalid("secret", "密钥须为 Base32 编码")
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := store.GetUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		now := s.app.Now()
		if err := tx.PutTwoFactor(ctx, &store.TwoFactor{UserID: u.ID, Secret: s.app.Sealer().Seal(secret, secretAAD(u.ID)), ConfirmedAt: now, CreatedAt: now}); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "two_factor.enrol", object(u.ID), map[string]any{"username": u.Username, "via": "command"})
	})
}

// LastStep is the last time step a code of the user's was accepted for (0
// when none, or not enrolled): tests pick the next code with it.
func (s *Service) LastStep(ctx context.Context, userID int64) (int64, error) {
	tf, err := store.GetTwoFactor(ctx, s.app.DB(), userID)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return tf.LastStep, nil
}

// Enrolled reports whether the user has confirmed two-factor sign-in.
func (s *Service) Enrolled(ctx context.Context, userID int64) (bool, error) {
	_, err := confirmed(ctx, s.app.DB(), userID)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) self(ctx context.Context, p zhitong.Principal) (*zhitong.User, error) {
	if p.UserID == 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "API 令牌没有两步验证，请用账号登录")
	}
	return store.GetUser(ctx, s.app.DB(), p.UserID)
}

func isSystem(p zhitong.Principal) bool {
	return p.Role == "" && p.Name == app.System.Name && p.UserID == 0
}

// recoveryAlphabet leaves out the characters people misread.
const recoveryAlphabet = "abcdefghjkmnpqrstuvwxyz23456789"

// newRecoveryCodes makes RecoveryCodes codes of 12 characters (three groups
// of four, about 59 bits each).
func newRecoveryCodes() []string {
	out := make([]string, 0, RecoveryCodes)
	for len(out) < RecoveryCodes {
		var sb strings.Builder
		b := make([]byte, 64)
		rand.Read(b)
		n := 0
		for _, c := range b {
			if int(c) >= 256/len(recoveryAlphabet)*len(recoveryAlphabet) {
				continue
			}
			if n > 0 && n%4 == 0 {
				sb.WriteByte('-')
			}
			sb.WriteByte(recoveryAlphabet[int(c)%len(recoveryAlphabet)])
			if n++; n == 12 {
				break
			}
		}
		if n == 12 {
			out = append(out, sb.String())
		}
	}
	return out
}

// recoveryHash is how a recovery code is kept: SM3 over the user and the
// code without dashes or case.
func recoveryHash(userID int64, code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	h := sm3.Sum([]byte("zhitong-recovery:" + strconv.FormatInt(userID, 10) + ":" + code))
	return hex.EncodeToString(h[:])
}

func hashes(userID int64, codes []string) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = recoveryHash(userID, c)
	}
	return out
}
