package app_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// cityCommittee is the committee of the city over both of the fixture's
// counties: the one that may create a station across them.
func cityCommittee() zhitong.Principal {
	return zhitong.Principal{UserID: 7002, Name: "city-committee", Role: zhitong.RoleCommittee, RegionCode: "3607"}
}

// TestStationRegionsOutsideTheJurisdictionAreRefused: every region of a
// station — not only its primary one — must lie in the jurisdiction of the
// committee that creates or edits it, through every path (create, update,
// import); otherwise a committee could give another county's station
// staff a say over its station.
func TestStationRegionsOutsideTheJurisdictionAreRefused(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	n := 0
	name := func() string { n++; return "越界联络站" + itoa(int64(n)) }
	for _, tc := range []struct {
		name, field string
		try         func() error
	}{
		{"create: further region in another county", "regions", func() error {
			_, err := a.CreateStation(ctx, committee, app.StationInput{Name: name(), Kind: app.StationCrossBorder,
				Region: f.Town, Regions: []string{f.OtherCounty}})
			return err
		}},
		{"create: primary region in another county", "region", func() error {
			_, err := a.CreateStation(ctx, committee, app.StationInput{Name: name(), Kind: app.StationCrossBorder,
				Region: f.OtherCounty, Regions: []string{f.Town}})
			return err
		}},
		{"update: own station made cross-border into another county", "regions", func() error {
			kind, regions := app.StationCrossBorder, []string{f.Town, f.OtherCounty}
			_, err := a.UpdateStation(ctx, committee, f.Station, app.StationPatch{Kind: &kind, Regions: &regions})
			return err
		}},
		{"import: new station with a further region in another county", "regions", func() error {
			return a.DB().Write(ctx, func(tx *store.Tx) error {
				_, _, err := a.ImportStation(ctx, tx, committee, app.StationImport{Name: name(), Kind: "跨区域联络站",
					Region: f.Town, Regions: []string{f.OtherCounty}})
				return err
			})
		}},
		{"import: own station given a further region in another county", "regions", func() error {
			return a.DB().Write(ctx, func(tx *store.Tx) error {
				_, _, err := a.ImportStation(ctx, tx, committee, app.StationImport{Name: "历市镇人大代表联络站", Kind: "跨区域联络站",
					Region: f.Town, Regions: []string{f.OtherCounty}})
				return err
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.try()
			if zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != tc.field {
				t.Fatalf("err = %v (code %q, field %q), want invalid on %q", err, zhitong.ErrorCode(err), zhitong.ErrorField(err), tc.field)
			}
		})
	}
	st := testkit.Must(a.StaffStation(ctx, committee, f.Station))(t)
	if st.Kind != app.StationFixed || len(st.Regions) > 1 {
		t.Errorf("the refused edits changed the station: kind %s, regions %+v", st.Kind, st.Regions)
	}

	// The city's committee, over both counties, may create the station.
	sp := testkit.Must(a.CreateStation(ctx, cityCommittee(), app.StationInput{Name: "两县边界联络站", Kind: app.StationCrossBorder,
		Region: f.Town, Regions: []string{f.OtherCounty}}))(t)
	if len(sp.Regions) != 2 {
		t.Errorf("regions = %+v, want two", sp.Regions)
	}
	// The committee of its primary region edits its basics; keeping the
	// other county's region, set by the city, is no change of regions.
	newName, address := "两县边界人大代表联络站", "边界路 1 号"
	testkit.Must(a.UpdateStation(ctx, committee, sp.ID, app.StationPatch{Name: &newName, Address: &address}))(t)
	// …but it may not move the station's regions outside its county.
	regions := []string{f.Town, f.OtherCounty, f.County}
	_, err := a.UpdateStation(ctx, committee, sp.ID, app.StationPatch{Regions: &regions})
	testkit.WantCode(t, err, zhitong.EINVALID)
}

// TestCrossBorderStationIsManagedFromItsPrimaryRegion: the committee of a
// further region sees a cross-border station but may not edit, staff or
// retire it; that is for the committee of its primary region.
func TestCrossBorderStationIsManagedFromItsPrimaryRegion(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	n := 0
	create := func() *app.StationProfile {
		n++
		return testkit.Must(a.CreateStation(ctx, cityCommittee(), app.StationInput{Name: "两县边界联络站" + itoa(int64(n)), Kind: app.StationCrossBorder,
			Region: f.Town, Regions: []string{f.OtherCounty}}))(t)
	}
	outCommittee, outOfficer := f.Out[zhitong.RoleCommittee], f.Out[zhitong.RoleOfficer]
	renamed, kind := "龙南接管的联络站", app.StationFixed
	for _, tc := range []struct {
		name string
		try  func(sp *app.StationProfile) error
	}{
		{"rename", func(sp *app.StationProfile) error {
			_, err := a.UpdateStation(ctx, outCommittee, sp.ID, app.StationPatch{Name: &renamed})
			return err
		}},
		{"change kind", func(sp *app.StationProfile) error {
			_, err := a.UpdateStation(ctx, outCommittee, sp.ID, app.StationPatch{Kind: &kind})
			return err
		}},
		{"set staff", func(sp *app.StationProfile) error {
			_, err := a.SetStationStaff(ctx, outCommittee, sp.ID, nil)
			return err
		}},
		{"retire", func(sp *app.StationProfile) error {
			_, err := a.RetireStation(ctx, outCommittee, sp.ID)
			return err
		}},
		{"import over it", func(sp *app.StationProfile) error {
			return a.DB().Write(ctx, func(tx *store.Tx) error {
				_, _, err := a.ImportStation(ctx, tx, outCommittee, app.StationImport{Name: sp.Name, Kind: "固定联络站", Region: f.OtherCounty})
				return err
			})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp := create()
			if _, err := a.StaffStation(ctx, outCommittee, sp.ID); err != nil {
				t.Fatalf("the further region's committee does not see the station: %v", err)
			}
			if code := zhitong.ErrorCode(tc.try(sp)); code != zhitong.EFORBIDDEN && code != zhitong.EINVALID {
				t.Fatalf("code %q, want a refusal", code)
			}
			st := testkit.Must(a.StaffStation(ctx, f.In[zhitong.RoleCommittee], sp.ID))(t)
			if st.Name != sp.Name || st.Kind != app.StationCrossBorder || st.Retired || len(st.Regions) != 2 {
				t.Errorf("the refused request changed the station: %+v", st)
			}
		})
	}
	// Both sides still share the bulletin board; the primary region's committee retires it.
	sp := create()
	notice := "本周六流动接待"
	testkit.Must(a.UpdateStation(ctx, outOfficer, sp.ID, app.StationPatch{Notice: &notice}))(t)
	testkit.Must(a.RetireStation(ctx, f.In[zhitong.RoleCommittee], sp.ID))(t)
}

// TestIntakeAtAnotherCountysStation: staff intake checks the station named,
// not only the region: another county's station is invalid on station_id.
func TestIntakeAtAnotherCountysStation(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	for _, role := range []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleOfficer, zhitong.RoleIntegration} {
		p := f.In[role]
		for _, tc := range []struct {
			name    string
			station int64
			ok      bool
		}{
			{"own station", f.Station, true},
			{"another county's station", f.OtherStation, false},
		} {
			t.Run(string(role)+"/"+tc.name, func(t *testing.T) {
				in := app.IntakeInput{Body: "村口的水管破裂多日无人修", CategoryCode: "roads", RegionCode: f.Town, StationID: tc.station, Anonymous: true}
				var err error
				if role == zhitong.RoleIntegration {
					_, err = a.Submit(ctx, p, in)
				} else {
					_, err = a.Intake(ctx, p, in)
				}
				switch {
				case tc.ok && err != nil:
					t.Fatalf("intake at its own station: %v", err)
				case !tc.ok && (zhitong.ErrorCode(err) != zhitong.EINVALID || zhitong.ErrorField(err) != "station_id"):
					t.Fatalf("err = %v (code %q, field %q), want invalid on station_id", err, zhitong.ErrorCode(err), zhitong.ErrorField(err))
				}
			})
		}
	}
}
