package store

import (
	"context"

	"zhitong"
)

// UpdateUserScope saves an account's display name, role and jurisdiction
// (region, station, unit, deputy).
func (t *Tx) UpdateUserScope(ctx context.Context, u *zhitong.User) error {
	res, err := t.Exec(ctx, `UPDATE users SET display_name = ?, role = ?, region_code = ?, station_id = ?, unit_id = ?, deputy_id = ? WHERE id = ?`,
		u.DisplayName, u.Role, u.RegionCode, nullID(u.StationID), nullID(u.UnitID), nullID(u.DeputyID), u.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "用户不存在")
	}
	return nil
}
