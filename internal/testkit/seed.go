package testkit

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Fixture is a small county with one station, units and a principal for
// every role — inside the county, and a second set outside it.
type Fixture struct {
	County, Town, OtherCounty string
	Station, OtherStation     int64
	Deputy, OtherDeputy       int64
	Lead, Co, OtherUnit       int64
	// In holds one principal per role scoped to County; Out the same roles
	// scoped to OtherCounty (or its station, unit, deputy).
	In, Out map[zhitong.Role]zhitong.Principal
}

// Seed writes the fixture's reference data and accounts.
func Seed(tb testing.TB, a *app.App) *Fixture {
	tb.Helper()
	ctx := context.Background()
	f := &Fixture{County: "360728", Town: "360728100", OtherCounty: "360727"}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, r := range []zhitong.Region{
			{Code: "36", Name: "江西省", Level: 1}, {Code: "3607", Name: "赣州市", ParentCode: "36", Level: 2},
			{Code: "360728", Name: "定南县", ParentCode: "3607", Level: 3}, {Code: "360728100", Name: "历市镇", ParentCode: "360728", Level: 4},
			{Code: "360727", Name: "龙南市", ParentCode: "3607", Level: 3},
		} {
			if err := tx.UpsertRegion(ctx, r); err != nil {
				return err
			}
		}
		for _, c := range []zhitong.Category{{Code: "roads", Name: "道路交通", DueDays: 15}, {Code: "consult", Name: "政策咨询", DueDays: 3}} {
			if err := tx.UpsertCategory(ctx, c); err != nil {
				return err
			}
		}
		st := &zhitong.Station{Name: "历市镇人大代表联络站", RegionCode: f.Town, Kind: "fixed"}
		other := &zhitong.Station{Name: "龙南联络站", RegionCode: f.OtherCounty, Kind: "fixed"}
		for _, s := range []*zhitong.Station{st, other} {
			if err := tx.InsertStation(ctx, s); err != nil {
				return err
			}
		}
		f.Station, f.OtherStation = st.ID, other.ID
		dep := &zhitong.Deputy{Name: "刘代表", Levels: []string{"county"}, RegionCode: f.Town, StationID: st.ID}
		otherDep := &zhitong.Deputy{Name: "陈代表", Levels: []string{"county"}, RegionCode: f.OtherCounty, StationID: other.ID}
		for _, d := range []*zhitong.Deputy{dep, otherDep} {
			if err := tx.InsertDeputy(ctx, d); err != nil {
				return err
			}
		}
		f.Deputy, f.OtherDeputy = dep.ID, otherDep.ID
		lead := &zhitong.Unit{Name: "县交通运输局", Kind: "department", RegionCode: f.County}
		co := &zhitong.Unit{Name: "历市镇人民政府", Kind: "township", RegionCode: f.Town}
		ou := &zhitong.Unit{Name: "龙南市交通运输局", Kind: "department", RegionCode: f.OtherCounty}
		for _, u := range []*zhitong.Unit{lead, co, ou} {
			if err := tx.InsertUnit(ctx, u); err != nil {
				return err
			}
		}
		f.Lead, f.Co, f.OtherUnit = lead.ID, co.ID, ou.ID
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	f.In = map[zhitong.Role]zhitong.Principal{}
	f.Out = map[zhitong.Role]zhitong.Principal{}
	id := int64(1000)
	for _, r := range zhitong.Roles {
		id++
		in := zhitong.Principal{UserID: id, Name: "in-" + string(r.Value), Role: r.Value, RegionCode: f.County}
		id++
		out := zhitong.Principal{UserID: id, Name: "out-" + string(r.Value), Role: r.Value, RegionCode: f.OtherCounty}
		switch r.Value {
		case zhitong.RoleStationHead:
			in.StationID, out.StationID = f.Station, f.OtherStation
		case zhitong.RoleUnit:
			in.UnitID, out.UnitID = f.Lead, f.OtherUnit
		case zhitong.RoleDeputy:
			in.DeputyID, out.DeputyID = f.Deputy, f.OtherDeputy
		}
		f.In[r.Value], f.Out[r.Value] = in, out
	}
	return f
}

// CoUnit returns the unit principal of the co-handling unit.
func (f *Fixture) CoUnit() zhitong.Principal {
	return zhitong.Principal{UserID: 999, Name: "co-unit", Role: zhitong.RoleUnit, RegionCode: f.County, UnitID: f.Co}
}
