package sso_test

import (
	"errors"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sso"
	"zhitong/internal/sso/ssotest"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// callback is the deployment's redirect URL: the tests stop the browser
// there and read the code, so no server answers it.
const callback = "http://zhitong.test/sso/callback"

// world is a deployment whose system administrator configured a real
// OpenID Connect provider (zitadel's op on httptest, package ssotest).
type world struct {
	a     *app.App
	clock *testkit.Clock
	svc   *sso.Service
	prov  *ssotest.Provider
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a, clock := testkit.MustApp(t)
	w := &world{a: a, clock: clock, svc: sso.New(a), prov: ssotest.Start(t, callback)}
	if err := w.svc.SetConfig(t.Context(), app.System, sso.Config{Enabled: true, Issuer: w.prov.Issuer, ClientID: w.prov.ClientID,
		ClientSecret: w.prov.ClientSecret, RedirectURL: callback}); err != nil {
		t.Fatal(err)
	}
	return w
}

// authorize begins a sign-in, lets the provider's login step approve it
// and returns what the callback receives: the pending sign-in, the state
// and the code.
func (w *world) authorize(t *testing.T) (sso.Pending, string, string) {
	t.Helper()
	to, pd, err := w.svc.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if r.URL.Host == "zhitong.test" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	res, err := browser.Get(to)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := res.Location()
	if err != nil || back.Host != "zhitong.test" || back.Query().Get("code") == "" {
		t.Fatalf("the provider answered %d, to %v (%v)", res.StatusCode, back, err)
	}
	return pd, back.Query().Get("state"), back.Query().Get("code")
}

// finish is a whole sign-in at the provider as subject with amr.
func (w *world) finish(t *testing.T, subject string, amr ...string) (sso.Identity, error) {
	t.Helper()
	w.prov.SignInAs(subject, amr...)
	pd, state, code := w.authorize(t)
	return w.svc.Finish(t.Context(), pd, state, code)
}

func (w *world) user(t *testing.T, name string, role zhitong.Role) *zhitong.User {
	t.Helper()
	u := &zhitong.User{Username: name, DisplayName: name, Role: role, RegionCode: "360728", PasswordHash: "x", CreatedAt: w.a.Now()}
	if err := w.a.DB().Write(t.Context(), func(tx *store.Tx) error { return tx.InsertUser(t.Context(), u) }); err != nil {
		t.Fatal(err)
	}
	return u
}

func (w *world) audits(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.a.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if zhitong.ErrorCode(err) != code {
		t.Errorf("%s: %v, want %s", what, err, code)
	}
}

func TestConfigValidate(t *testing.T) {
	good := sso.Config{Enabled: true, Issuer: "https://idp.jiangxi.gov.cn/oidc", ClientID: "zhitong", RedirectURL: "https://zhitong.example.cn/sso/callback"}
	for _, c := range []struct {
		name  string
		edit  func(*sso.Config)
		field string
	}{
		{"good", func(*sso.Config) {}, ""},
		{"disabled, empty", func(c *sso.Config) { *c = sso.Config{} }, ""},
		{"issuer not a URL", func(c *sso.Config) { c.Issuer = "idp.jiangxi.gov.cn" }, "issuer"},
		{"issuer ftp", func(c *sso.Config) { c.Issuer = "ftp://idp.jiangxi.gov.cn" }, "issuer"},
		{"issuer without host", func(c *sso.Config) { c.Issuer = "https://" }, "issuer"},
		{"no client", func(c *sso.Config) { c.ClientID = "  " }, "client_id"},
		{"redirect elsewhere", func(c *sso.Config) { c.RedirectURL = "https://zhitong.example.cn/login" }, "redirect_url"},
		{"redirect without host", func(c *sso.Config) { c.RedirectURL = "/sso/callback" }, "redirect_url"},
	} {
		cfg := good
		c.edit(&cfg)
		err := cfg.Validate()
		var e *zhitong.Error
		if c.field == "" && err != nil || c.field != "" && (!errors.As(err, &e) || e.Code != zhitong.EINVALID || e.Field != c.field) {
			t.Errorf("%s: %v, want field %q", c.name, err, c.field)
		}
	}
	if !good.Ready() || (sso.Config{Issuer: good.Issuer, ClientID: "x", RedirectURL: good.RedirectURL}).Ready() {
		t.Error("Ready: only an enabled, complete configuration")
	}
}

// TestSetConfig: only the system administrator; the scopes always hold
// openid; the client secret is sealed, never shown or audited, and kept
// when left empty; a bad field stores nothing.
func TestSetConfig(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	f := testkit.Seed(t, w.a)
	cfg := sso.Config{Enabled: true, Issuer: w.prov.Issuer + "/ ", ClientID: " zhitong ", RedirectURL: callback, Scopes: []string{"profile", "phone"}}
	for _, r := range []zhitong.Role{zhitong.RoleSecAdmin, zhitong.RoleCommittee, zhitong.RoleOfficer} {
		wantCode(t, string(r)+" sets SSO up", w.svc.SetConfig(ctx, f.In[r], cfg), zhitong.EFORBIDDEN)
		_, err := w.svc.Settings(ctx, f.In[r])
		wantCode(t, string(r)+" reads the settings", err, zhitong.EFORBIDDEN)
	}
	if err := w.svc.SetConfig(ctx, f.In[zhitong.RoleSysAdmin], cfg); err != nil {
		t.Fatal(err)
	}
	got := testkit.Must(w.svc.Settings(ctx, f.In[zhitong.RoleSysAdmin]))(t)
	if got.Issuer != w.prov.Issuer || got.ClientID != "zhitong" || !slices.Equal(got.Scopes, []string{"openid", "profile", "phone"}) {
		t.Errorf("stored %+v", got.Config)
	}
	if got.ClientSecret != "" || !got.HasClientSecret {
		t.Errorf("settings show the secret %q, has one %v", got.ClientSecret, got.HasClientSecret)
	}
	if c := testkit.Must(w.svc.Config(ctx))(t); c.ClientSecret != w.prov.ClientSecret {
		t.Errorf("an empty secret replaced the stored one: %q", c.ClientSecret)
	}
	var leaks, audited int
	if err := w.a.DB().QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM meta WHERE value LIKE ?) + (SELECT COUNT(*) FROM audit_log WHERE detail LIKE ?),
 (SELECT COUNT(*) FROM audit_log WHERE action = 'sso.config' AND detail LIKE '%secret_changed%')`,
		"%"+w.prov.ClientSecret+"%", "%"+w.prov.ClientSecret+"%").Scan(&leaks, &audited); err != nil {
		t.Fatal(err)
	}
	if leaks != 0 || audited != 2 {
		t.Errorf("the client secret is stored in the clear %d times; %d changes audited", leaks, audited)
	}

	cfg.Scopes, cfg.ClientSecret = nil, "another"
	if err := w.svc.SetConfig(ctx, app.System, cfg); err != nil {
		t.Fatal(err)
	}
	if c := testkit.Must(w.svc.Config(ctx))(t); c.ClientSecret != "another" || !slices.Equal(c.Scopes, []string{"openid", "profile"}) {
		t.Errorf("after a new secret and no scopes: %q %v", c.ClientSecret, c.Scopes)
	}
	bad := cfg
	bad.RedirectURL, bad.ClientSecret = "https://elsewhere.example/x", "third"
	err := w.svc.SetConfig(ctx, app.System, bad)
	wantCode(t, "a bad redirect URL", err, zhitong.EINVALID)
	if !strings.Contains(zhitong.ErrorMessage(err), "回调地址") {
		t.Errorf("message %q", zhitong.ErrorMessage(err))
	}
	if c := testkit.Must(w.svc.Config(ctx))(t); c.RedirectURL != callback || c.ClientSecret != "another" {
		t.Errorf("a refused configuration was stored: %+v", c)
	}
	if n := w.audits(t, "sso.config"); n != 3 {
		t.Errorf("%d configuration changes audited, want 3", n)
	}
}

// TestFinish follows the authorization code flow with PKCE through the
// provider and refuses every callback that does not belong to the sign-in
// begun: another state, none, too late, another verifier, another nonce, a
// code used twice, a token for another client, an expired one.
func TestFinish(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	w.prov.SignInAs("citizen-7")
	to, pd, err := w.svc.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := testkit.Must(url.Parse(to))(t).Query()
	if q.Get("state") != pd.State || q.Get("nonce") != pd.Nonce || q.Get("code_challenge_method") != "S256" ||
		q.Get("code_challenge") == "" || strings.Contains(to, pd.Verifier) || q.Get("redirect_uri") != callback {
		t.Errorf("the provider's URL %s for %+v", to, pd)
	}
	if _, again, _ := w.svc.Begin(ctx); again.State == pd.State || again.Nonce == pd.Nonce || again.Verifier == pd.Verifier {
		t.Error("two sign-ins share a state, nonce or verifier")
	}

	pd, state, code := w.authorize(t)
	id, err := w.svc.Finish(ctx, pd, state, code)
	if err != nil || id.Issuer != w.prov.Issuer || id.Subject != "citizen-7" || id.MFA || id.Phone != "" {
		t.Fatalf("signed in as %+v (%v)", id, err)
	}
	_, err = w.svc.Finish(ctx, pd, state, code)
	wantCode(t, "the code used twice", err, zhitong.EUNAUTHORIZED)

	for _, c := range []struct {
		name string
		edit func(pd *sso.Pending, state *string)
	}{
		{"another state", func(_ *sso.Pending, s *string) { *s += "x" }},
		{"no state", func(_ *sso.Pending, s *string) { *s = "" }},
		{"no sign-in begun", func(pd *sso.Pending, _ *string) { *pd = sso.Pending{} }},
		{"too late", func(*sso.Pending, *string) { w.clock.Advance(sso.PendingFor + time.Second) }},
		{"another verifier", func(pd *sso.Pending, _ *string) { pd.Verifier = strings.Repeat("x", len(pd.Verifier)) }},
		{"another nonce", func(pd *sso.Pending, _ *string) { pd.Nonce += "x" }},
	} {
		pd, state, code := w.authorize(t)
		c.edit(&pd, &state)
		_, err := w.svc.Finish(ctx, pd, state, code)
		wantCode(t, c.name, err, zhitong.EUNAUTHORIZED)
	}

	for _, c := range []struct {
		name string
		knob func()
	}{
		{"a token for another client", func() { w.prov.WrongAudience("other-client") }},
		{"an expired token", func() { w.prov.Lifetime(-time.Minute) }},
		{"the provider's nonce", func() { w.prov.OtherNonce("forged") }},
	} {
		c.knob()
		_, err := w.finish(t, "citizen-7")
		wantCode(t, c.name, err, zhitong.EUNAUTHORIZED)
		w.prov.Reset()
	}
	if _, err := w.finish(t, "citizen-7"); err != nil {
		t.Errorf("after the knobs: %v", err)
	}
}

// TestMFA: the identity is multi-factor when the ID token's amr names a
// second factor, whatever else it names; a password alone is not.
func TestMFA(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct {
		amr []string
		mfa bool
	}{
		{nil, false}, // the provider says pwd
		{[]string{"pwd"}, false},
		{[]string{"sms"}, false},
		{[]string{"otp"}, true},
		{[]string{"pwd", "mfa"}, true},
		{[]string{"hwk"}, true},
		{[]string{"face"}, true},
	} {
		id, err := w.finish(t, "staff-1", c.amr...)
		if err != nil || id.MFA != c.mfa {
			t.Errorf("amr %v: MFA %v (%v), want %v", c.amr, id.MFA, err, c.mfa)
		}
	}
}

// TestPhoneClaim: the ID token's phone_number reaches the identity as the
// digits of a mainland number; another country's is dropped.
func TestPhoneClaim(t *testing.T) {
	w := newWorld(t)
	for claim, want := range map[string]string{"+86 138 0013 8000": "13800138000", "+1 415 555 0100": ""} {
		w.prov.WithPhone(claim)
		if id, err := w.finish(t, "citizen-8"); err != nil || id.Phone != want {
			t.Errorf("phone_number %q: %q (%v), want %q", claim, id.Phone, err, want)
		}
	}
}

// TestSignInStaff: no link, no account (refused, audited, nothing
// created); a linked role that must use two factors is asked to enrol
// unless the provider asserted MFA; a disabled account is refused.
func TestSignInStaff(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	committee := w.user(t, "c_member", zhitong.RoleCommittee)
	officer := w.user(t, "t_officer", zhitong.RoleOfficer)

	id := testkit.Must(w.finish(t, "member-1", "otp"))(t)
	_, err := w.svc.SignInStaff(ctx, id, "192.0.2.1")
	wantCode(t, "not linked", err, zhitong.EFORBIDDEN)
	if w.audits(t, "sso.login.refused") != 1 {
		t.Error("the refusal is not audited")
	}

	for _, l := range []struct {
		u   *zhitong.User
		sub string
	}{{committee, "member-1"}, {officer, "officer-1"}} {
		if err := w.svc.Link(ctx, app.System, l.u.ID, l.sub); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, "a subject linked twice", w.svc.Link(ctx, app.System, officer.ID, "member-1"), zhitong.EINVALID)
	for _, c := range []struct {
		sub         string
		amr         []string
		user        int64
		code, enrol bool
	}{
		{"member-1", []string{"pwd"}, committee.ID, false, true},
		{"member-1", []string{"otp"}, committee.ID, false, false},
		{"officer-1", []string{"pwd"}, officer.ID, false, false},
	} {
		id := testkit.Must(w.finish(t, c.sub, c.amr...))(t)
		st, err := w.svc.SignInStaff(ctx, id, "192.0.2.1")
		if err != nil || st.User == nil || st.User.ID != c.user || st.Code != c.code || st.Enrol != c.enrol {
			t.Errorf("%s %v: %+v (%v), want user %d code %v enrol %v", c.sub, c.amr, st, err, c.user, c.code, c.enrol)
		}
	}
	if n := w.audits(t, "login.ok"); n != 3 {
		t.Errorf("%d sign-ins audited, want 3", n)
	}

	if _, err := w.a.DB().Exec(ctx, `UPDATE users SET disabled = ? WHERE id = ?`, true, officer.ID); err != nil {
		t.Fatal(err)
	}
	_, err = w.svc.SignInStaff(ctx, testkit.Must(w.finish(t, "officer-1"))(t), "192.0.2.1")
	wantCode(t, "a disabled account", err, zhitong.EUNAUTHORIZED)
}

// TestPasswordAllowed: with SSO required, staff passwords are refused with
// one answer whether the username exists or not; the system
// administrator's password stays (break-glass).
func TestPasswordAllowed(t *testing.T) {
	w := newWorld(t)
	ctx := t.Context()
	w.user(t, "sys", zhitong.RoleSysAdmin)
	w.user(t, "t_officer", zhitong.RoleOfficer)
	if err := w.svc.PasswordAllowed(ctx, "t_officer"); err != nil {
		t.Fatalf("not required: %v", err)
	}
	cfg := testkit.Must(w.svc.Config(ctx))(t)
	cfg.RequireForStaff = true
	if err := w.svc.SetConfig(ctx, app.System, cfg); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.PasswordAllowed(ctx, " sys "); err != nil {
		t.Errorf("the system administrator: %v", err)
	}
	officer, nobody := w.svc.PasswordAllowed(ctx, "t_officer"), w.svc.PasswordAllowed(ctx, "nobody")
	wantCode(t, "an officer", officer, zhitong.EFORBIDDEN)
	if zhitong.ErrorMessage(officer) != zhitong.ErrorMessage(nobody) || zhitong.ErrorCode(officer) != zhitong.ErrorCode(nobody) {
		t.Errorf("an officer %v, an unknown name %v: they tell apart", officer, nobody)
	}
}
