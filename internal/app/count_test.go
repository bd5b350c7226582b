package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
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
