package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/sso/ssotest"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// ssoBrowser is a browser that has not signed in.
func (b *bench) ssoBrowser() *staffer {
	jar, _ := cookiejar.New(nil)
	return &staffer{b: b, http: &http.Client{Jar: jar}}
}

func (b *bench) userID(name string) int64 {
	b.t.Helper()
	u, err := store.GetUserByName(b.t.Context(), b.app.DB(), name)
	if err != nil {
		b.t.Fatal(err)
	}
	return u.ID
}

func (b *bench) userCount() int {
	b.t.Helper()
	us, err := store.ListUsers(b.t.Context(), b.app.DB())
	if err != nil {
		b.t.Fatal(err)
	}
	return len(us)
}

func (b *bench) audits(action string) int {
	b.t.Helper()
	var n int
	if err := b.app.DB().QueryRow(b.t.Context(), `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

// TestSSOStaff runs the whole staff sign-in through a real OpenID Connect
// provider (zitadel's op on httptest) on a deployment set up without demo
// data: set-up by the system administrator, links by the security
// administrator, linked → signed in, unlinked → refused and nothing
// created, 2FA roles still asked for their code unless the provider asserts
// MFA, tampered state, another nonce, a wrong audience and an expired token
// refused, and “require SSO” refusing staff passwords but not the system
// administrator's.
func TestSSOStaff(t *testing.T) {
	b, staff := freshBench(t, true)
	prov := ssotest.Start(t, b.srv.URL+"/sso/callback")

	anon := b.ssoBrowser()
	if pg := anon.get("/login"); strings.Contains(pg.body, "使用统一身份认证登录") {
		t.Fatal("/login offers SSO before it is set up")
	}
	if pg := anon.get("/sso/login"); pg.status != http.StatusNotFound || !strings.Contains(pg.body, "未启用统一身份认证") {
		t.Fatalf("/sso/login unconfigured: %d %q", pg.status, pg.body)
	}
	// Only the system administrator sets it up; a bad field is named.
	form := url.Values{"enabled": {"1"}, "issuer": {prov.Issuer}, "client_id": {prov.ClientID}, "client_secret": {prov.ClientSecret},
		"redirect_url": {b.srv.URL + "/sso/callback"}, "scopes": {"openid profile"}}
	if pg := staff[zhitong.RoleSecAdmin].post("/work/sso", form); pg.status != http.StatusForbidden {
		t.Fatalf("secadmin sets SSO up: %d", pg.status)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("redirect_url", "https://elsewhere.example/x")
	if pg := staff[zhitong.RoleSysAdmin].post("/work/sso", bad); pg.status != http.StatusBadRequest || !strings.Contains(pg.body, "回调地址") || !strings.Contains(pg.body, prov.Issuer) {
		t.Fatalf("bad redirect: %d", pg.status)
	}
	if pg := staff[zhitong.RoleSysAdmin].post("/work/sso", form); pg.status != http.StatusOK || !strings.Contains(pg.body, "已保存") || strings.Contains(pg.raw, prov.ClientSecret) {
		t.Fatalf("set up: %d", pg.status)
	}
	if b.audits("sso.config") != 1 {
		t.Fatal("set-up not audited")
	}
	if pg := anon.get("/login"); !strings.Contains(pg.body, "使用统一身份认证登录") {
		t.Fatal("/login does not offer SSO")
	}

	officer := b.userID("t_officer")
	sec := staff[zhitong.RoleSecAdmin]
	link := func(id int64, sub string) benchPage {
		return sec.post("/work/accounts/"+strconv.FormatInt(id, 10)+"/sso", url.Values{"subject": {sub}})
	}
	if pg := link(officer, " "); pg.status != http.StatusBadRequest || !strings.Contains(pg.body, "请填写统一身份认证的用户标识") {
		t.Fatalf("empty subject: %d", pg.status)
	}
	if pg := staff[zhitong.RoleOfficer].post("/work/accounts/"+strconv.FormatInt(officer, 10)+"/sso", url.Values{"subject": {"x"}}); pg.status != http.StatusForbidden {
		t.Fatalf("officer links: %d", pg.status)
	}
	if pg := link(officer, "officer-0001"); pg.status != http.StatusOK || !strings.Contains(pg.body, "of********01") || strings.Contains(pg.body, "officer-0001") {
		t.Fatalf("link: %d", pg.status)
	}
	if pg := link(b.userID("t_analyst"), "officer-0001"); pg.status != http.StatusBadRequest || !strings.Contains(pg.body, "已关联其他工作人员账号") {
		t.Fatalf("subject linked twice: %d", pg.status)
	}
	if b.audits("sso.link") != 1 {
		t.Fatal("link not audited")
	}

	// Linked → signed in, at next.
	prov.SignInAs("officer-0001")
	br := b.ssoBrowser()
	pg := br.get("/sso/login?next=/work/cases")
	if pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/work/cases") {
		t.Fatalf("linked officer: %d at %s: %s", pg.status, pg.url, pg.body)
	}
	if pg := br.get("/account"); pg.status != http.StatusOK || !strings.Contains(pg.body, "测试") {
		t.Fatalf("signed-in officer: %d", pg.status)
	}
	var detail string
	if err := b.app.DB().QueryRow(t.Context(), `SELECT detail FROM audit_log WHERE action = 'login.ok' ORDER BY seq DESC LIMIT 1`).Scan(&detail); err != nil || !strings.Contains(detail, `"sso"`) {
		t.Fatalf("SSO sign-in audit: %q %v", detail, err)
	}

	// Unlinked → refused in Chinese, nothing created.
	users := b.userCount()
	prov.SignInAs("stranger-9")
	refused := func(what string, want string) {
		t.Helper()
		br := b.ssoBrowser()
		pg := br.get("/sso/login")
		if pg.status < 400 || !strings.Contains(pg.body, want) {
			t.Fatalf("%s: %d at %s: %s", what, pg.status, pg.url, pg.body)
		}
		if pg := br.get("/work"); !strings.Contains(pg.url, "/login") {
			t.Fatalf("%s: signed in anyway (%s)", what, pg.url)
		}
	}
	refused("unlinked", "请联系安全管理员")
	if b.userCount() != users {
		t.Fatal("an account was created")
	}
	if b.audits("sso.login.refused") != 1 {
		t.Fatal("refusal not audited")
	}

	// The provider misbehaving, or the callback tampered with.
	prov.SignInAs("officer-0001")
	prov.OtherNonce("someone-elses-nonce")
	refused("other nonce", "统一身份认证未通过")
	prov.Reset()
	prov.WrongAudience("another-client")
	refused("wrong audience", "统一身份认证未通过")
	prov.Reset()
	prov.Lifetime(-time.Minute)
	refused("expired ID token", "统一身份认证未通过")
	prov.Reset()
	tamper := b.ssoBrowser()
	tamper.http.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if r.URL.Path == "/sso/callback" {
			q := r.URL.Query()
			q.Set("state", q.Get("state")+"x")
			r.URL.RawQuery = q.Encode()
		}
		return nil
	}
	if pg := tamper.get("/sso/login"); pg.status != http.StatusUnauthorized || !strings.Contains(pg.body, "请重新登录") {
		t.Fatalf("tampered state: %d", pg.status)
	}
	// A callback without a sign-in begun here.
	if pg := b.ssoBrowser().get("/sso/callback?state=abc&code=def"); pg.status != http.StatusUnauthorized {
		t.Fatalf("stray callback: %d", pg.status)
	}

	// A two-factor role: the TOTP code is still asked unless the provider
	// asserts MFA.
	secID := b.userID("t_secadmin")
	if pg := link(secID, "sec-0001"); pg.status != http.StatusOK {
		t.Fatalf("link secadmin: %d", pg.status)
	}
	prov.SignInAs("sec-0001")
	if pg := b.ssoBrowser().get("/sso/login"); !strings.HasSuffix(pg.url, "/login/code") {
		t.Fatalf("secadmin without MFA at %s", pg.url)
	}
	prov.SignInAs("sec-0001", "pwd", "mfa")
	if pg := b.ssoBrowser().get("/sso/login"); pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/work") {
		t.Fatalf("secadmin with MFA: %d at %s", pg.status, pg.url)
	}

	// Require SSO: staff passwords refused, the system administrator's kept.
	form.Set("require_for_staff", "1")
	form.Del("client_secret") // kept
	if pg := staff[zhitong.RoleSysAdmin].post("/work/sso", form); pg.status != http.StatusOK {
		t.Fatalf("require: %d", pg.status)
	}
	if pg := b.ssoBrowser().post("/login", url.Values{"username": {"t_officer"}, "password": {"Test-Passw0rd"}}); pg.status != http.StatusForbidden || !strings.Contains(pg.body, "要求工作人员使用统一身份认证登录") {
		t.Fatalf("officer password under require-SSO: %d", pg.status)
	}
	if pg := b.ssoBrowser().post("/login", url.Values{"username": {"nobody"}, "password": {"x"}}); pg.status != http.StatusForbidden {
		t.Fatalf("unknown user under require-SSO: %d", pg.status)
	}
	sys := b.ssoBrowser()
	if pg := sys.post("/login", url.Values{"username": {"t_sysadmin"}, "password": {"Test-Passw0rd"}, "next": {"/work"}, "code": {testkit.TwoFactorCode(t, b.app, "t_sysadmin")}}); pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/work") {
		t.Fatalf("break-glass sysadmin: %d at %s", pg.status, pg.url)
	}
	prov.SignInAs("officer-0001")
	if pg := b.ssoBrowser().get("/sso/login"); pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/work") {
		t.Fatalf("officer SSO under require: %d", pg.status)
	}

	// Unlinked again → refused.
	if pg := sec.post("/work/accounts/"+strconv.FormatInt(officer, 10)+"/sso/unlink", nil); pg.status != http.StatusOK || !strings.Contains(pg.body, "尚未关联") {
		t.Fatalf("unlink: %d", pg.status)
	}
	refused("after unlink", "请联系安全管理员")
	if b.audits("sso.unlink") != 1 {
		t.Fatal("unlink not audited")
	}
}

// TestSSOCitizen: a citizen signs in through the provider, submits, and
// finds the case under 我的意见 with its progress and without a tracking
// code; another citizen sees none of it; a citizen session is no staff
// session.
func TestSSOCitizen(t *testing.T) {
	b, staff := freshBench(t, true)
	prov := ssotest.Start(t, b.srv.URL+"/sso/callback")
	if pg := b.ssoBrowser().get("/my"); pg.status != http.StatusOK || !strings.Contains(pg.body, "未启用统一身份认证") {
		t.Fatalf("/my without SSO: %d", pg.status)
	}
	form := url.Values{"enabled": {"1"}, "issuer": {prov.Issuer}, "client_id": {prov.ClientID}, "client_secret": {prov.ClientSecret},
		"redirect_url": {b.srv.URL + "/sso/callback"}}
	if pg := staff[zhitong.RoleSysAdmin].post("/work/sso", form); pg.status != http.StatusOK {
		t.Fatalf("set up: %d", pg.status)
	}
	var station int64
	var category string
	if err := b.app.DB().QueryRow(t.Context(), `SELECT id FROM stations ORDER BY id LIMIT 1`).Scan(&station); err != nil {
		t.Fatal(err)
	}
	if err := b.app.DB().QueryRow(t.Context(), `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&category); err != nil {
		t.Fatal(err)
	}
	submit := func(c *staffer, body string) benchPage {
		return c.post("/submit", url.Values{"category": {category}, "body": {body}, "place": {"龙南镇建设路"}, "region": {"360783100"},
			"station": {strconv.FormatInt(station, 10)}, "name": {"王小明"}, "phone": {"139 0797 1234"}, "privacy": {"1"}})
	}

	prov.SignInAs("citizen-A")
	a := b.ssoBrowser()
	if pg := a.get("/my"); pg.status != http.StatusOK || !strings.HasSuffix(pg.url, "/my") || !strings.Contains(pg.body, "还没有登录后提交的意见") {
		t.Fatalf("citizen A signs in: %d at %s", pg.status, pg.url)
	}
	if pg := a.get("/work"); !strings.Contains(pg.url, "/login") {
		t.Fatalf("a citizen session reaches the workbench: %s", pg.url)
	}
	if pg := submit(a, "建设路下雨天积水严重，行人无法通行"); pg.status != http.StatusOK || !strings.Contains(pg.url, "/submit/done") {
		t.Fatalf("citizen A submits: %d at %s", pg.status, pg.url)
	}
	var code string
	if err := b.app.DB().QueryRow(t.Context(), `SELECT c.code FROM cases c JOIN sso_citizen_cases l ON l.case_id = c.id`).Scan(&code); err != nil {
		t.Fatalf("the case is not linked: %v", err)
	}
	pg := a.get("/my")
	if pg.status != http.StatusOK || !strings.Contains(pg.body, "建设路下雨天积水严重") || !strings.Contains(pg.body, zhitong.Label(zhitong.Statuses, zhitong.StatusSubmitted)) {
		t.Fatalf("我的意见 of A: %d %s", pg.status, pg.body)
	}
	if strings.Contains(pg.raw, code) || strings.Contains(pg.body, "王小明") || strings.Contains(pg.body, "1234") {
		t.Fatal("我的意见 shows the tracking code or personal data")
	}
	// A case submitted without signing in stays nobody's.
	if pg := submit(b.ssoBrowser(), "另一位群众反映的路灯问题，晚上很黑"); pg.status != http.StatusOK {
		t.Fatalf("anonymous submit: %d", pg.status)
	}
	// Citizen B sees none of A's.
	prov.SignInAs("citizen-B")
	bb := b.ssoBrowser()
	if pg := bb.get("/my"); pg.status != http.StatusOK || strings.Contains(pg.body, "建设路下雨天积水严重") || strings.Contains(pg.body, "路灯问题") {
		t.Fatalf("citizen B sees others' cases: %d", pg.status)
	}
	if b.audits("sso.citizen.login") != 2 || b.audits("case.citizen_link") != 1 {
		t.Fatal("citizen sign-in or case link not audited")
	}
	// Signed out: /my goes back to the provider.
	bb.post("/logout", nil)
	prov.SignInAs("citizen-A")
	if pg := bb.get("/my"); !strings.Contains(pg.body, "建设路下雨天积水严重") {
		// a fresh sign-in as A at the provider shows A's list again
		t.Fatalf("after sign-out, signing in as A: %d %s", pg.status, pg.url)
	}
}

// TestSSOCitizenPhone: the provider's phone_number claim (E.164) comes
// onto the citizen's session; /submit starts with it masked (never the
// whole number on the page), and submitted unchanged the case gets the
// number itself; a number typed over it wins; a citizen without the claim
// gets an empty field.
func TestSSOCitizenPhone(t *testing.T) {
	b, staff := freshBench(t, true)
	prov := ssotest.Start(t, b.srv.URL+"/sso/callback")
	form := url.Values{"enabled": {"1"}, "issuer": {prov.Issuer}, "client_id": {prov.ClientID}, "client_secret": {prov.ClientSecret},
		"redirect_url": {b.srv.URL + "/sso/callback"}}
	if pg := staff[zhitong.RoleSysAdmin].post("/work/sso", form); pg.status != http.StatusOK {
		t.Fatalf("set up: %d", pg.status)
	}
	var category string
	if err := b.app.DB().QueryRow(t.Context(), `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&category); err != nil {
		t.Fatal(err)
	}
	prov.SignInAs("citizen-phone")
	prov.WithPhone("+86 139 0797 5678")
	c := b.ssoBrowser()
	c.get("/my")
	pg := c.get("/submit")
	if !strings.Contains(pg.raw, `value="139****5678"`) || strings.Contains(pg.raw, "13907975678") || !strings.Contains(pg.body, "已从统一身份认证带入") {
		t.Fatalf("/submit does not start with the masked phone: %s", pg.raw)
	}
	phoneOf := func(body string) string {
		t.Helper()
		var enc string
		if err := b.app.DB().QueryRow(t.Context(), `SELECT phone_enc FROM cases WHERE body = ?`, body).Scan(&enc); err != nil {
			t.Fatal(err)
		}
		return testkit.Must(b.app.Sealer().Open(enc, "case:phone"))(t)
	}
	submit := func(body, phone string) {
		t.Helper()
		pg := c.post("/submit", url.Values{"category": {category}, "body": {body}, "place": {"龙南镇建设路"}, "region": {"360783100"},
			"name": {"王小明"}, "phone": {phone}, "privacy": {"1"}})
		if !strings.Contains(pg.url, "/submit/done") {
			t.Fatalf("submit: %d %s", pg.status, pg.body)
		}
	}
	submit("建设路路灯坏了很久，晚上很黑", "139****5678")
	if got := phoneOf("建设路路灯坏了很久，晚上很黑"); got != "13907975678" {
		t.Fatalf("the case got phone %q, want the identity service's", got)
	}
	submit("小区门口积水，出行不便请处理", "13800138000")
	if got := phoneOf("小区门口积水，出行不便请处理"); got != "13800138000" {
		t.Fatalf("the typed phone lost: %q", got)
	}
	prov.SignInAs("citizen-nophone")
	prov.WithPhone("")
	d := b.ssoBrowser()
	d.get("/my")
	if pg := d.get("/submit"); strings.Contains(pg.body, "已从统一身份认证带入") || strings.Contains(pg.raw, "5678") {
		t.Fatal("a citizen without the claim gets another's phone")
	}
}
