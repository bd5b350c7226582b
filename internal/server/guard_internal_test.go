package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhitong/internal/testkit"
	"zhitong/internal/web"
)

// TestPanicAnswersInTheClientsLanguage: a panic in a page handler gives the
// Chinese 500 page; one in the API gives the JSON error shape.
func TestPanicAnswersInTheClientsLanguage(t *testing.T) {
	a, _ := testkit.MustApp(t)
	s := New(Config{App: a, PublicLimit: -1})
	ui, err := web.New(web.Config{App: a, Sessions: s.sessions, Principal: s.principal})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	boom := func(http.ResponseWriter, *http.Request) { panic("secret-detail") }
	mux.HandleFunc("GET /work/boom", boom)
	mux.HandleFunc("GET /api/v1/boom", boom)
	srv := httptest.NewServer(s.chain(mux, ui.Fail))
	defer srv.Close()

	res, body := get(t, srv.URL+"/work/boom")
	if res.StatusCode != 500 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(body, "<title>系统出错了") || strings.Contains(body, "secret-detail") {
		t.Fatalf("page panic: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
	res, body = get(t, srv.URL+"/api/v1/boom")
	var e errorJSON
	if res.StatusCode != 500 || json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "internal" {
		t.Fatalf("API panic: %d %s", res.StatusCode, body)
	}
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}
