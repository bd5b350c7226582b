package store

import (
	"context"

	"zhitong"
)

// OfficeUserIDs returns the active committee and officer accounts of an
// organisation's own office (scoped to exactly one of the region codes,
// posted to no station), but except: those told when a case moves between
// levels (internal/levels).
func OfficeUserIDs(ctx context.Context, q Q, except int64, from, to string) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE role IN (?, ?) AND region_code IN (?, ?) AND station_id IS NULL
 AND NOT disabled AND id <> ? ORDER BY id`, zhitong.RoleCommittee, zhitong.RoleOfficer, from, to, except)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}
