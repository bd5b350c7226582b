package e2e_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/signin"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// enrol goes through the two-factor enrolment page as a person with a
// phone would: starts it, reads the secret under the QR code, types the
// app's code and keeps the recovery codes shown once.
func (p *person) enrol(username string) []string {
	p.t.Helper()
	if !strings.HasSuffix(run(p, chromedp.Location()), "/account/two-factor") {
		p.visit("/account/two-factor")
	}
	p.waitText("main", "两步验证")
	if run(p, evalBool(`!!document.querySelector("#two-factor-begin")`)) {
		p.click("#two-factor-begin")
	}
	p.waitTrue("the secret is shown", `document.querySelector("#totp-secret")`)
	p.waitTrue("the QR code loads", `document.querySelector("img.qr-code").complete && document.querySelector("img.qr-code").naturalWidth > 0`)
	secret := run(p, evalString(`document.querySelector("#totp-secret").innerText.trim()`))
	code, err := signin.Code(secret, p.site.App.Now())
	if err != nil {
		p.t.Fatal(err)
	}
	p.fill("#confirm-code", code)
	p.click(`form[action="/account/two-factor/confirm"] button[type=submit]`)
	p.waitText("main", "恢复码（只显示这一次）")
	codes := run(p, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#recovery-codes samp")].map(s => s.innerText.trim())`))
	if len(codes) != signin.RecoveryCodes {
		p.t.Fatalf("%s: %d recovery codes shown, want %d", p.name, len(codes), signin.RecoveryCodes)
	}
	if p.site.secrets == nil {
		p.site.secrets = map[string]string{}
	}
	p.site.secrets[username] = secret
	p.shot("signin-enrolled-" + username)
	p.click("#two-factor-done")
	p.waitText("header", "退出")
	return codes
}

// logout signs out with the header's button.
func (p *person) logout() {
	p.t.Helper()
	p.click(`form[action="/logout"] button`)
	p.waitText("main", "工作人员登录")
}

// TestTwoFactorInTheBrowser: on a fresh deployment (zhitong init for 龙南市)
// the committee account must enrol at its first sign-in, after choosing its
// password: nothing else opens until it has; then it signs in with a code
// from the app, a wrong code is refused in Chinese, a recovery code works
// once.
func TestTwoFactorInTheBrowser(t *testing.T) {
	s := &site{Env: testserver.StartEmpty(t), t: t}
	res := testkit.SetUp(t, s.App, "360783")
	initial := map[string]string{}
	for _, acc := range res.Accounts {
		initial[acc.Username] = acc.Password
	}
	p := s.person("committee", desktopWidth)
	p.visit("/login")
	p.fill("#username", "gongwei", "#password", initial["gongwei"])
	p.click(`form button[type=submit]`)
	p.waitText("main", "请先设置您自己的密码")
	p.fill("#old_password", initial["gongwei"], "#new_password", newPass, "#confirm", newPass)
	p.click(`form[action="/account/password"] button[type=submit]`)
	p.waitText("main", "密码已修改")
	// Not enrolled: the workbench sends them to the enrolment.
	p.visit("/work/cases")
	p.waitText("main", "必须使用两步验证登录")
	if loc := run(p, chromedp.Location()); !strings.HasSuffix(loc, "/account/two-factor") {
		t.Fatalf("/work/cases before enrolling went to %s", loc)
	}
	p.shot("signin-01-must-enrol")
	recovery := p.enrol("gongwei")
	p.visit("/work/cases")
	p.waitText("main", "案件")

	// Sign in again: password, then the code page.
	p.logout()
	p.visit("/login")
	p.fill("#username", "gongwei", "#password", newPass)
	p.click(`form button[type=submit]`)
	p.waitText("main", "请打开手机上的身份验证器")
	p.shot("signin-02-code-page")
	p.fill("#code", "000000")
	p.click(`form[action="/login/code"] button[type=submit]`)
	p.waitText("main", "验证码错误或已使用过")
	p.fill("#code", s.twoFactorCode("gongwei"))
	p.click(`form[action="/login/code"] button[type=submit]`)
	p.waitText("header", "退出")

	// A recovery code signs in once.
	p.logout()
	for i, want := range []string{"退出", "验证码错误或已使用过"} {
		p.visit("/login")
		p.fill("#username", "gongwei", "#password", newPass)
		p.click(`form button[type=submit]`)
		p.waitText("main", "请打开手机上的身份验证器")
		p.fill("#code", strings.ToUpper(recovery[0]))
		p.click(`form[action="/login/code"] button[type=submit]`)
		if i == 0 {
			p.waitText("header", want)
			p.logout()
		} else {
			p.waitText("main", want)
		}
	}
}

// TestReplyDraftSurvivesTheSessionTimeout: a unit types a long reply, the
// session runs out meanwhile (idle timeout), the submission is sent to the
// login; after signing in again the reply form has the text back. The
// idle warning is on the page, and “继续” keeps the session.
func TestReplyDraftSurvivesTheSessionTimeout(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleUnit], "jiaotong")
	ctx, officer := t.Context(), f.In[zhitong.RoleOfficer]
	c := testkit.Must(s.App.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮已有两周，晚上出行不便", StationID: f.Station,
		Name: "李明", Phone: "13979705678"}))(t)
	c = testkit.Must(s.App.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	testkit.Must(s.App.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	testkit.Must(s.App.Accept(ctx, f.In[zhitong.RoleUnit], c.ID, app.TextInput{}))(t)
	caseURL := fmt.Sprintf("/work/cases/%d", c.ID)

	u := s.person("unit", desktopWidth)
	u.login("jiaotong")
	u.visit(caseURL)
	u.waitTrue("the idle warning is ready", `document.querySelector("#session-warning") && document.querySelector("#session-warning").hidden`)
	if got := run(u, evalInt(`+document.querySelector('meta[name="zt-session"]').dataset.idle`)); got != 30*60 {
		t.Errorf("idle timeout on the page: %d s, want 1800", got)
	}
	// “继续” calls the keep-alive: the session goes on.
	run(u, evalBool(`(document.querySelector("#session-warning").hidden = false, true)`))
	u.click("#session-continue")
	u.waitTrue("the warning closes after 继续", `document.querySelector("#session-warning").hidden`)

	reply := "经现场核查，建设路 12 盏路灯因线路老化损坏，已于本周更换线路并全部恢复照明，今后将加强巡查。"
	u.click("#act-reply > summary")
	u.fill("#act-reply-text", reply)
	s.SessionClock.Advance(31 * time.Minute) // the unit was on the phone: the session ran out
	u.check(`#act-reply input[name=outcome][value=A]`)
	u.fill("#act-reply-congress", "written", "#act-reply-citizen", "sms")
	u.click(`#act-reply button[type=submit]`)
	u.waitText("main", "工作人员登录")
	u.fill("#username", "jiaotong", "#password", "Test-Passw0rd")
	u.click(`form button[type=submit]`)
	u.waitText("header", "退出")
	if loc := run(u, chromedp.Location()); !strings.HasSuffix(loc, caseURL) {
		u.visit(caseURL)
	}
	u.waitText("main", "已恢复您上次未提交的内容")
	if got := run(u, evalString(`document.querySelector("#act-reply-text").value`)); got != reply {
		t.Fatalf("reply after signing in again: %q, want the typed text", got)
	}
	u.shot("signin-03-draft-restored")
	u.check(`#act-reply input[name=outcome][value=A]`)
	u.fill("#act-reply-congress", "written", "#act-reply-citizen", "sms")
	u.click(`#act-reply button[type=submit]`)
	u.waitText(".wb-status", "已答复")
	// Sent: no draft is left in the browser.
	u.visit(caseURL)
	if n := run(u, evalInt(`Object.keys(localStorage).filter(k => k.startsWith("zt-draft:")).length`)); n != 0 {
		t.Errorf("%d drafts left after the reply was sent", n)
	}
}

// TestKioskInTheBrowser: on a station's kiosk a citizen submits; the next
// one presses 下一位群众 and then Back, twice: the form comes back empty,
// and neither the tracking code nor the name is anywhere on the screen.
func TestKioskInTheBrowser(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	k := s.person("kiosk", desktopWidth)
	k.visit(fmt.Sprintf("/kiosk?station=%d", f.Station))
	k.waitTrue("kiosk mode", `document.body.dataset.kiosk`)
	k.fill("#category", "roads", "#body", "建设路中段的路灯坏了半个月，晚上出行很不安全",
		"#place", "历市镇建设路中段", "#name", "王秀英", "#phone", "13979701234")
	k.check("#privacy")
	k.click(`form button[type=submit]`)
	k.waitText("main", "提交成功")
	code := strings.TrimSpace(k.text(".portal-code"))
	k.click(`form[action="/submit/next"] button[type=submit]`)
	k.waitTrue("the empty form", `location.pathname === "/submit" && document.querySelector("#body") && document.querySelector("#body").value === ""`)
	for range 2 {
		run(k, evalBool(`(history.back(), true)`))
		time.Sleep(300 * time.Millisecond)
		k.waitTrue("a page is shown", `document.readyState === "complete" && document.querySelector("main")`)
	}
	k.waitTrue("back on an empty form", `location.pathname === "/submit" && document.querySelector("#body") && document.querySelector("#body").value === ""`)
	body := run(k, evalString(`document.body.innerText + [...document.querySelectorAll("input,textarea")].map(e => e.value).join(" ")`))
	for _, leak := range []string{code, "王秀英", "13979701234", "路灯坏了半个月"} {
		if strings.Contains(body, leak) {
			t.Errorf("after 下一位群众 and Back the kiosk shows %q", leak)
		}
	}
	k.shot("signin-04-kiosk-after-back")
	// The code typed into the address bar: refused on the kiosk.
	k.visit("/track/" + code)
	k.waitText("main", "为保护上一位群众的隐私")
}
