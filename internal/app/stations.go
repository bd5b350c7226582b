package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// Station kinds.
const (
	StationFixed       = "fixed"        // 固定联络站
	StationMobile      = "mobile"       // 流动联络点
	StationCrossBorder = "cross_border" // 跨区域联络站: belongs to two or more regions
)

// StationKinds lists the station kinds with their Chinese names.
var StationKinds = []zhitong.Named[string]{
	{Value: StationFixed, Label: "固定联络站"}, {Value: StationMobile, Label: "流动联络点"}, {Value: StationCrossBorder, Label: "跨区域联络站"},
}

// Limits on a station's text fields, in characters.
const (
	maxStationName    = 50
	maxStationAddress = 200
	maxStationHours   = 100
	maxStationTheme   = 50
	maxStationRules   = 3000
	maxStationNotice  = 500
	maxStationRegions = 10
)

// checkStationPhone normalises a station's public phone: a mobile, or a
// landline with its area code ("0797-4281234"); empty for none.
func checkStationPhone(phone *string) error {
	if strings.TrimSpace(*phone) == "" {
		*phone = ""
		return nil
	}
	n, err := pii.NormalizeContactPhone(*phone)
	if err != nil {
		return zhitong.Invalid("phone", "联系电话格式不正确：请填写手机号，或带区号的固定电话（如 0797-4281234）")
	}
	*phone = n
	return nil
}

// activeStation refuses a retired station where something new would be
// attached to it (a case, a booking, a duty); field names the request's
// field, "" when the station is the object itself.
func activeStation(st zhitong.Station, field string) error {
	if !st.Retired() {
		return nil
	}
	if field == "" {
		return zhitong.Errorf(zhitong.ENOTFOUND, "联络站“%s”已撤销", st.Name)
	}
	return zhitong.Invalid(field, "联络站“%s”已撤销，请选择其他联络站", st.Name)
}

// stationCovered reports whether station id lies in p's jurisdiction. Staff
// posted to a station cover that station only; everyone else covers the
// stations with their primary region — or, for a cross-border station, any
// of its regions — in their region subtree.
func (a *App) stationCovered(ctx context.Context, q store.Q, p zhitong.Principal, stationID int64) (bool, error) {
	if p.StationID != 0 {
		return p.StationID == stationID, nil
	}
	return store.StationCovered(ctx, q, stationID, p.RegionCode)
}

// SeesStation reports whether staff member p covers station st: their own
// station, or for everyone else any of its regions — a cross-border station
// has several. Deputies and units see stations through their cases instead.
func (a *App) SeesStation(ctx context.Context, p zhitong.Principal, st zhitong.Station) (bool, error) {
	return a.seesStation(ctx, a.db, p, st)
}

func (a *App) seesStation(ctx context.Context, q store.Q, p zhitong.Principal, st zhitong.Station) (bool, error) {
	switch {
	case p.Role == zhitong.RoleDeputy || p.Role == zhitong.RoleUnit:
		return false, nil
	case p.StationID != 0 || strings.HasPrefix(st.RegionCode, p.RegionCode):
		return p.StationID == 0 || p.StationID == st.ID, nil
	}
	return a.stationCovered(ctx, q, p, st.ID)
}

// stationRegionFor is the region something taken in at st by p belongs to:
// the station's primary region, or for a cross-border station the first of
// its regions inside p's jurisdiction, so that p keeps seeing it.
func (a *App) stationRegionFor(ctx context.Context, q store.Q, p zhitong.Principal, st zhitong.Station) (string, error) {
	if st.Kind != StationCrossBorder || p.StationID != 0 || strings.HasPrefix(st.RegionCode, p.RegionCode) {
		return st.RegionCode, nil
	}
	codes, err := store.ListStationRegions(ctx, q, st.ID)
	if err != nil {
		return "", err
	}
	for _, c := range codes {
		if strings.HasPrefix(c, p.RegionCode) {
			return c, nil
		}
	}
	return st.RegionCode, nil
}

// Parts of a station that different roles may change.
const (
	stationBasics    = "basics"    // name, address, map point, hours, theme, phone
	stationStructure = "structure" // kind and regions
	stationBulletin  = "bulletin"  // rules and notice
	stationDeputies  = "deputies"
	stationStaff     = "staff"
)

// mayManageStation checks that p may change the given parts of station id:
// the committee everything in its jurisdiction; the head of the station all
// but its kind and regions; an officer the bulletin board and deputies of a
// station they cover. Every part but the bulletin board and deputies also
// needs the station's primary region in p's subtree (docs/stations.md).
func (a *App) mayManageStation(ctx context.Context, q store.Q, p zhitong.Principal, id int64, parts ...string) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(triagerRoles, p.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理联络站", zhitong.Label(zhitong.Roles, p.Role))
	}
	ok, err := a.stationCovered(ctx, q, p, id)
	if err != nil {
		return err
	}
	if !ok {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")
	}
	// Covering one further region of a cross-border station lets staff share
	// its bulletin board and deputies; the station itself — its basics,
	// kind and regions, staff, retiring it — is managed from its primary region.
	if p.StationID == 0 && slices.ContainsFunc(parts, func(part string) bool { return part != stationBulletin && part != stationDeputies }) {
		st, err := store.GetStation(ctx, q, id)
		if err != nil {
			return err
		}
		if !inSubtree(st.RegionCode, p.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站的主区划不在您的管辖范围内，由主区划所在地的代表工委管理")
		}
	}
	for _, part := range parts {
		switch {
		case p.Role == zhitong.RoleCommittee:
		case p.Role == zhitong.RoleStationHead && part != stationStructure:
		case p.Role == zhitong.RoleOfficer && (part == stationBulletin || part == stationDeputies):
		default:
			return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权修改联络站的%s", zhitong.Label(zhitong.Roles, p.Role), stationPartNames[part])
		}
	}
	return nil
}

var stationPartNames = map[string]string{stationBasics: "基本信息", stationStructure: "类型和所属区域",
	stationBulletin: "公示栏内容", stationDeputies: "进站代表", stationStaff: "站长和联络员"}

// StationInput creates a station. Regions lists every region of a
// cross-border station; the first, or Region when given, is its primary region.
type StationInput struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Region  string   `json:"region"`
	Regions []string `json:"regions"`
	Address string   `json:"address"`
	Hours   string   `json:"hours"`
	Theme   string   `json:"theme"`
	Lat     float64  `json:"lat"`
	Lng     float64  `json:"lng"`
	Phone   string   `json:"phone"`
	Rules   string   `json:"rules"`
	Notice  string   `json:"notice"`
}

// StationPatch changes some fields of a station; nil fields stay as they are.
type StationPatch struct {
	Name    *string   `json:"name"`
	Kind    *string   `json:"kind"`
	Region  *string   `json:"region"`
	Regions *[]string `json:"regions"`
	Address *string   `json:"address"`
	Hours   *string   `json:"hours"`
	Theme   *string   `json:"theme"`
	Lat     *float64  `json:"lat"`
	Lng     *float64  `json:"lng"`
	Phone   *string   `json:"phone"`
	Rules   *string   `json:"rules"`
	Notice  *string   `json:"notice"`
}

// parts names the parts of a station the patch changes.
func (in StationPatch) parts() []string {
	var out []string
	if in.Name != nil || in.Address != nil || in.Hours != nil || in.Theme != nil || in.Lat != nil || in.Lng != nil || in.Phone != nil {
		out = append(out, stationBasics)
	}
	if in.Kind != nil || in.Region != nil || in.Regions != nil {
		out = append(out, stationStructure)
	}
	if in.Rules != nil || in.Notice != nil {
		out = append(out, stationBulletin)
	}
	return out
}

// stationDraft is a station with its region list and bulletin, as edited.
type stationDraft struct {
	st      zhitong.Station
	regions []string
	dropped []string // regions named for a station that is not cross-border: ignored, but still checked
	board   store.StationBulletin
}

func (in StationPatch) apply(d *stationDraft) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&d.st.Name, in.Name)
	set(&d.st.Kind, in.Kind)
	set(&d.st.RegionCode, in.Region)
	set(&d.st.Address, in.Address)
	set(&d.st.Hours, in.Hours)
	set(&d.st.Theme, in.Theme)
	set(&d.st.Phone, in.Phone)
	set(&d.board.Rules, in.Rules)
	set(&d.board.Notice, in.Notice)
	if in.Lat != nil {
		d.st.Lat = *in.Lat
	}
	if in.Lng != nil {
		d.st.Lng = *in.Lng
	}
	if in.Regions != nil {
		d.regions = *in.Regions
	}
}

// checkStation validates a draft and normalises its region list: the
// primary region first, no repeats, empty unless the station is cross-border.
func (a *App) checkStation(ctx context.Context, q store.Q, d *stationDraft) error {
	s := &d.st
	var bad []error
	bad = append(bad, checkLen("name", "联络站名称", s.Name, 2, maxStationName))
	if !zhitong.Valid(StationKinds, s.Kind) {
		bad = append(bad, zhitong.Invalid("kind", "请选择联络站类型：固定联络站、流动联络点或跨区域联络站"))
	}
	var regions []string
	for _, c := range d.regions {
		if c = strings.TrimSpace(c); c != "" && !slices.Contains(regions, c) {
			regions = append(regions, c)
		}
	}
	if s.RegionCode == "" && len(regions) > 0 {
		s.RegionCode = regions[0]
	}
	if s.RegionCode == "" {
		bad = append(bad, zhitong.Invalid("region", "请选择联络站所在的行政区划"))
	} else if _, err := store.GetRegion(ctx, q, s.RegionCode); err != nil {
		if err = asInvalid("region", err); zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		bad = append(bad, err)
	}
	if s.Kind == StationCrossBorder && s.RegionCode != "" {
		regions = append([]string{s.RegionCode}, slices.DeleteFunc(regions, func(c string) bool { return c == s.RegionCode })...)
		switch {
		case len(regions) < 2:
			bad = append(bad, zhitong.Invalid("regions", "跨区域联络站至少要属于两个行政区划，请再选择一个"))
		case len(regions) > maxStationRegions:
			bad = append(bad, zhitong.Invalid("regions", "跨区域联络站最多属于 %d 个行政区划", maxStationRegions))
		default:
			for _, c := range regions[1:] {
				if _, err := store.GetRegion(ctx, q, c); err != nil {
					if err = asInvalid("regions", err); zhitong.ErrorCode(err) != zhitong.EINVALID {
						return err
					}
					bad = append(bad, err)
					break
				}
			}
		}
	} else {
		// Only a cross-border station keeps more regions; a region named
		// anyway is still a reference, checked by checkStationScope.
		d.dropped, regions = regions, nil
	}
	d.regions = regions
	for _, f := range []struct {
		field, label, value string
		max                 int
	}{
		{"address", "地址", s.Address, maxStationAddress}, {"hours", "开放时间", s.Hours, maxStationHours},
		{"theme", "特色主题（一站一品）", s.Theme, maxStationTheme},
		{"rules", "工作制度", d.board.Rules, maxStationRules}, {"notice", "公告", d.board.Notice, maxStationNotice},
	} {
		bad = append(bad, checkLen(f.field, f.label, f.value, 0, f.max))
	}
	bad = append(bad, checkStationPhone(&s.Phone), checkMapPoint(s.Lat, s.Lng))
	return errors.Join(bad...)
}

// checkStationScope checks that p may give station draft d its regions:
// every region — the primary one and each further region of a cross-border
// station — must lie in p's subtree, so that no committee hands another
// county a say over its station. A station across two counties is created
// by the committee whose jurisdiction holds both (the city's), or by the
// system. old and oldRegions are the station as stored (nil on create);
// when its primary region and region list stay as they are, there is
// nothing to check.
func checkStationScope(p zhitong.Principal, d *stationDraft, old *zhitong.Station, oldRegions []string) error {
	if isSystem(p) {
		return nil
	}
	if old != nil && d.st.RegionCode == old.RegionCode && slices.Equal(normRegions(*old, oldRegions), d.regions) && len(d.dropped) == 0 {
		return nil
	}
	if !inSubtree(d.st.RegionCode, p.RegionCode) {
		return zhitong.Invalid("region", "联络站所在的行政区划不在您的管辖范围内")
	}
	for _, c := range append(d.regions, d.dropped...) {
		if !inSubtree(c, p.RegionCode) {
			return zhitong.Invalid("regions", "所选区划（%s）不在您的管辖范围内：跨区域联络站的每个所属区划都须在您的管辖范围内，跨县（市、区）的联络站请由共同的上级代表工委新建", c)
		}
	}
	return nil
}

// checkMapPoint accepts a point inside China's bounding box, or no point (both 0).
func checkMapPoint(lat, lng float64) error {
	if lat == 0 && lng == 0 {
		return nil
	}
	if lat < 3.5 || lat > 53.6 {
		return zhitong.Invalid("lat", "纬度应在 3.5 到 53.6 之间（中国境内），不标注地图位置请留空")
	}
	if lng < 73.4 || lng > 135.1 {
		return zhitong.Invalid("lng", "经度应在 73.4 到 135.1 之间（中国境内），不标注地图位置请留空")
	}
	return nil
}

// CreateStation creates a station in the committee's jurisdiction.
func (a *App) CreateStation(ctx context.Context, p zhitong.Principal, in StationInput) (*StationProfile, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以新建联络站")
	}
	d := &stationDraft{st: zhitong.Station{Kind: StationFixed}}
	StationPatch{Name: &in.Name, Region: &in.Region, Regions: &in.Regions, Address: &in.Address, Hours: &in.Hours,
		Theme: &in.Theme, Lat: &in.Lat, Lng: &in.Lng, Phone: &in.Phone, Rules: &in.Rules, Notice: &in.Notice}.apply(d)
	if in.Kind != "" {
		d.st.Kind = strings.TrimSpace(in.Kind)
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if err := a.checkStation(ctx, tx, d); err != nil {
			return err
		}
		if err := checkStationScope(p, d, nil, nil); err != nil {
			return err
		}
		if err := tx.CreateStation(ctx, &d.st); err != nil {
			return err
		}
		if err := tx.SetStationRegions(ctx, d.st.ID, d.regions); err != nil {
			return err
		}
		if err := tx.SetStationBulletin(ctx, d.st.ID, d.board); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "station.create", stationObject(d.st.ID),
			map[string]any{"name": d.st.Name, "kind": d.st.Kind, "region": d.st.RegionCode, "regions": d.regions})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffStation(ctx, p, d.st.ID)
}

// UpdateStation changes a station: its basics, kind and regions, or bulletin board.
func (a *App) UpdateStation(ctx context.Context, p zhitong.Principal, id int64, in StationPatch) (*StationProfile, error) {
	parts := in.parts()
	if len(parts) == 0 {
		return nil, zhitong.Errorf(zhitong.EINVALID, "没有要修改的内容")
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		st, err := store.GetStation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.mayManageStation(ctx, tx, p, id, parts...); err != nil {
			return err
		}
		d := &stationDraft{st: st}
		if d.regions, err = store.ListStationRegions(ctx, tx, id); err != nil {
			return err
		}
		if d.board, err = store.GetStationBulletin(ctx, tx, id); err != nil {
			return err
		}
		before := slices.Clone(d.regions)
		in.apply(d)
		if err := a.checkStation(ctx, tx, d); err != nil {
			return err
		}
		if err := checkStationScope(p, d, &st, before); err != nil {
			return err
		}
		if err := tx.UpdateStation(ctx, &d.st); err != nil {
			return err
		}
		if err := tx.SetStationRegions(ctx, id, d.regions); err != nil {
			return err
		}
		if err := tx.SetStationBulletin(ctx, id, d.board); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "station.update", stationObject(id),
			map[string]any{"name": d.st.Name, "parts": parts, "kind": d.st.Kind, "region": d.st.RegionCode, "regions": d.regions})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffStation(ctx, p, id)
}

func stationObject(id int64) string { return "station:" + strconv.FormatInt(id, 10) }

// SetStationDeputies replaces the deputies posted to a station. Each must be
// in the caller's jurisdiction. The planned duties from today on of the
// deputies taken off go in the same transaction (syncStationDeputies); the
// RosterSync says how many, and how many bookings are now stranded.
func (a *App) SetStationDeputies(ctx context.Context, p zhitong.Principal, id int64, deputyIDs []int64) (*StationProfile, *RosterSync, error) {
	var sync *RosterSync
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		st, err := store.GetStation(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.mayManageStation(ctx, tx, p, id, stationDeputies); err != nil {
			return err
		}
		var ids []int64
		for _, did := range deputyIDs {
			if slices.Contains(ids, did) {
				continue
			}
			d, err := store.GetDeputy(ctx, tx, did)
			if err != nil {
				return asInvalid("deputy_ids", err)
			}
			// Station staff may post the deputies of their region to their station.
			ok := p.StationID == id && strings.HasPrefix(d.RegionCode, p.RegionCode)
			if !ok {
				if ok, err = a.deputyCovered(ctx, tx, p, d); err != nil {
					return err
				}
			}
			if !ok {
				// A deputy of a higher congress (city, province, national)
				// elected over the station serves there too (docs/levels.md).
				if ok, err = a.electedOver(ctx, tx, p, d, st); err != nil {
					return err
				}
			}
			if !ok {
				return zhitong.Invalid("deputy_ids", "所选代表不在您的管辖范围内")
			}
			ids = append(ids, did)
		}
		if len(ids) > 200 {
			return zhitong.Invalid("deputy_ids", "一个联络站最多 200 名进站代表")
		}
		before, err := stationDeputyIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := tx.SetStationDeputies(ctx, id, ids); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "station.deputies", stationObject(id), map[string]any{"deputy_ids": ids}); err != nil {
			return err
		}
		sync, err = a.syncStationDeputies(ctx, tx, p, id, before, ids)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	prof, err := a.StaffStation(ctx, p, id)
	return prof, sync, err
}

// SetStationStaff replaces the accounts posted to a station: station heads
// and officers. Accounts taken off it are posted to no station.
func (a *App) SetStationStaff(ctx context.Context, p zhitong.Principal, id int64, userIDs []int64) (*StationProfile, error) {
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := store.GetStation(ctx, tx, id); err != nil {
			return err
		}
		if err := a.mayManageStation(ctx, tx, p, id, stationStaff); err != nil {
			return err
		}
		current, err := store.ListStationStaff(ctx, tx, id)
		if err != nil {
			return err
		}
		var keep []int64
		for _, uid := range userIDs {
			if slices.Contains(keep, uid) {
				continue
			}
			u, err := store.GetUser(ctx, tx, uid)
			if err != nil {
				return asInvalid("user_ids", err)
			}
			if u.StationID != id {
				// Staff of this station stay listable; anyone else must be p's.
				if _, err := a.checkUserRef(ctx, tx, p, "user_ids", uid); err != nil {
					return err
				}
			}
			if u.Role != zhitong.RoleStationHead && u.Role != zhitong.RoleOfficer {
				return zhitong.Invalid("user_ids", "账号%s不是站长或联络员", u.DisplayName)
			}
			if p.Role == zhitong.RoleStationHead && u.Role == zhitong.RoleStationHead && u.StationID != id {
				return zhitong.Invalid("user_ids", "站长只能由代表工委指定")
			}
			keep = append(keep, uid)
			if err := tx.SetUserStation(ctx, uid, id); err != nil {
				return err
			}
		}
		var removed []int64
		for _, u := range current {
			if !slices.Contains(keep, u.ID) {
				if p.Role == zhitong.RoleStationHead && u.Role == zhitong.RoleStationHead {
					return zhitong.Invalid("user_ids", "站长只能由代表工委调整")
				}
				removed = append(removed, u.ID)
				if err := tx.SetUserStation(ctx, u.ID, 0); err != nil {
					return err
				}
			}
		}
		return a.audit(ctx, tx, p, "station.staff", stationObject(id), map[string]any{"user_ids": keep, "removed": removed})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffStation(ctx, p, id)
}
