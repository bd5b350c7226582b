package app

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// RegionRef names a region.
type RegionRef struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// StaffRef names an account posted to a station.
type StaffRef struct {
	UserID int64        `json:"user_id"`
	Name   string       `json:"name"`
	Role   zhitong.Role `json:"role"`
}

// StationProfile is a station as its bulletin board (公示栏) and the API show
// it: its regions, deputies and bulletin text. Staff appears only to staff
// who cover the station.
type StationProfile struct {
	ID       int64       `json:"id"`
	Name     string      `json:"name"`
	Kind     string      `json:"kind"`
	KindName string      `json:"kind_name"`
	Region   string      `json:"region"`
	Regions  []RegionRef `json:"regions"`
	Address  string      `json:"address"`
	Hours    string      `json:"hours"`
	Theme    string      `json:"theme"`
	Lat      float64     `json:"lat"`
	Lng      float64     `json:"lng"`
	Phone    string      `json:"phone"`
	Retired  bool        `json:"retired"`
	// RetiredAt is when the station was retired (RFC 3339), "" while active.
	RetiredAt string          `json:"retired_at,omitempty"`
	Rules     string          `json:"rules"`
	Notice    string          `json:"notice"`
	Deputies  []DeputyProfile `json:"deputies"`
	Staff     []StaffRef      `json:"staff,omitempty"`
	Demo      bool            `json:"demo"`
	// Roster says, in the answer to a change of deputies, what it did to the roster.
	Roster *RosterSync `json:"roster,omitempty"`
}

// Station returns the plain station record.
func (s *StationProfile) Station() zhitong.Station {
	st := zhitong.Station{ID: s.ID, Name: s.Name, RegionCode: s.Region, Kind: s.Kind, Address: s.Address, Hours: s.Hours,
		Theme: s.Theme, Lat: s.Lat, Lng: s.Lng, Phone: s.Phone, Demo: s.Demo}
	if s.RetiredAt != "" {
		st.RetiredAt, _ = time.Parse(time.RFC3339, s.RetiredAt)
	}
	return st
}

// CrossBorder reports whether the station belongs to several regions.
func (s *StationProfile) CrossBorder() bool { return s.Kind == StationCrossBorder }

// stationProfile loads a station's profile; withStaff adds its accounts and
// the deputies' linked accounts.
func (a *App) stationProfile(ctx context.Context, q store.Q, id int64, withStaff bool) (*StationProfile, error) {
	st, err := store.GetStation(ctx, q, id)
	if err != nil {
		return nil, err
	}
	board, err := store.GetStationBulletin(ctx, q, id)
	if err != nil {
		return nil, err
	}
	sp := &StationProfile{ID: st.ID, Name: st.Name, Kind: st.Kind, KindName: zhitong.Label(StationKinds, st.Kind), Region: st.RegionCode,
		Address: st.Address, Hours: st.Hours, Theme: st.Theme, Lat: st.Lat, Lng: st.Lng, Phone: st.Phone, Retired: st.Retired(),
		Rules: board.Rules, Notice: board.Notice, Demo: st.Demo}
	if st.Retired() {
		sp.RetiredAt = st.RetiredAt.UTC().Format(time.RFC3339)
	}
	codes, err := store.ListStationRegions(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(codes, st.RegionCode) {
		codes = append([]string{st.RegionCode}, codes...)
	} else {
		codes = append([]string{st.RegionCode}, slices.DeleteFunc(codes, func(c string) bool { return c == st.RegionCode })...)
	}
	for _, c := range codes {
		ref := RegionRef{Code: c, Name: c}
		if r, err := store.GetRegion(ctx, q, c); err == nil {
			ref.Name = r.Name
		}
		sp.Regions = append(sp.Regions, ref)
	}
	deputies, err := store.ListStationDeputies(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if sp.Deputies, err = a.deputyProfiles(ctx, q, deputies, withStaff); err != nil {
		return nil, err
	}
	if withStaff {
		staff, err := store.ListStationStaff(ctx, q, id)
		if err != nil {
			return nil, err
		}
		for _, u := range staff {
			sp.Staff = append(sp.Staff, StaffRef{UserID: u.ID, Name: u.DisplayName, Role: u.Role})
		}
	}
	return sp, nil
}

// PublicStationProfile returns a station's public profile: no accounts. A
// retired station has none: it is not found.
func (a *App) PublicStationProfile(ctx context.Context, id int64) (*StationProfile, error) {
	sp, err := a.stationProfile(ctx, a.db, id, false)
	if err == nil && sp.Retired {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "联络站“%s”已撤销", sp.Name)
	}
	return sp, err
}

// StaffStation returns a station's profile with its staff, for staff who cover it.
func (a *App) StaffStation(ctx context.Context, p zhitong.Principal, id int64) (*StationProfile, error) {
	if err := a.mayManageStation(ctx, a.db, p, id); err != nil {
		if zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
			if _, nf := store.GetStation(ctx, a.db, id); nf != nil {
				return nil, nf
			}
		}
		return nil, err
	}
	return a.stationProfile(ctx, a.db, id, true)
}

// StationRow is one line of the workbench's station list.
type StationRow struct {
	zhitong.Station
	KindName string
	Regions  []RegionRef
	Deputies int
	Staff    int
}

// StationRows lists the stations in p's jurisdiction, cross-border ones
// included wherever one of their regions lies in it.
func (a *App) StationRows(ctx context.Context, p zhitong.Principal) ([]StationRow, error) {
	if err := a.mayListStations(p); err != nil {
		return nil, err
	}
	stations, err := store.ListAllStations(ctx, a.db, p.RegionCode)
	if err != nil {
		return nil, err
	}
	links, err := store.ListStationLinks(ctx, a.db)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var out []StationRow
	for _, s := range stations {
		if p.StationID != 0 && s.ID != p.StationID {
			continue
		}
		row := StationRow{Station: s, KindName: zhitong.Label(StationKinds, s.Kind), Deputies: len(links.Deputies[s.ID])}
		codes := append([]string{s.RegionCode}, slices.DeleteFunc(slices.Clone(links.Regions[s.ID]), func(c string) bool { return c == s.RegionCode })...)
		for _, c := range codes {
			if _, ok := names[c]; !ok {
				names[c] = c
				if rg, err := store.GetRegion(ctx, a.db, c); err == nil {
					names[c] = rg.Name
				} else if zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
					return nil, err
				}
			}
			row.Regions = append(row.Regions, RegionRef{Code: c, Name: names[c]})
		}
		out = append(out, row)
	}
	return out, nil
}

func (a *App) mayListStations(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(triagerRoles, p.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理联络站", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

// StationLinks returns every station's extra regions and deputies, for the
// home page. Public, as the stations themselves.
func (a *App) StationLinks(ctx context.Context) (store.StationLinks, error) {
	return store.ListStationLinks(ctx, a.db)
}

// StaffCandidates lists the station heads and officers p may post to station
// id: those in p's region subtree, or already posted there.
func (a *App) StaffCandidates(ctx context.Context, p zhitong.Principal, id int64) ([]StaffRef, error) {
	if err := a.mayManageStation(ctx, a.db, p, id, stationStaff); err != nil {
		return nil, err
	}
	users, err := store.ListUsers(ctx, a.db)
	if err != nil {
		return nil, err
	}
	var out []StaffRef
	for _, u := range users {
		if (u.Role == zhitong.RoleStationHead || u.Role == zhitong.RoleOfficer) && !u.Disabled &&
			(u.StationID == id || strings.HasPrefix(u.RegionCode, p.RegionCode)) {
			name := u.DisplayName
			if u.StationID != 0 && u.StationID != id {
				name += "（现属联络站 #" + strconv.FormatInt(u.StationID, 10) + "）"
			}
			out = append(out, StaffRef{UserID: u.ID, Name: name, Role: u.Role})
		}
	}
	return out, nil
}
