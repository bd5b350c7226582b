package web_test

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

var togglePattern = regexp.MustCompile(`href="(/elderly\?back=[^"]*)" class="elderly-toggle"`)

// toggle returns the 大字模式 link of a page, unescaped.
func toggle(t *testing.T, body string) string {
	t.Helper()
	m := togglePattern.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no 大字模式 link on the page:\n%s", body)
	}
	return html.UnescapeString(m[1])
}

func backOf(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("back")
}

// TestElderlyToggleComesBackToThePage: the toggle keeps the query of a GET
// page (the poster's /submit?station=…), and a page rendered by a POST comes
// back to the form's page, never to the POST's address.
func TestElderlyToggleComesBackToThePage(t *testing.T) {
	p := newPortal(t)
	want := "/submit?station=" + itoa(p.f.Station)
	pg := p.get(want)
	pg = p.get(toggle(t, pg.body))
	if pg.status != http.StatusOK || !strings.HasSuffix(pg.url, want) || !strings.Contains(pg.body, `class="elderly"`) {
		t.Fatalf("toggle on %s led to %s (%d)", want, pg.url, pg.status)
	}

	// The form shown again with its errors: the Referer is the form's page.
	form := p.validForm()
	form.Del("privacy")
	req, _ := http.NewRequest("POST", p.srv.URL+"/submit", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", p.srv.URL+want)
	pg = p.read(p.client.Do(req))
	if got := backOf(t, toggle(t, pg.body)); got != want {
		t.Errorf("POST with Referer: toggle %q, want back to %s", got, want)
	}
	// Another site's Referer is ignored: the nearest GET page is used.
	req, _ = http.NewRequest("POST", p.srv.URL+"/submit", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Referer", "https://evil.example/submit?x=1")
	pg = p.read(p.client.Do(req))
	if got := backOf(t, toggle(t, pg.body)); got != "/submit" {
		t.Errorf("POST with a foreign Referer: toggle %q, want back to /submit", got)
	}

	// The open-redirect guard holds.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, back := range []string{"//evil.example/", "/\\evil.example/", "https://evil.example/"} {
		res, err := noFollow.Get(p.srv.URL + "/elderly?back=" + url.QueryEscape(back))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("back=%s redirected to %q, want /", back, loc)
		}
	}
}

// TestExpiredSessionPostOffersLogin: a form posted after the session ran
// out gets a 401 page with a login link back to the form's page and tells
// the clerk that Back keeps what they typed.
func TestExpiredSessionPostOffersLogin(t *testing.T) {
	p := newPortal(t)
	post := func(path, referer string) page {
		t.Helper()
		req, _ := http.NewRequest("POST", p.srv.URL+path, strings.NewReader("body=x"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if referer != "" {
			req.Header.Set("Referer", referer)
		}
		return p.read(p.client.Do(req))
	}
	pg := post("/work/intake", p.srv.URL+"/work/intake?station=2")
	if pg.status != http.StatusUnauthorized {
		t.Fatalf("status %d, want 401", pg.status)
	}
	mustContain(t, pg, `href="/login?next=%2Fwork%2Fintake%3Fstation%3D2"`, "“后退”", "内容仍在")
	// No Referer: the nearest GET page above the POST's address.
	pg = post("/work/cases/38/assign", "")
	mustContain(t, pg, `href="/login?next=%2Fwork%2Fcases%2F38"`)
}

// TestFaviconIsServed: every page links the icon, and /favicon.ico, which
// browsers ask for anyway, is the icon rather than a 404 page.
func TestFaviconIsServed(t *testing.T) {
	p := newPortal(t)
	mustContain(t, p.get("/"), `<link rel="icon" href="/static/favicon.svg"`)
	for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
		pg := p.get(path)
		if pg.status != http.StatusOK || pg.header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(pg.body, "<svg") {
			t.Errorf("%s: %d %s", path, pg.status, pg.header.Get("Content-Type"))
		}
	}
}
