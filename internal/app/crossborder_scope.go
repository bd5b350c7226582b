package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// The jurisdiction of a shared station's cases (docs/stations.md,
// "Cross-border stations across provinces"). A case belongs to the region
// it is about, and the staff whose region subtree holds that region act on
// it as before. Staff scoped to a region subtree also READ the cases taken
// in at a station shared across the edge of their subtree — a cross-border
// station with one of its regions inside it and another outside — so both
// sides of 岭北镇赣粤边界联络站 see what the station took in. Reading only:
// every other action still needs the case's region in the actor's subtree.

// regionScoped reports whether p's case jurisdiction is a region subtree
// (not a unit's, a deputy's or a station's own cases).
func regionScoped(p zhitong.Principal) bool {
	return p.Staff() && p.Role != zhitong.RoleUnit && p.Role != zhitong.RoleDeputy && p.StationID == 0
}

// seesThroughStation reports whether p reads case c because it was taken in
// at a station shared across the edge of p's region subtree.
func (a *App) seesThroughStation(ctx context.Context, q store.Q, p zhitong.Principal, c *store.CaseRecord) (bool, error) {
	if !regionScoped(p) || c.StationID == 0 {
		return false, nil
	}
	return store.StationShared(ctx, q, c.StationID, p.RegionCode)
}

// scopeShared widens a case list scoped to p's region subtree by the cases
// of the stations p shares with another jurisdiction.
func (a *App) scopeShared(ctx context.Context, q store.Q, p zhitong.Principal, f *store.CaseFilter) error {
	if !regionScoped(p) || f.ScopeRegion == "" {
		return nil
	}
	ids, err := store.SharedStations(ctx, q, p.RegionCode)
	f.ScopeStations = ids
	return err
}

// servesAt reports whether region-scoped p may take in a case about region
// code at station id: p covers the station, it is cross-border, and code
// lies in one of its regions.
func (a *App) servesAt(ctx context.Context, p zhitong.Principal, id int64, code string) (bool, error) {
	st, err := store.GetStation(ctx, a.db, id)
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		return false, nil
	} else if err != nil || st.Kind != StationCrossBorder || code == "" {
		return false, err
	}
	if ok, err := a.stationCovered(ctx, a.db, p, id); err != nil || !ok {
		return false, err
	}
	return a.stationHolds(ctx, a.db, st, code)
}
