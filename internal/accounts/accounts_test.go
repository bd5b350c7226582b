package accounts_test

import (
	"context"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

func TestNewPasswordPassesThePolicy(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := accounts.NewPassword()
		if err := app.ValidatePassword(pw); err != nil || len(pw) != 14 {
			t.Fatalf("%q: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("%q twice", pw)
		}
		seen[pw] = true
	}
}

// TestLastSecurityAdministrator: the last active security administrator can
// be neither disabled nor given another role; with a second one, both can.
func TestLastSecurityAdministrator(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := accounts.New(a)
	add := func(name string, role zhitong.Role) *zhitong.User {
		return testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: name, Role: role, RegionCode: f.County, Password: "Test-Passw0rd"}))(t)
	}
	first := add("sec1", zhitong.RoleSecAdmin)
	officer := zhitong.RoleOfficer
	testkit.WantCode(t, testkit.Err(svc.Disable(ctx, app.System, first.ID)), zhitong.ECONFLICT)
	testkit.WantCode(t, testkit.Err(svc.Update(ctx, app.System, first.ID, accounts.Change{Role: &officer})), zhitong.ECONFLICT)
	testkit.WantCode(t, testkit.Err(svc.Disable(ctx, first.Principal(), first.ID)), zhitong.EFORBIDDEN)
	second := add("sec2", zhitong.RoleSecAdmin)
	if v, err := svc.Disable(ctx, first.Principal(), second.ID); err != nil || v.State != accounts.StateDisabled {
		t.Fatalf("disable the second: %v %v", v, err)
	}
	// A disabled administrator does not count.
	testkit.WantCode(t, testkit.Err(svc.Disable(ctx, app.System, first.ID)), zhitong.ECONFLICT)
	testkit.Must(svc.Enable(ctx, first.Principal(), second.ID))(t)
	testkit.WantCode(t, testkit.Err(svc.Update(ctx, first.Principal(), first.ID, accounts.Change{Role: &officer})), zhitong.EFORBIDDEN)
	if v, err := svc.Update(ctx, second.Principal(), first.ID, accounts.Change{Role: &officer}); err != nil || v.Role != officer {
		t.Fatalf("demote the first: %v %v", v, err)
	}
	// Disabling twice is one change, audited once.
	clerk := add("clerk", zhitong.RoleOfficer)
	testkit.Must(svc.Disable(ctx, second.Principal(), clerk.ID))(t)
	testkit.Must(svc.Disable(ctx, second.Principal(), clerk.ID))(t)
	n := 0
	for _, e := range testkit.Must(store.ListAuditFiltered(ctx, a.DB(), store.AuditQuery{Object: "user:" + itoa(clerk.ID)}))(t) {
		if e.Action == "user.disable" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d user.disable entries, want 1", n)
	}
}

// TestJurisdiction: a county's security administrator neither sees nor
// manages another county's accounts and tokens, and gives none of its
// references.
func TestJurisdiction(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := accounts.New(a)
	sec := zhitong.Principal{UserID: 1, Name: "sec", Role: zhitong.RoleSecAdmin, RegionCode: f.County}
	far := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "far", Role: zhitong.RoleOfficer, RegionCode: f.OtherCounty, Password: "Test-Passw0rd"}))(t)
	near := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "near", Role: zhitong.RoleOfficer, RegionCode: f.Town, Password: "Test-Passw0rd"}))(t)
	list := testkit.Must(svc.Users(ctx, sec))(t)
	if len(list) != 1 || list[0].ID != near.ID || list[0].Jurisdiction != "历市镇" {
		t.Errorf("list: %+v", list)
	}
	for name, op := range map[string]func() error{
		"get":     func() error { return testkit.Err(svc.User(ctx, sec, far.ID)) },
		"disable": func() error { return testkit.Err(svc.Disable(ctx, sec, far.ID)) },
		"reset":   func() error { return testkit.Err(svc.ResetPassword(ctx, sec, far.ID)) },
		"unlock":  func() error { return testkit.Err(svc.Unlock(ctx, sec, far.ID)) },
		"update": func() error {
			n := "x"
			return testkit.Err(svc.Update(ctx, sec, far.ID, accounts.Change{DisplayName: &n}))
		},
	} {
		if err := op(); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
			t.Errorf("%s another county's account: %v", name, err)
		}
	}
	testkit.WantCode(t, testkit.Err(svc.User(ctx, sec, 99999)), zhitong.ENOTFOUND)
	// Moving one's own account out of the county is refused too.
	other := f.OtherCounty
	testkit.WantCode(t, testkit.Err(svc.Update(ctx, sec, near.ID, accounts.Change{Region: &other})), zhitong.EINVALID)
	_, farTok := testkit.Must2(a.AddToken(ctx, app.System, "far", zhitong.RoleIntegration, f.OtherCounty))(t)
	testkit.WantCode(t, testkit.Err(svc.RevokeToken(ctx, sec, farTok.ID)), zhitong.EFORBIDDEN)
	if toks := testkit.Must(svc.Tokens(ctx, sec))(t); len(toks) != 0 {
		t.Errorf("tokens of another county listed: %+v", toks)
	}
	for _, r := range []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleSysAdmin, zhitong.RoleAuditor, zhitong.RoleOfficer} {
		testkit.WantCode(t, testkit.Err(svc.Users(ctx, f.In[r])), zhitong.EFORBIDDEN)
		testkit.WantCode(t, testkit.Err(svc.Tokens(ctx, f.In[r])), zhitong.EFORBIDDEN)
		testkit.WantCode(t, testkit.Err(svc.Create(ctx, f.In[r], app.UserInput{Username: "x1", Role: zhitong.RoleOfficer, RegionCode: f.County})), zhitong.EFORBIDDEN)
	}
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func TestPasswordMayNotContainTheUsername(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	_, err := a.AddUser(ctx, app.System, app.UserInput{Username: "wangwu", Role: zhitong.RoleOfficer, RegionCode: f.County, Password: "WangWu-2026x"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	u := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "wangwu", Role: zhitong.RoleOfficer, RegionCode: f.County, Password: "Test-Passw0rd"}))(t)
	testkit.WantCode(t, a.ChangePassword(ctx, u.Principal(), "Test-Passw0rd", "my-WANGWU-99"), zhitong.EINVALID)
	if err := a.ChangePassword(ctx, u.Principal(), "Test-Passw0rd", "Other-Passw0rd"); err != nil {
		t.Fatal(err)
	}
}
