// Package demo loads the demo county — 定南县, Ganzhou, Jiangxi — into an
// empty platform: its regions, case categories, 8 liaison stations, deputies,
// handling units, one staff account per role, and about forty citizens' cases
// spread over the last eight weeks and over every stage of the closed loop.
//
// The cases go through the application's own operations with a clock moved
// along the timeline, so each has its full history of events and audit
// entries, as if staff had worked it. Names, phone numbers, addresses and
// cases are invented.
package demo

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/store"
)

// Password is the password of every demo account. It meets the password
// policy; change it (zhitong user passwd) on anything but a demo machine.
const Password = "Zhitong@2026"

// Account is a demo login, listed on start-up.
type Account struct {
	Username string
	Label    string // role and scope in Chinese
}

// Accounts lists the demo logins, one per staff role.
var Accounts = func() []Account {
	out := make([]Account, len(accounts))
	for i, a := range accounts {
		out[i] = a.Account
	}
	return out
}()

// Meta keys. demo_started marks that cases may exist from an interrupted
// load; demo_loaded, written last, that the load is complete.
const (
	metaStarted = "demo_started"
	metaLoaded  = "demo_loaded"
)

// Load loads the demo county once. It returns false when the demo was loaded
// before. Reference data is written with upserts and cases are found again
// by their text, so a load interrupted half-way can simply be run again: it
// carries on and duplicates nothing.
func Load(ctx context.Context, a *app.App) (loaded bool, err error) {
	return load(ctx, a, 0)
}

func load(ctx context.Context, a *app.App, stopAfter int) (bool, error) {
	db := a.DB()
	if v, err := store.GetMeta(ctx, db, metaLoaded); err != nil {
		return false, err
	} else if v != "" {
		return false, nil
	}
	started, err := store.GetMeta(ctx, db, metaStarted)
	if err != nil {
		return false, err
	}
	now := a.Now()
	clk := &clock{t: now.AddDate(0, 0, -60)}
	r := &runner{a: a, b: a.WithClock(clk), clk: clk, now: now, stopAfter: stopAfter,
		stations: map[string]int64{}, units: map[string]int64{}, deputies: map[string]int64{},
		users: map[string]zhitong.Principal{}, tokens: map[string]zhitong.Principal{},
		ids: map[string]int64{}, done: map[string]int{}}
	if err := r.loadReference(ctx); err != nil {
		return false, fmt.Errorf("demo reference data: %w", err)
	}
	if err := r.loadAccounts(ctx); err != nil {
		return false, fmt.Errorf("demo accounts: %w", err)
	}
	if err := demoSignIn(ctx, a); err != nil {
		return false, fmt.Errorf("demo sign-in policy: %w", err)
	}
	list := allStories()
	if started != "" {
		if err := r.resume(ctx, list); err != nil {
			return false, fmt.Errorf("demo resume: %w", err)
		}
	}
	if err := r.run(ctx, list); err != nil {
		return false, err
	}
	if err := r.loadSupervision(ctx); err != nil {
		return false, fmt.Errorf("demo supervision: %w", err)
	}
	for _, step := range []struct {
		name string
		load func(context.Context) error
	}{{"stations", r.loadStationDetails}, {"reception days", r.loadReception}, {"roster", r.loadRoster}} {
		if err := step.load(ctx); err != nil {
			return false, fmt.Errorf("demo %s: %w", step.name, err)
		}
	}
	if err := r.loadPoints(ctx, list); err != nil {
		return false, fmt.Errorf("demo points: %w", err)
	}
	if err := r.loadAppointments(ctx); err != nil {
		return false, fmt.Errorf("demo appointments: %w", err)
	}
	if err := r.loadPublication(ctx, list); err != nil {
		return false, fmt.Errorf("demo publication: %w", err)
	}
	if err := r.finish(ctx, list); err != nil {
		return false, fmt.Errorf("demo finish: %w", err)
	}
	return true, nil
}

func allStories() []story { return slices.Concat(roadStories, otherStories) }

// loadReference sets the county up through internal/setup (regions,
// organisation, categories), upserts stations, units and deputies in one
// transaction and notes that cases may follow.
func (r *runner) loadReference(ctx context.Context) error {
	tree, err := regions.Load()
	if err != nil {
		return err
	}
	county, ok := tree.Get(County)
	if !ok {
		return fmt.Errorf("region %s not in the division tree", County)
	}
	return r.a.DB().Write(ctx, func(tx *store.Tx) error {
		// The county is set up as a real one is (zhitong init): its region
		// subtree, its organisation and the default categories.
		if org, err := store.OrganisationFor(ctx, tx, County); zhitong.ErrorCode(err) == zhitong.ENOTFOUND || err == nil && org.RegionCode != County {
			if _, _, _, err := setup.Organise(ctx, tx, tree, County, setup.DefaultNames(tree, county), r.now); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if _, err := setup.SeedCategories(ctx, tx); err != nil {
			return err
		}
		for _, s := range stations {
			st := s.Station
			st.Demo = true
			if _, ok := tree.Get(st.RegionCode); !ok {
				st.RegionCode = lishi // an older edition without the industrial park
			}
			if err := tx.InsertStation(ctx, &st); err != nil {
				return err
			}
			r.stations[s.key] = st.ID
		}
		for _, u := range units {
			u.Demo = true
			if err := tx.InsertUnit(ctx, &u); err != nil {
				return err
			}
			r.units[u.Name] = u.ID
		}
		for _, d := range deputies {
			dep := d.Deputy
			dep.Demo, dep.StationID = true, r.stations[d.station]
			if _, ok := tree.Get(dep.RegionCode); !ok {
				dep.RegionCode = lishi
			}
			if err := upsertDeputy(ctx, tx, &dep); err != nil {
				return err
			}
			r.deputies[dep.Name] = dep.ID
		}
		return tx.SetMeta(ctx, metaStarted, r.now.UTC().Format(time.RFC3339))
	})
}

// upsertDeputy inserts a demo deputy or updates the one of the same name:
// deputies have no unique key of their own.
func upsertDeputy(ctx context.Context, tx *store.Tx, d *zhitong.Deputy) error {
	err := tx.QueryRow(ctx, `SELECT id FROM deputies WHERE name = ? AND demo = ? ORDER BY id LIMIT 1`, d.Name, true).Scan(&d.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return tx.InsertDeputy(ctx, d)
	} else if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE deputies SET levels = ?, region_code = ?, constituency = ?, station_id = ?, pledge = ? WHERE id = ?`,
		strings.Join(d.Levels, ","), d.RegionCode, d.Constituency, d.StationID, d.Pledge, d.ID)
	return err
}

// loadAccounts creates the demo accounts and integration tokens that do not
// exist yet, dated at the start of the demo period.
func (r *runner) loadAccounts(ctx context.Context) error {
	db := r.a.DB()
	for i, spec := range accounts {
		u, err := store.GetUserByName(ctx, db, spec.Username)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			r.clk.t = r.now.AddDate(0, 0, -60).Add(time.Duration(i) * time.Minute)
			u, err = r.b.AddUser(ctx, app.System, app.UserInput{Username: spec.Username, DisplayName: spec.name, Role: spec.role,
				RegionCode: spec.region, StationID: r.stations[spec.station], UnitID: r.units[spec.unit], DeputyID: r.deputies[spec.deputy],
				Password: Password})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", spec.Username, err)
		}
		if u.Role != spec.role {
			return fmt.Errorf("account %s exists with role %s, the demo needs %s", spec.Username, u.Role, spec.role)
		}
		r.users[spec.Username] = u.Principal()
	}
	for _, name := range []string{token12345, tokenOpen311} {
		p := zhitong.Principal{Name: name}
		err := db.QueryRow(ctx, `SELECT id, role, region_code FROM api_tokens WHERE name = ?`, name).Scan(&p.TokenID, &p.Role, &p.RegionCode)
		if errors.Is(err, sql.ErrNoRows) {
			r.clk.t = r.now.AddDate(0, 0, -60).Add(time.Hour)
			var tok *zhitong.Token
			if _, tok, err = r.b.AddToken(ctx, app.System, name, zhitong.RoleIntegration, County); err == nil {
				p.TokenID, p.Role, p.RegionCode = tok.ID, tok.Role, tok.RegionCode
			}
		}
		if err != nil {
			return fmt.Errorf("token %s: %w", name, err)
		}
		r.tokens[name] = p
	}
	return nil
}

// finish marks the cases as demo data, audits the load and records it as
// complete, in one transaction.
func (r *runner) finish(ctx context.Context, list []story) error {
	args := []any{true}
	marks := make([]string, 0, len(list))
	for _, s := range list {
		args = append(args, r.ids[s.key])
		marks = append(marks, "?")
	}
	detail, err := json.Marshal(map[string]int{"cases": len(list), "stations": len(stations), "units": len(units),
		"deputies": len(deputies), "accounts": len(accounts)})
	if err != nil {
		return err
	}
	return r.a.DB().Write(ctx, func(tx *store.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE cases SET demo = ? WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...); err != nil {
			return err
		}
		if err := tx.AppendAudit(ctx, audit.Entry{At: r.a.Now(), Actor: "system", Action: "demo.load", Object: "region:" + County, Detail: string(detail)}); err != nil {
			return err
		}
		return tx.SetMeta(ctx, metaLoaded, r.now.UTC().Format(time.RFC3339))
	})
}
