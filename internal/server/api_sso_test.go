package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestSSOAPI: on a deployment set up without demo data, the system
// administrator sets the provider up over the JSON API (a bad field named,
// the secret never answered), and the security administrator links,
// reads and unlinks a staff account (the subject masked; an account
// outside their jurisdiction refused).
func TestSSOAPI(t *testing.T) {
	e, _, _ := freshCounty(t)
	sys := e.login(zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360783"}, "x-sys")
	sec := e.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: "360783100"}, "x-sec")
	cfg := map[string]any{"enabled": true, "issuer": "https://idp.example.gov.cn", "client_id": "zhitong", "client_secret": "idp-client-secret-0001",
		"redirect_url": "https://zhitong.example/elsewhere", "require_for_staff": false}
	var ae apiError
	if code := sys.do("PUT", "/api/v1/admin/sso", cfg, &ae); code != http.StatusBadRequest || ae.Error.Field != "redirect_url" {
		t.Fatalf("bad redirect: %d %+v", code, ae)
	}
	cfg["redirect_url"] = "https://zhitong.example/sso/callback"
	var got map[string]any
	if code := sys.do("PUT", "/api/v1/admin/sso", cfg, &got); code != http.StatusOK || got["has_client_secret"] != true || got["client_secret"] != nil {
		t.Fatalf("set: %d %v", code, got)
	}
	got = nil
	if code := sys.do("GET", "/api/v1/admin/sso", nil, &got); code != http.StatusOK || got["issuer"] != "https://idp.example.gov.cn" || got["client_secret"] != nil {
		t.Fatalf("get: %d %v", code, got)
	}
	if code := sec.do("GET", "/api/v1/admin/sso", nil, nil); code != http.StatusForbidden {
		t.Fatalf("secadmin reads the settings: %d", code)
	}

	officer := testkit.Must(e.app.AddUser(ctx, app.System, app.UserInput{Username: "x-officer", Role: zhitong.RoleOfficer, RegionCode: "360783100", Password: "Test-Passw0rd"}))(t)
	outside := testkit.Must(e.app.AddUser(ctx, app.System, app.UserInput{Username: "x-county", Role: zhitong.RoleOfficer, RegionCode: "360783", Password: "Test-Passw0rd"}))(t)
	path := "/api/v1/users/" + strconv.FormatInt(officer.ID, 10) + "/sso"
	if code := sec.do("GET", path, nil, nil); code != http.StatusNotFound {
		t.Fatalf("no link yet: %d", code)
	}
	if code := sec.do("PUT", path, map[string]any{"subject": ""}, &ae); code != http.StatusBadRequest || ae.Error.Field != "subject" {
		t.Fatalf("empty subject: %d %+v", code, ae)
	}
	var link map[string]any
	if code := sec.do("PUT", path, map[string]any{"subject": "officer-subject-0001"}, &link); code != http.StatusOK || link["subject"] == "officer-subject-0001" || !strings.HasPrefix(link["subject"].(string), "of") {
		t.Fatalf("link: %d %v", code, link)
	}
	if code := sec.do("PUT", "/api/v1/users/"+strconv.FormatInt(outside.ID, 10)+"/sso", map[string]any{"subject": "x-0002"}, nil); code != http.StatusForbidden {
		t.Fatalf("an account outside the jurisdiction: %d", code)
	}
	if code := sys.do("DELETE", path, nil, nil); code != http.StatusForbidden {
		t.Fatalf("sysadmin unlinks: %d", code)
	}
	if code := sec.do("DELETE", path, nil, nil); code != http.StatusNoContent {
		t.Fatalf("unlink: %d", code)
	}
	if code := sec.do("GET", path, nil, nil); code != http.StatusNotFound {
		t.Fatalf("after unlink: %d", code)
	}
	var n int
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('sso.config', 'sso.link', 'sso.unlink')`).Scan(&n))(t)
	if n != 3 {
		t.Errorf("%d sso audit entries, want 3", n)
	}
}
