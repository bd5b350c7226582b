package app

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// bulletinPeriods are the periods a bulletin (通报) can cover.
var bulletinPeriods = []zhitong.Named[string]{{Value: "weekly", Label: "周通报"}, {Value: "monthly", Label: "月通报"}}

// lastPeriod returns the latest complete period of kind before today:
// last Monday to Sunday, or last calendar month.
func lastPeriod(kind string, today time.Time) (start, end time.Time) {
	if kind == "monthly" {
		first := time.Date(today.Year(), today.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1)
	}
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	return monday.AddDate(0, 0, -7), monday.AddDate(0, 0, -1)
}

// GenerateDueBulletins stores the bulletin of every enabled period that
// has ended and has none yet: on Monday the last week's, on the first the
// last month's. Running it again changes nothing. It returns how many it made.
func (a *App) GenerateDueBulletins(ctx context.Context) (int, error) {
	pol, n, fails := a.policy(), 0, itemErrors{a: a, step: "bulletins"}
	regions, err := a.bulletinRegions(ctx)
	if err != nil {
		return 0, err
	}
	for _, k := range bulletinPeriods {
		if (k.Value == "weekly" && !pol.BulletinWeekly) || (k.Value == "monthly" && !pol.BulletinMonthly) {
			continue
		}
		start, end := lastPeriod(k.Value, a.today())
		due, err := store.BulletinRegionsMissing(ctx, a.db, k.Value, start.Format(time.DateOnly), regions)
		if err != nil {
			fails.add("period", k.Value, err)
			continue
		}
		if len(due) == 0 {
			continue // every organisation has this period's bulletin: nothing to count
		}
		all, err := a.bulletinRows(ctx, start, end)
		if err != nil {
			fails.add("period", k.Value, err)
			continue
		}
		for _, region := range due {
			rows, err := a.rowsIn(ctx, all, region)
			if err == nil {
				var b *store.Bulletin
				if b, err = a.storeBulletin(ctx, k.Value, start, end, region, rows); b != nil {
					n++
				}
			}
			if err != nil {
				fails.add("period", k.Value+" "+region, err)
			}
		}
	}
	return n, fails.err()
}

// bulletinRegions are the regions the sweep makes bulletins for: one per
// organisation (each county, city or province set up with zhitong init),
// holding its own units and townships, so its committee publishes it and
// no other county's can. A database from before organisations gets one
// for the whole deployment ("").
func (a *App) bulletinRegions(ctx context.Context) ([]string, error) {
	orgs, err := store.ListOrganisations(ctx, a.db)
	if err != nil || len(orgs) == 0 {
		return []string{""}, err
	}
	regions := make([]string, 0, len(orgs))
	for _, o := range orgs {
		regions = append(regions, o.RegionCode)
	}
	return regions, nil
}

// GenerateBulletin computes and stores the bulletin of one period for the
// whole deployment, unless it exists; then it returns nil.
func (a *App) GenerateBulletin(ctx context.Context, period string, start, end time.Time) (*store.Bulletin, error) {
	rows, err := a.bulletinRows(ctx, start, end)
	if err != nil {
		return nil, err
	}
	return a.storeBulletin(ctx, period, start, end, "", rows)
}

// rowRegion is the region a bulletin row is about: a township's own code,
// a unit's region.
func rowRegion(ctx context.Context, q store.Q, r store.BulletinRow) (string, error) {
	if r.Scope != "unit" {
		return r.Ref, nil
	}
	id, _ := strconv.ParseInt(r.Ref, 10, 64)
	u, err := store.GetUnit(ctx, q, id)
	if err != nil {
		return "", fmt.Errorf("bulletin unit %d: %w", id, err)
	}
	return u.RegionCode, nil
}

// rowsIn keeps the rows about region's subtree ("" keeps all).
func (a *App) rowsIn(ctx context.Context, all []store.BulletinRow, region string) ([]store.BulletinRow, error) {
	if region == "" {
		return all, nil
	}
	rows := all[:0:0]
	for _, r := range all {
		code, err := rowRegion(ctx, a.db, r)
		if err != nil {
			return nil, err
		}
		if inSubtree(code, region) {
			rows = append(rows, r)
		}
	}
	return rows, nil
}

// storeBulletin stores the bulletin of one period and region, unless it
// exists; then it returns nil.
func (a *App) storeBulletin(ctx context.Context, period string, start, end time.Time, region string, rows []store.BulletinRow) (*store.Bulletin, error) {
	b := &store.Bulletin{Period: period, Start: start.Format(time.DateOnly), End: end.Format(time.DateOnly), RegionCode: region, GeneratedAt: a.clock.Now(), Rows: rows}
	added := false
	err := a.db.Write(ctx, func(tx *store.Tx) (err error) {
		if added, err = tx.InsertBulletin(ctx, b); err != nil || !added {
			return err
		}
		return a.audit(ctx, tx, System, "bulletin.generate", "bulletin:"+strconv.FormatInt(b.ID, 10),
			map[string]any{"period": period, "start": b.Start, "end": b.End, "rows": len(rows)})
	})
	if err != nil || !added {
		return nil, err
	}
	return b, nil
}

// nameRows names each row and sorts units before townships, each by reference.
func (a *App) nameRows(ctx context.Context, t tally) ([]store.BulletinRow, error) {
	out := make([]store.BulletinRow, 0, len(t))
	for _, r := range t {
		if r.Scope == "unit" {
			id, _ := strconv.ParseInt(r.Ref, 10, 64)
			u, err := store.GetUnit(ctx, a.db, id)
			if err != nil {
				return nil, fmt.Errorf("bulletin unit %d: %w", id, err)
			}
			r.Name = u.Name
		} else if reg, err := store.GetRegion(ctx, a.db, r.Ref); err == nil {
			r.Name = reg.Name
		} else {
			r.Name = r.Ref
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Scope != out[j].Scope {
			return out[i].Scope == "unit"
		}
		if len(out[i].Ref) != len(out[j].Ref) {
			return len(out[i].Ref) < len(out[j].Ref)
		}
		return out[i].Ref < out[j].Ref
	})
	return out, nil
}
