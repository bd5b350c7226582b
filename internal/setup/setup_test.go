package setup_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func count(t *testing.T, a *app.App, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// snapshot counts the rows set-up writes, to prove a refusal wrote nothing.
func snapshot(t *testing.T, a *app.App) map[string]int {
	out := map[string]int{}
	for _, table := range []string{"regions", "organisations", "categories", "users", "audit_log"} {
		out[table] = count(t, a, `SELECT COUNT(*) FROM `+table)
	}
	return out
}

func TestInitCounty(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	if need := testkit.Must(setup.Needed(ctx, a))(t); !need {
		t.Fatal("an empty database does not need setting up")
	}
	res := testkit.SetUp(t, a, "360783")
	tree := testkit.Must(regions.Load())(t)
	towns := len(tree.Children("360783"))
	if res.Regions != 3+towns || res.Townships != towns || towns < 5 {
		t.Errorf("regions added %d, townships %d; the data has %d townships", res.Regions, res.Townships, towns)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM regions`); n != 3+towns {
		t.Errorf("%d regions stored, want %d", n, 3+towns)
	}
	o := res.Organisation
	if o.Name != "龙南市人大常委会" || o.CommitteeName != "龙南市人大常委会代表工作委员会" || o.ShortName != "龙南人大" || res.FullName != "江西省赣州市龙南市" {
		t.Errorf("organisation %+v, full name %s", o, res.FullName)
	}
	if res.Categories != len(setup.DefaultCategories) || count(t, a, `SELECT COUNT(*) FROM categories`) != len(setup.DefaultCategories) {
		t.Errorf("categories seeded %d", res.Categories)
	}
	if len(res.Accounts) != 2 {
		t.Fatalf("accounts %+v", res.Accounts)
	}
	for _, acc := range res.Accounts {
		if err := app.ValidatePassword(acc.Password); err != nil {
			t.Errorf("%s: initial password %q: %v", acc.Username, acc.Password, err)
		}
		u := testkit.Must(a.Login(ctx, acc.Username, acc.Password, "127.0.0.1"))(t)
		if !u.MustChangePassword || u.RegionCode != "360783" || u.Role != acc.Role {
			t.Errorf("%s: must change %v, region %q, role %s", u.Username, u.MustChangePassword, u.RegionCode, u.Role)
		}
	}
	if res.Accounts[0].Password == res.Accounts[1].Password {
		t.Error("both accounts got the same password")
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = ? AND object = ?`, "setup.run", "region:360783"); n != 1 {
		t.Errorf("%d setup.run audit entries", n)
	}
	if n := count(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, "user.add"); n != 2 {
		t.Errorf("%d user.add audit entries", n)
	}
	if need := testkit.Must(setup.Needed(ctx, a))(t); need {
		t.Error("still needs setting up")
	}
	town := tree.Children("360783")[0].Code
	if got := testkit.Must(store.OrganisationFor(ctx, a.DB(), town))(t); got.RegionCode != "360783" {
		t.Errorf("organisation for %s: %+v", town, got)
	}
	testkit.WantCode(t, testkit.Err(store.OrganisationFor(ctx, a.DB(), "360728")), zhitong.ENOTFOUND)
	if brk, _ := testkit.Must2(a.VerifyAudit(ctx, app.System))(t); brk != nil {
		t.Errorf("audit chain broken: %+v", brk)
	}
}

func TestInitCityAndProvince(t *testing.T) {
	ctx := context.Background()
	tree := testkit.Must(regions.Load())(t)
	for _, tc := range []struct{ region, code, org, short string }{
		{"360700", "3607", "赣州市人大常委会", "赣州人大"},
		{"330000", "33", "浙江省人大常委会", "浙江人大"},
	} {
		t.Run(tc.region, func(t *testing.T) {
			a, _ := testkit.MustApp(t)
			res := testkit.SetUp(t, a, tc.region)
			want := len(tree.Subtree(tc.code)) + len(tree.Path(tc.code)) - 1
			if res.Regions != want || count(t, a, `SELECT COUNT(*) FROM regions`) != want {
				t.Errorf("regions added %d, want %d", res.Regions, want)
			}
			if res.Organisation.Name != tc.org || res.Organisation.ShortName != tc.short || res.Organisation.RegionCode != tc.code {
				t.Errorf("organisation %+v", res.Organisation)
			}
			if tc.code == "3607" {
				if got := testkit.Must(store.OrganisationFor(ctx, a.DB(), "360728100"))(t); got.RegionCode != "3607" {
					t.Errorf("定南 is governed by %+v", got)
				}
				if n := count(t, a, `SELECT COUNT(*) FROM regions WHERE level = 3 AND code LIKE '3607%'`); n != len(tree.Children("3607")) {
					t.Errorf("%d counties loaded", n)
				}
			}
		})
	}
}

func TestInitRefusesADatabaseWithData(t *testing.T) {
	ctx := context.Background()
	t.Run("second run", func(t *testing.T) {
		a, _ := testkit.MustApp(t)
		testkit.SetUp(t, a, "360783")
		before := snapshot(t, a)
		for _, region := range []string{"360783", "330106"} {
			_, err := setup.New(a).Run(ctx, app.System, setup.Input{Region: region, Committee: "gongwei2", SecAdmin: "anquan2"})
			testkit.WantCode(t, err, zhitong.ECONFLICT)
			if !strings.Contains(zhitong.ErrorMessage(err), "--add") {
				t.Errorf("message %q does not point to --add", zhitong.ErrorMessage(err))
			}
		}
		if after := snapshot(t, a); !equal(before, after) {
			t.Errorf("refusal changed the database: %v → %v", before, after)
		}
	})
	t.Run("seeded data", func(t *testing.T) {
		a, _ := testkit.MustApp(t)
		testkit.Seed(t, a)
		before := snapshot(t, a)
		testkit.WantCode(t, testkit.Err(setup.New(a).Run(ctx, app.System, setup.Input{Region: "330106"})), zhitong.ECONFLICT)
		if after := snapshot(t, a); !equal(before, after) {
			t.Errorf("refusal changed the database: %v → %v", before, after)
		}
	})
	t.Run("a user only", func(t *testing.T) {
		a, _ := testkit.MustApp(t)
		testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "xitong", Role: zhitong.RoleSysAdmin, Password: "Abcdefgh12!"}))(t)
		testkit.WantCode(t, testkit.Err(setup.New(a).Run(ctx, app.System, setup.Input{Region: "330106"})), zhitong.ECONFLICT)
	})
}

func equal(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return len(a) == len(b)
}

func TestInitAdd(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.SetUp(t, a, "360783")
	// An administrator renamed a township; adding the city around it keeps the name.
	town := testkit.Must(regions.Load())(t).Children("360783")[0].Code
	if _, err := a.DB().Exec(ctx, `UPDATE regions SET name = ? WHERE code = ?`, "改过的名字", town); err != nil {
		t.Fatal(err)
	}
	s := setup.New(a)
	dn := testkit.Must(s.Run(ctx, app.System, setup.Input{Region: "360728", Add: true}))(t)
	if len(dn.Accounts) != 1 || dn.Accounts[0].Username != "gongwei360728" || dn.Accounts[0].Role != zhitong.RoleCommittee {
		t.Errorf("--add accounts %+v", dn.Accounts)
	}
	if dn.Categories != 0 {
		t.Errorf("--add seeded %d categories again", dn.Categories)
	}
	// The same jurisdiction twice is a conflict, and writes nothing.
	before := snapshot(t, a)
	testkit.WantCode(t, testkit.Err(s.Run(ctx, app.System, setup.Input{Region: "360783", Add: true, Committee: "other"})), zhitong.ECONFLICT)
	// A taken username too.
	testkit.WantCode(t, testkit.Err(s.Run(ctx, app.System, setup.Input{Region: "360703", Add: true, Committee: "gongwei"})), zhitong.ECONFLICT)
	if after := snapshot(t, a); !equal(before, after) {
		t.Errorf("refusal changed the database: %v → %v", before, after)
	}
	// The city around both: nested organisations, nearest one governs.
	city := testkit.Must(s.Run(ctx, app.System, setup.Input{Region: "3607", Add: true, SecAdmin: "anquan3607"}))(t)
	if len(city.Accounts) != 2 {
		t.Errorf("--add with --secadmin made %d accounts", len(city.Accounts))
	}
	for code, want := range map[string]string{"360728100": "360728", "360783": "360783", town: "360783", "360703": "3607", "3607": "3607", "36": ""} {
		o, err := store.OrganisationFor(ctx, a.DB(), code)
		if o.RegionCode != want || (want == "") != (zhitong.ErrorCode(err) == zhitong.ENOTFOUND) {
			t.Errorf("organisation for %s = %q (%v), want %q", code, o.RegionCode, err, want)
		}
	}
	if r := testkit.Must(store.GetRegion(ctx, a.DB(), town))(t); r.Name != "改过的名字" {
		t.Errorf("a renamed region was reverted to %s", r.Name)
	}
}

func TestInitInvalid(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	s := setup.New(a)
	for _, tc := range []struct {
		name  string
		in    setup.Input
		field string
	}{
		{"no region", setup.Input{}, "region"},
		{"unknown", setup.Input{Region: "369999"}, "region"},
		{"not a code", setup.Input{Region: "龙南"}, "region"},
		{"township", setup.Input{Region: "360783100"}, "region"},
		{"long short name", setup.Input{Region: "360783", Names: setup.Names{ShortName: "一二三四五六七八九十一"}}, "short_name"},
		{"markup", setup.Input{Region: "360783", Names: setup.Names{OrgName: "<b>人大常委会</b>"}}, "org_name"},
		{"bad username", setup.Input{Region: "360783", Committee: "工委"}, "committee"},
		{"same usernames", setup.Input{Region: "360783", Committee: "admin", SecAdmin: "admin"}, "committee"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Run(ctx, app.System, tc.in)
			testkit.WantCode(t, err, zhitong.EINVALID)
			found := false
			for _, p := range app.Problems(err) {
				var e *zhitong.Error
				if errors.As(p, &e) && e.Field == tc.field {
					found = true
				}
			}
			if !found {
				t.Errorf("no problem on %s: %v", tc.field, err)
			}
		})
	}
	if n := count(t, a, `SELECT COUNT(*) FROM regions`); n != 0 {
		t.Errorf("invalid input wrote %d regions", n)
	}
	staff := zhitong.Principal{UserID: 1, Name: "x", Role: zhitong.RoleSecAdmin}
	testkit.WantCode(t, testkit.Err(s.Run(ctx, staff, setup.Input{Region: "360783"})), zhitong.EFORBIDDEN)
}

func TestDefaultNamesAndSearch(t *testing.T) {
	tree := testkit.Must(regions.Load())(t)
	for code, want := range map[string]setup.Names{
		"330106": {OrgName: "西湖区人大常委会", CommitteeName: "西湖区人大常委会代表工作委员会", ShortName: "西湖人大"},
		"45":     {OrgName: "广西壮族自治区人大常委会", CommitteeName: "广西壮族自治区人大常委会代表工作委员会", ShortName: "广西人大"},
		"1101":   {OrgName: "北京市人大常委会", CommitteeName: "北京市人大常委会代表工作委员会", ShortName: "北京人大"},
	} {
		r, _ := tree.Get(code)
		if got := setup.DefaultNames(tree, r); got != want {
			t.Errorf("%s: %+v, want %+v", code, got, want)
		}
	}
	m := setup.Search(tree, "龙南", 10)
	if len(m) != 1 || m[0].Code != "360783" || m[0].FullName != "江西省赣州市龙南市" {
		t.Errorf("search 龙南: %+v", m)
	}
	if m := setup.Search(tree, "360783", 10); len(m) != 1 || m[0].Code != "360783" {
		t.Errorf("search by code: %+v", m)
	}
	if m := setup.Search(tree, "360783100", 10); len(m) != 0 {
		t.Errorf("a township is offered: %+v", m)
	}
	if m := setup.Search(tree, "西湖", 3); len(m) == 0 || len(m) > 3 {
		t.Errorf("search 西湖: %d matches", len(m))
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		pw := setup.NewPassword()
		if err := app.ValidatePassword(pw); err != nil || len(pw) != 14 || seen[pw] {
			t.Fatalf("password %q: %v", pw, err)
		}
		seen[pw] = true
	}
}

// TestInitTwiceAtOnce: two first runs at the same moment (two servers on
// one PostgreSQL database) set up one jurisdiction, not two.
func TestInitTwiceAtOnce(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	s := setup.New(a)
	errs := make(chan error, 2)
	for i, region := range []string{"360783", "330106"} {
		go func() {
			_, err := s.Run(ctx, app.System, setup.Input{Region: region, SecAdmin: "anquan" + region, Committee: "gongwei" + strings.Repeat("x", i)})
			errs <- err
		}()
	}
	ok, conflict := testkit.Race(t, errs, 2)
	if ok != 1 || conflict != 1 || count(t, a, `SELECT COUNT(*) FROM organisations`) != 1 {
		t.Errorf("%d set-ups succeeded, %d refused", ok, conflict)
	}
}
