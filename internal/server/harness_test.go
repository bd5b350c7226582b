package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

var ctx = context.Background()

// env is a real server over a real database with the testkit fixture.
type env struct {
	t     *testing.T
	app   *app.App
	clock *testkit.Clock
	f     *testkit.Fixture
	srv   *httptest.Server
}

func newEnv(t *testing.T) *env {
	t.Helper()
	s := testserver.Start(t)
	return &env{t: t, app: s.App, clock: s.Clock, f: s.Fixture, srv: s.Server}
}

// client is one browser-like HTTP client with its own cookie jar.
type client struct {
	e    *env
	http *http.Client
	auth string
}

func (e *env) anonymous() *client {
	jar, _ := cookiejar.New(nil)
	return &client{e: e, http: &http.Client{Jar: jar}}
}

// login creates an account shaped like p and signs it in.
func (e *env) login(p zhitong.Principal, username string) *client {
	e.t.Helper()
	_, err := e.app.AddUser(ctx, app.System, app.UserInput{Username: username, Role: p.Role, RegionCode: p.RegionCode,
		StationID: p.StationID, UnitID: p.UnitID, DeputyID: p.DeputyID, Password: "Test-Passw0rd"})
	if err != nil {
		e.t.Fatal(err)
	}
	c := e.anonymous()
	var me map[string]any
	if code := c.do("POST", "/api/v1/session", e.credentials(username, "Test-Passw0rd"), &me); code != 200 {
		e.t.Fatalf("login %s: %d", username, code)
	}
	return c
}

// credentials is the sign-in body for username: with the two-factor code
// when the account needs one (testkit.TwoFactorCode enrols it).
func (e *env) credentials(username, password string) map[string]string {
	e.t.Helper()
	in := map[string]string{"username": username, "password": password}
	if code := testkit.TwoFactorCode(e.t, e.app, username); code != "" {
		in["code"] = code
	}
	return in
}

// do sends a JSON request and decodes the JSON answer into out (if not nil).
func (c *client) do(method, path string, body any, out any) int {
	c.e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		c.e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.auth != "" {
		req.Header.Set("Authorization", "Bearer "+c.auth)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			c.e.t.Fatalf("%s %s: %d, body not JSON: %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

// apiError is the one error shape of the API.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
	} `json:"error"`
}
