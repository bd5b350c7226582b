package seed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/store"
)

// The deployment the cases land in: for each county of the region, the
// county's departments; for each township, its government (a handling unit
// too), a liaison station and a few deputies; one officer per county, one
// handler per unit, and a committee account for the whole region. Written
// with upserts, so a second run finds the first one's records.

type county struct {
	code, name string
	towns      []*town
	depts      map[string]unitRef // by dept key
	officer    zhitong.Principal
}

type town struct {
	code, name string
	county     *county
	station    int64
	deputies   []int64
	gov        unitRef // 乡镇人民政府
}

type unitRef struct {
	id    int64
	name  string
	users []int64
	staff zhitong.Principal // the handler who signs in for it
}

type deployment struct {
	root      string
	counties  []*county
	committee zhitong.Principal
	accounts  []string
}

// Password is the password of every account the seeder creates (the demo's).
const Password = "Zhitong@2026"

func (s *seeder) deploy(ctx context.Context) (*deployment, error) {
	tree, err := regions.Load()
	if err != nil {
		return nil, err
	}
	code, err := regions.Normalize(strings.TrimSpace(s.opt.Region))
	if err != nil {
		return nil, zhitong.Invalid("region", "%s", err.Error())
	}
	root, ok := tree.Get(code)
	if !ok || !setup.Settable(root) {
		return nil, zhitong.Invalid("region", "行政区划代码“%s”不是县级及以上的行政区划", s.opt.Region)
	}
	d := &deployment{root: root.Code}
	for _, r := range tree.Subtree(root.Code) {
		switch r.Level {
		case regions.County:
			d.counties = append(d.counties, &county{code: r.Code, name: r.Name, depts: map[string]unitRef{}})
		case regions.Township:
			for _, c := range d.counties {
				if strings.HasPrefix(r.Code, c.code) {
					c.towns = append(c.towns, &town{code: r.Code, name: r.Name, county: c})
				}
			}
		}
	}
	if root.Level == regions.County {
		d.counties = []*county{{code: root.Code, name: root.Name, depts: map[string]unitRef{}}}
		for _, r := range tree.Subtree(root.Code) {
			if r.Level == regions.Township {
				d.counties[0].towns = append(d.counties[0].towns, &town{code: r.Code, name: r.Name, county: d.counties[0]})
			}
		}
	}
	d.counties = slicesDeleteEmpty(d.counties)
	if len(d.counties) == 0 {
		return nil, zhitong.Invalid("region", "%s下没有乡镇（街道），无法生成案件", root.Name)
	}
	hash := s.a.HashPassword(Password)
	rng := rand.New(rand.NewPCG(uint64(s.opt.Seed), 7))
	nm := namer{rng}
	now := s.a.Now().AddDate(-s.opt.Years, 0, -7)
	err = s.a.DB().Write(ctx, func(tx *store.Tx) error {
		d.accounts = nil
		// The region is set up as zhitong init would (regions, organisation),
		// unless an organisation above it exists: then only its regions.
		if _, err := store.OrganisationFor(ctx, tx, root.Code); zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			if _, _, _, err := setup.Organise(ctx, tx, tree, root.Code, setup.DefaultNames(tree, root), now); err != nil {
				return err
			}
		} else if err != nil {
			return err
		} else {
			var rows []zhitong.Region
			path := tree.Path(root.Code)
			for _, g := range append(path[:len(path)-1:len(path)-1], tree.Subtree(root.Code)...) {
				rows = append(rows, zhitong.Region{Code: g.Code, Name: g.Name, ParentCode: g.ParentCode, Level: int(g.Level)})
			}
			if _, err := tx.InsertRegionsIfMissing(ctx, rows); err != nil {
				return err
			}
		}
		// The categories the seeded issues use, where a deployment lacks them.
		for _, c := range setup.DefaultCategories {
			if _, err := store.GetCategory(ctx, tx, c.Code); zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
				if err := tx.UpsertCategory(ctx, c); err != nil {
					return err
				}
			} else if err != nil {
				return err
			}
		}
		user := func(username, display string, role zhitong.Role, region string, unit int64) (zhitong.Principal, error) {
			u, err := store.GetUserByName(ctx, tx, username)
			if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
				u = &zhitong.User{Username: username, DisplayName: display, Role: role, RegionCode: region, UnitID: unit, PasswordHash: hash, CreatedAt: now}
				if err = tx.InsertUser(ctx, u); err == nil {
					err = s.a.AppendAudit(ctx, tx, app.System, "user.add", "user:"+strconv.FormatInt(u.ID, 10),
						map[string]any{"username": u.Username, "role": u.Role, "region": u.RegionCode, "via": "seed"})
				}
			}
			if err != nil {
				return zhitong.Principal{}, fmt.Errorf("account %s: %w", username, err)
			}
			d.accounts = append(d.accounts, username)
			return u.Principal(), nil
		}
		var err error
		if d.committee, err = user("seed-"+root.Code+"-gongwei", "代表工委（种子）", zhitong.RoleCommittee, root.Code, 0); err != nil {
			return err
		}
		unit := func(name, kind, region string) (unitRef, error) {
			u := &zhitong.Unit{Name: name, Kind: kind, RegionCode: region, Demo: true}
			if err := tx.InsertUnit(ctx, u); err != nil {
				return unitRef{}, err
			}
			p, err := user("seed-u"+strconv.FormatInt(u.ID, 10), name+"承办人", zhitong.RoleUnit, region, u.ID)
			return unitRef{id: u.ID, name: name, users: []int64{p.UserID}, staff: p}, err
		}
		for _, c := range d.counties {
			if c.officer, err = user("seed-"+c.code+"-ganshi", c.name+"联络员", zhitong.RoleOfficer, c.code, 0); err != nil {
				return err
			}
			for _, dp := range depts {
				if c.depts[dp.key], err = unit(c.name+dp.name, "department", c.code); err != nil {
					return err
				}
			}
			for _, t := range c.towns {
				if t.gov, err = unit(c.name+t.name+govSuffix(t.name), "township", t.code); err != nil {
					return err
				}
				st := &zhitong.Station{Name: c.name + t.name + "人大代表联络站", RegionCode: t.code, Kind: "fixed",
					Address: nm.address(t.name), Hours: "工作日 8:30-17:30", Demo: true}
				if err := tx.InsertStation(ctx, st); err != nil {
					return err
				}
				t.station = st.ID
				rows, err := tx.Query(ctx, `SELECT id FROM deputies WHERE station_id = ? AND demo = ? ORDER BY id`, st.ID, true)
				if err != nil {
					return err
				}
				for rows.Next() {
					var id int64
					if err := rows.Scan(&id); err != nil {
						rows.Close()
						return err
					}
					t.deputies = append(t.deputies, id)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
				for len(t.deputies) < 3 {
					levels := [][]string{{"township"}, {"county"}, {"county", "township"}, {"city", "county"}}[rng.IntN(4)]
					dep := &zhitong.Deputy{Name: nm.person(), Levels: levels, RegionCode: t.code, StationID: st.ID, Demo: true,
						Constituency: t.name + "第" + strconv.Itoa(len(t.deputies)+1) + "选区"}
					if err := tx.InsertDeputy(ctx, dep); err != nil {
						return err
					}
					t.deputies = append(t.deputies, dep.ID)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

func govSuffix(name string) string {
	if strings.HasSuffix(name, "街道") {
		return "办事处"
	}
	return "人民政府"
}

func slicesDeleteEmpty(cs []*county) []*county {
	out := cs[:0]
	for _, c := range cs {
		if len(c.towns) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// realRecords says what in the database is not demo or seed data: a case,
// station, unit or deputy not marked demo, or accounts in a database that
// neither the demo nor the seeder set up. "" when there is none.
func realRecords(ctx context.Context, q store.Q) (string, error) {
	for _, t := range []struct{ table, what string }{
		{"cases", "非演示的意见建议"}, {"stations", "非演示的联络站"}, {"units", "非演示的承办单位"}, {"deputies", "非演示的代表"},
	} {
		var one int
		err := q.QueryRow(ctx, `SELECT 1 FROM `+t.table+` WHERE demo = ? LIMIT 1`, false).Scan(&one)
		if err == nil {
			return t.what, nil
		} else if !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM users LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	for _, key := range []string{metaSeed, "demo_started"} {
		if v, err := store.GetMeta(ctx, q, key); err != nil || v != "" {
			return "", err
		}
	}
	return "账号（由 zhitong init 或首次设置创建）", nil
}
