package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// Import rows (docs/stations.md, “Import”): the Excel import (internal/
// sheets) validates and upserts one row at a time inside its own
// transaction, so a file is written whole or not at all, through these
// functions. Each checks role and jurisdiction like the forms do, validates
// every field (zhitong.Invalid with the field's name), writes, and audits in
// the caller's transaction. A re-import updates by natural key and reports
// what it did; an identical row changes nothing and is not audited.

// Import outcomes.
const (
	ImportAdded     = "added"
	ImportUpdated   = "updated"
	ImportUnchanged = "unchanged"
)

// StationImport is one station row. Natural key: Name (unique).
type StationImport struct {
	Name    string
	Kind    string   // fixed, mobile, cross_border, or their Chinese names; "" is fixed
	Region  string   // primary region code
	Regions []string // every region of a cross-border station
	Address string
	Hours   string
	Theme   string
	Lat     float64
	Lng     float64
	Phone   string
}

// ParseStationKind reads a station kind given as its value or its Chinese name.
func ParseStationKind(s string) (string, bool) { return parseNamed(StationKinds, s) }

// ParseDeputyLevel reads a level given as its value or its Chinese name (县, 县级, 县人大代表).
func ParseDeputyLevel(s string) (string, bool) {
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "人大代表"), "级")
	return parseNamed(DeputyLevels, s)
}

func parseNamed(list []zhitong.Named[string], s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, n := range list {
		if s == n.Value || s == n.Label {
			return n.Value, true
		}
	}
	return "", false
}

// ImportStation validates station row in and adds it, or updates the
// station with its name, in tx. Committee staff only; the station must lie
// in their jurisdiction.
func (a *App) ImportStation(ctx context.Context, tx *store.Tx, p zhitong.Principal, in StationImport) (string, int64, error) {
	if !p.Staff() {
		return "", 0, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee {
		return "", 0, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以导入联络站")
	}
	in.Name = strings.TrimSpace(in.Name)
	// Every invalid field is reported at once (app.Problems splits them): a
	// bad kind is reported, and the rest checked as for a fixed station.
	var badKind error
	kind := StationFixed
	if strings.TrimSpace(in.Kind) != "" {
		if k, ok := ParseStationKind(in.Kind); ok {
			kind = k
		} else {
			badKind = zhitong.Invalid("kind", "联络站类型“%s”无效，应为固定联络站、流动联络点或跨区域联络站", in.Kind)
		}
	}
	// check validates the draft, the kind and the jurisdiction together.
	check := func(d *stationDraft, moved bool) error {
		err := a.checkStation(ctx, tx, d)
		if err != nil && zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		bad := []error{badKind, err}
		if moved && d.st.RegionCode != "" && !strings.HasPrefix(d.st.RegionCode, p.RegionCode) && !hasField(err, "region") {
			bad = append(bad, zhitong.Invalid("region", "联络站所在的行政区划不在您的管辖范围内"))
		}
		return errors.Join(bad...)
	}
	patch := StationPatch{Name: &in.Name, Kind: &kind, Region: &in.Region, Regions: &in.Regions, Address: &in.Address,
		Hours: &in.Hours, Theme: &in.Theme, Lat: &in.Lat, Lng: &in.Lng, Phone: &in.Phone}
	old, err := store.GetStationByName(ctx, tx, in.Name)
	switch {
	case zhitong.ErrorCode(err) == zhitong.ENOTFOUND:
		d := &stationDraft{}
		patch.apply(d)
		if err := check(d, true); err != nil {
			return "", 0, err
		}
		if err := checkStationScope(p, d, nil, nil); err != nil {
			return "", 0, err
		}
		if err := tx.CreateStation(ctx, &d.st); err != nil {
			return "", 0, err
		}
		if err := tx.SetStationRegions(ctx, d.st.ID, d.regions); err != nil {
			return "", 0, err
		}
		return ImportAdded, d.st.ID, a.audit(ctx, tx, p, "station.create", stationObject(d.st.ID),
			map[string]any{"name": d.st.Name, "kind": d.st.Kind, "region": d.st.RegionCode, "regions": d.regions, "source": "import"})
	case err != nil:
		return "", 0, err
	}
	if err := a.mayManageStation(ctx, tx, p, old.ID, stationBasics, stationStructure); err != nil {
		return "", 0, zhitong.Invalid("name", "联络站“%s”已存在且不在您的管辖范围内", old.Name)
	}
	d := &stationDraft{st: old}
	if d.regions, err = store.ListStationRegions(ctx, tx, old.ID); err != nil {
		return "", 0, err
	}
	before := slices.Clone(d.regions)
	patch.apply(d)
	if err := check(d, d.st.RegionCode != old.RegionCode); err != nil {
		return "", 0, err
	}
	if err := checkStationScope(p, d, &old, before); err != nil {
		return "", 0, err
	}
	if d.st == old && slices.Equal(normRegions(old, before), d.regions) {
		return ImportUnchanged, old.ID, nil
	}
	if err := tx.UpdateStation(ctx, &d.st); err != nil {
		return "", 0, err
	}
	if err := tx.SetStationRegions(ctx, old.ID, d.regions); err != nil {
		return "", 0, err
	}
	return ImportUpdated, old.ID, a.audit(ctx, tx, p, "station.update", stationObject(old.ID),
		map[string]any{"name": d.st.Name, "parts": []string{stationBasics, stationStructure}, "kind": d.st.Kind,
			"region": d.st.RegionCode, "regions": d.regions, "source": "import"})
}

// normRegions is a stored region list as checkStation leaves it.
func normRegions(st zhitong.Station, regions []string) []string {
	if st.Kind != StationCrossBorder {
		return nil
	}
	return append([]string{st.RegionCode}, slices.DeleteFunc(slices.Clone(regions), func(c string) bool { return c == st.RegionCode })...)
}

// DeputyImport is one deputy row. Natural key: Name and Constituency
// (原选区) together. Stations are named, the primary one first; an empty
// list, or an empty Phone, leaves what is stored as it is (an export does
// not carry phones).
type DeputyImport struct {
	Name         string
	Levels       []string // values or Chinese names
	Region       string
	Constituency string
	Stations     []string // station names
	Pledge       string
	Phone        string
}

// ImportDeputy validates deputy row in and adds it, or updates the deputy
// with its name and constituency, in tx. Committee staff and county-wide
// officers, within their jurisdiction.
func (a *App) ImportDeputy(ctx context.Context, tx *store.Tx, p zhitong.Principal, in DeputyImport) (string, int64, error) {
	if !p.Staff() {
		return "", 0, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleOfficer || p.StationID != 0 {
		return "", 0, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委和人大干事可以导入代表")
	}
	d := zhitong.Deputy{Name: strings.TrimSpace(in.Name), RegionCode: strings.TrimSpace(in.Region), Constituency: strings.TrimSpace(in.Constituency), Pledge: in.Pledge}
	// Every invalid field is reported at once (Problems splits them).
	var bad []error
	for _, l := range in.Levels {
		if strings.TrimSpace(l) == "" {
			continue
		}
		v, ok := ParseDeputyLevel(l)
		if !ok {
			bad = append(bad, zhitong.Invalid("levels", "代表层级“%s”无效，应为全国、省、市、县、乡镇之一", l))
			continue
		}
		d.Levels = append(d.Levels, v)
	}
	if len(bad) > 0 && len(d.Levels) == 0 {
		d.Levels = []string{DeputyLevels[0].Value} // reported above; check the rest
	}
	err := a.checkDeputy(ctx, tx, &d)
	if err := gather(&bad, err); err != nil {
		return "", 0, err
	}
	if d.RegionCode != "" && !hasField(err, "region") && !strings.HasPrefix(d.RegionCode, p.RegionCode) {
		bad = append(bad, zhitong.Invalid("region", "代表所属的行政区划不在您的管辖范围内"))
	}
	var stationIDs []int64
	stationsOK := true
	for _, name := range in.Stations {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		st, err := store.GetStationByName(ctx, tx, name)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			bad, stationsOK = append(bad, zhitong.Invalid("station_ids", "联络站“%s”不存在，请先导入或新建联络站", name)), false
			continue
		} else if err != nil {
			return "", 0, err
		}
		if err := activeStation(st, "station_ids"); err != nil {
			bad, stationsOK = append(bad, err), false
			continue
		}
		stationIDs = append(stationIDs, st.ID)
	}
	var primary int64
	if len(stationIDs) > 0 && stationsOK {
		var err error
		if primary, stationIDs, err = a.checkDeputyStations(ctx, tx, p, stationIDs[0], stationIDs); err != nil {
			if err := gather(&bad, err); err != nil {
				return "", 0, err
			}
		}
	}
	var phone store.DeputyPhone
	if strings.TrimSpace(in.Phone) != "" {
		var err error
		if phone, err = a.sealDeputyPhone(in.Phone); err != nil {
			bad = append(bad, err)
		}
	}
	if err := errors.Join(bad...); err != nil {
		return "", 0, err
	}
	same, err := store.DeputiesByName(ctx, tx, d.Name)
	if err != nil {
		return "", 0, err
	}
	same = slices.DeleteFunc(same, func(x zhitong.Deputy) bool { return x.Constituency != d.Constituency })
	switch len(same) {
	case 0:
		d.StationID = 0
		if err := tx.InsertDeputy(ctx, &d); err != nil {
			return "", 0, err
		}
		if err := tx.SetDeputyStations(ctx, d.ID, primary, stationIDs); err != nil {
			return "", 0, err
		}
		if err := tx.SetDeputyPhone(ctx, d.ID, phone); err != nil {
			return "", 0, err
		}
		return ImportAdded, d.ID, a.audit(ctx, tx, p, "deputy.create", deputyObject(d.ID),
			map[string]any{"name": d.Name, "levels": d.Levels, "region": d.RegionCode, "station_ids": stationIDs, "phone": phone.Enc != "", "source": "import"})
	case 1:
	default:
		return "", 0, zhitong.Invalid("name", "有 %d 名同名且原选区相同的代表“%s”，无法按姓名和原选区对应，请在代表档案中逐一修改", len(same), d.Name)
	}
	old := same[0]
	parts := []string{deputyProfilePart, deputyPledgePart}
	if len(stationIDs) > 0 {
		parts = append(parts, deputyStations)
	}
	if phone.Enc != "" {
		parts = append(parts, deputyPhonePart)
	}
	if err := a.mayManageDeputy(ctx, tx, p, old, parts...); err != nil {
		return "", 0, zhitong.Invalid("name", "代表“%s”已存在且不在您的管辖范围内", old.Name)
	}
	d.ID, d.StationID, d.Demo = old.ID, old.StationID, old.Demo
	prevStations, err := store.DeputyStationIDs(ctx, tx, old.ID)
	if err != nil {
		return "", 0, err
	}
	prevPhone, err := store.GetDeputyPhone(ctx, tx, old.ID)
	if err != nil {
		return "", 0, err
	}
	changed := !slices.Equal(d.Levels, old.Levels) || d.RegionCode != old.RegionCode || d.Pledge != old.Pledge
	stationsChanged := len(stationIDs) > 0 && (primary != old.StationID || !sameIDs(stationIDs, prevStations))
	phoneChanged := phone.Enc != "" && phone.Index != prevPhone.Index
	if !changed && !stationsChanged && !phoneChanged {
		return ImportUnchanged, old.ID, nil
	}
	if changed {
		if err := tx.UpdateDeputy(ctx, &d); err != nil {
			return "", 0, err
		}
	}
	detail := map[string]any{"name": d.Name, "parts": parts, "source": "import"}
	if stationsChanged {
		if err := tx.SetDeputyStations(ctx, old.ID, primary, stationIDs); err != nil {
			return "", 0, err
		}
		for _, sid := range prevStations {
			if !slices.Contains(stationIDs, sid) {
				if _, err := a.syncStationDeputies(ctx, tx, p, sid, []int64{old.ID}, nil); err != nil {
					return "", 0, err
				}
			}
		}
		detail["station_id"], detail["station_ids"] = primary, stationIDs
	}
	if phoneChanged {
		if err := tx.SetDeputyPhone(ctx, old.ID, phone); err != nil {
			return "", 0, err
		}
		detail["phone"] = true
	}
	return ImportUpdated, old.ID, a.audit(ctx, tx, p, "deputy.update", deputyObject(old.ID), detail)
}

func sameIDs(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// hasField reports whether err joins an invalid-input error on field.
func hasField(err error, field string) bool {
	for _, e := range Problems(err) {
		if zhitong.ErrorField(e) == field {
			return true
		}
	}
	return false
}

// gather adds err to bad when it is about the input (EINVALID) and
// returns it otherwise, so that a failure of the database ends the check
// while every invalid field is reported at once.
func gather(bad *[]error, err error) error {
	if err == nil {
		return nil
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		*bad = append(*bad, err)
		return nil
	}
	return err
}
