// Package sso is single sign-on with the province's unified identity
// service (issue #15, docs/sso.md): standard OpenID Connect, authorization
// code with PKCE, through go-oidc and x/oauth2. The system administrator
// configures the provider; the security administrator links a staff account
// to a subject of the provider (never created at the first sign-in); and
// the deployment can require staff to sign in through it (the system
// administrator's password stays, as the break-glass way in).
package sso

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/signin"
	"zhitong/internal/store"
)

// Service is single sign-on over one App.
type Service struct {
	app *app.App
}

// New returns the service over a.
func New(a *app.App) *Service { return &Service{app: a} }

// Config is the provider the deployment signs in with.
type Config struct {
	Enabled  bool   `json:"enabled"`
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// ClientSecret is sealed at rest (table sso_secrets); never shown.
	ClientSecret string   `json:"client_secret,omitempty"`
	RedirectURL  string   `json:"redirect_url"`
	Scopes       []string `json:"scopes"`
	// RequireForStaff refuses staff password sign-in (the system
	// administrator's password stays: break-glass).
	RequireForStaff bool `json:"require_for_staff"`
}

// Ready reports whether sign-in through the provider is offered.
func (c Config) Ready() bool {
	return c.Enabled && c.Issuer != "" && c.ClientID != "" && c.RedirectURL != ""
}

// Validate names the first bad field.
func (c Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	if u, err := url.Parse(c.Issuer); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return zhitong.Invalid("issuer", "请填写认证服务的地址（https://…）")
	}
	if strings.TrimSpace(c.ClientID) == "" {
		return zhitong.Invalid("client_id", "请填写客户端标识")
	}
	if u, err := url.Parse(c.RedirectURL); err != nil || u.Host == "" || !strings.HasSuffix(u.Path, "/sso/callback") {
		return zhitong.Invalid("redirect_url", "回调地址须为本系统的 …/sso/callback")
	}
	return nil
}

const configKey = "sso.config"

func secretAAD() string { return "sso:client_secret" }

// Config returns the stored configuration (client secret opened).
func (s *Service) Config(ctx context.Context) (Config, error) {
	return s.load(ctx, s.app.DB())
}

func (s *Service) load(ctx context.Context, q store.Q) (Config, error) {
	var c Config
	raw, err := store.GetMeta(ctx, q, configKey)
	if err != nil || raw == "" {
		return c, err
	}
	if err := json.Unmarshal([]byte(raw), &c); err != nil {
		return c, err
	}
	c.ClientSecret = ""
	var enc string
	err = q.QueryRow(ctx, `SELECT secret_enc FROM sso_secrets WHERE id = 1`).Scan(&enc)
	if isNoRows(err) {
		return c, nil
	} else if err != nil {
		return c, err
	}
	c.ClientSecret, err = s.app.Sealer().Open(enc, secretAAD())
	return c, err
}

// SetConfig stores the provider configuration: the system administrator
// (or a command on the server), audited without the secret. An empty
// ClientSecret keeps the stored one.
func (s *Service) SetConfig(ctx context.Context, p zhitong.Principal, c Config) error {
	if p.Role != zhitong.RoleSysAdmin && p != app.System {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有系统管理员可以设置统一身份认证")
	}
	c.Issuer, c.ClientID, c.RedirectURL = strings.TrimRight(strings.TrimSpace(c.Issuer), "/"), strings.TrimSpace(c.ClientID), strings.TrimSpace(c.RedirectURL)
	if len(c.Scopes) == 0 {
		c.Scopes = []string{oidc.ScopeOpenID, "profile"}
	}
	if !slices.Contains(c.Scopes, oidc.ScopeOpenID) {
		c.Scopes = append([]string{oidc.ScopeOpenID}, c.Scopes...)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		old, err := s.load(ctx, tx)
		if err != nil {
			return err
		}
		changed := c.ClientSecret != "" && c.ClientSecret != old.ClientSecret
		if changed {
			if _, err := tx.Exec(ctx, `DELETE FROM sso_secrets WHERE id = 1`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO sso_secrets (id, secret_enc) VALUES (1, ?)`, s.app.Sealer().Seal(c.ClientSecret, secretAAD())); err != nil {
				return err
			}
		}
		stored := c
		old.ClientSecret, stored.ClientSecret = "", ""
		raw, _ := json.Marshal(stored)
		if err := tx.SetMeta(ctx, configKey, string(raw)); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "sso.config", "config:sso", map[string]any{"before": old, "after": stored, "secret_changed": changed})
	})
}

// PasswordAllowed refuses staff password sign-in when the deployment
// requires single sign-on: everyone but an existing system administrator
// (break-glass) gets the same answer, whether the username exists or not.
func (s *Service) PasswordAllowed(ctx context.Context, username string) error {
	c, err := s.Config(ctx)
	if err != nil {
		return err
	}
	if !c.Ready() || !c.RequireForStaff {
		return nil
	}
	u, err := store.GetUserByName(ctx, s.app.DB(), strings.TrimSpace(username))
	if err == nil && u.Role == zhitong.RoleSysAdmin {
		return nil
	} else if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return err
	}
	return zhitong.Errorf(zhitong.EFORBIDDEN, "本系统要求工作人员使用统一身份认证登录，请点击“使用统一身份认证登录”")
}

// Pending is what a sign-in remembers between /sso/login and the callback
// (in the server-side session): state, nonce and the PKCE verifier.
type Pending struct {
	State, Nonce, Verifier string
	At                     time.Time
}

// PendingFor is how long a sign-in may take at the provider.
const PendingFor = 10 * time.Minute

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var providers struct {
	sync.Mutex
	m map[string]*oidc.Provider
}

// provider discovers the issuer once per process.
func provider(ctx context.Context, issuer string) (*oidc.Provider, error) {
	providers.Lock()
	defer providers.Unlock()
	if p, ok := providers.m[issuer]; ok {
		return p, nil
	}
	p, err := oidc.NewProvider(context.WithoutCancel(ctx), issuer)
	if err != nil {
		return nil, zhitong.Errorf(zhitong.EBUSY, "统一身份认证服务暂时无法访问，请稍后再试或使用密码登录")
	}
	if providers.m == nil {
		providers.m = map[string]*oidc.Provider{}
	}
	providers.m[issuer] = p
	return p, nil
}

func (s *Service) oauth(ctx context.Context) (Config, *oidc.Provider, *oauth2.Config, error) {
	c, err := s.Config(ctx)
	if err != nil {
		return c, nil, nil, err
	}
	if !c.Ready() {
		return c, nil, nil, zhitong.Errorf(zhitong.ENOTFOUND, "本系统未启用统一身份认证")
	}
	p, err := provider(ctx, c.Issuer)
	if err != nil {
		return c, nil, nil, err
	}
	return c, p, &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, RedirectURL: c.RedirectURL, Endpoint: p.Endpoint(), Scopes: c.Scopes}, nil
}

// Begin starts a sign-in: the provider's URL to send the browser to and
// what the session keeps for the callback.
func (s *Service) Begin(ctx context.Context) (string, Pending, error) {
	_, _, oc, err := s.oauth(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	pd := Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), At: s.app.Now()}
	return oc.AuthCodeURL(pd.State, oidc.Nonce(pd.Nonce), oauth2.S256ChallengeOption(pd.Verifier)), pd, nil
}

// Identity is who the provider says signed in.
type Identity struct {
	Issuer, Subject string
	// MFA: the provider asserts a multi-factor sign-in (amr mfa/otp/hwk…).
	MFA bool
	// Phone is the ID token's phone_number claim, normalised to the
	// digits of a mainland number ("" when absent or not a phone number);
	// a citizen's /submit form starts with it.
	Phone string
}

// claimPhone normalises an OpenID Connect phone_number claim (E.164 such
// as "+86 138 0013 8000", or plain digits) to the 11 digits of a mainland
// mobile number or the digits of a landline; anything else is "".
func claimPhone(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '+' || r == '(' || r == ')':
		default:
			return ""
		}
	}
	d := b.String()
	if strings.HasPrefix(strings.TrimSpace(s), "+") || len(d) == 13 && strings.HasPrefix(d, "86") {
		if !strings.HasPrefix(d, "86") {
			return "" // another country's number
		}
		d = d[2:]
	}
	if len(d) < 7 || len(d) > 12 {
		return ""
	}
	return d
}

var errRefused = func() error {
	return zhitong.Errorf(zhitong.EUNAUTHORIZED, "统一身份认证未通过，请重新登录")
}

// Finish is the callback: it checks the state against pd, exchanges the
// code with the PKCE verifier and verifies the ID token (signature, issuer,
// audience, expiry, nonce).
func (s *Service) Finish(ctx context.Context, pd Pending, state, code string) (Identity, error) {
	if pd.State == "" || state == "" || state != pd.State || s.app.Now().Sub(pd.At) > PendingFor {
		return Identity{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "登录已超时或链接无效，请重新登录")
	}
	c, p, oc, err := s.oauth(ctx)
	if err != nil {
		return Identity{}, err
	}
	tok, err := oc.Exchange(ctx, code, oauth2.VerifierOption(pd.Verifier))
	if err != nil {
		return Identity{}, errRefused()
	}
	raw, ok := tok.Extra("id_token").(string)
	if !ok {
		return Identity{}, errRefused()
	}
	idt, err := p.VerifierContext(ctx, &oidc.Config{ClientID: c.ClientID}).Verify(ctx, raw)
	if err != nil || idt.Nonce != pd.Nonce {
		return Identity{}, errRefused()
	}
	var claims struct {
		AMR   []string `json:"amr"`
		ACR   string   `json:"acr"`
		Phone string   `json:"phone_number"`
	}
	_ = idt.Claims(&claims)
	mfa := false
	for _, m := range claims.AMR {
		switch m {
		case "mfa", "otp", "hwk", "swk", "sc", "fpt", "face":
			mfa = true
		}
	}
	return Identity{Issuer: idt.Issuer, Subject: idt.Subject, MFA: mfa, Phone: claimPhone(claims.Phone)}, nil
}

// Staff is the outcome of a staff sign-in through the provider.
type Staff struct {
	User *zhitong.User
	// Code: the role must use two factors, the provider did not assert
	// one, and the user has enrolled: the page asks for the TOTP code.
	Code bool
	// Enrol: as Code, but not enrolled yet.
	Enrol bool
}

// SignInStaff finds the account linked to id: no link is a refusal and
// nothing is created. Audited either way.
func (s *Service) SignInStaff(ctx context.Context, id Identity, remote string) (Staff, error) {
	var out Staff
	uid, err := s.linked(ctx, s.app.DB(), id.Issuer, id.Subject)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		_ = s.app.DB().Write(ctx, func(tx *store.Tx) error {
			return s.app.AppendAudit(ctx, tx, app.System, "sso.login.refused", "sso:"+s.index(id.Subject)[:12], map[string]any{"remote": remote, "reason": "not_linked"})
		})
		return out, zhitong.Errorf(zhitong.EFORBIDDEN, "您的统一身份认证账号尚未关联本系统的工作人员账号，请联系安全管理员办理关联")
	} else if err != nil {
		return out, err
	}
	u, err := store.GetUser(ctx, s.app.DB(), uid)
	if err != nil {
		return out, err
	}
	if u.Disabled {
		return out, zhitong.Errorf(zhitong.EUNAUTHORIZED, "账号已停用，请联系安全管理员")
	}
	out.User = u
	si := signin.New(s.app)
	pol, err := si.Policy(ctx)
	if err != nil {
		return out, err
	}
	if pol.Requires(u.Role) && !id.MFA {
		enrolled, err := si.Enrolled(ctx, u.ID)
		if err != nil {
			return out, err
		}
		out.Code, out.Enrol = enrolled, !enrolled
	}
	if out.Code {
		return out, nil // the code step audits the sign-in
	}
	err = s.app.DB().Write(ctx, func(tx *store.Tx) error {
		return s.app.AppendAudit(ctx, tx, u.Principal(), "login.ok", "user:"+strconv.FormatInt(u.ID, 10), map[string]any{"remote": remote, "method": "sso", "mfa": id.MFA})
	})
	return out, err
}

func (s *Service) index(subject string) string {
	return s.app.Sealer().BlindIndex("sso_subject", subject)
}

func (s *Service) linked(ctx context.Context, q store.Q, issuer, subject string) (int64, error) {
	for _, idx := range s.app.Sealer().BlindIndexes("sso_subject", subject) {
		var id int64
		err := q.QueryRow(ctx, `SELECT user_id FROM sso_links WHERE issuer = ? AND subject_idx = ?`, issuer, idx).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !isNoRows(err) {
			return 0, err
		}
	}
	return 0, zhitong.Errorf(zhitong.ENOTFOUND, "未关联")
}

// Link is one account's link, the subject masked.
type Link struct {
	UserID    int64     `json:"user_id"`
	Issuer    string    `json:"issuer"`
	Subject   string    `json:"subject"`
	CreatedAt time.Time `json:"created_at"`
}

func mask(s string) string {
	r := []rune(s)
	if len(r) <= 4 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:2]) + strings.Repeat("*", len(r)-4) + string(r[len(r)-2:])
}

// manage loads the account and checks p may manage it (the security
// administrator, within their jurisdiction).
func (s *Service) manage(ctx context.Context, q store.Q, p zhitong.Principal, userID int64) (*zhitong.User, error) {
	if p.Role != zhitong.RoleSecAdmin && p != app.System {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以关联统一身份认证账号")
	}
	u, err := store.GetUser(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(u.RegionCode, p.RegionCode) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "该账号不在您的管辖范围内")
	}
	return u, nil
}

// LinkOf returns the account's link (ENOTFOUND: none).
func (s *Service) LinkOf(ctx context.Context, p zhitong.Principal, userID int64) (Link, error) {
	if _, err := s.manage(ctx, s.app.DB(), p, userID); err != nil {
		return Link{}, err
	}
	var l Link
	var enc, at string
	err := s.app.DB().QueryRow(ctx, `SELECT user_id, issuer, subject_enc, created_at FROM sso_links WHERE user_id = ?`, userID).Scan(&l.UserID, &l.Issuer, &enc, &at)
	if isNoRows(err) {
		return l, zhitong.Errorf(zhitong.ENOTFOUND, "该账号未关联统一身份认证")
	} else if err != nil {
		return l, err
	}
	sub, err := s.app.Sealer().Open(enc, "sso:subject")
	if err != nil {
		return l, err
	}
	l.Subject, l.CreatedAt = mask(sub), store.ParseTime(at)
	return l, nil
}

// Link links the staff account userID to subject at the configured
// issuer (replacing the account's former link). Audited.
func (s *Service) Link(ctx context.Context, p zhitong.Principal, userID int64, subject string) error {
	if p.Role != zhitong.RoleSecAdmin && p != app.System {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以关联统一身份认证账号")
	}
	subject = strings.TrimSpace(subject)
	if subject == "" || len(subject) > 255 {
		return zhitong.Invalid("subject", "请填写统一身份认证的用户标识（1–255 个字符）")
	}
	c, err := s.Config(ctx)
	if err != nil {
		return err
	}
	if c.Issuer == "" {
		return zhitong.Errorf(zhitong.ECONFLICT, "系统管理员尚未设置统一身份认证")
	}
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		u, err := s.manage(ctx, tx, p, userID)
		if err != nil {
			return err
		}
		if u.Role == zhitong.RoleIntegration {
			return zhitong.Invalid("subject", "接口账号不能使用统一身份认证登录")
		}
		if other, err := s.linked(ctx, tx, c.Issuer, subject); err == nil && other != userID {
			return zhitong.Invalid("subject", "该统一身份认证账号已关联其他工作人员账号")
		} else if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM sso_links WHERE user_id = ?`, userID); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO sso_links (issuer, subject_enc, subject_idx, user_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			c.Issuer, s.app.Sealer().Seal(subject, "sso:subject"), s.index(subject), userID, p.UserID, store.FormatTime(s.app.Now())); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "sso.link", "user:"+strconv.FormatInt(userID, 10), map[string]any{"issuer": c.Issuer, "subject": mask(subject)})
	})
}

// Unlink removes the account's link. Audited.
func (s *Service) Unlink(ctx context.Context, p zhitong.Principal, userID int64) error {
	return s.app.DB().Write(ctx, func(tx *store.Tx) error {
		if _, err := s.manage(ctx, tx, p, userID); err != nil {
			return err
		}
		res, err := tx.Exec(ctx, `DELETE FROM sso_links WHERE user_id = ?`, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return zhitong.Errorf(zhitong.ENOTFOUND, "该账号未关联统一身份认证")
		}
		return s.app.AppendAudit(ctx, tx, p, "sso.unlink", "user:"+strconv.FormatInt(userID, 10), nil)
	})
}

func isNoRows(err error) bool { return errors.Is(err, errNoRows) }

var errNoRows = sql.ErrNoRows
