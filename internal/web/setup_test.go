package web_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// firstRun is a server on an empty database, as zhitong serve starts it.
type firstRun struct {
	t    *testing.T
	app  *app.App
	gate *setup.Gate
	srv  *httptest.Server
	h    http.Handler
}

func newFirstRun(t *testing.T) *firstRun {
	a, _ := testkit.MustApp(t)
	gate := setup.NewGate()
	h := server.New(server.Config{App: a, SetupGate: gate})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &firstRun{t: t, app: a, gate: gate, srv: srv, h: h}
}

// do goes over real loopback TCP; header adds headers such as
// X-Forwarded-For, as a reverse proxy on the same machine would.
func (f *firstRun) do(method, path string, form url.Values, header map[string]string) (int, string, string) {
	f.t.Helper()
	res := testkit.Send(f.t, method, f.srv.URL+path, form, header)
	return res.Status, html.UnescapeString(res.Body), res.Location
}

// remote serves one request from a peer on another machine.
func (f *firstRun) remote(method, path string, form url.Values) (int, string) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	req.RemoteAddr = "192.0.2.7:50000"
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, req)
	return rec.Code, html.UnescapeString(rec.Body.String())
}

var proxied = map[string]string{"X-Forwarded-For": "203.0.113.9"}

func TestFirstRunPage(t *testing.T) {
	f := newFirstRun(t)
	ctx := context.Background()
	// The machine itself: the form, and the region found by name.
	if st, body, _ := f.do("GET", "/setup", nil, nil); st != 200 || !strings.Contains(body, "初始设置") || !strings.Contains(body, `name="region"`) {
		t.Fatalf("local GET /setup: %d\n%s", st, body)
	}
	if _, body, _ := f.do("GET", "/setup?q="+url.QueryEscape("龙南"), nil, nil); !strings.Contains(body, "江西省赣州市龙南市") || !strings.Contains(body, "region=360783") {
		t.Errorf("search 龙南 does not offer 龙南市:\n%s", body)
	}
	if _, body, _ := f.do("GET", "/setup?region=360783", nil, nil); !strings.Contains(body, `value="龙南市人大常委会"`) || !strings.Contains(body, "已选：江西省赣州市龙南市") {
		t.Errorf("choosing 360783 does not fill in the names:\n%s", body)
	}
	// Another machine without the token: refused, directly or through a proxy on this machine.
	if st, body := f.remote("GET", "/setup", nil); st != http.StatusForbidden || !strings.Contains(body, "设置令牌") {
		t.Errorf("remote GET /setup: %d", st)
	}
	if st, _, _ := f.do("GET", "/setup", nil, proxied); st != http.StatusForbidden {
		t.Errorf("proxied GET /setup: %d", st)
	}
	if st, _, _ := f.do("GET", "/setup?token=wrong", nil, proxied); st != http.StatusForbidden {
		t.Errorf("proxied GET /setup with a wrong token: %d", st)
	}
	form := url.Values{"region": {"330106"}, "secadmin": {"anquan"}, "committee": {"gongwei"}}
	if st, _ := f.remote("POST", "/setup", form); st != http.StatusForbidden {
		t.Errorf("remote POST /setup: %d", st)
	}
	if what := testkit.Must(store.HoldsData(ctx, f.app.DB()))(t); what != "" {
		t.Fatalf("a refused set-up wrote %s", what)
	}
	// With the token: the form, field errors under their fields, then set-up.
	tok := f.gate.Token()
	if st, body := f.remote("GET", "/setup?token="+tok, nil); st != 200 || !strings.Contains(body, `name="token" value="`+tok+`"`) {
		t.Errorf("remote GET with token: %d", st)
	}
	bad := url.Values{"token": {tok}, "region": {"330106001"}, "short_name": {"一二三四五六七八九十一"}, "secadmin": {"anquan"}, "committee": {"工委"}}
	st, body := f.remote("POST", "/setup", bad)
	for _, want := range []string{`id="region-error"`, "不设人大常委会", `id="committee-error"`} {
		if st != http.StatusBadRequest || !strings.Contains(body, want) {
			t.Errorf("bad form: %d, no %s", st, want)
		}
	}
	form.Set("token", tok)
	st, body = f.remote("POST", "/setup", form)
	if st != 200 || !strings.Contains(body, "初始设置已完成") || !strings.Contains(body, "西湖区人大常委会") {
		t.Fatalf("set-up with token: %d\n%s", st, body)
	}
	passwords := regexp.MustCompile(`<samp>([^<]+)</samp>`).FindAllStringSubmatch(body, -1)
	if len(passwords) != 2 {
		t.Fatalf("%d passwords shown", len(passwords))
	}
	for i, name := range []string{"anquan", "gongwei"} {
		u := testkit.Must(f.app.Login(ctx, name, passwords[i][1], "127.0.0.1"))(t)
		if !u.MustChangePassword || u.RegionCode != "330106" {
			t.Errorf("%s: must change %v, region %s", name, u.MustChangePassword, u.RegionCode)
		}
	}
	var n int
	if err := f.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND detail LIKE ?`, "setup.run", "%web%").Scan(&n); err != nil || n != 1 {
		t.Errorf("setup.run audit entries from the web: %d (%v)", n, err)
	}
	// Gone afterwards, even with the token and from the machine itself.
	if f.gate.Token() != "" {
		t.Error("the token still opens something")
	}
	for _, path := range []string{"/setup", "/setup?token=" + tok} {
		if st, _, loc := f.do("GET", path, nil, nil); st != http.StatusSeeOther || loc != "/login" {
			t.Errorf("GET %s after set-up: %d → %s", path, st, loc)
		}
	}
	form.Set("region", "360783")
	if st, _, loc := f.do("POST", "/setup", form, nil); st != http.StatusSeeOther || loc != "/login" {
		t.Errorf("POST /setup after set-up: %d → %s", st, loc)
	}
	if o := testkit.Must(store.ListOrganisations(ctx, f.app.DB()))(t); len(o) != 1 {
		t.Errorf("%d organisations after a second POST", len(o))
	}
}

func TestLocal(t *testing.T) {
	for _, tc := range []struct {
		remote string
		header map[string]string
		want   bool
	}{
		{"127.0.0.1:5000", nil, true},
		{"[::1]:5000", nil, true},
		{"192.0.2.1:5000", nil, false},
		{"192.0.2.1:5000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, false},
		{"127.0.0.1:5000", map[string]string{"X-Forwarded-For": "127.0.0.1, 203.0.113.1"}, false},
		{"127.0.0.1:5000", map[string]string{"X-Real-IP": "10.0.0.3"}, false},
		{"127.0.0.1:5000", map[string]string{"Forwarded": `for="[2001:db8::1]:443";proto=https`}, false},
		{"127.0.0.1:5000", map[string]string{"X-Forwarded-For": "127.0.0.1"}, true},
		{"[::ffff:127.0.0.1]:5000", nil, true},
	} {
		r := httptest.NewRequest("GET", "/setup", nil)
		r.RemoteAddr = tc.remote
		for k, v := range tc.header {
			r.Header.Set(k, v)
		}
		if got := setup.Local(r); got != tc.want {
			t.Errorf("Local(%s, %v) = %v", tc.remote, tc.header, got)
		}
	}
}
