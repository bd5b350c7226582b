package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// Every answer carries a strict Content-Security-Policy, frame-ancestors,
// nosniff and Referrer-Policy, and no page needs inline script to work.
func TestSecurityHeadersOnEveryPage(t *testing.T) {
	e := newEnv(t)
	officer := e.login(e.f.In[zhitong.RoleOfficer], "headers-officer")
	inline := regexp.MustCompile(`(?i)<script(?:\s[^>]*)?>[^<]|\son[a-z]+\s*=|javascript:|<style|\sstyle\s*=`)
	for _, tc := range []struct {
		c    *client
		path string
	}{
		{e.anonymous(), "/"}, {e.anonymous(), "/submit"}, {e.anonymous(), "/results"}, {e.anonymous(), "/login"},
		{e.anonymous(), "/no-such-page"}, {e.anonymous(), "/api/v1/categories"},
		{officer, "/work"}, {officer, "/work/cases"}, {officer, "/work/intake"}, {officer, "/work/bulletins"},
	} {
		req, _ := http.NewRequest("GET", e.srv.URL+tc.path, nil)
		resp, err := tc.c.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", tc.path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
			t.Errorf("%s: CSP allows inline code: %q", tc.path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: X-Frame-Options %q nosniff %q Referrer-Policy %q", tc.path, h.Get("X-Frame-Options"),
				h.Get("X-Content-Type-Options"), h.Get("Referrer-Policy"))
		}
		if m := inline.Find(body); m != nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			t.Errorf("%s: inline script or style the CSP would block: %q", tc.path, m)
		}
	}
}

// Cookies are Secure when the public URL is https, when the request came
// through a trusted proxy that terminated HTTPS, and with --secure-cookies;
// not on plain HTTP otherwise (a development laptop).
func TestCookiesAreSecureBehindHTTPS(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	p := f.In[zhitong.RoleOfficer]
	if _, err := a.AddUser(ctx, app.System, app.UserInput{Username: "cookie", Role: p.Role, RegionCode: p.RegionCode, Password: "Test-Passw0rd"}); err != nil {
		t.Fatal(err)
	}
	login := func(cfg server.Config, header map[string]string) string {
		t.Helper()
		cfg.App = a
		srv := httptest.NewServer(server.New(cfg))
		defer srv.Close()
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(`{"username":"cookie","password":"Test-Passw0rd"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("login: %d", resp.StatusCode)
		}
		return resp.Header.Get("Set-Cookie")
	}
	for _, tc := range []struct {
		name   string
		cfg    server.Config
		header map[string]string
		secure bool
	}{
		{"plain HTTP", server.Config{}, nil, false},
		{"https public URL", server.Config{PublicURL: "https://zhitong.example.gov.cn"}, nil, true},
		{"trusted proxy says https", server.Config{}, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"--secure-cookies", server.Config{SecureCookies: true}, nil, true},
	} {
		c := login(tc.cfg, tc.header)
		if !strings.Contains(c, "zhitong_session=") || strings.Contains(c, "; Secure") != tc.secure {
			t.Errorf("%s: Set-Cookie %q, want Secure=%v", tc.name, c, tc.secure)
		}
	}
}
