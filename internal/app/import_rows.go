package app

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// The functions in this file save one row of an Excel import (internal/sheets)
// inside the caller's transaction, so a whole file is written or nothing is.
// They apply the same checks as the create and update functions of each
// area, compare the row with what is stored, and write and audit only when
// something changed: re-importing an exported list changes nothing.

// Import outcomes: what saving one imported row did.
const (
	ImportAdded     = "added"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
)

// SystemAs is the principal of a command run on the server that acts with
// the rights of role in region, such as zhitong import: the system, but
// limited as a member of staff would be. The audit log names it "system".
func SystemAs(role zhitong.Role, region string) zhitong.Principal {
	return zhitong.Principal{Name: System.Name, Role: role, RegionCode: region}
}

// mayImport checks that p is the role that imports kind, or the system (the CLI).
func mayImport(p zhitong.Principal, role zhitong.Role, what string) error {
	if isSystem(p) || p.Role == role && p.StationID == 0 {
		return nil
	}
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	return zhitong.Errorf(zhitong.EFORBIDDEN, "只有%s可以导入%s", zhitong.Label(zhitong.Roles, role), what)
}

// MayImport checks that p may import the kind of record that role manages
// (the committee: stations, deputies, units; the security administrator:
// staff accounts).
func MayImport(p zhitong.Principal, role zhitong.Role, what string) error {
	return mayImport(p, role, what)
}

func importDetail(detail map[string]any, row int) map[string]any {
	detail["source"], detail["row"] = "import", row
	return detail
}

// ImportStation creates a station (id 0) or updates station id from import
// row, in tx, with the checks of CreateStation and UpdateStation.
func (a *App) ImportStation(ctx context.Context, tx *store.Tx, p zhitong.Principal, row int, id int64, in StationPatch) (int64, string, error) {
	if err := mayImport(p, zhitong.RoleCommittee, "联络站"); err != nil {
		return 0, "", err
	}
	d := &stationDraft{st: zhitong.Station{Kind: StationFixed}}
	var before stationDraft
	if id != 0 {
		st, err := store.GetStation(ctx, tx, id)
		if err != nil {
			return 0, "", err
		}
		if ok, err := a.stationCovered(ctx, tx, p, id); err != nil {
			return 0, "", err
		} else if !ok {
			return 0, "", zhitong.Invalid("name", "联络站“%s”已存在，但不在您的管辖范围内", st.Name)
		}
		d.st = st
		if d.regions, err = store.ListStationRegions(ctx, tx, id); err != nil {
			return 0, "", err
		}
		if d.board, err = store.GetStationBulletin(ctx, tx, id); err != nil {
			return 0, "", err
		}
		before = stationDraft{st: d.st, regions: slices.Clone(d.regions), board: d.board}
	}
	in.apply(d)
	if err := a.checkStation(ctx, tx, d); err != nil {
		return 0, "", err
	}
	if (id == 0 || d.st.RegionCode != before.st.RegionCode) && !strings.HasPrefix(d.st.RegionCode, p.RegionCode) {
		return 0, "", zhitong.Invalid("region", "联络站所在的行政区划不在您的管辖范围内")
	}
	for _, c := range d.regions {
		if !slices.Contains(before.regions, c) && !strings.HasPrefix(c, p.RegionCode) && c != d.st.RegionCode {
			return 0, "", zhitong.Invalid("regions", "行政区划 %s 不在您的管辖范围内", c)
		}
	}
	if id != 0 && d.st == before.st && sameSet(d.regions, before.regions) && d.board == before.board {
		return id, ImportUnchanged, nil
	}
	action, outcome := "station.update", ImportUpdated
	if id == 0 {
		action, outcome = "station.create", ImportAdded
		if err := tx.CreateStation(ctx, &d.st); err != nil {
			return 0, "", err
		}
	} else if err := tx.UpdateStation(ctx, &d.st); err != nil {
		return 0, "", err
	}
	if err := tx.SetStationRegions(ctx, d.st.ID, d.regions); err != nil {
		return 0, "", err
	}
	if err := tx.SetStationBulletin(ctx, d.st.ID, d.board); err != nil {
		return 0, "", err
	}
	err := a.audit(ctx, tx, p, action, stationObject(d.st.ID),
		importDetail(map[string]any{"name": d.st.Name, "kind": d.st.Kind, "region": d.st.RegionCode, "regions": d.regions}, row))
	return d.st.ID, outcome, err
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// ImportDeputy creates a deputy (id 0) or updates deputy id from import row,
// in tx, with the checks of CreateDeputy and UpdateDeputy. StationIDs (the
// primary first) replace the deputy's stations in p's jurisdiction; stations
// outside it stay.
func (a *App) ImportDeputy(ctx context.Context, tx *store.Tx, p zhitong.Principal, row int, id int64, in DeputyInput) (int64, string, error) {
	if err := mayImport(p, zhitong.RoleCommittee, "代表"); err != nil {
		return 0, "", err
	}
	d := zhitong.Deputy{Name: in.Name, Levels: in.Levels, RegionCode: strings.TrimSpace(in.Region), Constituency: in.Constituency, Pledge: in.Pledge}
	var old zhitong.Deputy
	var prev, others []int64
	if id != 0 {
		var err error
		if old, err = store.GetDeputy(ctx, tx, id); err != nil {
			return 0, "", err
		}
		if ok, err := a.deputyCovered(ctx, tx, p, old); err != nil {
			return 0, "", err
		} else if !ok {
			return 0, "", zhitong.Invalid("name", "代表%s已存在，但不在您的管辖范围内", old.Name)
		}
		d.ID, d.StationID, d.Demo = old.ID, old.StationID, old.Demo
		if prev, err = store.DeputyStationIDs(ctx, tx, id); err != nil {
			return 0, "", err
		}
		for _, sid := range prev {
			if ok, err := a.stationCovered(ctx, tx, p, sid); err != nil {
				return 0, "", err
			} else if !ok {
				others = append(others, sid)
			}
		}
	}
	if err := a.checkDeputy(ctx, tx, &d); err != nil {
		return 0, "", err
	}
	if (id == 0 || d.RegionCode != old.RegionCode) && !strings.HasPrefix(d.RegionCode, p.RegionCode) {
		return 0, "", zhitong.Invalid("region", "代表所属的行政区划不在您的管辖范围内")
	}
	primary, mine, err := a.checkDeputyStations(ctx, tx, p, in.StationID, in.StationIDs)
	if err != nil {
		return 0, "", err
	}
	all := append(slices.DeleteFunc(mine, func(s int64) bool { return slices.Contains(others, s) }), others...)
	if primary == 0 && len(all) > 0 {
		primary = all[0]
	}
	sameStations := primary == old.StationID && len(all) == len(prev)
	for _, sid := range all {
		sameStations = sameStations && slices.Contains(prev, sid)
	}
	sameProfile := d.Name == old.Name && slices.Equal(d.Levels, old.Levels) && d.RegionCode == old.RegionCode &&
		d.Constituency == old.Constituency && d.Pledge == old.Pledge
	if id != 0 && sameProfile && sameStations {
		return id, ImportUnchanged, nil
	}
	action, outcome := "deputy.update", ImportUpdated
	if id == 0 {
		action, outcome = "deputy.create", ImportAdded
		if err := tx.InsertDeputy(ctx, &d); err != nil {
			return 0, "", err
		}
	} else if !sameProfile {
		if err := tx.UpdateDeputy(ctx, &d); err != nil {
			return 0, "", err
		}
	}
	if !sameStations {
		if err := tx.SetDeputyStations(ctx, d.ID, primary, all); err != nil {
			return 0, "", err
		}
		// Duties to come at a station they left go with it (roster_sync.go).
		for _, sid := range prev {
			if !slices.Contains(all, sid) {
				if _, err := a.syncStationDeputies(ctx, tx, p, sid, []int64{d.ID}, nil); err != nil {
					return 0, "", err
				}
			}
		}
	}
	err = a.audit(ctx, tx, p, action, deputyObject(d.ID),
		importDetail(map[string]any{"name": d.Name, "levels": d.Levels, "region": d.RegionCode, "station_id": primary, "station_ids": all}, row))
	return d.ID, outcome, err
}

// ImportUser creates a staff account (no account named in.Username yet;
// in.Password is its initial password, to be changed at first sign-in) or
// updates its name, role and jurisdiction, in tx, with AddUser's checks.
// The account's region, station, unit and deputy must lie in p's jurisdiction.
func (a *App) ImportUser(ctx context.Context, tx *store.Tx, p zhitong.Principal, row int, in UserInput) (int64, string, error) {
	if err := mayImport(p, zhitong.RoleSecAdmin, "员工账号"); err != nil {
		return 0, "", err
	}
	in.Username, in.DisplayName, in.RegionCode = strings.TrimSpace(in.Username), strings.TrimSpace(in.DisplayName), strings.TrimSpace(in.RegionCode)
	if err := checkUsername(in.Username); err != nil {
		return 0, "", err
	}
	if in.DisplayName == "" {
		in.DisplayName = in.Username
	}
	if err := checkLen("display_name", "姓名", in.DisplayName, 1, 50); err != nil {
		return 0, "", err
	}
	if !zhitong.Valid(zhitong.Roles, in.Role) {
		return 0, "", zhitong.Invalid("role", "角色“%s”无效", in.Role)
	}
	if in.RegionCode == "" {
		return 0, "", zhitong.Invalid("region", "请填写账号管辖的行政区划代码")
	}
	if err := a.checkScope(ctx, in.Role, in.RegionCode, in.StationID, in.UnitID, in.DeputyID); err != nil {
		return 0, "", err
	}
	if !strings.HasPrefix(in.RegionCode, p.RegionCode) {
		return 0, "", zhitong.Invalid("region", "账号的行政区划不在您的管辖范围内")
	}
	if in.DeputyID != 0 {
		if in.Role != zhitong.RoleDeputy {
			return 0, "", zhitong.Invalid("deputy_id", "只有角色为人大代表的账号可以关联代表")
		}
		prev, err := store.GetUserByDeputy(ctx, tx, in.DeputyID)
		if err == nil && prev.Username != in.Username {
			return 0, "", zhitong.Invalid("deputy_id", "该代表已关联账号 %s；如需更换，请在代表档案页操作", prev.Username)
		} else if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return 0, "", err
		}
	}
	old, err := store.GetUserByName(ctx, tx, in.Username)
	if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return 0, "", err
	}
	if old != nil && !strings.HasPrefix(old.RegionCode, p.RegionCode) {
		return 0, "", zhitong.Invalid("username", "用户名“%s”已被您管辖范围之外的账号使用", in.Username)
	}
	u := &zhitong.User{Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, RegionCode: in.RegionCode,
		StationID: in.StationID, UnitID: in.UnitID, DeputyID: in.DeputyID}
	detail := map[string]any{"username": u.Username, "role": u.Role, "region": u.RegionCode}
	if old != nil {
		if old.DisplayName == u.DisplayName && old.Role == u.Role && old.RegionCode == u.RegionCode &&
			old.StationID == u.StationID && old.UnitID == u.UnitID && old.DeputyID == u.DeputyID {
			return old.ID, ImportUnchanged, nil
		}
		u.ID = old.ID
		if err := tx.UpdateUserScope(ctx, u); err != nil {
			return 0, "", err
		}
		return u.ID, ImportUpdated, a.audit(ctx, tx, p, "user.update", "user:"+strconv.FormatInt(u.ID, 10), importDetail(detail, row))
	}
	if err := ValidatePassword(in.Password); err != nil {
		return 0, "", err
	}
	u.PasswordHash, u.CreatedAt, u.MustChangePassword = a.HashPassword(in.Password), a.clock.Now(), true
	if err := tx.InsertUser(ctx, u); err != nil {
		return 0, "", err
	}
	return u.ID, ImportAdded, a.audit(ctx, tx, p, "user.add", "user:"+strconv.FormatInt(u.ID, 10), importDetail(detail, row))
}
