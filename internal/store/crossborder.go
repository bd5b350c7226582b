package store

import (
	"context"
	"strings"
)

// sharedStationWhere selects the stations shared across the edge of the
// region subtree prefix (the SQL form of SharedStations) (docs/stations.md, "Cross-border stations across
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
// It reads the rows of station_regions (cross-border stations only, a few
// per county) with their stations' primary regions and decides in Go, so
// its cost does not grow with the number of ordinary stations.
func SharedStations(ctx context.Context, q Q, prefix string) ([]int64, error) {
	if prefix == "" {
		return nil, nil
	}
	rows, err := q.Query(ctx, `SELECT s.id, s.region_code, sr.region_code FROM station_regions sr JOIN stations s ON s.id = sr.station_id ORDER BY s.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	type seen struct{ in, out bool }
	by := map[int64]*seen{}
	var order []int64
	mark := func(x *seen, code string) {
		if strings.HasPrefix(code, prefix) {
			x.in = true
		} else {
			x.out = true
		}
	}
	for rows.Next() {
		var id int64
		var primary, code string
		if err := rows.Scan(&id, &primary, &code); err != nil {
			return nil, err
		}
		x := by[id]
		if x == nil {
			x = &seen{}
			by[id] = x
			order = append(order, id)
			mark(x, primary)
		}
		mark(x, code)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []int64
	for _, id := range order {
		if by[id].in && by[id].out {
			out = append(out, id)
		}
	}
	return out, nil
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
