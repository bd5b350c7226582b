package demo

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestDemoShipsPolicyAndSupervision checks that the demo county comes with
// its deadline policy and that its overdue cases are under supervision.
func TestDemoShipsPolicyAndSupervision(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	gongwei := zhitong.Principal{UserID: 1, Name: "gongwei", Role: zhitong.RoleCommittee, RegionCode: County}
	pol := testkit.Must(a.Policy(ctx, gongwei))(t)
	if pol.LetterPrefix != "定人大督" || pol.DaysFor(zhitong.KindComplaint, "water", 5) != 3 {
		t.Errorf("demo policy = %+v", pol)
	}
	list, n := testkit.Must2(a.SupervisionList(ctx, gongwei, app.SupervisionListInput{}))(t)
	if n == 0 {
		t.Fatal("no demo case is under supervision")
	}
	red := 0
	for _, it := range list {
		if it.Level == zhitong.LevelRed {
			red++
		}
	}
	if red == 0 {
		t.Errorf("no demo case reached the supervision list (red): %+v", list)
	}
	if bs := testkit.Must(a.Bulletins(ctx, gongwei, app.BulletinsInput{}))(t).Items; len(bs) == 0 {
		t.Error("the demo has no bulletin")
	}
	if bs := testkit.Must(a.Bulletins(ctx, zhitong.Citizen, app.BulletinsInput{}))(t).Items; len(bs) != 1 {
		t.Errorf("the portal shows %d demo bulletins, want the one published", len(bs))
	}
	// A second sweep finds nothing left to do.
	if r := testkit.Must(a.SweepOnce(ctx))(t); r != (app.SweepResult{}) {
		t.Errorf("a sweep after the demo did %+v", r)
	}
}
