package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestGuardsAnswerPagesInChinese: the guards in front of every route answer
// a page request with the Chinese HTML error page and an API request with
// the JSON error shape.
func TestGuardsAnswerPagesInChinese(t *testing.T) {
	e := newEnv(t)
	send := func(method, path string, header map[string]string) (int, string, string) {
		t.Helper()
		req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader("a=b"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header.Get("Content-Type"), string(b)
	}
	page := func(name string, status int, wantStatus int, ctype, body, title string) {
		t.Helper()
		if status != wantStatus || !strings.HasPrefix(ctype, "text/html") || !strings.Contains(body, "<title>"+title) || !strings.Contains(body, `lang="zh-CN"`) {
			t.Errorf("%s: %d %s, want %d Chinese page %q\n%.300s", name, status, ctype, wantStatus, title, body)
		}
	}
	api := func(name string, status, wantStatus int, body, code string) {
		t.Helper()
		var v struct {
			Error struct{ Code, Message string }
		}
		if status != wantStatus || json.Unmarshal([]byte(body), &v) != nil || v.Error.Code != code || v.Error.Message == "" {
			t.Errorf("%s: %d %s, want %d JSON %q", name, status, body, wantStatus, code)
		}
	}

	st, ct, body := send("GET", "/?x=%00", nil)
	page("NUL on the portal", st, 400, ct, body, "输入有误")
	st, _, body = send("GET", "/api/v1/categories?x=%00", nil)
	api("NUL on the API", st, 400, body, "invalid")

	evil := map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
	st, ct, body = send("POST", "/submit", evil)
	page("cross-origin form", st, 403, ct, body, "无权访问")
	if !strings.Contains(body, "请求来自其他网站") {
		t.Errorf("cross-origin page does not say why:\n%s", body)
	}
	st, _, body = send("POST", "/api/v1/submissions", evil)
	api("cross-origin API", st, 403, body, "forbidden")
}
