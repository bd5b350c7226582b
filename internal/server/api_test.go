package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhitong"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)
	resp, err := http.Get(e.srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
}

func TestAddWorkdaysEndpoint(t *testing.T) {
	e := newEnv(t)
	var out map[string]any
	if code := e.anonymous().do("GET", "/api/v1/calendar/add-workdays?from=2026-09-30&days=5", nil, &out); code != 200 {
		t.Fatalf("status %d", code)
	}
	if out["date"] != "2026-10-13" || out["provisional"] != false {
		t.Fatalf("add-workdays = %v, want 2026-10-13 non-provisional", out)
	}
	var bad apiError
	if code := e.anonymous().do("GET", "/api/v1/calendar/add-workdays?from=2026-13-01&days=5", nil, &bad); code != 400 || bad.Error.Field != "from" {
		t.Fatalf("bad date: %d %+v", code, bad)
	}
}

// TestCitizenLoopOverHTTP drives the loop through the JSON API: a citizen
// submits and follows the case by tracking code; staff sign in and act.
func TestCitizenLoopOverHTTP(t *testing.T) {
	e := newEnv(t)
	citizen := e.anonymous()
	var created struct {
		ID   int64  `json:"id"`
		Code string `json:"code"`
	}
	if code := citizen.do("POST", "/api/v1/submissions", map[string]any{"body": "历市镇中心小学门口没有斑马线，孩子过马路危险",
		"region": e.f.Town, "name": "周一", "phone": "13907970001"}, &created); code != 201 {
		t.Fatalf("submit: %d", code)
	}
	officer := e.login(e.f.In[zhitong.RoleOfficer], "officer1")
	unit := e.login(e.f.In[zhitong.RoleUnit], "unit1")
	base := "/api/v1/cases/" + strconv.FormatInt(created.ID, 10)
	var v struct {
		Version int            `json:"version"`
		Status  zhitong.Status `json:"status"`
		Phone   string         `json:"phone"`
		Actions []string       `json:"actions"`
	}
	steps := []struct {
		c    *client
		path string
		body map[string]any
		want zhitong.Status
	}{
		{officer, "/register", map[string]any{"category": "roads"}, zhitong.StatusRegistered},
		{officer, "/assign", map[string]any{"lead_unit_id": e.f.Lead, "days": 10}, zhitong.StatusAssigned},
		{unit, "/accept", map[string]any{}, zhitong.StatusInProgress},
		{unit, "/reply", map[string]any{"outcome": "A", "text": "已施划斑马线并设置减速带", "deliveries": []map[string]any{
			{"recipient": "congress", "channel": "written"}, {"recipient": "citizen", "channel": "sms"}}}, zhitong.StatusReplied},
	}
	for _, s := range steps {
		s.body["version"] = v.Version
		if v.Version == 0 {
			delete(s.body, "version")
		}
		var errOut apiError
		if code := s.c.do("POST", base+s.path, s.body, &v); code != 200 {
			s.c.do("POST", base+s.path, s.body, &errOut)
			t.Fatalf("%s: %d %+v", s.path, code, errOut)
		}
		if v.Status != s.want {
			t.Fatalf("%s: status %s, want %s", s.path, v.Status, s.want)
		}
	}
	if v.Phone != "139****0001" {
		t.Fatalf("phone shown as %q", v.Phone)
	}
	// A stale version is refused with 409 and the error shape.
	var conflict apiError
	if code := officer.do("POST", base+"/close", map[string]any{"version": v.Version - 1}, &conflict); code != 409 || conflict.Error.Code != "conflict" {
		t.Fatalf("stale close: %d %+v", code, conflict)
	}
	var tr struct {
		Status      zhitong.Status `json:"status"`
		CanEvaluate bool           `json:"can_evaluate"`
		Phone       string         `json:"phone"`
		Timeline    []struct{ Text string }
	}
	if code := citizen.do("GET", "/api/v1/track/"+strings.ToLower(created.Code), nil, &tr); code != 200 || !tr.CanEvaluate || tr.Phone != "139****0001" {
		t.Fatalf("track: %d %+v", code, tr)
	}
	if code := citizen.do("POST", "/api/v1/track/"+created.Code+"/evaluation", map[string]any{"rating": "satisfied"}, &tr); code != 200 || tr.Status != zhitong.StatusEvaluated {
		t.Fatalf("evaluate: %d %+v", code, tr)
	}
	if len(tr.Timeline) < 4 {
		t.Fatalf("timeline has %d public steps", len(tr.Timeline))
	}
}

func TestBadInputOverHTTP(t *testing.T) {
	e := newEnv(t)
	c := e.anonymous()
	tests := []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown field", "POST", "/api/v1/submissions", map[string]any{"body": "路面破损需要修补", "region": e.f.Town, "colour": "red"}, 400, "invalid"},
		{"wrong type", "POST", "/api/v1/submissions", map[string]any{"body": 5}, 400, "invalid"},
		{"bad phone", "POST", "/api/v1/submissions", map[string]any{"body": "路面破损需要修补", "region": e.f.Town, "phone": "110"}, 400, "invalid"},
		{"staff only", "GET", "/api/v1/cases", nil, 401, "unauthorized"},
		{"no such route", "GET", "/api/v1/nothing", nil, 404, "not_found"},
		{"bad id", "GET", "/api/v1/cases/abc", nil, 401, "unauthorized"},
		{"bad tracking code", "GET", "/api/v1/track/XXXX", nil, 404, "not_found"},
		{"bad login", "POST", "/api/v1/session", map[string]any{"username": "nobody", "password": "x"}, 401, "unauthorized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out apiError
			if got := c.do(tt.method, tt.path, tt.body, &out); got != tt.status || out.Error.Code != tt.code || out.Error.Message == "" {
				t.Fatalf("%s %s: %d %+v, want %d %s", tt.method, tt.path, got, out, tt.status, tt.code)
			}
		})
	}
	var n int
	if err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d cases written by bad input", n)
	}
}

func TestLockoutAfterFailedLogins(t *testing.T) {
	e := newEnv(t)
	e.login(e.f.In[zhitong.RoleOfficer], "lockme")
	c := e.anonymous()
	for i := range 5 {
		if got := c.do("POST", "/api/v1/session", map[string]string{"username": "lockme", "password": "Wrong-Passw0rd"}, nil); got != 401 {
			t.Fatalf("attempt %d: %d", i, got)
		}
	}
	var out apiError
	if got := c.do("POST", "/api/v1/session", map[string]string{"username": "lockme", "password": "Test-Passw0rd"}, &out); got != 429 || !strings.Contains(out.Error.Message, "锁定") {
		t.Fatalf("right password while locked: %d %+v", got, out)
	}
	e.clock.Advance(16 * 60 * 1e9)
	if got := c.do("POST", "/api/v1/session", map[string]string{"username": "lockme", "password": "Test-Passw0rd"}, nil); got != 200 {
		t.Fatalf("after the lock expired: %d", got)
	}
}
