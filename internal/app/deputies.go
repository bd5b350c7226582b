package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// DeputyLevels are the five levels of people's congresses (五级人大), top down.
var DeputyLevels = []zhitong.Named[string]{
	{Value: "national", Label: "全国"}, {Value: "province", Label: "省"}, {Value: "city", Label: "市"},
	{Value: "county", Label: "县"}, {Value: "township", Label: "乡镇"},
}

// MaxDeputyPhotoBytes bounds a deputy's photo: a portrait for a bulletin board.
const MaxDeputyPhotoBytes = 1 << 20

// Limits on a deputy's profile, in characters.
const (
	maxDeputyName         = 20
	maxDeputyConstituency = 100
	maxDeputyPledge       = 500
	maxDeputyStations     = 10
)

// AccountRef names the account a deputy logs in with.
type AccountRef struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
}

// DeputyProfile is a deputy as the station pages and the API show them.
// Account appears only to staff.
type DeputyProfile struct {
	ID           int64       `json:"id"`
	Name         string      `json:"name"`
	Levels       []string    `json:"levels"`
	LevelText    string      `json:"level_text"`
	Region       string      `json:"region"`
	Constituency string      `json:"constituency"`
	StationID    int64       `json:"station_id"`
	StationIDs   []int64     `json:"station_ids"`
	Pledge       string      `json:"pledge"`
	PhotoURL     string      `json:"photo_url,omitempty"`
	ScorecardURL string      `json:"scorecard_url"`
	Account      *AccountRef `json:"account,omitempty"`
	// PhoneMasked is the deputy's SMS phone as staff who cover them see it
	// (138****1234); empty for the public and when none is on file.
	PhoneMasked string `json:"phone_masked,omitempty"`
	Demo        bool   `json:"demo"`
}

// levelText reads levels as 县、乡镇人大代表.
func levelText(levels []string) string {
	var names []string
	for _, l := range DeputyLevels {
		if slices.Contains(levels, l.Value) {
			names = append(names, l.Label)
		}
	}
	return strings.Join(names, "、") + "人大代表"
}

func (a *App) deputyProfiles(ctx context.Context, q store.Q, list []zhitong.Deputy, withAccount bool) ([]DeputyProfile, error) {
	tags, err := store.ListDeputyPhotoTags(ctx, q)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, d := range list {
		ids[i] = d.ID
	}
	// The stations, phones and accounts of the whole list, a query each.
	links, err := store.ListDeputyLinks(ctx, q, ids, withAccount)
	if err != nil {
		return nil, err
	}
	out := make([]DeputyProfile, 0, len(list))
	for _, d := range list {
		dp := DeputyProfile{ID: d.ID, Name: d.Name, Levels: d.Levels, LevelText: levelText(d.Levels), Region: d.RegionCode,
			Constituency: d.Constituency, StationID: d.StationID, Pledge: d.Pledge, Demo: d.Demo,
			ScorecardURL: "/deputies/" + strconv.FormatInt(d.ID, 10) + "/scorecard", StationIDs: links.Stations[d.ID]}
		if dp.Levels == nil {
			dp.Levels = []string{}
		}
		if dp.StationIDs == nil {
			dp.StationIDs = []int64{}
		}
		if tag, ok := tags[d.ID]; ok {
			dp.PhotoURL = "/deputies/" + strconv.FormatInt(d.ID, 10) + "/photo?v=" + tag
		}
		if withAccount {
			if enc := links.Phones[d.ID]; enc != "" {
				phone, err := a.sealer.Open(enc, deputyPhoneAAD)
				if err != nil {
					return nil, err
				}
				dp.PhoneMasked = pii.MaskPhone(phone)
			}
			if u := links.Users[d.ID]; u != nil {
				dp.Account = &AccountRef{UserID: u.ID, Username: u.Username}
			}
		}
		out = append(out, dp)
	}
	return out, nil
}

// deputyCovered reports whether deputy d lies in staff p's jurisdiction:
// posted to p's station, for station staff; else elected in p's region
// subtree or posted to a station p covers.
func (a *App) deputyCovered(ctx context.Context, q store.Q, p zhitong.Principal, d zhitong.Deputy) (bool, error) {
	if p.StationID == 0 && strings.HasPrefix(d.RegionCode, p.RegionCode) {
		return true, nil
	}
	ids, err := store.DeputyStationIDs(ctx, q, d.ID)
	if err != nil {
		return false, err
	}
	for _, id := range ids {
		ok, err := a.stationCovered(ctx, q, p, id)
		if ok || err != nil {
			return ok, err
		}
	}
	return false, nil
}

// Parts of a deputy's profile.
const (
	deputyProfilePart = "profile"  // name, levels, region, constituency
	deputyPledgePart  = "pledge"   // pledge and photo: the deputy may change their own
	deputyStations    = "stations" // the stations they are posted to
	deputyAccount     = "account"
	deputyPhonePart   = "phone" // the phone for SMS: staff who manage the deputy only
)

// mayManageDeputy checks that p may change the given parts of deputy d:
// staff who cover the deputy all but the account, which only the committee
// links; the deputy themself their pledge and photo.
func (a *App) mayManageDeputy(ctx context.Context, q store.Q, p zhitong.Principal, d zhitong.Deputy, parts ...string) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role == zhitong.RoleDeputy && p.DeputyID == d.ID {
		for _, part := range parts {
			if part != deputyPledgePart {
				return zhitong.Errorf(zhitong.EFORBIDDEN, "代表本人只能修改履职承诺和照片")
			}
		}
		return nil
	}
	if !slices.Contains(triagerRoles, p.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理代表档案", zhitong.Label(zhitong.Roles, p.Role))
	}
	ok, err := a.deputyCovered(ctx, q, p, d)
	if err != nil {
		return err
	}
	if !ok {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "该代表不在您的管辖范围内")
	}
	if slices.Contains(parts, deputyAccount) && p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以关联代表的登录账号")
	}
	return nil
}

// DeputyInput creates a deputy's profile. StationIDs lists every station
// they are posted to; StationID, their primary station, is added to it.
type DeputyInput struct {
	Name         string   `json:"name"`
	Levels       []string `json:"levels"`
	Region       string   `json:"region"`
	Constituency string   `json:"constituency"`
	StationID    int64    `json:"station_id"`
	StationIDs   []int64  `json:"station_ids"`
	Pledge       string   `json:"pledge"`
	Phone        string   `json:"phone"` // mobile for SMS; stored sealed
}

// DeputyPatch changes some fields of a deputy's profile; nil fields stay.
type DeputyPatch struct {
	Name         *string   `json:"name"`
	Levels       *[]string `json:"levels"`
	Region       *string   `json:"region"`
	Constituency *string   `json:"constituency"`
	StationID    *int64    `json:"station_id"`
	StationIDs   *[]int64  `json:"station_ids"`
	Pledge       *string   `json:"pledge"`
	Phone        *string   `json:"phone"` // "" removes it
}

func (in DeputyPatch) parts() []string {
	var out []string
	if in.Name != nil || in.Levels != nil || in.Region != nil || in.Constituency != nil {
		out = append(out, deputyProfilePart)
	}
	if in.Pledge != nil {
		out = append(out, deputyPledgePart)
	}
	if in.StationID != nil || in.StationIDs != nil {
		out = append(out, deputyStations)
	}
	if in.Phone != nil {
		out = append(out, deputyPhonePart)
	}
	return out
}

// checkDeputy validates a deputy's profile fields.
func (a *App) checkDeputy(ctx context.Context, q store.Q, d *zhitong.Deputy) error {
	d.Name, d.Constituency, d.Pledge = strings.TrimSpace(d.Name), strings.TrimSpace(d.Constituency), strings.TrimSpace(d.Pledge)
	// Every invalid field is reported at once (Problems splits them).
	bad := []error{checkLen("name", "代表姓名", d.Name, 1, maxDeputyName)}
	var levels []string
	for _, l := range d.Levels {
		if !zhitong.Valid(DeputyLevels, l) {
			bad = append(bad, zhitong.Invalid("levels", "代表层级“%s”无效，应为全国、省、市、县、乡镇之一", l))
		}
	}
	for _, l := range DeputyLevels {
		if slices.Contains(d.Levels, l.Value) {
			levels = append(levels, l.Value)
		}
	}
	if len(levels) == 0 && len(d.Levels) == 0 {
		bad = append(bad, zhitong.Invalid("levels", "请至少选择一个代表层级"))
	}
	d.Levels = levels
	if d.RegionCode == "" {
		bad = append(bad, zhitong.Invalid("region", "请选择代表所属的行政区划"))
	} else if _, err := store.GetRegion(ctx, q, d.RegionCode); err != nil {
		if err := gather(&bad, asInvalid("region", err)); err != nil {
			return err
		}
	}
	bad = append(bad, checkLen("constituency", "原选区", d.Constituency, 0, maxDeputyConstituency),
		checkLen("pledge", "履职承诺", d.Pledge, 0, maxDeputyPledge))
	return errors.Join(bad...)
}

// checkDeputyStations resolves a deputy's stations: the primary one first,
// no repeats, each covered by p.
func (a *App) checkDeputyStations(ctx context.Context, q store.Q, p zhitong.Principal, primary int64, ids []int64) (int64, []int64, error) {
	var out []int64
	if primary != 0 {
		out = append(out, primary)
	}
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(out) > maxDeputyStations {
		return 0, nil, zhitong.Invalid("station_ids", "一名代表最多进 %d 个联络站", maxDeputyStations)
	}
	for _, id := range out {
		_, err := store.GetStation(ctx, q, id)
		if err != nil {
			return 0, nil, asInvalid("station_ids", err)
		}
		ok, err := a.stationCovered(ctx, q, p, id)
		if err != nil {
			return 0, nil, err
		}
		if !ok {
			return 0, nil, zhitong.Invalid("station_ids", "所选联络站不在您的管辖范围内")
		}
	}
	if len(out) > 0 {
		primary = out[0]
	}
	return primary, out, nil
}

// CreateDeputy creates a deputy's profile in the caller's jurisdiction.
func (a *App) CreateDeputy(ctx context.Context, p zhitong.Principal, in DeputyInput) (*DeputyProfile, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleOfficer || p.StationID != 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委和人大干事可以新建代表档案")
	}
	d := zhitong.Deputy{Name: in.Name, Levels: in.Levels, RegionCode: strings.TrimSpace(in.Region), Constituency: in.Constituency, Pledge: in.Pledge}
	phone, err := a.sealDeputyPhone(in.Phone)
	if err != nil {
		return nil, err
	}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if err := a.checkDeputy(ctx, tx, &d); err != nil {
			return err
		}
		if !strings.HasPrefix(d.RegionCode, p.RegionCode) {
			return zhitong.Invalid("region", "代表所属的行政区划不在您的管辖范围内")
		}
		primary, ids, err := a.checkDeputyStations(ctx, tx, p, in.StationID, in.StationIDs)
		if err != nil {
			return err
		}
		if err := tx.InsertDeputy(ctx, &d); err != nil {
			return err
		}
		if err := tx.SetDeputyStations(ctx, d.ID, primary, ids); err != nil {
			return err
		}
		if err := tx.SetDeputyPhone(ctx, d.ID, phone); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "deputy.create", deputyObject(d.ID),
			map[string]any{"name": d.Name, "levels": d.Levels, "region": d.RegionCode, "station_ids": ids, "phone": phone.Enc != ""})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffDeputy(ctx, p, d.ID)
}

// UpdateDeputy changes a deputy's profile or stations.
func (a *App) UpdateDeputy(ctx context.Context, p zhitong.Principal, id int64, in DeputyPatch) (*DeputyProfile, error) {
	parts := in.parts()
	if len(parts) == 0 {
		return nil, zhitong.Errorf(zhitong.EINVALID, "没有要修改的内容")
	}
	var phone store.DeputyPhone
	if in.Phone != nil {
		var err error
		if phone, err = a.sealDeputyPhone(*in.Phone); err != nil {
			return nil, err
		}
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := store.GetDeputy(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := a.mayManageDeputy(ctx, tx, p, d, parts...); err != nil {
			return err
		}
		old := d
		for dst, v := range map[*string]*string{&d.Name: in.Name, &d.RegionCode: in.Region, &d.Constituency: in.Constituency, &d.Pledge: in.Pledge} {
			if v != nil {
				*dst = strings.TrimSpace(*v)
			}
		}
		if in.Levels != nil {
			d.Levels = *in.Levels
		}
		if err := a.checkDeputy(ctx, tx, &d); err != nil {
			return err
		}
		if d.RegionCode != old.RegionCode && !strings.HasPrefix(d.RegionCode, p.RegionCode) {
			return zhitong.Invalid("region", "代表所属的行政区划不在您的管辖范围内")
		}
		if err := tx.UpdateDeputy(ctx, &d); err != nil {
			return err
		}
		detail := map[string]any{"name": d.Name, "parts": parts}
		if in.Phone != nil {
			// The audit says that the phone changed, never the number.
			if err := tx.SetDeputyPhone(ctx, id, phone); err != nil {
				return err
			}
			detail["phone"] = phone.Enc != ""
		}
		if slices.Contains(parts, deputyStations) {
			primary, ids := d.StationID, []int64(nil)
			if in.StationID != nil {
				primary = *in.StationID
			}
			if in.StationIDs != nil {
				ids = *in.StationIDs
			} else if ids, err = store.DeputyStationIDs(ctx, tx, id); err != nil {
				return err
			}
			// Stations outside p's jurisdiction stay as they are.
			var mine, others []int64
			for _, sid := range ids {
				if ok, err := a.stationCovered(ctx, tx, p, sid); err != nil {
					return err
				} else if ok || in.StationIDs != nil {
					mine = append(mine, sid)
				}
			}
			prev, err := store.DeputyStationIDs(ctx, tx, id)
			if err != nil {
				return err
			}
			for _, sid := range prev {
				if ok, err := a.stationCovered(ctx, tx, p, sid); err != nil {
					return err
				} else if !ok {
					others = append(others, sid)
				}
			}
			primary, mine, err = a.checkDeputyStations(ctx, tx, p, primary, slices.DeleteFunc(mine, func(s int64) bool { return slices.Contains(others, s) }))
			if err != nil {
				return err
			}
			all := append(mine, others...)
			if primary == 0 && len(all) > 0 {
				primary = all[0]
			}
			if err := tx.SetDeputyStations(ctx, id, primary, all); err != nil {
				return err
			}
			// Duties to come at a station they left go with it (roster_sync.go).
			for _, sid := range prev {
				if !slices.Contains(all, sid) {
					if _, err := a.syncStationDeputies(ctx, tx, p, sid, []int64{id}, nil); err != nil {
						return err
					}
				}
			}
			detail["station_id"], detail["station_ids"] = primary, all
		}
		return a.audit(ctx, tx, p, "deputy.update", deputyObject(id), detail)
	})
	if err != nil {
		return nil, err
	}
	return a.StaffDeputy(ctx, p, id)
}

// managedDeputy loads deputy id for a change of the given parts by p.
func (a *App) managedDeputy(ctx context.Context, q store.Q, p zhitong.Principal, id int64, parts ...string) (zhitong.Deputy, error) {
	d, err := store.GetDeputy(ctx, q, id)
	if err != nil {
		return d, err
	}
	return d, a.mayManageDeputy(ctx, q, p, d, parts...)
}

func deputyObject(id int64) string { return "deputy:" + strconv.FormatInt(id, 10) }

// SetDeputyPhoto stores a deputy's photo after checking that it really is a
// JPEG, PNG or WebP image and removing its metadata (Exif GPS and the like),
// the same way as citizens' photos.
func (a *App) SetDeputyPhoto(ctx context.Context, p zhitong.Principal, id int64, data []byte) (*DeputyProfile, error) {
	if len(data) == 0 {
		return nil, zhitong.Invalid("photo", "请选择照片")
	}
	if len(data) > MaxDeputyPhotoBytes {
		return nil, zhitong.Invalid("photo", "照片超过 1 MB，请压缩后重新上传")
	}
	ct, clean, err := cleanPhoto(PhotoInput{Data: data}, false)
	if err != nil {
		return nil, zhitong.Invalid("photo", "%s", zhitong.ErrorMessage(err))
	}
	sum := sha256.Sum256(clean)
	photo := &store.DeputyPhoto{DeputyID: id, ContentType: ct, Data: clean, ETag: hex.EncodeToString(sum[:8]), UpdatedAt: a.clock.Now()}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.managedDeputy(ctx, tx, p, id, deputyPledgePart); err != nil {
			return err
		}
		if err := tx.PutDeputyPhoto(ctx, photo); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "deputy.photo", deputyObject(id), map[string]any{"content_type": ct, "size": len(clean), "etag": photo.ETag})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffDeputy(ctx, p, id)
}

// DeleteDeputyPhoto removes a deputy's photo; the pages fall back to an avatar.
func (a *App) DeleteDeputyPhoto(ctx context.Context, p zhitong.Principal, id int64) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if _, err := a.managedDeputy(ctx, tx, p, id, deputyPledgePart); err != nil {
			return err
		}
		had, err := tx.DeleteDeputyPhoto(ctx, id)
		if err != nil {
			return err
		}
		if !had {
			return zhitong.Errorf(zhitong.ENOTFOUND, "该代表暂无照片")
		}
		return a.audit(ctx, tx, p, "deputy.photo_delete", deputyObject(id), map[string]any{})
	})
}

// DeputyPhoto returns a deputy's photo. Public: it hangs on the station's board.
func (a *App) DeputyPhoto(ctx context.Context, id int64) (*store.DeputyPhoto, error) {
	return store.GetDeputyPhoto(ctx, a.db, id)
}

// PublicDeputy returns a deputy's public profile.
func (a *App) PublicDeputy(ctx context.Context, id int64) (*DeputyProfile, error) {
	d, err := store.GetDeputy(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	list, err := a.deputyProfiles(ctx, a.db, []zhitong.Deputy{d}, false)
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

// StaffDeputy returns a deputy's profile with their account, for staff who
// cover them and for the deputy themself.
func (a *App) StaffDeputy(ctx context.Context, p zhitong.Principal, id int64) (*DeputyProfile, error) {
	d, err := store.GetDeputy(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if err := a.mayManageDeputy(ctx, a.db, p, d); err != nil {
		return nil, err
	}
	list, err := a.deputyProfiles(ctx, a.db, []zhitong.Deputy{d}, true)
	if err != nil {
		return nil, err
	}
	return &list[0], nil
}

// DeputyRows lists the deputies in staff p's jurisdiction with their profiles.
func (a *App) DeputyRows(ctx context.Context, p zhitong.Principal) ([]DeputyProfile, error) {
	if err := a.mayListStations(p); err != nil {
		return nil, err
	}
	// The deputies deputyCovered accepts, in one query.
	mine, err := store.ListCoveredDeputies(ctx, a.db, p.RegionCode, p.StationID)
	if err != nil {
		return nil, err
	}
	return a.deputyProfiles(ctx, a.db, mine, true)
}

// DeputyProfiles returns the public profiles of the given deputies.
func (a *App) DeputyProfiles(ctx context.Context, list []zhitong.Deputy) ([]DeputyProfile, error) {
	return a.deputyProfiles(ctx, a.db, list, false)
}
