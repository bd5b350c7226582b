package app_test

import (
	"reflect"
	"slices"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestDeputyRowsMatchTheDeputyByDeputyCheck: the deputy list (read in a
// few queries for the whole jurisdiction) holds exactly the deputies each
// staff member may open one by one (StaffDeputy: deputyCovered for that
// deputy), in id order, with the same profile, whose stations, phone and
// account are those the per-deputy store reads give. A deputy elected
// elsewhere but posted to a cross-border station of the jurisdiction is
// in; station staff see their station's deputies only.
func TestDeputyRowsMatchTheDeputyByDeputyCheck(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	sp, third := crossBorder(t, a, f)
	city := cityCommittee()
	committee := f.In[zhitong.RoleCommittee]
	// The other county's deputy at the cross-border station: the fixture
	// county's staff cover them through the station's extra region.
	testkit.First(testkit.Must2(a.SetStationDeputies(ctx, city, sp.ID, []int64{f.Deputy, f.OtherDeputy}))(t))
	// A third county's deputy, posted nowhere; one of the fixture's town with a phone.
	testkit.Must(a.CreateDeputy(ctx, city, app.DeputyInput{Name: "孙代表", Levels: []string{"county"}, Region: "360729"}))(t)
	phoned := testkit.Must(a.CreateDeputy(ctx, committee, app.DeputyInput{Name: "周代表", Levels: []string{"township"}, Region: f.Town,
		StationIDs: []int64{f.Station}, Phone: "13800138000"}))(t)
	if phoned.PhoneMasked == "" {
		t.Fatalf("created deputy has no masked phone: %+v", phoned)
	}
	if dp := testkit.Must(a.LinkDeputyAccount(ctx, committee, phoned.ID, app.AccountInput{Username: "zhou.daibiao", Password: "Deputy-Passw0rd"}))(t); dp.Account == nil {
		t.Fatalf("linked deputy has no account: %+v", dp)
	}

	all := testkit.Must(store.ListDeputies(ctx, a.DB(), ""))(t)
	staff := []zhitong.Principal{third, city}
	for _, m := range []map[zhitong.Role]zhitong.Principal{f.In, f.Out} {
		for _, p := range m {
			staff = append(staff, p)
		}
	}
	for _, p := range staff {
		rows, err := a.DeputyRows(ctx, p)
		if zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
			continue
		} else if err != nil {
			t.Fatalf("%s %s: %v", p.Role, p.RegionCode, err)
		}
		var want []app.DeputyProfile
		for _, d := range all {
			dp, err := a.StaffDeputy(ctx, p, d.ID)
			if zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
				continue
			} else if err != nil {
				t.Fatal(err)
			}
			want = append(want, *dp)
		}
		if len(want) == 0 {
			t.Fatalf("%s %s (station %d) covers no deputy: the test shows nothing", p.Role, p.RegionCode, p.StationID)
		}
		if !reflect.DeepEqual(rows, want) {
			t.Errorf("%s %s (station %d): rows\n%+v\nwant the deputies they may open one by one\n%+v", p.Role, p.RegionCode, p.StationID, rows, want)
		}
		for _, dp := range rows {
			stations := testkit.Must(store.DeputyStationIDs(ctx, a.DB(), dp.ID))(t)
			if !slices.Equal(dp.StationIDs, stations) && len(stations)+len(dp.StationIDs) > 0 {
				t.Errorf("deputy %d stations %v, want %v", dp.ID, dp.StationIDs, stations)
			}
			ph := testkit.Must(store.GetDeputyPhone(ctx, a.DB(), dp.ID))(t)
			if (dp.PhoneMasked != "") != (ph.Enc != "") {
				t.Errorf("deputy %d masked phone %q, sealed %q", dp.ID, dp.PhoneMasked, ph.Enc)
			}
			u, err := store.GetUserByDeputy(ctx, a.DB(), dp.ID)
			if err == nil && (dp.Account == nil || dp.Account.UserID != u.ID) || err != nil && dp.Account != nil {
				t.Errorf("deputy %d account %+v, want user %+v (%v)", dp.ID, dp.Account, u, err)
			}
		}
	}
	// The fixture county's officer lists the other county's deputy (the
	// cross-border station), the station head only their station's.
	ids := func(rows []app.DeputyProfile) (out []int64) {
		for _, r := range rows {
			out = append(out, r.ID)
		}
		return out
	}
	if got := ids(testkit.Must(a.DeputyRows(ctx, f.In[zhitong.RoleOfficer]))(t)); !slices.Contains(got, f.OtherDeputy) || !slices.Contains(got, phoned.ID) {
		t.Errorf("fixture officer's deputies %v lack the cross-border station's %d or %d", got, f.OtherDeputy, phoned.ID)
	}
	if got := ids(testkit.Must(a.DeputyRows(ctx, f.In[zhitong.RoleStationHead]))(t)); !slices.Equal(got, []int64{f.Deputy, phoned.ID}) {
		t.Errorf("station head's deputies %v, want %d and %d", got, f.Deputy, phoned.ID)
	}
}
