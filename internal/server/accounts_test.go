package server_test

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// addAccount creates an account through the application, as the CLI would.
func (e *env) addAccount(username string, role zhitong.Role, region string, mods ...func(*app.UserInput)) int64 {
	e.t.Helper()
	in := app.UserInput{Username: username, Role: role, RegionCode: region, Password: "Test-Passw0rd"}
	for _, m := range mods {
		m(&in)
	}
	u, err := e.app.AddUser(ctx, app.System, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return u.ID
}

// signIn signs an existing account in on a new client.
func (e *env) signIn(username, password string) *client {
	e.t.Helper()
	c := e.anonymous()
	if code := c.do("POST", "/api/v1/session", e.credentials(username, password), nil); code != 200 {
		e.t.Fatalf("sign in %s: %d", username, code)
	}
	return c
}

// page fetches a page without following redirects: status, Location, body.
func (c *client) page(method, path string, form map[string]string) (int, string, string) {
	c.e.t.Helper()
	var body io.Reader
	if form != nil {
		var parts []string
		for k, v := range form {
			parts = append(parts, k+"="+v)
		}
		body = strings.NewReader(strings.Join(parts, "&"))
	}
	req, _ := http.NewRequest(method, c.e.srv.URL+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := *c.http
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := hc.Do(req)
	if err != nil {
		c.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// TestAccountEndpointMatrix walks every account and token endpoint × the
// security administrator in and out of the target's jurisdiction × the
// other roles × a citizen.
func TestAccountEndpointMatrix(t *testing.T) {
	e := newEnv(t)
	f := e.f
	secIn := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec-in")
	secOut := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.OtherCounty}, "sec-out")
	others := map[string]*client{}
	for _, r := range []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleOfficer, zhitong.RoleSysAdmin, zhitong.RoleAuditor, zhitong.RoleAnalyst} {
		others[string(r)] = e.login(f.In[r], "m-"+string(r))
	}
	citizen := e.anonymous()

	n := 0
	target := func() string {
		n++
		return strconv.FormatInt(e.addAccount(fmt.Sprintf("target%d", n), zhitong.RoleOfficer, f.County), 10)
	}
	token := func() string {
		_, tok, err := e.app.AddToken(ctx, app.System, fmt.Sprintf("tok%d", n), zhitong.RoleIntegration, f.County)
		n++
		if err != nil {
			t.Fatal(err)
		}
		return strconv.FormatInt(tok.ID, 10)
	}
	type ep struct {
		method, path string
		body         func() any
		id           func() string
		inOK         int
		outCode      int // the out-of-jurisdiction administrator
	}
	newUser := func() any {
		n++
		return map[string]any{"username": fmt.Sprintf("new%d", n), "role": "officer", "region": f.County}
	}
	eps := []ep{
		{"GET", "/api/v1/users", nil, nil, 200, 200},
		{"POST", "/api/v1/users", newUser, nil, 201, 400}, // out: the region is outside
		{"GET", "/api/v1/users/{id}", nil, target, 200, 403},
		{"PATCH", "/api/v1/users/{id}", func() any { return map[string]any{"display_name": "新名字"} }, target, 200, 403},
		{"POST", "/api/v1/users/{id}/disable", nil, target, 200, 403},
		{"POST", "/api/v1/users/{id}/enable", nil, target, 200, 403},
		{"POST", "/api/v1/users/{id}/unlock", nil, target, 200, 403},
		{"POST", "/api/v1/users/{id}/reset-password", nil, target, 200, 403},
		{"GET", "/api/v1/tokens", nil, nil, 200, 200},
		{"POST", "/api/v1/tokens", func() any {
			n++
			return map[string]any{"name": fmt.Sprintf("t%d", n), "role": "integration", "region": f.County}
		}, nil, 201, 400},
		{"POST", "/api/v1/tokens/{id}/revoke", nil, token, 200, 403},
	}
	for _, x := range eps {
		call := func(c *client, who string, want int) {
			t.Helper()
			path := x.path
			if x.id != nil {
				path = strings.Replace(path, "{id}", x.id(), 1)
			}
			var body any
			if x.body != nil {
				body = x.body()
			}
			var got apiError
			if code := c.do(x.method, path, body, &got); code != want {
				t.Errorf("%s %s as %s = %d %+v, want %d", x.method, x.path, who, code, got.Error, want)
			}
		}
		call(secIn, "secadmin in jurisdiction", x.inOK)
		call(secOut, "secadmin of another county", x.outCode)
		for name, c := range others {
			call(c, name, http.StatusForbidden)
		}
		call(citizen, "citizen", http.StatusUnauthorized)
	}

	// The other county's administrator sees none of this county's accounts.
	var list struct {
		Items []map[string]any `json:"items"`
	}
	secOut.do("GET", "/api/v1/users?per_page=100", nil, &list)
	for _, u := range list.Items {
		if !strings.HasPrefix(u["region"].(string), f.OtherCounty) {
			t.Errorf("the other county's administrator sees %v", u)
		}
		if _, ok := u["password_hash"]; ok {
			t.Errorf("a password hash is answered: %v", u)
		}
	}
	secIn.do("GET", "/api/v1/users?per_page=100", nil, &list)
	if len(list.Items) < n/2 {
		t.Errorf("the county's administrator sees %d accounts", len(list.Items))
	}
}

// TestAccountBadInput: each bad reference or value is refused with its
// code and field, and nothing is written.
func TestAccountBadInput(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	officer := e.addAccount("officer1", zhitong.RoleOfficer, f.County)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		code  int
		ecode string
		field string
	}{
		{"unknown role", map[string]any{"username": "x.role", "role": "king", "region": f.County}, 400, "invalid", "role"},
		{"station of another county", map[string]any{"username": "x.st", "role": "station_head", "region": f.County, "station_id": f.OtherStation}, 400, "invalid", "station_id"},
		{"unit of another county", map[string]any{"username": "x.unit", "role": "unit", "region": f.County, "unit_id": f.OtherUnit}, 400, "invalid", "unit_id"},
		{"deputy of another county", map[string]any{"username": "x.dep", "role": "deputy", "region": f.County, "deputy_id": f.OtherDeputy}, 400, "invalid", "deputy_id"},
		{"region of another county", map[string]any{"username": "x.reg", "role": "officer", "region": f.OtherCounty}, 400, "invalid", "region"},
		{"whole country", map[string]any{"username": "x.all", "role": "officer", "region": ""}, 400, "invalid", "region"},
		{"unknown region", map[string]any{"username": "x.unk", "role": "officer", "region": "360799"}, 400, "invalid", "region"},
		{"unknown station", map[string]any{"username": "x.nost", "role": "officer", "region": f.County, "station_id": 99999}, 400, "invalid", "station_id"},
		{"unit without unit", map[string]any{"username": "x.nounit", "role": "unit", "region": f.County}, 400, "invalid", "unit_id"},
		{"username taken", map[string]any{"username": "officer1", "role": "officer", "region": f.County}, 409, "conflict", ""},
		{"bad username", map[string]any{"username": "张三", "role": "officer", "region": f.County}, 400, "invalid", "username"},
		{"unknown field", map[string]any{"username": "x.f", "role": "officer", "region": f.County, "password_hash": "x"}, 400, "invalid", "password_hash"},
	} {
		var got apiError
		if code := sec.do("POST", "/api/v1/users", tc.body, &got); code != tc.code || got.Error.Code != tc.ecode || got.Error.Field != tc.field {
			t.Errorf("%s: %d %+v, want %d %s %s", tc.name, code, got.Error, tc.code, tc.ecode, tc.field)
		}
	}
	path := "/api/v1/users/" + strconv.FormatInt(officer, 10)
	for _, tc := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"unknown role", map[string]any{"role": "king"}, "role"},
		{"station of another county", map[string]any{"role": "station_head", "station_id": f.OtherStation}, "station_id"},
		{"region of another county", map[string]any{"region": f.OtherCounty}, "region"},
		{"empty name", map[string]any{"display_name": " "}, "display_name"},
	} {
		var got apiError
		if code := sec.do("PATCH", path, tc.body, &got); code != 400 || got.Error.Field != tc.field {
			t.Errorf("PATCH %s: %d %+v, want 400 on %s", tc.name, code, got.Error, tc.field)
		}
	}
	u := testkit.Must(store.GetUserByName(ctx, e.app.DB(), "officer1"))(t)
	if u.Role != zhitong.RoleOfficer || u.RegionCode != f.County || u.StationID != 0 {
		t.Errorf("a refused change was written: %+v", u)
	}
	for _, name := range []string{"x.role", "x.st", "x.unit", "x.all"} {
		if _, err := store.GetUserByName(ctx, e.app.DB(), name); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			t.Errorf("refused account %s exists: %v", name, err)
		}
	}
	// A good change within the county works and takes effect at once.
	var got map[string]any
	if code := sec.do("PATCH", path, map[string]any{"role": "station_head", "station_id": f.Station}, &got); code != 200 || got["role"] != "station_head" {
		t.Errorf("PATCH station head: %d %v", code, got)
	}
	var tokErr apiError
	if code := sec.do("POST", "/api/v1/tokens", map[string]any{"name": "x", "role": "unit", "region": f.County}, &tokErr); code != 400 || tokErr.Error.Field != "role" {
		t.Errorf("token with role unit: %d %+v", code, tokErr.Error)
	}
}

// TestDisableEndsSessions: a disabled account's other signed-in clients get
// 401 at once, in the API and on the workbench; enabling does not bring
// the old sessions back.
func TestDisableEndsSessions(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	id := e.addAccount("clerk", zhitong.RoleOfficer, f.County)
	apiClient, webClient := e.signIn("clerk", "Test-Passw0rd"), e.signIn("clerk", "Test-Passw0rd")
	if code := apiClient.do("GET", "/api/v1/cases", nil, nil); code != 200 {
		t.Fatalf("before: %d", code)
	}
	if code, _, _ := webClient.page("GET", "/work/cases", nil); code != 200 {
		t.Fatalf("web before: %d", code)
	}
	path := "/api/v1/users/" + strconv.FormatInt(id, 10)
	var got map[string]any
	if code := sec.do("POST", path+"/disable", nil, &got); code != 200 || got["state"] != "disabled" {
		t.Fatalf("disable: %d %v", code, got)
	}
	if code := apiClient.do("GET", "/api/v1/cases", nil, nil); code != 401 {
		t.Errorf("API after disable: %d, want 401", code)
	}
	if code, loc, _ := webClient.page("GET", "/work/cases", nil); code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
		t.Errorf("web after disable: %d %s, want a redirect to the login", code, loc)
	}
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "clerk", "password": "Test-Passw0rd"}, nil); code != 401 {
		t.Errorf("sign in while disabled: %d", code)
	}
	sec.do("POST", path+"/enable", nil, nil)
	if code := apiClient.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Errorf("an old session came back after enable: %d", code)
	}
	if code := e.signIn("clerk", "Test-Passw0rd").do("GET", "/api/v1/cases", nil, nil); code != 200 {
		t.Errorf("sign in after enable: %d", code)
	}

	// Nobody disables themself, nor the last active security administrator.
	me := testkit.Must(store.GetUserByName(ctx, e.app.DB(), "sec"))(t)
	var apiErr apiError
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(me.ID, 10)+"/disable", nil, &apiErr); code != 403 {
		t.Errorf("disable self: %d %+v", code, apiErr)
	}
	e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec2")
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(testkit.Must(store.GetUserByName(ctx, e.app.DB(), "sec2"))(t).ID, 10)+"/disable", nil, &apiErr); code != 200 {
		t.Errorf("disable another security administrator: %d %+v", code, apiErr)
	}
	if code := sec.do("PATCH", "/api/v1/users/"+strconv.FormatInt(me.ID, 10), map[string]any{"role": "officer"}, &apiErr); code != 403 {
		t.Errorf("change own role: %d %+v", code, apiErr)
	}
}

// TestPasswordChanges: a reset ends the user's sessions and forces a
// change at the next sign-in (pages go to the account page, the API answers
// 403 password_change_required); the user's own change keeps their session
// and ends the others.
func TestPasswordChanges(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	id := e.addAccount("clerk", zhitong.RoleOfficer, f.County)
	old := e.signIn("clerk", "Test-Passw0rd")
	var reset map[string]any
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(id, 10)+"/reset-password", nil, &reset); code != 200 || reset["must_change_password"] != true {
		t.Fatalf("reset: %d %v", code, reset)
	}
	pw, _ := reset["password"].(string)
	if app.ValidatePassword(pw) != nil {
		t.Fatalf("generated password %q fails the policy", pw)
	}
	if code := old.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Errorf("session from before the reset: %d, want 401", code)
	}
	if code := e.anonymous().do("POST", "/api/v1/session", map[string]string{"username": "clerk", "password": "Test-Passw0rd"}, nil); code != 401 {
		t.Errorf("old password after reset: %d", code)
	}
	c := e.signIn("clerk", pw)
	var apiErr apiError
	if code := c.do("GET", "/api/v1/cases", nil, &apiErr); code != 403 || apiErr.Error.Code != zhitong.EMUSTCHANGE {
		t.Errorf("API before the change: %d %+v, want 403 %s", code, apiErr.Error, zhitong.EMUSTCHANGE)
	}
	var me map[string]any
	if code := c.do("GET", "/api/v1/me", nil, &me); code != 200 || me["must_change_password"] != true {
		t.Errorf("me: %d %v", code, me)
	}
	for _, p := range []string{"/work", "/work/cases", "/work/accounts"} {
		if code, loc, _ := c.page("GET", p, nil); code != http.StatusSeeOther || loc != "/account" {
			t.Errorf("GET %s before the change: %d %s, want 303 /account", p, code, loc)
		}
	}
	if code, _, body := c.page("GET", "/account", nil); code != 200 || !strings.Contains(body, "请先设置您自己的密码") {
		t.Errorf("account page: %d", code)
	}
	second := e.signIn("clerk", pw)
	if code := c.do("POST", "/api/v1/me/password", map[string]string{"old_password": pw, "new_password": "Mine-Passw0rd"}, nil); code != 204 {
		t.Fatalf("change: %d", code)
	}
	if code := c.do("GET", "/api/v1/cases", nil, nil); code != 200 {
		t.Errorf("own session after the change: %d, want 200", code)
	}
	if code, _, _ := c.page("GET", "/work/cases", nil); code != 200 {
		t.Errorf("web after the change: %d", code)
	}
	if code := second.do("GET", "/api/v1/me", nil, nil); code != 401 {
		t.Errorf("the other session after the change: %d, want 401", code)
	}
	u := testkit.Must(store.GetUser(ctx, e.app.DB(), id))(t)
	if u.MustChangePassword {
		t.Error("the flag is still set after the change")
	}

	// The same through the page form.
	reset = nil
	sec.do("POST", "/api/v1/users/"+strconv.FormatInt(id, 10)+"/reset-password", nil, &reset)
	pw, _ = reset["password"].(string)
	w := e.anonymous()
	if code, loc, _ := w.page("POST", "/login", map[string]string{"username": "clerk", "password": pw, "next": "/work/cases"}); code != http.StatusSeeOther || loc != "/account" {
		t.Errorf("web sign-in with a reset password: %d %s, want /account", code, loc)
	}
	if code, loc, _ := w.page("POST", "/account/password", map[string]string{"old_password": pw, "new_password": "Web-Passw0rd9", "confirm": "Web-Passw0rd9"}); code != http.StatusSeeOther || loc != "/account" {
		t.Errorf("web change: %d %s", code, loc)
	}
	if code, _, _ := w.page("GET", "/work/cases", nil); code != 200 {
		t.Errorf("web after the web change: %d", code)
	}
}

// TestTokenRevokeAndLastUse: a revoked token is refused at once; use is
// recorded at most once a minute.
func TestTokenRevokeAndLastUse(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	var issued map[string]any
	if code := sec.do("POST", "/api/v1/tokens", map[string]any{"name": "12345热线", "role": "integration", "region": f.County}, &issued); code != 201 {
		t.Fatalf("issue: %d %v", code, issued)
	}
	integ := e.anonymous()
	integ.auth, _ = issued["token"].(string)
	tokID := strconv.FormatInt(int64(issued["id"].(float64)), 10)
	if issued["last_used_at"] != nil {
		t.Errorf("new token used at %v", issued["last_used_at"])
	}
	if code := integ.do("GET", "/api/v1/me", nil, nil); code != 200 {
		t.Fatalf("use: %d", code)
	}
	lastUsed := func() time.Time {
		tok := testkit.Must(store.GetToken(ctx, e.app.DB(), int64(issued["id"].(float64))))(t)
		return tok.LastUsedAt
	}
	first := lastUsed()
	if first.IsZero() {
		t.Fatal("last use not recorded")
	}
	e.clock.Advance(30 * time.Second)
	integ.do("GET", "/api/v1/me", nil, nil)
	if got := lastUsed(); !got.Equal(first) {
		t.Errorf("last use rewritten within the minute: %v → %v", first, got)
	}
	e.clock.Advance(31 * time.Second)
	integ.do("GET", "/api/v1/me", nil, nil)
	if got := lastUsed(); !got.After(first) {
		t.Errorf("last use not updated after a minute: %v", got)
	}
	var list struct {
		Items []map[string]any `json:"items"`
	}
	sec.do("GET", "/api/v1/tokens", nil, &list)
	if len(list.Items) != 1 || list.Items[0]["last_used_at"] == nil || list.Items[0]["token"] != nil {
		t.Errorf("token list: %v", list.Items)
	}
	if code := sec.do("POST", "/api/v1/tokens/"+tokID+"/revoke", nil, nil); code != 200 {
		t.Fatalf("revoke: %d", code)
	}
	var apiErr apiError
	if code := integ.do("GET", "/api/v1/me", nil, &apiErr); code != 401 || apiErr.Error.Code != zhitong.EUNAUTHORIZED {
		t.Errorf("revoked token: %d %+v", code, apiErr.Error)
	}
	if code := integ.do("POST", "/api/v1/submissions", map[string]any{"body": "路灯不亮已经很久了", "region": f.Town}, nil); code != 401 {
		t.Errorf("revoked token submitting: %d", code)
	}
	if code := sec.do("POST", "/api/v1/tokens/"+tokID+"/revoke", nil, nil); code != 200 {
		t.Errorf("revoke twice: %d", code)
	}

	// Every change is in the audit log, in the same transaction as the change.
	actions := map[string]bool{}
	for _, obj := range []string{"token:" + tokID} {
		for _, en := range testkit.Must(store.ListAuditFiltered(ctx, e.app.DB(), store.AuditQuery{Object: obj}))(t) {
			actions[en.Action] = true
		}
	}
	for _, a := range []string{"token.add", "token.revoke"} {
		if !actions[a] {
			t.Errorf("no audit entry %s: %v", a, actions)
		}
	}
}

// TestAccountChangesAudited: each account change writes its audit entry.
func TestAccountChangesAudited(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	var created map[string]any
	if code := sec.do("POST", "/api/v1/users", map[string]any{"username": "clerk", "display_name": "王五", "role": "officer", "region": f.County}, &created); code != 201 {
		t.Fatalf("create: %d %v", code, created)
	}
	if created["password"] == "" || created["must_change_password"] != true || created["password_hash"] != nil {
		t.Errorf("created: %v", created)
	}
	path := "/api/v1/users/" + strconv.FormatInt(int64(created["id"].(float64)), 10)
	for _, step := range []struct{ method, path string }{{"PATCH", ""}, {"POST", "/disable"}, {"POST", "/enable"}, {"POST", "/unlock"}, {"POST", "/reset-password"}} {
		var body any
		if step.method == "PATCH" {
			body = map[string]any{"display_name": "王小五"}
		}
		if code := sec.do(step.method, path+step.path, body, nil); code != 200 {
			t.Errorf("%s %s: %d", step.method, step.path, code)
		}
	}
	got := map[string]int{}
	for _, en := range testkit.Must(store.ListAuditFiltered(ctx, e.app.DB(), store.AuditQuery{Object: "user:" + strings.TrimPrefix(path, "/api/v1/users/")}))(t) {
		got[en.Action]++
	}
	for _, a := range []string{"user.add", "user.update", "user.disable", "user.enable", "user.unlock", "user.reset_password"} {
		if got[a] != 1 {
			t.Errorf("audit %s: %d entries (%v)", a, got[a], got)
		}
	}
}

// TestAccountPages: the workbench pages for the security administrator,
// and no one else.
func TestAccountPages(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec")
	officer := e.login(f.In[zhitong.RoleOfficer], "officer")
	outID := e.addAccount("faraway", zhitong.RoleOfficer, f.OtherCounty)
	for _, p := range []string{"/work/accounts", "/work/accounts/new", "/work/tokens"} {
		if code, _, body := sec.page("GET", p, nil); code != 200 {
			t.Errorf("secadmin GET %s: %d", p, code)
		} else if p != "/work/accounts/new" && !strings.Contains(body, `class="rtable`) && !strings.Contains(body, "还没有") {
			t.Errorf("GET %s: no rtable and no empty-list advice", p)
		}
		if code, _, _ := officer.page("GET", p, nil); code != 403 {
			t.Errorf("officer GET %s: %d, want 403", p, code)
		}
	}
	if _, _, body := sec.page("GET", "/work", nil); !strings.Contains(body, `href="/work/accounts"`) {
		t.Error("no nav link to the accounts page")
	}
	if _, _, body := sec.page("GET", "/work/accounts", nil); strings.Contains(body, "faraway") || !strings.Contains(body, `data-label="用户名"`) {
		t.Error("the list shows another county's account, or lacks data-label")
	}
	if code, _, _ := sec.page("GET", "/work/accounts/"+strconv.FormatInt(outID, 10), nil); code != 403 {
		t.Errorf("another county's account page: %d", code)
	}
	if code, _, _ := sec.page("POST", "/work/accounts/"+strconv.FormatInt(outID, 10)+"/disable", map[string]string{}); code != 403 {
		t.Errorf("disable another county's account: %d", code)
	}
	// Create: a bad station stays on the form with the message under it.
	code, _, body := sec.page("POST", "/work/accounts", map[string]string{"username": "web.clerk", "role": "officer", "region": f.County,
		"station_id": strconv.FormatInt(f.OtherStation, 10)})
	if code != 400 || !strings.Contains(body, `id="err-station_id"`) {
		t.Errorf("bad station: %d", code)
	}
	code, _, body = sec.page("POST", "/work/accounts", map[string]string{"username": "web.clerk", "role": "officer", "region": f.County, "display_name": "李四"})
	if code != 201 || !strings.Contains(body, "只显示这一次") {
		t.Fatalf("create: %d", code)
	}
	code, _, body = sec.page("POST", "/work/accounts", map[string]string{"username": "web.clerk", "role": "officer", "region": f.County})
	if code != 409 || !strings.Contains(body, `id="err-username"`) {
		t.Errorf("username taken: %d", code)
	}
	// Tokens: issue shows the secret once, revoke from the list.
	code, _, body = sec.page("POST", "/work/tokens", map[string]string{"name": "open311", "role": "integration", "region": f.County})
	if code != 201 || !strings.Contains(body, "zt_") {
		t.Fatalf("issue: %d", code)
	}
	tok := testkit.Must(store.ListTokensUnder(ctx, e.app.DB(), f.County))(t)
	if code, loc, _ := sec.page("POST", fmt.Sprintf("/work/tokens/%d/revoke", tok[0].ID), map[string]string{}); code != http.StatusSeeOther || loc != "/work/tokens" {
		t.Errorf("revoke: %d %s", code, loc)
	}
	if !testkit.Must(store.GetToken(ctx, e.app.DB(), tok[0].ID))(t).Revoked {
		t.Error("not revoked")
	}
}
