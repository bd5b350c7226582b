package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

// On a station's kiosk the next citizen sees nothing of the previous one:
// the code is shown once, no citizen page is kept by the browser, and
// "下一位群众" forgets the session and opens the station's empty form.
func TestKioskShowsTheNextCitizenNothing(t *testing.T) {
	p := newPortal(t)
	form := p.get("/submit?station=" + itoa(p.f.Station))
	if form.header.Get("Cache-Control") != "no-store" {
		t.Errorf("form Cache-Control %q", form.header.Get("Cache-Control"))
	}
	done := p.submit(p.validForm())
	code := trackingCode(t, done)
	if done.header.Get("Cache-Control") != "no-store" {
		t.Errorf("submitted page Cache-Control %q", done.header.Get("Cache-Control"))
	}
	mustContain(t, done, `action="/submit/next"`, `name="station" value="`+itoa(p.f.Station)+`"`, "下一位群众", "本页只显示一次")

	// The next citizen presses Back or reloads: the code is gone.
	again := p.get("/submit/done")
	if strings.Contains(again.body, code) || !strings.HasSuffix(again.url, "/track") {
		t.Fatalf("the submitted page shows the code again (%s)", again.url)
	}
	if track := p.get("/track/" + code); track.header.Get("Cache-Control") != "no-store" {
		t.Errorf("tracking page Cache-Control %q", track.header.Get("Cache-Control"))
	}

	// 下一位群众: a fresh session and the station's empty form.
	before := p.cookie("zhitong_session")
	next := p.postForm("/submit/next", url.Values{"station": {itoa(p.f.Station)}})
	if next.status != http.StatusOK || !strings.HasSuffix(next.url, "/submit?station="+itoa(p.f.Station)) {
		t.Fatalf("next citizen: %d %s", next.status, next.url)
	}
	if after := p.cookie("zhitong_session"); before != "" && after == before {
		t.Error("the session survived 下一位群众")
	}
	mustNotContain(t, next, code, "王小明", "139 0797 1234", "13907971234")
}

// cookie returns the value of the portal client's cookie name ("" if none).
func (p *portal) cookie(name string) string {
	u, _ := url.Parse(p.srv.URL)
	for _, c := range p.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// A browser made a station's kiosk (GET /kiosk?station=ID) opens a
// tracking page only for the code its current session submitted or looked
// up: after 下一位群众, Back or the address bar bring back nothing of the
// previous citizen. Its forms tell the browser not to remember what was
// typed; kiosk.js is on its pages. An ordinary browser (a citizen's phone)
// opens a tracking link directly, as before.
func TestKioskModeKeepsCodesToTheirSession(t *testing.T) {
	p := newPortal(t)
	on := p.get("/kiosk?station=" + itoa(p.f.Station))
	if !strings.HasSuffix(on.url, "/submit?station="+itoa(p.f.Station)) {
		t.Fatalf("/kiosk went to %s", on.url)
	}
	mustContain(t, on, `autocomplete="off"`, `data-kiosk="`+itoa(p.f.Station)+`"`, `/static/kiosk.js`)
	if p.cookie("zhitong_kiosk") != itoa(p.f.Station) {
		t.Fatal("no kiosk cookie")
	}
	code := trackingCode(t, p.submit(p.validForm()))
	if tr := p.get("/track/" + code); !strings.HasSuffix(tr.url, "/track/"+code) || tr.status != 200 {
		t.Fatalf("own code on the kiosk: %d %s", tr.status, tr.url)
	}

	// 下一位群众, then Back to the tracking page: refused.
	p.postForm("/submit/next", url.Values{"station": {itoa(p.f.Station)}})
	back := p.get("/track/" + code)
	if strings.HasSuffix(back.url, "/track/"+code) || strings.Contains(back.body, "王小明") {
		t.Fatalf("the next citizen opened the previous code: %s", back.url)
	}
	mustContain(t, back, "为保护上一位群众的隐私")
	// Typing the code in the form opens it again (whoever knows the code).
	if tr := p.get("/track?code=" + code); !strings.HasSuffix(tr.url, "/track/"+code) {
		t.Fatalf("looked up again: %s", tr.url)
	}
	// /kiosk/next (kiosk.js after two idle minutes) forgets that too.
	if next := p.get("/kiosk/next"); !strings.HasSuffix(next.url, "/submit?station="+itoa(p.f.Station)) {
		t.Fatalf("/kiosk/next went to %s", next.url)
	}
	if again := p.get("/track/" + code); strings.HasSuffix(again.url, "/track/"+code) {
		t.Fatal("the code opened after /kiosk/next")
	}
	if bk := p.get("/stations/" + itoa(p.f.Station) + "/book"); bk.header.Get("Cache-Control") != "no-store" {
		t.Errorf("booking page Cache-Control %q", bk.header.Get("Cache-Control"))
	}

	// An ordinary browser: the SMS link opens directly; no kiosk script.
	p.get("/kiosk/off")
	if p.cookie("zhitong_kiosk") != "" {
		t.Fatal("kiosk cookie kept after /kiosk/off")
	}
	phone := newPortalClient(p)
	if tr := phone.get("/track/" + code); !strings.HasSuffix(tr.url, "/track/"+code) || strings.Contains(tr.body, "kiosk.js") {
		t.Fatalf("a phone opening the SMS link: %s", tr.url)
	}
	if form := phone.get("/submit"); strings.Contains(form.body, `autocomplete="off"`) {
		t.Error("an ordinary browser's form turns autocomplete off")
	}
}

// newPortalClient is another browser on p's server.
func newPortalClient(p *portal) *portal {
	jar, _ := cookiejar.New(nil)
	return &portal{t: p.t, app: p.app, f: p.f, srv: p.srv, client: &http.Client{Jar: jar}}
}
