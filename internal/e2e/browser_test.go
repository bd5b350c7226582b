package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// allocator is the one headless Chromium every test of the package shares;
// each person in a test gets a browser context of their own (own cookies).
var allocator context.Context

func TestMain(m *testing.M) {
	path := chromiumPath()
	if path == "" {
		if os.Getenv("ZHITONG_E2E") == "required" {
			fmt.Fprintln(os.Stderr, "e2e: ZHITONG_E2E=required but no chromium found (apt-get install chromium)")
			os.Exit(1)
		}
		fmt.Println("e2e: skipped, no chromium on PATH (apt-get install chromium)")
		os.Exit(0)
	}
	profile, err := os.MkdirTemp("", "zhitong-e2e-")
	if err != nil {
		panic(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "zh-CN"),
	)
	alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, stop := chromedp.NewContext(alloc)
	if err := chromedp.Do(browser); err != nil { // starts Chromium
		fmt.Fprintln(os.Stderr, "e2e: cannot start", path+":", err)
		os.Exit(1)
	}
	allocator = browser
	code := m.Run()
	stop()
	cancel()
	os.RemoveAll(profile)
	os.Exit(code)
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// site is a running Zhitong with the testkit fixture, and its accounts.
type site struct {
	*testserver.Env
	t *testing.T
	// secrets are the two-factor secrets people enrolled with in the
	// browser, by username.
	secrets map[string]string
}

func newSite(t *testing.T) *site {
	return &site{Env: testserver.Start(t), t: t}
}

// account creates a staff account shaped like p, for a person to sign in with.
func (s *site) account(p zhitong.Principal, username string) {
	s.t.Helper()
	testkit.Must(s.App.AddUser(s.t.Context(), app.System, app.UserInput{Username: username, DisplayName: p.Name, Role: p.Role,
		RegionCode: p.RegionCode, StationID: p.StationID, UnitID: p.UnitID, DeputyID: p.DeputyID, Password: "Test-Passw0rd"}))(s.t)
}

// person is one browser, a phone or a desktop, with its own cookies.
type person struct {
	t    *testing.T
	name string
	site *site
	ctx  context.Context
}

const (
	phoneWidth   = 360
	desktopWidth = 1280
)

func (s *site) person(name string, width int64) *person {
	s.t.Helper()
	ctx, cancel := chromedp.NewContext(allocator, chromedp.WithNewBrowserContext())
	s.t.Cleanup(cancel)
	height := int64(800)
	var opts []chromedp.EmulateViewportOption
	if width <= phoneWidth {
		height = 740
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	// The first run opens the tab, which lives as long as the context of
	// that run: it must not carry a time limit.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		s.t.Fatalf("open a browser for %s: %v", name, err)
	}
	return &person{t: s.t, name: name, site: s, ctx: ctx}
}

// do runs actions with a time limit; on failure it saves a screenshot and
// stops the test, naming the person.
func (p *person) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.shot("failed-" + p.name)
		where, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		defer cancel()
		loc, _ := chromedp.Run(where, chromedp.Location())
		p.t.Fatalf("%s at %s: %v", p.name, loc, err)
	}
}

func run[T any](p *person, a chromedp.Action[T]) T {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
	return v
}

func (p *person) visit(path string) {
	p.t.Helper()
	p.do(chromedp.Navigate(p.site.Server.URL+path), chromedp.WaitReady(chromedp.CSS("body")))
}

// checked, as the value of a field given to fill, ticks a checkbox or radio.
const checked = "\x00checked"

// fill sets form fields by CSS selector: text by typing, selects by value,
// checkboxes and radios given the value checked by a click.
func (p *person) fill(fields ...string) {
	p.t.Helper()
	for i := 0; i+1 < len(fields); i += 2 {
		sel, value := fields[i], fields[i+1]
		tag := p.tagOf(sel)
		switch {
		case tag == "":
			p.shot("failed-" + p.name)
			p.t.Fatalf("%s: no field %s", p.name, sel)
		case value == checked:
			p.check(sel)
		case tag == "SELECT":
			p.do(chromedp.SetValue(chromedp.CSS(sel), value))
		default:
			p.typeInto(sel, value)
		}
	}
}

// tagOf is the tag name of the field sel, waiting up to 10 s for it to
// appear: a click that navigates (a link to the form) may still be loading
// the next page on a machine under load. "" means it never appeared.
func (p *person) tagOf(sel string) string {
	p.t.Helper()
	for try := 0; try < 50; try++ {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		tag, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).tagName||""`, sel)))
		cancel()
		if err == nil && tag != "" {
			return tag
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ""
}

// typeInto types value into the field sel. A field just revealed (a
// <details> opening on a machine under load) can refuse focus for a moment
// ("Element is not focusable", seen once in CI), so that answer is retried
// for up to two seconds before it fails the test.
func (p *person) typeInto(sel, value string) {
	p.t.Helper()
	for try := 0; ; try++ {
		run(p, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel)))
		ctx, cancel := context.WithTimeout(p.ctx, 20*time.Second)
		err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), value, chromedp.NodeVisible))
		cancel()
		if err == nil {
			return
		}
		if try < 10 && strings.Contains(err.Error(), "not focusable") {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		p.do(chromedp.SendKeys(chromedp.CSS(sel), value, chromedp.NodeVisible)) // fails the test with the page's address
		return
	}
}

func (p *person) click(sel string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// text is the visible text of the first element matching sel.
func (p *person) text(sel string) string {
	p.t.Helper()
	return run(p, textOf(sel))
}

func textOf(sel string) chromedp.Action[string] {
	return chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||""`, sel))
}

// waitText waits until the element matching sel shows want: after a page
// load or an htmx swap. A read that fails because the page is navigating
// counts as not yet.
func (p *person) waitText(sel, want string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		got, err := chromedp.Run(ctx, textOf(sel))
		cancel()
		if err == nil && strings.Contains(got, want) {
			return
		}
		if time.Now().After(deadline) {
			p.shot("failed-" + p.name)
			p.t.Fatalf("%s: %s never showed %q; it shows:\n%s", p.name, sel, want, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitTrue waits until the JavaScript expression js is true. An evaluation
// that fails because the page is navigating counts as not yet.
func (p *person) waitTrue(what, js string) {
	p.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(p.ctx, 5*time.Second)
		ok, err := chromedp.Run(ctx, evalBool(`(() => { try { return !!(`+js+`) } catch (e) { return false } })()`))
		cancel()
		if err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			p.shot("failed-" + p.name)
			p.t.Fatalf("%s: never true: %s", p.name, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// login signs in through the login form, and through the code page when
// the account has two-factor sign-in (testkit.TwoFactorCode enrols the
// roles that must, or the secret the person enrolled with in the browser).
func (p *person) login(username string) {
	p.t.Helper()
	code := p.site.twoFactorCode(username)
	p.visit("/login")
	p.fill("#username", username, "#password", "Test-Passw0rd")
	p.click(`form button[type=submit]`)
	if code != "" {
		p.waitText("main", "两步验证")
		p.fill("#code", code)
		p.click(`form[action="/login/code"] button[type=submit]`)
	}
	p.waitText("header", "退出")
}

// twoFactorCode is the code username signs in with now, "" when none.
func (s *site) twoFactorCode(username string) string {
	s.t.Helper()
	if secret, ok := s.secrets[username]; ok {
		u := testkit.Must(store.GetUserByName(s.t.Context(), s.App.DB(), username))(s.t)
		return testkit.NextCode(s.t, s.App, u.ID, secret)
	}
	return testkit.TwoFactorCode(s.t, s.App, username)
}

// act opens an action's form on the case page, fills it and submits it.
func (p *person) act(action string, fields ...string) {
	p.t.Helper()
	id := "#act-" + action
	p.do(chromedp.WaitVisible(chromedp.CSS(id + " > summary")))
	if run(p, chromedp.Evaluate[bool](fmt.Sprintf(`document.querySelector(%q).open`, id))) == false {
		p.click(id + " > summary")
	}
	p.fill(fields...)
	p.click(id + ` button[type=submit]`)
}

// check ticks a checkbox or radio button by selector.
func (p *person) check(sel string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
}

// shot saves a full-page screenshot under screenshots/ at the repository
// root (not committed) for people to look at.
func (p *person) shot(name string) {
	dir := os.Getenv("ZHITONG_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	img, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, img, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
	}
}

func evalString(js string) chromedp.Action[string] { return chromedp.Evaluate[string](js) }
func evalInt(js string) chromedp.Action[int]       { return chromedp.Evaluate[int](js) }
func evalBool(js string) chromedp.Action[bool]     { return chromedp.Evaluate[bool](js) }

// submitForm posts a form made by hand in the page, as a person crafting a
// request the UI did not offer would.
func submitForm(action string, fields map[string]string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => { const f = document.createElement("form"); f.method = "post"; f.action = %q;`, action)
	for k, v := range fields {
		js += fmt.Sprintf(`{ const i = document.createElement("input"); i.name = %q; i.value = %q; f.appendChild(i); }`, k, v)
	}
	// Submitted after the evaluation has answered: a navigation during it
	// fails the call ("Inspected target navigated or closed").
	js += `document.body.appendChild(f); setTimeout(() => f.submit(), 0); })()`
	return chromedp.Evaluate[chromedp.Void](js)
}
