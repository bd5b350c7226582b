package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestCountByStatusKeepsToJurisdiction(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for i, body := range []string{"建设路路灯不亮，夜间出行不便", "菜市场周边占道经营严重", "村口小桥栏杆松动很危险"} {
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, StationID: f.Station}))(t)
		if i > 0 {
			testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
		}
	}
	testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "龙南市的路灯也坏了", StationID: f.OtherStation}))(t)

	in := testkit.Must(a.CountByStatus(ctx, f.In[zhitong.RoleCommittee]))(t)
	if in[zhitong.StatusSubmitted] != 1 || in[zhitong.StatusRegistered] != 2 || len(in) != 2 {
		t.Errorf("committee in the county counts %v, want 1 submitted and 2 registered", in)
	}
	out := testkit.Must(a.CountByStatus(ctx, f.Out[zhitong.RoleCommittee]))(t)
	if out[zhitong.StatusSubmitted] != 1 || len(out) != 1 {
		t.Errorf("committee of the other county counts %v, want only its 1 submitted", out)
	}
	_, err := a.CountByStatus(ctx, f.In[zhitong.RoleSysAdmin])
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
}

// The home's table by status counts each status up to a cap, all statuses
// in one statement: a status past the cap reads cap+1 (shown "1000+"),
// the others their exact number, and the jurisdiction still holds.
func TestCountEachStatusStopsAtTheCap(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for i := range 4 {
		c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮，夜间出行不便", StationID: f.Station}))(t)
		if i == 0 {
			testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
		}
	}
	testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "龙南市的路灯也坏了", StationID: f.OtherStation}))(t)
	all := []zhitong.Status{zhitong.StatusSubmitted, zhitong.StatusRegistered, zhitong.StatusClosed}
	for _, c := range []struct {
		region      string
		limit       int
		sub, reg, n int
	}{{f.County, 2, 3, 1, 2}, {f.County, 10, 3, 1, 2}, {f.OtherCounty, 2, 1, 0, 1}, {"", 3, 4, 1, 2}} {
		got := testkit.Must(store.CountCasesEachStatus(ctx, a.DB(), store.CaseFilter{Region: c.region}, all, c.limit))(t)
		if got[zhitong.StatusSubmitted] != c.sub || got[zhitong.StatusRegistered] != c.reg || len(got) != c.n {
			t.Errorf("region %q, cap %d: %v, want %d submitted and %d registered", c.region, c.limit, got, c.sub, c.reg)
		}
	}
}
