package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// electedOver reports whether deputy d's constituency holds station st (its
// primary region or, for a cross-border station, one of its regions): a
// deputy of a higher level's congress elected over the station, who may be
// posted there by whoever keeps the station (five levels, docs/levels.md).
func (a *App) electedOver(ctx context.Context, q store.Q, d zhitong.Deputy, st zhitong.Station) (bool, error) {
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
