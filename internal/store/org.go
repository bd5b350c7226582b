package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"zhitong"
)

// UpsertRegion inserts or renames a region.
func (t *Tx) UpsertRegion(ctx context.Context, r zhitong.Region) error {
	_, err := t.Exec(ctx, `INSERT INTO regions (code, name, parent_code, level) VALUES (?, ?, ?, ?)
 ON CONFLICT (code) DO UPDATE SET name = excluded.name, parent_code = excluded.parent_code, level = excluded.level`,
		r.Code, r.Name, r.ParentCode, r.Level)
	return err
}

const regionColumns = `code, name, parent_code, level, kind, retired_at`

func scanRegion(row interface{ Scan(...any) error }) (zhitong.Region, error) {
	var r zhitong.Region
	var retired string
	err := row.Scan(&r.Code, &r.Name, &r.ParentCode, &r.Level, &r.Kind, &retired)
	r.RetiredAt = ParseTime(retired)
	return r, err
}

// ListRegions returns the regions below (and including) prefix, ordered by
// code, retired ones too: pages name cases and stations with them.
func ListRegions(ctx context.Context, q Q, prefix string) ([]zhitong.Region, error) {
	rows, err := q.Query(ctx, `SELECT `+regionColumns+` FROM regions WHERE code LIKE ? ORDER BY code`, prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRegion)
}

// ListActiveRegions returns the regions below (and including) prefix that
// are not retired, ordered by code: what forms offer.
func ListActiveRegions(ctx context.Context, q Q, prefix string) ([]zhitong.Region, error) {
	rows, err := q.Query(ctx, `SELECT `+regionColumns+` FROM regions WHERE code LIKE ? AND retired_at = '' ORDER BY code`, prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanRegion)
}

// GetRegion loads one region.
func GetRegion(ctx context.Context, q Q, code string) (zhitong.Region, error) {
	r, err := scanRegion(q.QueryRow(ctx, `SELECT `+regionColumns+` FROM regions WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return r, zhitong.Errorf(zhitong.ENOTFOUND, "行政区划 %s 不存在", code)
	}
	return r, err
}

// UpsertCategory inserts or updates a category.
func (t *Tx) UpsertCategory(ctx context.Context, c zhitong.Category) error {
	_, err := t.Exec(ctx, `INSERT INTO categories (code, name, due_days, grp) VALUES (?, ?, ?, ?)
 ON CONFLICT (code) DO UPDATE SET name = excluded.name, due_days = excluded.due_days, grp = excluded.grp`, c.Code, c.Name, c.DueDays, c.Group)
	return err
}

const categoryColumns = `code, name, due_days, grp, retired_at`

func scanCategory(row interface{ Scan(...any) error }) (zhitong.Category, error) {
	var c zhitong.Category
	var retired string
	err := row.Scan(&c.Code, &c.Name, &c.DueDays, &c.Group, &retired)
	c.RetiredAt = ParseTime(retired)
	return c, err
}

// ListCategories returns all categories ordered by code, retired ones too.
func ListCategories(ctx context.Context, q Q) ([]zhitong.Category, error) {
	rows, err := q.Query(ctx, `SELECT `+categoryColumns+` FROM categories ORDER BY code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCategory)
}

// GetCategory loads one category.
func GetCategory(ctx context.Context, q Q, code string) (zhitong.Category, error) {
	c, err := scanCategory(q.QueryRow(ctx, `SELECT `+categoryColumns+` FROM categories WHERE code = ?`, code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, zhitong.Errorf(zhitong.ENOTFOUND, "分类“%s”不存在", code)
	}
	return c, err
}

const stationColumns = `id, name, region_code, kind, address, hours, theme, lat, lng, phone, retired_at, demo`

func scanStation(row interface{ Scan(...any) error }) (zhitong.Station, error) {
	var s zhitong.Station
	var retired string
	err := row.Scan(&s.ID, &s.Name, &s.RegionCode, &s.Kind, &s.Address, &s.Hours, &s.Theme, &s.Lat, &s.Lng, &s.Phone, &retired, &s.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return s, zhitong.Errorf(zhitong.ENOTFOUND, "联络站不存在")
	}
	s.RetiredAt = ParseTime(retired)
	return s, err
}

// InsertStation stores a station, or returns the id of the one with the same name.
func (t *Tx) InsertStation(ctx context.Context, s *zhitong.Station) error {
	return t.QueryRow(ctx, `INSERT INTO stations (name, region_code, kind, address, hours, theme, lat, lng, phone, demo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`,
		s.Name, s.RegionCode, s.Kind, s.Address, s.Hours, s.Theme, s.Lat, s.Lng, s.Phone, s.Demo).Scan(&s.ID)
}

// GetStation loads a station.
func GetStation(ctx context.Context, q Q, id int64) (zhitong.Station, error) {
	return scanStation(q.QueryRow(ctx, `SELECT `+stationColumns+` FROM stations WHERE id = ?`, id))
}

// ListStations returns the active stations in a region subtree: those whose
// primary region lies in it, and the cross-border stations with any region
// in it. Retired stations are left out (ListAllStations has them).
func ListStations(ctx context.Context, q Q, prefix string) ([]zhitong.Station, error) {
	return listStations(ctx, q, prefix, false)
}

// ListAllStations is ListStations with the retired stations, for the
// workbench and for statistics over cases that point at them.
func ListAllStations(ctx context.Context, q Q, prefix string) ([]zhitong.Station, error) {
	return listStations(ctx, q, prefix, true)
}

func listStations(ctx context.Context, q Q, prefix string, retired bool) ([]zhitong.Station, error) {
	active := ` AND retired_at = ''`
	if retired {
		active = ""
	}
	rows, err := q.Query(ctx, `SELECT `+stationColumns+` FROM stations WHERE (region_code LIKE ?
 OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = stations.id AND sr.region_code LIKE ?))`+active+`
 ORDER BY region_code, id`, prefix+"%", prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanStation)
}

const unitColumns = `id, name, kind, region_code, COALESCE(parent_id, 0), contact, retired_at, demo`

func scanUnit(row interface{ Scan(...any) error }) (zhitong.Unit, error) {
	var u zhitong.Unit
	var retired string
	err := row.Scan(&u.ID, &u.Name, &u.Kind, &u.RegionCode, &u.ParentID, &u.Contact, &retired, &u.Demo)
	u.RetiredAt = ParseTime(retired)
	if errors.Is(err, sql.ErrNoRows) {
		return u, zhitong.Errorf(zhitong.ENOTFOUND, "承办单位不存在")
	}
	return u, err
}

// InsertUnit stores a unit, or returns the id of the one with the same name.
func (t *Tx) InsertUnit(ctx context.Context, u *zhitong.Unit) error {
	return t.QueryRow(ctx, `INSERT INTO units (name, kind, region_code, demo) VALUES (?, ?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id`, u.Name, u.Kind, u.RegionCode, u.Demo).Scan(&u.ID)
}

// GetUnit loads a unit.
func GetUnit(ctx context.Context, q Q, id int64) (zhitong.Unit, error) {
	return scanUnit(q.QueryRow(ctx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id))
}

// ListUnits returns the units in a region subtree.
func ListUnits(ctx context.Context, q Q, prefix string) ([]zhitong.Unit, error) {
	rows, err := q.Query(ctx, `SELECT `+unitColumns+` FROM units WHERE region_code LIKE ? ORDER BY kind, id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUnit)
}

const deputyColumns = `id, name, levels, region_code, constituency, COALESCE(station_id, 0), pledge, demo`

func scanDeputy(row interface{ Scan(...any) error }) (zhitong.Deputy, error) {
	var d zhitong.Deputy
	var levels string
	err := row.Scan(&d.ID, &d.Name, &levels, &d.RegionCode, &d.Constituency, &d.StationID, &d.Pledge, &d.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return d, zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	if levels != "" {
		d.Levels = strings.Split(levels, ",")
	}
	return d, err
}

// InsertDeputy stores a deputy, posted to its primary station if it has one.
func (t *Tx) InsertDeputy(ctx context.Context, d *zhitong.Deputy) error {
	err := t.QueryRow(ctx, `INSERT INTO deputies (name, levels, region_code, constituency, station_id, pledge, demo) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Name, strings.Join(d.Levels, ","), d.RegionCode, d.Constituency, nullID(d.StationID), d.Pledge, d.Demo).Scan(&d.ID)
	if err != nil || d.StationID == 0 {
		return err
	}
	return t.AddStationDeputy(ctx, d.StationID, d.ID)
}

// GetDeputy loads a deputy.
func GetDeputy(ctx context.Context, q Q, id int64) (zhitong.Deputy, error) {
	return scanDeputy(q.QueryRow(ctx, `SELECT `+deputyColumns+` FROM deputies WHERE id = ?`, id))
}

// ListDeputies returns the deputies in a region subtree.
func ListDeputies(ctx context.Context, q Q, prefix string) ([]zhitong.Deputy, error) {
	rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies WHERE region_code LIKE ? ORDER BY id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeputy)
}

// GetMeta reads a key from the meta table; a missing key is "".
func GetMeta(ctx context.Context, q Q, key string) (string, error) {
	var v string
	err := q.QueryRow(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a key to the meta table.
func (t *Tx) SetMeta(ctx context.Context, key, value string) error {
	_, err := t.Exec(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("set meta %s: %w", key, err)
	}
	return nil
}

// collect scans every row with scan and closes rows.
func collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
