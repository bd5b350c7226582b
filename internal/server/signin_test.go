package server_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/signin"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// freshCounty is a deployment made the way zhitong init makes one (龙南市),
// with its two accounts' initial passwords, and a session clock of its own.
func freshCounty(t *testing.T) (*env, map[string]string, *testkit.Clock) {
	t.Helper()
	s := testserver.StartEmpty(t)
	res := testkit.SetUp(t, s.App, "360783")
	pw := map[string]string{}
	for _, acc := range res.Accounts {
		pw[acc.Username] = acc.Password
	}
	return &env{t: t, app: s.App, clock: s.Clock, srv: s.Server}, pw, s.SessionClock
}

func userID(t *testing.T, a *app.App, username string) int64 {
	t.Helper()
	return testkit.Must(store.GetUserByName(ctx, a.DB(), username))(t).ID
}

// TestTwoFactorOnAFreshDeployment: the committee (and the security
// administrator) of a new deployment must enrol at the first sign-in —
// nothing else answers until they have —, then every API sign-in asks for
// the code, a code is good once, wrong codes lock the account like wrong
// passwords, recovery codes work once, and the secret and codes are not
// stored in the clear.
func TestTwoFactorOnAFreshDeployment(t *testing.T) {
	e, initial, _ := freshCounty(t)
	const pass = "Lianluo-Passw0rd9"
	c := e.anonymous()
	var me map[string]any
	if code := c.do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": initial["gongwei"]}, &me); code != 200 {
		t.Fatalf("first sign-in: %d", code)
	}
	if me["must_change_password"] != true || me["two_factor_enrolment_required"] != true {
		t.Fatalf("first sign-in answer %v: want must change and must enrol", me)
	}
	if code := c.do("POST", "/api/v1/me/password", map[string]string{"old_password": initial["gongwei"], "new_password": pass}, nil); code != 204 {
		t.Fatalf("password change: %d", code)
	}
	var refused apiError
	if code := c.do("GET", "/api/v1/cases", nil, &refused); code != 403 || refused.Error.Code != zhitong.EENROL {
		t.Fatalf("cases before enrolling: %d %+v, want 403 %s", code, refused, zhitong.EENROL)
	}
	if code, loc, _ := c.page("GET", "/work", nil); code != http.StatusSeeOther || loc != "/account/two-factor" {
		t.Fatalf("/work before enrolling: %d → %s", code, loc)
	}
	var enrol signin.Enrolment
	if code := c.do("POST", "/api/v1/me/two-factor", nil, &enrol); code != 200 || enrol.Secret == "" || !strings.HasPrefix(enrol.URL, "otpauth://totp/") {
		t.Fatalf("begin: %d %+v", code, enrol)
	}
	for _, path := range []string{"/account/two-factor/qr.png", "/account/two-factor/qr.svg"} {
		code, _, body := c.page("GET", path, nil)
		if code != 200 || len(body) < 200 {
			t.Errorf("%s: %d, %d bytes", path, code, len(body))
		}
	}
	var bad apiError
	if code := c.do("POST", "/api/v1/me/two-factor/confirm", map[string]string{"code": "123456"}, &bad); code != 400 || bad.Error.Field != "code" {
		t.Errorf("confirm with a wrong code: %d %+v", code, bad)
	}
	id := userID(t, e.app, "gongwei")
	var rec struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	if code := c.do("POST", "/api/v1/me/two-factor/confirm", map[string]string{"code": testkit.NextCode(t, e.app, id, enrol.Secret)}, &rec); code != 200 || len(rec.RecoveryCodes) != 10 {
		t.Fatalf("confirm: %d, %d recovery codes", code, len(rec.RecoveryCodes))
	}
	if code := c.do("GET", "/api/v1/cases", nil, nil); code != 200 {
		t.Fatalf("cases after enrolling: %d", code)
	}

	// At rest: the secret sealed (it opens under the master key), the
	// recovery codes hashed.
	tf := testkit.Must(store.GetTwoFactor(ctx, e.app.DB(), id))(t)
	if strings.Contains(tf.Secret, enrol.Secret) {
		t.Error("the TOTP secret is stored in the clear")
	}
	if got, err := e.app.Sealer().Open(tf.Secret, "two_factor:secret:"+strconv.FormatInt(id, 10)); err != nil || got != enrol.Secret {
		t.Errorf("sealed secret opens to %q, %v", got, err)
	}
	var hashes string
	rows := testkit.Must(e.app.DB().Query(ctx, `SELECT code_hash FROM recovery_codes WHERE user_id = ?`, id))(t)
	for rows.Next() {
		var h string
		rows.Scan(&h)
		hashes += h + " "
	}
	rows.Close()
	for _, rc := range rec.RecoveryCodes {
		if strings.Contains(hashes, rc) || strings.Contains(hashes, strings.ReplaceAll(rc, "-", "")) {
			t.Fatal("a recovery code is stored in the clear")
		}
	}

	// Another sign-in: the password alone is not enough and makes no session.
	d := e.anonymous()
	var need apiError
	if code := d.do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass}, &need); code != 401 || need.Error.Code != zhitong.ETWOFACTOR {
		t.Fatalf("password without code: %d %+v, want 401 %s", code, need, zhitong.ETWOFACTOR)
	}
	if code := d.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Fatalf("a session after the password alone: %d", code)
	}
	code := testkit.NextCode(t, e.app, id, enrol.Secret)
	if got := d.do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": code}, nil); got != 200 {
		t.Fatalf("with the code: %d", got)
	}
	// The same code again (another client, same 30 s): refused.
	if got := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": code}, nil); got != 401 {
		t.Fatalf("the same code replayed: %d, want 401", got)
	}
	// A recovery code, once.
	for i, want := range []int{200, 401} {
		if got := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": strings.ToUpper(rec.RecoveryCodes[3])}, nil); got != want {
			t.Fatalf("recovery code, use %d: %d, want %d", i+1, got, want)
		}
	}
	// Wrong codes count toward the lock-out (one was counted just above).
	for i := range 3 {
		if got := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": "000000"}, nil); got != 401 {
			t.Fatalf("wrong code %d: %d", i, got)
		}
	}
	var locked apiError
	if got := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": "000001"}, &locked); got != 401 {
		t.Fatalf("fifth failure: %d", got)
	}
	if got := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "gongwei", "password": pass, "code": testkit.NextCode(t, e.app, id, enrol.Secret)}, &locked); got != 429 {
		t.Fatalf("right code while locked: %d %+v, want 429", got, locked)
	}
	var n int
	if err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'login.failed' AND detail LIKE '%two_factor%'`).Scan(&n); err != nil || n < 5 {
		t.Errorf("%d audited failed codes (%v), want 5", n, err)
	}
}

// TestTwoFactorResetAndPolicy: the security administrator resets a user's
// two-factor (audited; the user's sessions end; they enrol again), sets the
// policy (which roles must; out-of-range values refused), and an optional
// role is never asked until it enrols itself. API tokens need no code.
func TestTwoFactorResetAndPolicy(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(f.In[zhitong.RoleSecAdmin], "sec")
	committee := e.login(f.In[zhitong.RoleCommittee], "weiyuan") // enrolled by the helper
	officer := e.login(f.In[zhitong.RoleOfficer], "ganshi")      // optional: no code
	cid := userID(t, e.app, "weiyuan")

	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(cid, 10)+"/two-factor/reset", nil, nil); code != 204 {
		t.Fatalf("reset: %d", code)
	}
	if code := committee.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Errorf("the committee's session after the reset: %d, want 401", code)
	}
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(cid, 10)+"/two-factor/reset", nil, nil); code != 409 {
		t.Errorf("reset of nothing: %d, want 409", code)
	}
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(userID(t, e.app, "sec"), 10)+"/two-factor/reset", nil, nil); code != 403 {
		t.Errorf("reset of one's own: %d, want 403", code)
	}
	if code := officer.do("POST", "/api/v1/users/"+strconv.FormatInt(cid, 10)+"/two-factor/reset", nil, nil); code != 403 {
		t.Errorf("reset by an officer: %d, want 403", code)
	}
	var n int
	e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'two_factor.reset' AND object = ?`, "user:"+strconv.FormatInt(cid, 10)).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit entries of the reset, want 1", n)
	}
	var me map[string]any
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "weiyuan", "password": "Test-Passw0rd"}, &me); code != 200 || me["two_factor_enrolment_required"] != true {
		t.Errorf("sign-in after the reset: %d %v, want enrolment required", code, me)
	}

	// The policy.
	var pol signin.Policy
	if code := sec.do("GET", "/api/v1/signin-policy", nil, &pol); code != 200 || !pol.Requires(zhitong.RoleAuditor) || pol.PasswordMaxAgeDays != 90 {
		t.Fatalf("default policy: %d %+v", code, pol)
	}
	if code := officer.do("GET", "/api/v1/signin-policy", nil, nil); code != 403 {
		t.Errorf("policy read by an officer: %d", code)
	}
	var bad apiError
	if code := sec.do("PUT", "/api/v1/signin-policy", map[string]any{"two_factor_roles": []string{"sysadmin"}, "password_max_age_days": 90,
		"idle_minutes": 2, "absolute_hours": 12, "warn_minutes": 1}, &bad); code != 400 || bad.Error.Field != "idle_minutes" {
		t.Errorf("idle 2 min: %d %+v", code, bad)
	}
	// Below the floor: the administrators and the committee keep two
	// factors, and passwords expire within a year.
	for _, below := range []map[string]any{
		{"two_factor_roles": []string{"sysadmin", "secadmin", "auditor"}, "password_max_age_days": 90, "idle_minutes": 30, "absolute_hours": 12, "warn_minutes": 2},
		{"two_factor_roles": []string{"sysadmin", "secadmin", "auditor", "committee"}, "password_max_age_days": 0, "idle_minutes": 30, "absolute_hours": 12, "warn_minutes": 2},
	} {
		bad = apiError{}
		if code := sec.do("PUT", "/api/v1/signin-policy", below, &bad); code != 400 || (bad.Error.Field != "two_factor_roles" && bad.Error.Field != "password_max_age_days") {
			t.Errorf("policy below the floor %v: %d %+v", below, code, bad)
		}
	}
	pol.TwoFactorRoles = append(pol.TwoFactorRoles, zhitong.RoleOfficer)
	if code := sec.do("PUT", "/api/v1/signin-policy", pol, &pol); code != 200 || !pol.Requires(zhitong.RoleOfficer) {
		t.Fatalf("save: %d %+v", code, pol)
	}
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "ganshi", "password": "Test-Passw0rd"}, &me); code != 200 || me["two_factor_enrolment_required"] != true {
		t.Errorf("officer after the policy requires it: %d %v", code, me)
	}
	e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'signin.policy'`).Scan(&n)
	if n != 1 {
		t.Errorf("%d audit entries of the policy, want 1", n)
	}

	// A token is its own credential: no code.
	secret, _ := testkit.Must2(e.app.AddToken(ctx, app.System, "12345", zhitong.RoleIntegration, f.County))(t)
	tok := e.anonymous()
	tok.auth = secret
	if code := tok.do("GET", "/api/v1/me", nil, nil); code != 200 {
		t.Errorf("token: %d", code)
	}
}

// TestOptionalTwoFactor: an officer (not required) enrols on their own and
// is asked for the code from then on; they may also turn it off.
func TestOptionalTwoFactor(t *testing.T) {
	e := newEnv(t)
	c := e.login(e.f.In[zhitong.RoleOfficer], "ganshi")
	var enrol signin.Enrolment
	if code := c.do("POST", "/api/v1/me/two-factor", nil, &enrol); code != 200 {
		t.Fatalf("begin: %d", code)
	}
	id := userID(t, e.app, "ganshi")
	if code := c.do("POST", "/api/v1/me/two-factor/confirm", map[string]string{"code": testkit.NextCode(t, e.app, id, enrol.Secret)}, nil); code != 200 {
		t.Fatalf("confirm: %d", code)
	}
	var need apiError
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "ganshi", "password": "Test-Passw0rd"}, &need); code != 401 || need.Error.Code != zhitong.ETWOFACTOR {
		t.Errorf("enrolled officer without code: %d %+v", code, need)
	}
	if err := signin.New(e.app).Disable(ctx, testkit.Must(store.GetUser(ctx, e.app.DB(), id))(t).Principal(), testkit.NextCode(t, e.app, id, enrol.Secret)); err != nil {
		t.Fatal(err)
	}
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "ganshi", "password": "Test-Passw0rd"}, nil); code != 200 {
		t.Errorf("after disabling: %d", code)
	}
}

// TestWebSignInAsksForTheCode: the login form, then the code page; a wrong
// code is a Chinese 401 on the same page; the right one goes on to next.
func TestWebSignInAsksForTheCode(t *testing.T) {
	e := newEnv(t)
	e.login(e.f.In[zhitong.RoleAuditor], "shenji") // enrols with testkit.TOTPSecret
	w := e.anonymous()
	if code, loc, _ := w.page("POST", "/login", map[string]string{"username": "shenji", "password": "Test-Passw0rd", "next": "/work/audit"}); code != 303 || loc != "/login/code" {
		t.Fatalf("password: %d → %s, want /login/code", code, loc)
	}
	if code, loc, _ := w.page("GET", "/work", nil); code != 303 || !strings.HasPrefix(loc, "/login") {
		t.Fatalf("/work between password and code: %d → %s", code, loc)
	}
	if code, _, body := w.page("POST", "/login/code", map[string]string{"code": "000000"}); code != 401 || !strings.Contains(body, "验证码错误") {
		t.Fatalf("wrong code: %d", code)
	}
	code := testkit.TwoFactorCode(t, e.app, "shenji")
	if got, loc, _ := w.page("POST", "/login/code", map[string]string{"code": code}); got != 303 || loc != "/work/audit" {
		t.Fatalf("right code: %d → %s", got, loc)
	}
	// The pending sign-in is gone: the code page sends back to the login.
	if got, loc, _ := e.anonymous().page("GET", "/login/code", nil); got != 303 || loc != "/login" {
		t.Errorf("code page without a password: %d → %s", got, loc)
	}
}

// TestPasswordExpires: a password older than the policy's age leads to the
// change page at sign-in; 0 means never.
func TestPasswordExpires(t *testing.T) {
	e := newEnv(t)
	e.login(e.f.In[zhitong.RoleOfficer], "ganshi")
	e.clock.Advance(89 * 24 * time.Hour)
	var me map[string]any
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "ganshi", "password": "Test-Passw0rd"}, &me); code != 200 || me["must_change_password"] != false {
		t.Fatalf("day 89: %d %v", code, me)
	}
	e.clock.Advance(2 * 24 * time.Hour)
	w := e.anonymous()
	if code, loc, _ := w.page("POST", "/login", map[string]string{"username": "ganshi", "password": "Test-Passw0rd", "next": "/work"}); code != 303 || loc != "/account" {
		t.Fatalf("day 91 on the page: %d → %s, want /account", code, loc)
	}
	var refused apiError
	if code := w.do("GET", "/api/v1/cases", nil, &refused); code != 403 || refused.Error.Code != zhitong.EMUSTCHANGE {
		t.Errorf("API with an expired password: %d %+v", code, refused)
	}
	if code := w.do("POST", "/api/v1/me/password", map[string]string{"old_password": "Test-Passw0rd", "new_password": "Fresh-Passw0rd7"}, nil); code != 204 {
		t.Fatalf("change: %d", code)
	}
	if code := w.do("GET", "/api/v1/cases", nil, nil); code != 200 {
		t.Errorf("after the change: %d", code)
	}
	// Changed now: 89 days on it still holds; with 0 days it never expires.
	e.clock.Advance(200 * 24 * time.Hour)
	if _, err := signin.New(e.app).SetPolicy(ctx, app.System, signin.Policy{TwoFactorRoles: []zhitong.Role{}, PasswordMaxAgeDays: 0, IdleMinutes: 30, AbsoluteHours: 12, WarnMinutes: 2}); err != nil {
		t.Fatal(err)
	}
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "ganshi", "password": "Fresh-Passw0rd7"}, &me); code != 200 || me["must_change_password"] != false {
		t.Errorf("policy 0 days, 200 days on: %d %v", code, me)
	}
}

// TestSessionTimeouts: idle 30 minutes and absolute 12 hours by default,
// on the server's session clock; the keep-alive keeps a session idle-fresh.
func TestSessionTimeouts(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	sc := testkit.NewClock(time.Now())
	srv := httptest.NewServer(server.New(server.Config{App: a, SessionClock: sc}))
	t.Cleanup(srv.Close)
	e := &env{t: t, app: a, f: f, srv: srv}
	c := e.login(f.In[zhitong.RoleOfficer], "ganshi")
	sc.Advance(29 * time.Minute)
	if code, _, _ := c.page("POST", "/session/keepalive", map[string]string{}); code != 204 {
		t.Fatalf("keep-alive at 29 min: %d", code)
	}
	sc.Advance(29 * time.Minute)
	if code := c.do("GET", "/api/v1/me", nil, nil); code != 200 {
		t.Fatalf("29 min after the keep-alive: %d", code)
	}
	sc.Advance(31 * time.Minute)
	if code := c.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Fatalf("31 min idle: %d, want 401", code)
	}
	if code, _, _ := c.page("POST", "/session/keepalive", map[string]string{}); code != 401 {
		t.Errorf("keep-alive after the timeout: %d", code)
	}
	// Absolute: active every 20 minutes, still out after 12 hours.
	d := e.login(f.In[zhitong.RoleAnalyst], "fenxi")
	for range 12*3 - 1 {
		sc.Advance(20 * time.Minute)
		if code := d.do("GET", "/api/v1/me", nil, nil); code != 200 {
			t.Fatalf("active session at %s: %d", sc.Now().Format(time.TimeOnly), code)
		}
	}
	sc.Advance(20 * time.Minute)
	if code := d.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Fatalf("after 12 hours: %d, want 401", code)
	}
	// The page carries the figures for the warning.
	g := e.login(f.In[zhitong.RoleOfficer], "ganshi2")
	if _, _, body := g.page("GET", "/work", nil); !strings.Contains(body, `data-idle="1800"`) || !strings.Contains(body, `data-warn="120"`) || !strings.Contains(body, `/static/session.js`) {
		t.Errorf("the workbench lacks the idle-warning figures")
	}
}
