package store

import (
	"context"
	"database/sql"
	"errors"

	"zhitong"
)

// StatKeyRegion is the region of a station, unit or deputy (slice names
// the table as the dashboard's slices do), to check a row key against a
// viewer's jurisdiction.
func StatKeyRegion(ctx context.Context, q Q, slice string, id int64) (string, error) {
	table := map[string]string{"unit": "units", "station": "stations", "deputy": "deputies"}[slice]
	if table == "" {
		return "", zhitong.Errorf(zhitong.ENOTFOUND, "没有“%s”对比项", slice)
	}
	var region string
	err := q.QueryRow(ctx, `SELECT region_code FROM `+table+` WHERE id = ?`, id).Scan(&region)
	if errors.Is(err, sql.ErrNoRows) {
		return "", zhitong.Errorf(zhitong.ENOTFOUND, "对比项 %d 不存在", id)
	}
	return region, err
}
