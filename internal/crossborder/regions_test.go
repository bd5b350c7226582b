package crossborder_test

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/crossborder"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func countRows(t *testing.T, a *app.App, query string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLoadRegions: a county set up with init loads the neighbouring
// county of another province (和平县, Guangdong) from the national data,
// townships included; unknown and malformed codes write nothing.
func TestLoadRegions(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	res := testkit.SetUp(t, a, "360728")
	committee := testkit.Principal(t, a, res, zhitong.RoleCommittee)
	svc := crossborder.New(a)

	if _, err := store.GetRegion(ctx, a.DB(), "441624100"); zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		t.Fatalf("和平县阳明镇 before loading: %v", err)
	}
	regionsBefore := countRows(t, a, `SELECT COUNT(*) FROM regions`)
	auditBefore := countRows(t, a, `SELECT COUNT(*) FROM audit_log`)
	for _, bad := range [][]string{{"441699"}, {"441624", "4416249"}, {"abc"}, {""}, {"441624100", "999999"}} {
		_, err := svc.LoadRegions(ctx, committee, bad)
		testkit.WantCode(t, err, zhitong.EINVALID)
		if zhitong.ErrorField(err) != "codes" {
			t.Errorf("%v: field %q, want codes", bad, zhitong.ErrorField(err))
		}
	}
	if n := countRows(t, a, `SELECT COUNT(*) FROM regions`); n != regionsBefore {
		t.Fatalf("refused loads wrote regions: %d → %d", regionsBefore, n)
	}
	if n := countRows(t, a, `SELECT COUNT(*) FROM audit_log`); n != auditBefore {
		t.Fatalf("refused loads wrote audit entries: %d → %d", auditBefore, n)
	}

	// Only the committee (or the system) loads.
	officer := committee
	officer.Role = zhitong.RoleOfficer
	testkit.WantCode(t, testkit.Err(svc.LoadRegions(ctx, officer, []string{"441624"})), zhitong.EFORBIDDEN)

	loaded := testkit.Must(svc.LoadRegions(ctx, committee, []string{"441624 360728"}))(t)
	if len(loaded) != 2 || loaded[0].Code != "441624" || loaded[0].Name != "广东省河源市和平县" {
		t.Fatalf("loaded %+v", loaded)
	}
	// 广东省, 河源市, 和平县 and its 17 townships are new; 定南县 was there.
	if loaded[0].Townships != 17 || loaded[0].Added != 3+17 || loaded[1].Added != 0 {
		t.Fatalf("loaded %+v", loaded)
	}
	town := testkit.Must(store.GetRegion(ctx, a.DB(), "441624100"))(t)
	if town.Name != "阳明镇" || town.ParentCode != "441624" || town.Level != 4 {
		t.Fatalf("阳明镇: %+v", town)
	}
	if n := countRows(t, a, `SELECT COUNT(*) FROM audit_log WHERE action = 'region.load'`); n != 1 {
		t.Fatalf("%d region.load entries", n)
	}
	// Loading grants nothing: no organisation governs 和平县, and the
	// committee of 定南县 still may not name its townships.
	if n := countRows(t, a, `SELECT COUNT(*) FROM organisations`); n != 1 {
		t.Fatalf("%d organisations after loading", n)
	}
	if _, err := a.CheckRegionRef(ctx, a.DB(), committee, "region", "441624100"); zhitong.ErrorCode(err) != zhitong.EINVALID {
		t.Fatalf("定南 committee names 和平's township: %v", err)
	}
	// Loading again adds nothing and keeps a rename.
	again := testkit.Must(svc.LoadRegions(ctx, app.System, []string{"441624100000"}))(t)
	if again[0].Added != 0 || again[0].Code != "441624100" {
		t.Fatalf("second load %+v", again)
	}
}
