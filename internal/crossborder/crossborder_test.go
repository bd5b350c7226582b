package crossborder_test

import (
	"context"
	"slices"
	"testing"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/testkit"
)

// border is one deployment serving two counties of two provinces, 定南县
// (江西) and 和平县 (广东), set up with init and init --add, and a third
// county (全南县), with 岭北镇赣粤边界联络站 serving 岭北镇 and 和平县下车镇.
type border struct {
	a                  *app.App
	dingnan, heping    zhitong.Principal // the two committees
	quannan            zhitong.Principal // a third county
	station            int64
	dnUnit, hpUnit     int64
	dnTown, hpTown     string
	dnCase, hpCase     int64
	dnDeadlineDays     int
	hpDeadlineDays     int
	complaintDefault   int
	hepingOwnComplaint int
}

func setUpBorder(t *testing.T) *border {
	t.Helper()
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	b := &border{a: a, dnTown: "360728105", hpTown: "441624103"}
	dn := testkit.SetUp(t, a, "360728")
	add := func(code string) zhitong.Principal {
		res := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: code, Add: true, Via: "test"}))(t)
		return testkit.Principal(t, a, res, zhitong.RoleCommittee)
	}
	b.dingnan = testkit.Principal(t, a, dn, zhitong.RoleCommittee)
	b.heping = add("441624")
	b.quannan = add("360729")

	unit := func(p zhitong.Principal, name, region string) int64 {
		u := testkit.Must(admin.New(a).CreateUnit(ctx, p, admin.UnitInput{Name: name, Kind: "department", Region: region}))(t)
		return u.ID
	}
	b.dnUnit = unit(b.dingnan, "定南县交通运输局", "360728")
	b.hpUnit = unit(b.heping, "和平县交通运输局", "441624")

	// A station across two provinces is the system's to create (the CLI
	// import) or a committee's whose jurisdiction holds both sides.
	st := testkit.Must(a.CreateStation(ctx, app.SystemAs(zhitong.RoleCommittee, ""), app.StationInput{
		Name: "岭北镇赣粤边界联络站", Kind: app.StationCrossBorder, Region: b.dnTown, Regions: []string{b.dnTown, b.hpTown}}))(t)
	b.station = st.ID
	return b
}

// TestSharedStationCases: one case about each side, taken in at the shared
// station; deadlines and units follow each case's side, both sides read
// both cases, the third county nothing.
func TestSharedStationCases(t *testing.T) {
	ctx := context.Background()
	b := setUpBorder(t)
	a := b.a

	// 和平县 sets its own deadline policy: complaints get 20 working days.
	// 定南县 keeps the deployment's (13).
	hpPolicy := app.DefaultPolicy()
	for i := range hpPolicy.Limits {
		if hpPolicy.Limits[i].Kind == zhitong.KindComplaint {
			hpPolicy.Limits[i].Days = 20
		}
	}
	testkit.Must(a.SetPolicy(ctx, b.heping, hpPolicy))(t)
	if got := testkit.Must(a.Policy(ctx, b.dingnan))(t); got.DaysFor(zhitong.KindComplaint, "roads", 15) != 13 {
		t.Fatalf("定南's policy changed with 和平's: %+v", got.Limits)
	}

	// The 定南 committee takes in a case about each side at the station.
	intake := func(region, body string) int64 {
		c := testkit.Must(a.Intake(ctx, b.dingnan, app.IntakeInput{Body: body, CategoryCode: "roads", StationID: b.station, RegionCode: region, Anonymous: true}))(t)
		if c.RegionCode != region {
			t.Fatalf("case about %s stored with region %s", region, c.RegionCode)
		}
		return c.ID
	}
	b.dnCase = intake(b.dnTown, "岭北镇圩镇路面破损需要修补")
	b.hpCase = intake(b.hpTown, "下车镇通往岭北的县道塌方")
	// Not a region the station serves, nor 定南's: refused.
	testkit.WantCode(t, testkit.Err(a.Intake(ctx, b.dingnan, app.IntakeInput{Body: "和平县城的路灯不亮", CategoryCode: "roads", StationID: b.station, RegionCode: "441624100", Anonymous: true})), zhitong.EFORBIDDEN)
	// 全南 does not cover the station.
	testkit.WantCode(t, testkit.Err(a.Intake(ctx, b.quannan, app.IntakeInput{Body: "下车镇通往岭北的县道塌方", CategoryCode: "roads", StationID: b.station, RegionCode: b.hpTown, Anonymous: true})), zhitong.EFORBIDDEN)

	// Each side reads both cases; 全南 neither.
	for _, p := range []zhitong.Principal{b.dingnan, b.heping} {
		for _, id := range []int64{b.dnCase, b.hpCase} {
			if _, err := a.Get(ctx, p, id); err != nil {
				t.Errorf("%s reads case %d: %v", p.RegionCode, id, err)
			}
		}
		list := testkit.First(testkit.Must2(a.List(ctx, p, app.ListInput{}))(t))
		if ids := caseIDs(list); !slices.Contains(ids, b.dnCase) || !slices.Contains(ids, b.hpCase) {
			t.Errorf("%s lists %v, want both %d and %d", p.RegionCode, ids, b.dnCase, b.hpCase)
		}
		counts := testkit.Must(a.CountByStatus(ctx, p))(t)
		if counts[zhitong.StatusRegistered] != 2 {
			t.Errorf("%s counts %v", p.RegionCode, counts)
		}
	}
	for _, id := range []int64{b.dnCase, b.hpCase} {
		testkit.WantCode(t, testkit.Err(a.Get(ctx, b.quannan, id)), zhitong.EFORBIDDEN)
	}
	if list := testkit.First(testkit.Must2(a.List(ctx, b.quannan, app.ListInput{}))(t)); len(list) != 0 {
		t.Errorf("全南 lists %v", caseIDs(list))
	}

	// Reading is all the other side does: 定南 cannot assign 和平's case.
	version := func(id int64) int { return testkit.Must(a.Get(ctx, b.heping, id))(t).Version }
	testkit.WantCode(t, testkit.Err(a.Assign(ctx, b.dingnan, b.hpCase, app.AssignInput{Version: version(b.hpCase), LeadUnit: b.dnUnit, Kind: zhitong.KindComplaint})), zhitong.EFORBIDDEN)
	// Units follow the case's side: 和平 cannot hand its case to 定南's unit.
	testkit.WantCode(t, testkit.Err(a.Assign(ctx, b.heping, b.hpCase, app.AssignInput{Version: version(b.hpCase), LeadUnit: b.dnUnit, Kind: zhitong.KindComplaint})), zhitong.EINVALID)
	hp := testkit.Must(a.Assign(ctx, b.heping, b.hpCase, app.AssignInput{Version: version(b.hpCase), LeadUnit: b.hpUnit, Kind: zhitong.KindComplaint}))(t)
	dn := testkit.Must(a.Assign(ctx, b.dingnan, b.dnCase, app.AssignInput{Version: version(b.dnCase), LeadUnit: b.dnUnit, Kind: zhitong.KindComplaint}))(t)
	// Deadlines follow each side's policy.
	if hp.DueDays != 20 || dn.DueDays != 13 {
		t.Fatalf("deadlines: 和平 %d (want 20), 定南 %d (want 13)", hp.DueDays, dn.DueDays)
	}
	if hp.DueDate <= dn.DueDate {
		t.Errorf("due dates: 和平 %s, 定南 %s", hp.DueDate, dn.DueDate)
	}
	// Still both read both; the assigned cases stay out of 全南's sight.
	for _, p := range []zhitong.Principal{b.dingnan, b.heping} {
		if _, err := a.Get(ctx, p, b.hpCase); err != nil {
			t.Errorf("%s reads 和平's assigned case: %v", p.RegionCode, err)
		}
	}
	testkit.WantCode(t, testkit.Err(a.Get(ctx, b.quannan, b.hpCase)), zhitong.EFORBIDDEN)
}

// TestNoSharedStationNoWidening: a station inside one county widens
// nothing, and another county's cases stay out of sight.
func TestNoSharedStationNoWidening(t *testing.T) {
	ctx := context.Background()
	b := setUpBorder(t)
	a := b.a
	// A station of 和平 alone: its case is 和平's only.
	own := testkit.Must(a.CreateStation(ctx, b.heping, app.StationInput{Name: "下车镇人大代表联络站", Kind: app.StationFixed, Region: b.hpTown}))(t)
	c := testkit.Must(a.Intake(ctx, b.heping, app.IntakeInput{Body: "下车镇自来水浑浊", CategoryCode: "water", StationID: own.ID, Anonymous: true}))(t)
	testkit.WantCode(t, testkit.Err(a.Get(ctx, b.dingnan, c.ID)), zhitong.EFORBIDDEN)
	if list := testkit.First(testkit.Must2(a.List(ctx, b.dingnan, app.ListInput{}))(t)); slices.Contains(caseIDs(list), c.ID) {
		t.Errorf("定南 lists 和平's own station's case")
	}
}

func caseIDs(list []app.CaseSummary) []int64 {
	out := make([]int64, len(list))
	for i, c := range list {
		out[i] = c.ID
	}
	return out
}
