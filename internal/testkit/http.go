package testkit

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Response is an HTTP answer read in full.
type Response struct {
	Status   int
	Body     string
	Location string // where a redirect points
}

// Send makes one request without following redirects: a form (when not
// nil) is sent URL-encoded, header adds headers such as X-Forwarded-For.
func Send(tb testing.TB, method, u string, form url.Values, header map[string]string) Response {
	tb.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		tb.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return Response{Status: res.StatusCode, Body: string(b), Location: res.Header.Get("Location")}
}
