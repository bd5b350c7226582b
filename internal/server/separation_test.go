package server_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// TestThreeAdministratorsSeparated walks the API's route table (the
// documented operations, which TestOpenAPIRoutesMatchSource holds equal to
// the routes the source registers) with the three administrators (三员):
// on every route that belongs to one or two of them, the others get 403
// with a request that would otherwise succeed, and nothing is written;
// every route under an administrator's prefix must be listed here, so a new
// one is classified before it ships. On the other staff routes an
// administrator gets nothing but a refusal, except the few listed as shared.
func TestThreeAdministratorsSeparated(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	sys, sec, aud := zhitong.RoleSysAdmin, zhitong.RoleSecAdmin, zhitong.RoleAuditor
	roles := []zhitong.Role{sys, sec, aud}
	admin := map[zhitong.Role]*client{}
	for _, r := range roles {
		admin[r] = e.login(zhitong.Principal{Role: r, RegionCode: f.County}, "sep-"+string(r))
	}
	secUser := testkit.Must(store.GetUserByName(ctx, e.app.DB(), "sep-secadmin"))(t)
	otherSec := testkit.Must(e.app.AddUser(ctx, app.System, app.UserInput{Username: "sep-sec2", Role: sec, RegionCode: f.County, Password: "Test-Passw0rd"}))(t)
	acc := accounts.New(e.app)
	n := 0
	newOfficer := func() string {
		u := testkit.Must(e.app.AddUser(ctx, app.System, app.UserInput{Username: "sep-o" + strconv.Itoa(int(testkit.Must(userCount(e))(t))),
			Role: zhitong.RoleOfficer, RegionCode: f.County, Password: "Test-Passw0rd"}))(t)
		return strconv.FormatInt(u.ID, 10)
	}
	newToken := func() string {
		n++
		_, tok := testkit.Must2(e.app.AddToken(ctx, app.System, "sep"+strconv.Itoa(n), zhitong.RoleIntegration, f.County))(t)
		return strconv.FormatInt(tok.ID, 10)
	}
	newRequest := func(by zhitong.Principal) func() string {
		return func() string {
			n++
			r := testkit.Must(acc.File(ctx, by, accounts.RequestInput{Kind: "create", Username: "sep-new" + strconv.Itoa(n), Region: f.County}))(t)
			return strconv.FormatInt(r.ID, 10)
		}
	}
	type route struct {
		owners []zhitong.Role
		id     func() string // the {…} of the path, made fresh for each call
		body   any
	}
	user := map[string]any{"username": "sep.x", "role": "officer", "region": f.County, "password": "Test-Passw0rd"}
	routes := map[string]route{
		"GET /api/v1/users":                               {owners: []zhitong.Role{sec}},
		"POST /api/v1/users":                              {owners: []zhitong.Role{sec}, body: user},
		"GET /api/v1/users/{id}":                          {owners: []zhitong.Role{sec}, id: newOfficer},
		"PATCH /api/v1/users/{id}":                        {owners: []zhitong.Role{sec}, id: newOfficer, body: map[string]any{"display_name": "改名"}},
		"POST /api/v1/users/{id}/disable":                 {owners: []zhitong.Role{sec}, id: newOfficer},
		"POST /api/v1/users/{id}/enable":                  {owners: []zhitong.Role{sec}, id: newOfficer},
		"POST /api/v1/users/{id}/unlock":                  {owners: []zhitong.Role{sec}, id: newOfficer},
		"POST /api/v1/users/{id}/reset-password":          {owners: []zhitong.Role{sec}, id: newOfficer},
		"GET /api/v1/tokens":                              {owners: []zhitong.Role{sec}},
		"POST /api/v1/tokens":                             {owners: []zhitong.Role{sec}, body: map[string]any{"name": "sep", "role": "integration", "region": f.County}},
		"POST /api/v1/tokens/{id}/revoke":                 {owners: []zhitong.Role{sec}, id: newToken},
		"GET /api/v1/account-requests":                    {owners: []zhitong.Role{sec, aud}},
		"POST /api/v1/account-requests":                   {owners: []zhitong.Role{sec}, body: map[string]any{"kind": "create", "username": "sep.sec3", "region": f.County}},
		"POST /api/v1/account-requests/{id}/approve":      {owners: []zhitong.Role{sec, aud}, id: newRequest(otherSec.Principal())},
		"POST /api/v1/account-requests/{id}/reject":       {owners: []zhitong.Role{sec, aud}, id: newRequest(otherSec.Principal()), body: map[string]any{"note": "不批"}},
		"POST /api/v1/account-requests/{id}/cancel":       {owners: []zhitong.Role{sec}, id: newRequest(secUser.Principal())},
		"GET /api/v1/import/{kind}/template":              {owners: []zhitong.Role{sec}, id: func() string { return "users" }},
		"GET /api/v1/import/{kind}/export":                {owners: []zhitong.Role{sec}, id: func() string { return "users" }},
		"POST /api/v1/users/{id}/two-factor/reset":        {owners: []zhitong.Role{sec}, id: newOfficer},
		"GET /api/v1/signin-policy":                       {owners: []zhitong.Role{sec}},
		"GET /api/v1/audit":                               {owners: []zhitong.Role{aud}},
		"GET /api/v1/audit/verify":                        {owners: []zhitong.Role{aud}},
		"GET /api/v1/audit/export":                        {owners: []zhitong.Role{aud}},
		"GET /api/v1/admin/exchange/peers":                {owners: []zhitong.Role{sys}},
		"PUT /api/v1/admin/exchange/peers/{name}":         {owners: []zhitong.Role{sys}, id: func() string { return "sep-peer" }, body: map[string]any{"kind": "12345"}},
		"GET /api/v1/admin/exchange/messages":             {owners: []zhitong.Role{sys}},
		"POST /api/v1/admin/exchange/messages/{id}/retry": {owners: []zhitong.Role{sys}, id: func() string { return "1" }},
		"POST /api/v1/calendar/schedules":                 {owners: []zhitong.Role{sys}, body: map[string]any{"year": 2031, "days": []map[string]any{{"date": "2031-01-01", "off": true, "name": "元旦"}}}},
	}
	// exchange-fix (internal/exchange, internal/sso).
	routes["PUT /api/v1/admin/exchange/peers/{name}/categories"] = route{owners: []zhitong.Role{sys}, id: func() string { return "sep-peer" }, body: map[string]any{"categories": []any{}}}
	routes["GET /api/v1/admin/exchange/refusals"] = route{owners: []zhitong.Role{sys}}
	routes["GET /api/v1/admin/sso"] = route{owners: []zhitong.Role{sys}}
	routes["PUT /api/v1/admin/sso"] = route{owners: []zhitong.Role{sys}, body: map[string]any{"enabled": false}}
	routes["GET /api/v1/users/{id}/sso"] = route{owners: []zhitong.Role{sec}, id: newOfficer}
	routes["PUT /api/v1/users/{id}/sso"] = route{owners: []zhitong.Role{sec}, id: newOfficer, body: map[string]any{"subject": "sep-subject"}}
	routes["DELETE /api/v1/users/{id}/sso"] = route{owners: []zhitong.Role{sec}, id: newOfficer}
	adminPrefixes := []string{"/api/v1/users", "/api/v1/tokens", "/api/v1/account-requests", "/api/v1/audit", "/api/v1/calendar/schedules", "/api/v1/admin/"}
	// Staff routes an administrator may use besides their own: their own
	// account and notices, read-only reference data, and (by design, see
	// docs/audit.md) the operations status the system and security
	// administrators share; the auditor reads the business data read-only.
	shared := map[string][]zhitong.Role{
		"GET /api/v1/me": roles, "PUT /api/v1/me/email": roles, "POST /api/v1/me/password": roles, "DELETE /api/v1/session": roles,
		"GET /api/v1/notifications": roles, "POST /api/v1/notifications/read-all": roles, "POST /api/v1/notifications/{id}/read": roles,
		"GET /api/v1/point-rules": roles, "GET /api/v1/units": roles, "GET /api/v1/stations/{id}/reception-days": roles, "GET /api/v1/stations/{id}/reception-rules": roles,
		"GET /api/v1/deliveries": {sys, sec}, "GET /api/v1/deliveries/export": {sys, sec}, "GET /api/v1/health": {sys, sec},
		"GET /api/v1/me/two-factor": roles,
		"POST /api/v1/categories":   {sys}, "PATCH /api/v1/categories/{code}": {sys}, "POST /api/v1/categories/{code}/retire": {sys},
		"GET /api/v1/cases": {aud}, "GET /api/v1/cases/{id}": {aud}, "GET /api/v1/bulletins": {aud}, "GET /api/v1/bulletins/{id}": {aud},
		"GET /api/v1/deadline-policy": {aud}, "GET /api/v1/duty-records": {aud}, "GET /api/v1/duty-records/{id}": {aud},
		"GET /api/v1/proposals/{id}": {aud}, "GET /api/v1/supervision": {aud}, "GET /api/v1/supervision/proposals": {aud},
		"GET /api/v1/supervision/export": {aud}, "GET /api/v1/cases/export": {aud}, "GET /api/v1/bulletins/export": {aud}, "GET /api/v1/cases/{id}/co-opinions": {aud}, "GET /api/v1/cases/{id}/notifications": {aud},
		"GET /api/v1/documents": {aud}, "GET /api/v1/documents/export": {aud},
	}
	has := func(list []zhitong.Role, r zhitong.Role) bool {
		for _, x := range list {
			if x == r {
				return true
			}
		}
		return false
	}
	auditCount := func() (n int) {
		testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action NOT LIKE 'login.%'`).Scan(&n))(t)
		return n
	}
	walked := 0
	for _, o := range d.operations() {
		key := o.method + " " + o.path
		if sec, ok := o.op["security"].([]any); ok && len(sec) == 0 {
			continue // public
		}
		rt, listed := routes[key]
		for _, p := range adminPrefixes {
			if strings.HasPrefix(o.path, p) && !listed {
				t.Errorf("%s is an administrator's route but not classified in this test", key)
			}
		}
		if !listed {
			// Not an administrator's route: no administrator gets anything
			// out of it unless it is shared.
			if key == "DELETE /api/v1/session" {
				continue
			}
			path := pathParam.ReplaceAllString(o.path, "1")
			var body any
			if o.method != http.MethodGet && o.method != http.MethodDelete {
				body = map[string]any{}
			}
			for _, r := range roles {
				if has(shared[key], r) {
					continue
				}
				if got := admin[r].do(o.method, path, body, nil); got < 400 {
					t.Errorf("%s: %s gets %d", key, r, got)
				}
			}
			continue
		}
		walked++
		call := func(r zhitong.Role, path string) int {
			if o.path == "/api/v1/audit/export" {
				req := testkit.Must(http.NewRequest("GET", e.srv.URL+path, nil))(t)
				resp := testkit.Must(admin[r].http.Do(req))(t)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			body := rt.body
			if body == nil && o.method != http.MethodGet {
				body = map[string]any{}
			}
			return admin[r].do(o.method, path, body, nil)
		}
		pathFor := func() string {
			if rt.id != nil {
				return pathParam.ReplaceAllString(o.path, rt.id())
			}
			return o.path
		}
		for _, r := range roles {
			if has(rt.owners, r) {
				continue
			}
			path := pathFor()
			before := auditCount()
			if got := call(r, path); got != http.StatusForbidden {
				t.Errorf("%s: %s gets %d, want 403", key, r, got)
			}
			if after := auditCount(); after != before {
				t.Errorf("%s: refusing %s wrote %d audit entries", key, r, after-before)
			}
		}
		for _, r := range rt.owners {
			if got := call(r, pathFor()); got == http.StatusForbidden || got == http.StatusUnauthorized || got >= 500 {
				t.Errorf("%s: its owner %s gets %d", key, r, got)
			}
		}
	}
	if walked != len(routes) {
		t.Errorf("walked %d administrator routes of %d listed (a listed route is not in the table)", walked, len(routes))
	}
}

func userCount(e *env) (int64, error) {
	var n int64
	err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}
