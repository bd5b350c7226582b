package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// electedOver reports whether deputy d is of a congress above p's
// jurisdiction (their constituency holds p's region: a city, provincial or
// national deputy for a county's staff) and elected over station st (its
// primary region or, for a cross-border station, one of its regions); such
// a deputy may be posted there by whoever keeps the station (five levels,
// docs/levels.md). A deputy of another county — even one a cross-border
// station also serves — is not: that is sideways, not above.
func (a *App) electedOver(ctx context.Context, q store.Q, p zhitong.Principal, d zhitong.Deputy, st zhitong.Station) (bool, error) {
	if !inSubtree(p.RegionCode, d.RegionCode) {
		return false, nil
	}
	if inSubtree(st.RegionCode, d.RegionCode) {
		return true, nil
	}
	codes, err := store.ListStationRegions(ctx, q, st.ID)
	if err != nil {
		return false, err
	}
	for _, c := range codes {
		if inSubtree(c, d.RegionCode) {
			return true, nil
		}
	}
	return false, nil
}
