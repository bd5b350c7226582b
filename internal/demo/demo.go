// Package demo loads the demo county, Dingnan (定南县, Ganzhou, Jiangxi): its
// towns from the national division data, stations, deputies, units,
// categories, one account per role and cases at every stage of the loop.
// Every name, phone number and case in it is invented.
package demo

import (
	"context"
	"fmt"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/store"
)

// Password is the password of every demo account.
const Password = "Zhitong@2026"

// Account is a demo login.
type Account struct{ Username, Label string }

// Accounts are the demo logins, one per role.
var Accounts = []Account{
	{"gongwei", "代表工委（定南县）"}, {"zhanzhang", "站长（历市镇联络站）"}, {"lianluoyuan", "联络员（定南县）"},
	{"daibiao", "人大代表（刘建国）"}, {"chengban", "承办单位（县交通运输局）"}, {"yanpan", "研判小组（定南县）"},
	{"shenji", "安全审计员"}, {"xitong", "系统管理员"}, {"anquan", "安全管理员"},
}

const county = "360728"

// Load loads the demo data once; a second call finds the marker and does nothing.
func Load(ctx context.Context, a *app.App) (bool, error) {
	done, err := store.GetMeta(ctx, a.DB(), "demo_loaded")
	if err != nil || done != "" {
		return false, err
	}
	ref, err := loadReference(ctx, a)
	if err != nil {
		return false, err
	}
	if err := loadAccounts(ctx, a, ref); err != nil {
		return false, err
	}
	ids, err := loadCases(ctx, a, ref)
	if err != nil {
		return false, err
	}
	err = a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, id := range ids {
			if _, err := tx.Exec(ctx, `UPDATE cases SET demo = ? WHERE id = ?`, true, id); err != nil {
				return err
			}
		}
		return tx.SetMeta(ctx, "demo_loaded", time.Now().UTC().Format(time.RFC3339))
	})
	return err == nil, err
}

// reference holds the ids of what loadReference wrote.
type reference struct {
	towns    map[string]string // name → code
	stations []zhitong.Station
	deputies []zhitong.Deputy
	units    map[string]int64
}

func loadReference(ctx context.Context, a *app.App) (*reference, error) {
	tree, err := regions.Load()
	if err != nil {
		return nil, err
	}
	ref := &reference{towns: map[string]string{}, units: map[string]int64{}}
	err = a.DB().Write(ctx, func(tx *store.Tx) error {
		rows := append(tree.Path(county), tree.Children(county)...)
		for _, r := range rows {
			if err := tx.UpsertRegion(ctx, zhitong.Region{Code: r.Code, Name: r.Name, ParentCode: r.ParentCode, Level: int(r.Level)}); err != nil {
				return err
			}
			if r.Level == regions.Township {
				ref.towns[r.Name] = r.Code
			}
		}
		for _, c := range categories {
			if err := tx.UpsertCategory(ctx, c); err != nil {
				return err
			}
		}
		for _, s := range stations {
			st := zhitong.Station{Name: s.name, RegionCode: ref.towns[s.town], Kind: s.kind, Address: s.address, Hours: s.hours,
				Theme: s.theme, Lat: s.lat, Lng: s.lng, Demo: true}
			if st.RegionCode == "" {
				return fmt.Errorf("demo: town %s not in the division data", s.town)
			}
			if err := tx.InsertStation(ctx, &st); err != nil {
				return err
			}
			ref.stations = append(ref.stations, st)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM deputies WHERE demo = ?`, true).Scan(&n); err != nil {
			return err
		}
		for i, d := range deputies {
			st := ref.stations[d.station]
			dep := zhitong.Deputy{Name: d.name, Levels: d.levels, RegionCode: st.RegionCode, Constituency: d.constituency,
				StationID: st.ID, Pledge: d.pledge, Demo: true}
			if n == 0 {
				if err := tx.InsertDeputy(ctx, &dep); err != nil {
					return err
				}
			} else if err := tx.QueryRow(ctx, `SELECT id FROM deputies WHERE demo = ? ORDER BY id LIMIT 1 OFFSET ?`, true, i).Scan(&dep.ID); err != nil {
				return err
			}
			ref.deputies = append(ref.deputies, dep)
		}
		for _, u := range units {
			code := county
			if u.town != "" {
				code = ref.towns[u.town]
			}
			unit := zhitong.Unit{Name: u.name, Kind: u.kind, RegionCode: code, Demo: true}
			if err := tx.InsertUnit(ctx, &unit); err != nil {
				return err
			}
			ref.units[u.name] = unit.ID
		}
		return nil
	})
	return ref, err
}

func loadAccounts(ctx context.Context, a *app.App, ref *reference) error {
	scopes := map[string]app.UserInput{
		"gongwei":     {DisplayName: "王工委", Role: zhitong.RoleCommittee, RegionCode: county},
		"zhanzhang":   {DisplayName: "陈站长", Role: zhitong.RoleStationHead, RegionCode: ref.stations[0].RegionCode, StationID: ref.stations[0].ID},
		"lianluoyuan": {DisplayName: "李干事", Role: zhitong.RoleOfficer, RegionCode: county},
		"daibiao":     {DisplayName: ref.deputies[0].Name, Role: zhitong.RoleDeputy, RegionCode: ref.deputies[0].RegionCode, DeputyID: ref.deputies[0].ID},
		"chengban":    {DisplayName: "交通局张科长", Role: zhitong.RoleUnit, RegionCode: county, UnitID: ref.units["县交通运输局"]},
		"yanpan":      {DisplayName: "研判组赵老师", Role: zhitong.RoleAnalyst, RegionCode: county},
		"shenji":      {DisplayName: "审计员孙敏", Role: zhitong.RoleAuditor, RegionCode: county},
		"xitong":      {DisplayName: "系统管理员", Role: zhitong.RoleSysAdmin, RegionCode: county},
		"anquan":      {DisplayName: "安全管理员", Role: zhitong.RoleSecAdmin, RegionCode: county},
	}
	for _, acc := range Accounts {
		if _, err := store.GetUserByName(ctx, a.DB(), acc.Username); err == nil {
			continue
		}
		in := scopes[acc.Username]
		in.Username, in.Password = acc.Username, Password
		if _, err := a.AddUser(ctx, app.System, in); err != nil {
			return fmt.Errorf("demo account %s: %w", acc.Username, err)
		}
	}
	return nil
}
