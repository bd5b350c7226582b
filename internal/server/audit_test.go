package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/auditlog"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestAuditorJurisdictionPagesAndAPI: two counties on one database; each
// auditor sees, on the page and in the API, and exports only their own
// county's entries; the export verifies; bad input is a Chinese page and a
// machine code; after someone rewrites an entry and the unkeyed chain from
// there, the API and the page name that entry.
func TestAuditorJurisdictionPagesAndAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	here := e.addAccount("alpha.clerk", zhitong.RoleOfficer, f.County)
	there := e.addAccount("beta.clerk", zhitong.RoleOfficer, f.OtherCounty)
	aud := e.login(zhitong.Principal{Role: zhitong.RoleAuditor, RegionCode: f.County}, "aud-here")
	audOther := e.login(zhitong.Principal{Role: zhitong.RoleAuditor, RegionCode: f.OtherCounty}, "aud-there")
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec-here")
	sys := e.login(zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: f.County}, "sys-here")

	inCounty := func(county string, en audit.Entry) bool {
		return strings.HasPrefix(en.Region, county) || strings.HasPrefix(en.ActorRegion, county)
	}
	for _, c := range []struct {
		who           *client
		county        string
		mine, theirs  int64
		mineU, theirU string
	}{{aud, f.County, here, there, "alpha.clerk", "beta.clerk"}, {audOther, f.OtherCounty, there, here, "beta.clerk", "alpha.clerk"}} {
		var list struct{ Items []audit.Entry }
		if code := c.who.do("GET", "/api/v1/audit?per_page=100", nil, &list); code != 200 || len(list.Items) == 0 {
			t.Fatalf("%s: list %d, %d entries", c.county, code, len(list.Items))
		}
		seen := map[string]bool{}
		for _, en := range list.Items {
			if !inCounty(c.county, en) {
				t.Errorf("auditor of %s sees %+v", c.county, en)
			}
			seen[en.Object] = true
		}
		if !seen["user:"+strconv.FormatInt(c.mine, 10)] || seen["user:"+strconv.FormatInt(c.theirs, 10)] {
			t.Errorf("auditor of %s: own account's entry missing or the other county's shown", c.county)
		}
		// The page.
		code, _, body := c.who.page("GET", "/work/audit", nil)
		if code != 200 || !strings.Contains(body, c.mineU) || strings.Contains(body, c.theirU) || !strings.Contains(body, `data-label="操作"`) {
			i := strings.Index(body, c.theirU)
			t.Errorf("auditor of %s: page %d, own %v, other's %v: %s", c.county, code, strings.Contains(body, c.mineU), strings.Contains(body, c.theirU), body[max(0, i-300):min(len(body), i+100)])
		}
		// The export, from the API and from the page.
		for _, path := range []string{"/api/v1/audit/export", "/work/audit/export?from=2026-01-01&to=2026-12-31"} {
			req := testkit.Must(http.NewRequest("GET", e.srv.URL+path, nil))(t)
			resp := testkit.Must(c.who.http.Do(req))(t)
			raw := testkit.Must(io.ReadAll(resp.Body))(t)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
				t.Fatalf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			h, n, brk, err := auditlog.New(e.app).VerifyArchive(ctx, app.System, strings.NewReader(string(raw)))
			if err != nil || brk != nil || n == 0 || h.Region != c.county {
				t.Fatalf("%s: archive %v %+v %d %+v", path, err, brk, n, h)
			}
			sc := bufio.NewScanner(strings.NewReader(string(raw)))
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				var l struct{ Entry *audit.Entry }
				json.Unmarshal(sc.Bytes(), &l)
				if l.Entry != nil && !inCounty(c.county, *l.Entry) {
					t.Fatalf("%s: export of %s holds %+v", path, c.county, l.Entry)
				}
			}
		}
	}
	// The page checks an archive: the one exported intact, an edited one not.
	req := testkit.Must(http.NewRequest("GET", e.srv.URL+"/api/v1/audit/export", nil))(t)
	resp := testkit.Must(aud.http.Do(req))(t)
	archive := string(testkit.Must(io.ReadAll(resp.Body))(t))
	resp.Body.Close()
	for _, c := range []struct {
		file, want string
		status     int
	}{{archive, "存档完好", 200}, {strings.Replace(archive, "alpha.clerk", "alpha.clerX", 1), "存档校验不通过", 422}, {"hello", "不是格式正确的审计日志存档", 422}} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw := testkit.Must(mw.CreateFormFile("archive", "audit.jsonl"))(t)
		fw.Write([]byte(c.file))
		mw.Close()
		req := testkit.Must(http.NewRequest("POST", e.srv.URL+"/work/audit/check", &buf))(t)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp := testkit.Must(aud.http.Do(req))(t)
		body := string(testkit.Must(io.ReadAll(resp.Body))(t))
		resp.Body.Close()
		if resp.StatusCode != c.status || !strings.Contains(body, c.want) {
			t.Errorf("check archive: %d, want %d and %q", resp.StatusCode, c.status, c.want)
		}
	}
	// Nobody but the auditor: pages and API.
	for _, c := range []*client{sec, sys} {
		for _, p := range []string{"/work/audit", "/work/audit/verify", "/work/audit/export"} {
			if code, _, body := c.page("GET", p, nil); code != 403 || !strings.Contains(body, "只有安全审计员") {
				t.Errorf("GET %s by a non-auditor: %d", p, code)
			}
		}
	}
	// Bad input: a Chinese page, a machine code, nothing written.
	if code, _, body := aud.page("GET", "/work/audit?from=2026-13-01", nil); code != 400 || !strings.Contains(body, "日期“2026-13-01”无效") {
		t.Errorf("bad date page: %d", code)
	}
	var apiErr apiError
	if code := aud.do("GET", "/api/v1/audit/export?to=yesterday", nil, &apiErr); code != 400 || apiErr.Error.Code != "invalid" || apiErr.Error.Field != "to" {
		t.Errorf("bad date API: %d %+v", code, apiErr)
	}
	if code := aud.do("GET", "/api/v1/audit?per_page=0", nil, &apiErr); code != 400 || apiErr.Error.Field != "per_page" {
		t.Errorf("bad limit API: %d %+v", code, apiErr)
	}

	// Verification, intact and after a rewrite without the key.
	var rep auditlog.Report
	if code := aud.do("GET", "/api/v1/audit/verify", nil, &rep); code != 200 || !rep.OK || rep.KeyedFrom != 1 {
		t.Fatalf("verify: %d %+v", code, rep)
	}
	if code, _, body := aud.page("GET", "/work/audit/verify", nil); code != 200 || !strings.Contains(body, "审计日志完好") {
		t.Errorf("verify page: %d", code)
	}
	lift := []string{`DROP TRIGGER audit_log_no_update`}
	if testkit.Postgres() {
		lift = []string{`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`}
	}
	for _, q := range lift {
		testkit.Must(e.app.DB().Exec(ctx, q))(t)
	}
	const victim = 4
	testkit.Must(e.app.DB().Exec(ctx, `UPDATE audit_log SET actor = 'system' WHERE seq = ?`, victim))(t)
	all := testkit.Must(store.ListAuditFiltered(ctx, e.app.DB(), store.AuditQuery{}))(t)
	prev := ""
	for _, en := range all {
		if en.Seq >= victim {
			en.Prev = prev
			en.Hash = audit.Sum(en)
			testkit.Must(e.app.DB().Exec(ctx, `UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?`, en.Prev, en.Hash, en.Seq))(t)
		}
		prev = en.Hash
	}
	testkit.Must(e.app.DB().Exec(ctx, `UPDATE audit_head SET hash = ?`, prev))(t)
	if code := aud.do("GET", "/api/v1/audit/verify", nil, &rep); code != 200 || rep.OK || rep.BrokenAt != victim {
		t.Fatalf("verify after rewrite: %d %+v", code, rep)
	}
	if _, _, body := aud.page("GET", "/work/audit/verify", nil); !strings.Contains(body, fmt.Sprintf("第 %d 条校验不通过", victim)) {
		t.Error("the page does not name the entry")
	}
}

// TestTwoPersonRulePagesAndAPI: the security administrator's creation of
// another is refused in the API (machine code, field role) and on the page
// (Chinese, with the way to a request), writing only its audit entry; the
// request is filed on the page and approved by the auditor through the API,
// whose answer alone carries the password.
func TestTwoPersonRulePagesAndAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "sec-one")
	aud := e.login(zhitong.Principal{Role: zhitong.RoleAuditor, RegionCode: f.County}, "aud-one")
	users := func() (n int) {
		testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n))(t)
		return n
	}
	refusals := func() (n int) {
		testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'user.%_refused'`).Scan(&n))(t)
		return n
	}
	before := users()
	var apiErr apiError
	if code := sec.do("POST", "/api/v1/users", map[string]any{"username": "sec.two", "role": "secadmin", "region": f.County}, &apiErr); code != 403 ||
		apiErr.Error.Code != "forbidden" || apiErr.Error.Field != "role" {
		t.Fatalf("API create secadmin: %d %+v", code, apiErr)
	}
	clerk := e.addAccount("clerk.one", zhitong.RoleOfficer, f.County)
	if code := sec.do("PATCH", "/api/v1/users/"+strconv.FormatInt(clerk, 10), map[string]any{"role": "secadmin"}, &apiErr); code != 403 || apiErr.Error.Field != "role" {
		t.Fatalf("API promote: %d %+v", code, apiErr)
	}
	code, _, body := sec.page("POST", "/work/accounts", map[string]string{"username": "sec.two", "role": "secadmin", "region": f.County})
	if code != 403 || !strings.Contains(body, "安全审计员审批") || !strings.Contains(body, `href="/work/account-requests"`) {
		t.Fatalf("page create secadmin: %d", code)
	}
	if users() != before+1 || refusals() != 3 {
		t.Fatalf("refusals wrote accounts (%d→%d) or were not audited (%d)", before, users(), refusals())
	}
	// The request, on the page; bad input stays on the form.
	if code, _, body := sec.page("POST", "/work/account-requests", map[string]string{"kind": "create", "username": "a", "region": f.County}); code != 400 || !strings.Contains(body, `id="err-username"`) {
		t.Errorf("bad username: %d", code)
	}
	if code, loc, _ := sec.page("POST", "/work/account-requests", map[string]string{"kind": "create", "username": "sec.two", "region": f.County}); code != 303 || loc != "/work/account-requests" {
		t.Fatalf("file: %d %s", code, loc)
	}
	var reqs struct{ Items []struct{ ID int64 } }
	if code := aud.do("GET", "/api/v1/account-requests", nil, &reqs); code != 200 || len(reqs.Items) != 1 {
		t.Fatalf("auditor's list: %d %+v", code, reqs)
	}
	id := strconv.FormatInt(reqs.Items[0].ID, 10)
	if code := sec.do("POST", "/api/v1/account-requests/"+id+"/approve", nil, &apiErr); code != 403 || apiErr.Error.Code != "forbidden" {
		t.Errorf("requester approves: %d", code)
	}
	if _, _, body := aud.page("GET", "/work/account-requests", nil); !strings.Contains(body, "sec.two") || !strings.Contains(body, "/approve") {
		t.Error("the auditor's page has no approve button")
	}
	var dec struct {
		Request struct{ Status string }
		Account struct {
			Role     string
			Password string
		}
	}
	if code := aud.do("POST", "/api/v1/account-requests/"+id+"/approve", nil, &dec); code != 200 || dec.Request.Status != "approved" ||
		dec.Account.Role != "secadmin" || dec.Account.Password == "" {
		t.Fatalf("approve: %d %+v", code, dec)
	}
	if code := aud.do("POST", "/api/v1/account-requests/"+id+"/reject", map[string]any{"note": "晚了"}, &apiErr); code != 409 || apiErr.Error.Code != "conflict" {
		t.Errorf("reject after approval: %d %+v", code, apiErr)
	}
	if code := aud.do("POST", "/api/v1/account-requests/"+id+"/reject", map[string]any{"why": "x"}, &apiErr); code != 400 {
		t.Errorf("unknown field: %d", code)
	}
}
