package store

import (
	"context"
	"strings"
)

// sharedStationWhere selects the stations shared across the edge of the
// region subtree prefix (docs/stations.md, "Cross-border stations across
// provinces"): cross-border stations (with rows in station_regions) with
// one region inside the subtree and one outside it. Its arguments are
// prefix+"%" four times.
const sharedStationWhere = `EXISTS (SELECT 1 FROM station_regions sx WHERE sx.station_id = s.id)
 AND (s.region_code LIKE ? OR EXISTS (SELECT 1 FROM station_regions si WHERE si.station_id = s.id AND si.region_code LIKE ?))
 AND (s.region_code NOT LIKE ? OR EXISTS (SELECT 1 FROM station_regions so WHERE so.station_id = s.id AND so.region_code NOT LIKE ?))`

func sharedArgs(prefix string) []any {
	p := prefix + "%"
	return []any{p, p, p, p}
}

// SharedStations returns the ids of the stations shared across the edge of
// the region subtree prefix: one of their regions lies in it and another
// outside it. The national scope ("") shares none: it holds every region.
func SharedStations(ctx context.Context, q Q, prefix string) ([]int64, error) {
	if prefix == "" {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT s.id FROM stations s WHERE `+sharedStationWhere+` ORDER BY s.id`, sharedArgs(prefix)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
}

// StationShared reports whether station id is shared across the edge of
// the region subtree prefix (see SharedStations).
func StationShared(ctx context.Context, q Q, id int64, prefix string) (bool, error) {
	if prefix == "" || id == 0 {
		return false, nil
	}
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM stations s WHERE s.id = ? AND `+sharedStationWhere, append([]any{id}, sharedArgs(prefix)...)...).Scan(&n)
	return n > 0, err
}

// regionOrStations is the scope condition of a region subtree widened by
// the cases taken in at the given stations.
func regionOrStations(q Q, prefix string, stations []int64) (string, []any) {
	cond, lo, hi := regionPrefix(regionColumn(q), prefix)
	ids := make([]string, len(stations))
	args := []any{lo, hi}
	for i, id := range stations {
		ids[i] = "?"
		args = append(args, id)
	}
	return `((` + cond + `) OR station_id IN (` + strings.Join(ids, ", ") + `))`, args
}
