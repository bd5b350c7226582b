package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

func TestPublicEntriesAreLimitedPerClient(t *testing.T) {
	a, _ := testkit.MustApp(t)
	testkit.Seed(t, a)
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: 2}))
	defer srv.Close()
	send := func(method, path, body string, header map[string]string) *http.Response {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	// Two look-ups of a code that does not exist spend the budget…
	for range 2 {
		if resp := send("GET", "/api/v1/track/AAAAAAAA", "", nil); resp.StatusCode != http.StatusNotFound {
			t.Fatalf("look-up within the budget: %d", resp.StatusCode)
		}
	}
	// …so the submission that follows is refused, in JSON with a code.
	resp := send("POST", "/api/v1/submissions", `{"body":"x"}`, nil)
	var e struct {
		Error struct{ Code, Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&e); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusTooManyRequests || e.Error.Code != "too_many_requests" || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("over the budget: %d %+v Retry-After %q", resp.StatusCode, e, resp.Header.Get("Retry-After"))
	}
	// The web answers with a Chinese page.
	resp = send("GET", "/track/AAAAAAAA", "", nil)
	page, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(string(page), "操作过于频繁") {
		t.Fatalf("web over the budget: %d %.200s", resp.StatusCode, page)
	}
	// Pages that are not public entries, and integrations with a token, are not counted.
	if resp := send("GET", "/", "", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("home page after the budget: %d", resp.StatusCode)
	}
	key, _, err := a.AddToken(context.Background(), app.System, "limit test", zhitong.RoleIntegration, "360728")
	if err != nil {
		t.Fatal(err)
	}
	if resp := send("GET", "/api/v1/track/AAAAAAAA", "", map[string]string{"Authorization": "Bearer " + key}); resp.StatusCode == http.StatusTooManyRequests {
		t.Error("a request with a valid token was counted")
	}
	// A header that authenticates nobody is no exemption: sign-in, the
	// portal and the look-ups never check it.
	for _, h := range []string{"Bearer nope", "Bearer zt_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "Basic YTpi", "x"} {
		if resp := send("GET", "/api/v1/track/AAAAAAAA", "", map[string]string{"Authorization": h}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("a look-up with Authorization %q escaped the limit: %d", h, resp.StatusCode)
		}
	}
	// Another citizen behind the same (trusted, loopback) proxy has their own budget.
	if resp := send("GET", "/api/v1/track/AAAAAAAA", "", map[string]string{"X-Forwarded-For": "198.51.100.7"}); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another client behind the proxy: %d", resp.StatusCode)
	}
}

func TestQRCodesUseTheConfiguredPublicAddress(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicURL: "https://zhitong.example.gov.cn/"}))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/stations/" + strconv.FormatInt(f.Station, 10) + "/poster")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	page, _ := io.ReadAll(resp.Body)
	want := "https://zhitong.example.gov.cn/submit?station=" + strconv.FormatInt(f.Station, 10)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), want) || strings.Contains(string(page), srv.URL) {
		t.Fatalf("poster (%d) does not point at %s only:\n%.3000s", resp.StatusCode, want, page)
	}
}

// Password spraying through the API's session endpoint with a junk
// Authorization header is counted like any other sign-in: the header
// authenticates nobody.
func TestSignInWithAJunkAuthorizationHeaderIsLimited(t *testing.T) {
	a, _ := testkit.MustApp(t)
	testkit.Seed(t, a)
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: 3}))
	defer srv.Close()
	codes := []int{}
	for i := range 5 {
		body := `{"username":"user` + strconv.Itoa(i) + `","password":"Spray-Passw0rd"}`
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/session", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer junk")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
	}
	if codes[2] != http.StatusUnauthorized || codes[3] != http.StatusTooManyRequests || codes[4] != http.StatusTooManyRequests {
		t.Fatalf("sign-ins with a junk header: %v, want 401×3 then 429", codes)
	}
	// The web sign-in form too.
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader("username=a&password=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "Bearer junk")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("web sign-in with a junk header: %d", resp.StatusCode)
	}
}

// The look-ups of similar issues a citizen's form makes while typing
// (portal and API) spend the public budget like a submission.
func TestSimilarLookUpsAreLimited(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: 2}))
	defer srv.Close()
	portal := func() int { // 路灯不亮很久了
		return post(t, srv.URL+"/submit/similar", "application/x-www-form-urlencoded",
			"region="+f.Town+"&body=%E8%B7%AF%E7%81%AF%E4%B8%8D%E4%BA%AE%E5%BE%88%E4%B9%85%E4%BA%86")
	}
	api := func() int {
		return post(t, srv.URL+"/api/v1/duplicates/public", "application/json", `{"region":"`+f.Town+`","body":"路灯不亮很久了"}`)
	}
	if codes := []int{portal(), api(), portal(), api()}; codes[0] != http.StatusOK || codes[1] != http.StatusOK ||
		codes[2] != http.StatusTooManyRequests || codes[3] != http.StatusTooManyRequests {
		t.Fatalf("look-ups: %v, want 200 200 429 429", codes)
	}
}

func post(t *testing.T, url, ctype, body string) int {
	t.Helper()
	resp, err := http.Post(url, ctype, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
