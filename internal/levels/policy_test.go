package levels_test

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/app"
	"zhitong/internal/levels"
	"zhitong/internal/testkit"
)

// roadDays is the working days a policy gives road cases.
func roadDays(p *app.Policy) int { return p.DaysFor("", "roads", 0) }

// TestPolicyFollowsHolder: 赣州市 and 龙南 set different deadline policies,
// each its own only; a case 龙南 moves up to the city is assigned under the
// city's policy, one the city moves back down under 龙南's.
func TestPolicyFollowsHolder(t *testing.T) {
	ctx := context.Background()
	d := newCity(t)
	lv := levels.New(d.a)
	set := func(p zhitong.Principal, days int) {
		t.Helper()
		pol := testkit.Must(d.a.Policy(ctx, p))(t)
		pol.Limits = []app.Limit{{Category: "roads", Days: days}}
		testkit.Must(d.a.SetPolicy(ctx, p, *pol))(t)
	}
	set(d.city, 10)
	set(d.lnCo, 20)
	// Each committee reads and edits its own; 定南 without one follows the city's (the deployment's).
	for _, tc := range []struct {
		p    zhitong.Principal
		want int
		who  string
	}{{d.city, 10, "city"}, {d.lnCo, 20, "龙南"}, {d.dnCo, 10, "定南"}} {
		if got := roadDays(testkit.Must(d.a.Policy(ctx, tc.p))(t)); got != tc.want {
			t.Errorf("%s reads %d road days, want %d", tc.who, got, tc.want)
		}
	}
	set(d.dnCo, 30) // 定南's edit changes neither the city's nor 龙南's
	if a, b := roadDays(testkit.Must(d.a.Policy(ctx, d.city))(t)), roadDays(testkit.Must(d.a.Policy(ctx, d.lnCo))(t)); a != 10 || b != 20 {
		t.Errorf("after 定南's edit: city %d, 龙南 %d", a, b)
	}

	cityUnit := testkit.Must(admin.New(d.a).CreateUnit(ctx, d.city, admin.UnitInput{Name: "赣州市交通运输局", Kind: "department", Region: "3607"}))(t)
	lnUnit := testkit.Must(admin.New(d.a).CreateUnit(ctx, d.lnCo, admin.UnitInput{Name: "龙南市交通运输局", Kind: "department", Region: "360783"}))(t)
	const reason = "该路段为市管国道"

	// Moved up: the city's 10 days.
	up := d.intake(t, d.lnCo, town(t, "360783"), "国道路面塌陷")
	moved := testkit.Must(lv.Transfer(ctx, d.lnCo, up.ID, levels.TransferInput{Version: up.Version, To: "3607", Reason: reason}))(t)
	as := testkit.Must(d.a.Assign(ctx, d.city, up.ID, app.AssignInput{Version: moved.Version, LeadUnit: cityUnit.ID}))(t)
	if as.DueDays != 10 {
		t.Errorf("moved up to the city: %d days, want the city's 10", as.DueDays)
	}
	// Up and back down: 龙南's 20 days.
	down := d.intake(t, d.lnCo, town(t, "360783"), "县道路灯损坏")
	m1 := testkit.Must(lv.Transfer(ctx, d.lnCo, down.ID, levels.TransferInput{Version: down.Version, To: "3607", Reason: reason}))(t)
	m2 := testkit.Must(lv.Transfer(ctx, d.city, down.ID, levels.TransferInput{Version: m1.Version, To: "360783", Reason: "经核实为县道"}))(t)
	as = testkit.Must(d.a.Assign(ctx, d.lnCo, down.ID, app.AssignInput{Version: m2.Version, LeadUnit: lnUnit.ID}))(t)
	if as.DueDays != 20 {
		t.Errorf("moved back down to 龙南: %d days, want 龙南's 20", as.DueDays)
	}
	// Never moved: the organisation of its region, 龙南.
	stay := d.intake(t, d.lnCo, town(t, "360783"), "村道积水")
	as = testkit.Must(d.a.Assign(ctx, d.lnCo, stay.ID, app.AssignInput{Version: stay.Version, LeadUnit: lnUnit.ID}))(t)
	if as.DueDays != 20 {
		t.Errorf("龙南's own case: %d days, want 20", as.DueDays)
	}
}
