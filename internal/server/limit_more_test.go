package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// limitEnv is the harness's env over a server with the given limits.
func limitEnv(t *testing.T, cfg server.Config) *env {
	t.Helper()
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	cfg.App = a
	srv := httptest.NewServer(server.New(cfg))
	t.Cleanup(srv.Close)
	return &env{t: t, app: a, clock: clock, f: f, srv: srv}
}

// refused checks a 429 with Retry-After: the API answers the code
// too_many_requests, Open311 its error list with code 429, pages a
// Chinese page; each with the message want.
func refused(t *testing.T, what, path string, r testkit.Response, retryAfter string, want string) {
	t.Helper()
	if r.Status != http.StatusTooManyRequests {
		t.Errorf("%s: %d, want 429 (%.200s)", what, r.Status, r.Body)
		return
	}
	if n, err := strconv.Atoi(retryAfter); err != nil || n <= 0 {
		t.Errorf("%s: Retry-After %q", what, retryAfter)
	}
	if strings.HasPrefix(path, "/open311/") {
		var e []struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal([]byte(r.Body), &e); err != nil || len(e) != 1 || e[0].Code != 429 || !strings.Contains(e[0].Description, want) {
			t.Errorf("%s: %s, want Open311's error list with code 429 and %q", what, r.Body, want)
		}
		return
	}
	if strings.HasPrefix(path, "/api/") {
		var e apiError
		if err := json.Unmarshal([]byte(r.Body), &e); err != nil || e.Error.Code != "too_many_requests" || !strings.Contains(e.Error.Message, want) {
			t.Errorf("%s: %s, want code too_many_requests and %q", what, r.Body, want)
		}
		return
	}
	if !strings.Contains(r.Body, want) || !strings.Contains(r.Body, "lang=\"zh-CN\"") {
		t.Errorf("%s: page without %q: %.300s", what, want, r.Body)
	}
}

// sendBody is testkit.Send with a body of any content type, returning the
// Retry-After header too.
func sendBody(t *testing.T, method, u, ctype, body string, header map[string]string) (testkit.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Response{Status: resp.StatusCode, Body: string(b), Location: resp.Header.Get("Location")}, resp.Header.Get("Retry-After")
}

// TestJunkCredentialsCountAsPublic: every public entry — sign-in (web and
// API), the portal form, tracking and appointment code look-ups, Open311's
// requests — is counted unless a credential actually authenticates: a junk
// Authorization header, session cookie or api_key is an anonymous request.
// A valid token, api_key or session is not counted.
func TestJunkCredentialsCountAsPublic(t *testing.T) {
	e := limitEnv(t, server.Config{PublicLimit: 1})
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	junk := []map[string]string{
		{"Authorization": "Bearer zt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"Authorization": "Basic YTpi"},
		{"Cookie": "zhitong_session=0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"},
	}
	entries := []struct {
		method, path, ctype, body, want string
	}{
		{"POST", "/login", form, "username=nobody&password=Wrong-Passw0rd", "操作过于频繁"},
		{"POST", "/api/v1/session", jsonType, `{"username":"nobody","password":"Wrong-Passw0rd"}`, "操作过于频繁"},
		{"POST", "/submit", form, "body=路灯不亮", "操作过于频繁"},
		{"GET", "/track/AAAAAAAA", "", "", "操作过于频繁"},
		{"GET", "/api/v1/track/AAAAAAAA", "", "", "操作过于频繁"},
		{"GET", "/appointments/AAAAAAAA", "", "", "操作过于频繁"},
		{"GET", "/appointments?code=AAAAAAAA", "", "", "操作过于频繁"},
		{"GET", "/api/v1/appointments/AAAAAAAA", "", "", "操作过于频繁"},
		{"POST", "/open311/v2/requests.json", form, "service_code=roads&description=路灯不亮&api_key=zt_junk", "操作过于频繁"},
		{"GET", "/open311/v2/requests.json?api_key=zt_junk", "", "", "操作过于频繁"},
	}
	client := 0
	for _, en := range entries {
		for _, h := range junk {
			client++
			hdr := map[string]string{"X-Forwarded-For": "198.51.100." + strconv.Itoa(client)}
			for k, v := range h {
				hdr[k] = v
			}
			what := en.method + " " + en.path + " with " + strings.Join(func() []string {
				var s []string
				for k := range h {
					s = append(s, k)
				}
				return s
			}(), ",")
			body := strings.ReplaceAll(en.body, "nobody", "nobody"+strconv.Itoa(client)) // one client, one account
			if r, _ := sendBody(t, en.method, e.srv.URL+en.path, en.ctype, body, hdr); r.Status == http.StatusTooManyRequests {
				t.Fatalf("%s: the first request was refused", what)
			}
			r, retry := sendBody(t, en.method, e.srv.URL+en.path, en.ctype, body, hdr)
			refused(t, what, en.path, r, retry, en.want)
		}
	}

	// Valid credentials are not counted: an API token, an Open311 api_key
	// (in the form or the query), a signed-in session.
	key, _, err := e.app.AddToken(ctx, app.System, "limit test", zhitong.RoleIntegration, "360728")
	if err != nil {
		t.Fatal(err)
	}
	valid := map[string]string{"X-Forwarded-For": "203.0.113.1", "Authorization": "Bearer " + key}
	for i := range 3 {
		if r, _ := sendBody(t, "GET", e.srv.URL+"/api/v1/track/AAAAAAAA", "", "", valid); r.Status == http.StatusTooManyRequests {
			t.Fatalf("look-up %d with a valid token refused", i+1)
		}
		q := url.Values{"service_code": {"nope"}, "description": {"路灯不亮"}, "api_key": {key}}
		if r, _ := sendBody(t, "POST", e.srv.URL+"/open311/v2/requests.json", form, q.Encode(), map[string]string{"X-Forwarded-For": "203.0.113.2"}); r.Status == http.StatusTooManyRequests {
			t.Fatalf("Open311 POST %d with a valid api_key refused", i+1)
		}
		if r, _ := sendBody(t, "GET", e.srv.URL+"/open311/v2/requests.json?api_key="+key, "", "", map[string]string{"X-Forwarded-For": "203.0.113.3"}); r.Status == http.StatusTooManyRequests {
			t.Fatalf("Open311 GET %d with a valid api_key refused", i+1)
		}
	}
	officer := e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: "360728"}, "limit-officer")
	for i := range 3 {
		if code := officer.do("GET", "/api/v1/track/AAAAAAAA", nil, nil); code == http.StatusTooManyRequests {
			t.Fatalf("look-up %d of a signed-in officer refused", i+1)
		}
	}
}

// TestSignInIsLimitedPerAccountAndPerClient: failed sign-ins are counted
// per account name (from any client, whether or not the account exists)
// and per client (across names), on the web form and the API alike; a
// successful sign-in is not held against either.
func TestSignInIsLimitedPerAccountAndPerClient(t *testing.T) {
	e := limitEnv(t, server.Config{SignInLimit: 3, SignInClientLimit: 4})
	form := "application/x-www-form-urlencoded"
	jsonType := "application/json"
	from := func(i int) map[string]string {
		return map[string]string{"X-Forwarded-For": "198.51.100." + strconv.Itoa(i)}
	}

	// Per account: three wrong passwords for one name, each from another
	// client, alternating web and API; the fourth is refused wherever it
	// comes from, and so is the right password (it would be the 4th try).
	e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: "360728"}, "li.officer")
	for i := range 3 {
		var r testkit.Response
		if i%2 == 0 {
			r, _ = sendBody(t, "POST", e.srv.URL+"/login", form, "username=li.officer&password=Wrong-Passw0rd", from(10+i))
		} else {
			r, _ = sendBody(t, "POST", e.srv.URL+"/api/v1/session", jsonType, `{"username":"LI.officer","password":"Wrong-Passw0rd"}`, from(10+i))
		}
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, r.Status)
		}
	}
	r, retry := sendBody(t, "POST", e.srv.URL+"/api/v1/session", jsonType, `{"username":"li.officer","password":"Test-Passw0rd"}`, from(20))
	refused(t, "4th sign-in of the account (API)", "/api/v1/session", r, retry, "该账号登录失败次数过多")
	r, retry = sendBody(t, "POST", e.srv.URL+"/login", form, "username=+li.officer+&password=Test-Passw0rd", from(21))
	refused(t, "4th sign-in of the account (web)", "/login", r, retry, "该账号登录失败次数过多")
	// A name that does not exist is limited the same way (no hint either way).
	for i := range 3 {
		sendBody(t, "POST", e.srv.URL+"/api/v1/session", jsonType, `{"username":"ghost","password":"Wrong-Passw0rd"}`, from(30+i))
	}
	r, retry = sendBody(t, "POST", e.srv.URL+"/api/v1/session", jsonType, `{"username":"ghost","password":"Wrong-Passw0rd"}`, from(40))
	refused(t, "4th sign-in of a missing account", "/api/v1/session", r, retry, "该账号登录失败次数过多")

	// Per client: spraying one password over many names from one client.
	for i := range 4 {
		r, _ := sendBody(t, "POST", e.srv.URL+"/api/v1/session", jsonType, `{"username":"user`+strconv.Itoa(i)+`","password":"Spray-Passw0rd1"}`, from(50))
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("spray %d: %d", i+1, r.Status)
		}
	}
	r, retry = sendBody(t, "POST", e.srv.URL+"/login", form, "username=user9&password=Spray-Passw0rd1", from(50))
	refused(t, "5th failed sign-in of the client", "/login", r, retry, "登录失败次数过多")

	// Successful sign-ins are given back: more of them than either budget,
	// from one client and one account, all succeed (the harness signs in
	// through 127.0.0.1, one client).
	for i := range 5 {
		e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: "360728"}, "ok-officer-"+strconv.Itoa(i))
	}

	// Each refusal is audited once per server, not once per request.
	var n int
	if err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'limit.refused'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("%d limit.refused audit entries, want 3 (the account, the missing account, the client)", n)
	}
}
