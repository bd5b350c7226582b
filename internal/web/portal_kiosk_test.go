package web_test

import (
	"net/http"
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
