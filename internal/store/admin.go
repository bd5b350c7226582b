package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhitong"
)

// SQL of the administration area (internal/admin, docs/admin.md): regions
// added locally, handling units with their contact, categories and each
// jurisdiction's default lead unit per category.

// InsertRegion stores a region added by staff (kind set, code generated).
func (t *Tx) InsertRegion(ctx context.Context, r zhitong.Region) error {
	_, err := t.Exec(ctx, `INSERT INTO regions (code, name, parent_code, level, kind) VALUES (?, ?, ?, ?, ?)`,
		r.Code, r.Name, r.ParentCode, r.Level, r.Kind)
	return err
}

// ChildRegionCodes returns the codes of every region directly under
// parent, retired ones too, so a generated code is never reused.
func ChildRegionCodes(ctx context.Context, q Q, parent string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT code FROM regions WHERE parent_code = ? ORDER BY code`, parent)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (string, error) {
		var s string
		err := row.Scan(&s)
		return s, err
	})
}

// RegionNameTaken reports whether another region under parent has name.
func RegionNameTaken(ctx context.Context, q Q, parent, name, except string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE parent_code = ? AND name = ? AND code <> ?`, parent, name, except).Scan(&n)
	return n > 0, err
}

// RenameRegion changes a region's name.
func (t *Tx) RenameRegion(ctx context.Context, code, name string) error {
	_, err := t.Exec(ctx, `UPDATE regions SET name = ? WHERE code = ?`, name, code)
	return err
}

// RetireRegion marks a region retired; it stays for the records naming it.
func (t *Tx) RetireRegion(ctx context.Context, code string, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE regions SET retired_at = ? WHERE code = ? AND retired_at = ''`, FormatTime(at), code)
	return err
}

// RegionUse counts what still stands in a region: regions under it that
// are not retired, stations placed in it (also as a cross-border station's
// further region) and units of it that are not retired.
type RegionUse struct {
	Regions, Stations, Units int
}

// CountRegionUse counts what still stands in region code.
func CountRegionUse(ctx context.Context, q Q, code string) (RegionUse, error) {
	var u RegionUse
	err := q.QueryRow(ctx, `SELECT
 (SELECT COUNT(*) FROM regions WHERE parent_code = ? AND retired_at = ''),
 (SELECT COUNT(*) FROM stations s WHERE s.region_code = ? OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = s.id AND sr.region_code = ?)),
 (SELECT COUNT(*) FROM units WHERE region_code = ? AND retired_at = '')`, code, code, code, code).Scan(&u.Regions, &u.Stations, &u.Units)
	return u, err
}

// UnitRecord is a unit with its sealed contact phone, as stored.
type UnitRecord struct {
	zhitong.Unit
	PhoneEnc string // SM4-GCM sealed (pii.Sealer), "" when none
}

const unitRecordColumns = unitColumns + `, phone_enc`

func scanUnitRecord(row interface{ Scan(...any) error }) (UnitRecord, error) {
	var u UnitRecord
	var retired string
	err := row.Scan(&u.ID, &u.Name, &u.Kind, &u.RegionCode, &u.ParentID, &u.Contact, &retired, &u.Demo, &u.PhoneEnc)
	if errors.Is(err, sql.ErrNoRows) {
		return u, zhitong.Errorf(zhitong.ENOTFOUND, "承办单位不存在")
	}
	u.RetiredAt = ParseTime(retired)
	return u, err
}

// GetUnitRecord loads a unit with its sealed phone.
func GetUnitRecord(ctx context.Context, q Q, id int64) (UnitRecord, error) {
	return scanUnitRecord(q.QueryRow(ctx, `SELECT `+unitRecordColumns+` FROM units WHERE id = ?`, id))
}

// GetUnitRecordByName loads a unit by its name, the natural key of imports.
func GetUnitRecordByName(ctx context.Context, q Q, name string) (UnitRecord, error) {
	return scanUnitRecord(q.QueryRow(ctx, `SELECT `+unitRecordColumns+` FROM units WHERE name = ?`, name))
}

// ListUnitRecords returns the units in a region subtree with their sealed
// phones, retired ones last.
func ListUnitRecords(ctx context.Context, q Q, prefix string) ([]UnitRecord, error) {
	rows, err := q.Query(ctx, `SELECT `+unitRecordColumns+` FROM units WHERE region_code LIKE ?
 ORDER BY CASE WHEN retired_at = '' THEN 0 ELSE 1 END, region_code, kind, id`, prefix+"%")
	if err != nil {
		return nil, err
	}
	return collect(rows, scanUnitRecord)
}

// CreateUnit stores a new unit and sets its id.
func (t *Tx) CreateUnit(ctx context.Context, u *UnitRecord) error {
	return t.QueryRow(ctx, `INSERT INTO units (name, kind, region_code, parent_id, contact, phone_enc) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		u.Name, u.Kind, u.RegionCode, nullID(u.ParentID), u.Contact, u.PhoneEnc).Scan(&u.ID)
}

// UpdateUnit saves a unit's fields.
func (t *Tx) UpdateUnit(ctx context.Context, u *UnitRecord) error {
	_, err := t.Exec(ctx, `UPDATE units SET name = ?, kind = ?, region_code = ?, parent_id = ?, contact = ?, phone_enc = ? WHERE id = ?`,
		u.Name, u.Kind, u.RegionCode, nullID(u.ParentID), u.Contact, u.PhoneEnc, u.ID)
	return err
}

// RetireUnit marks a unit retired.
func (t *Tx) RetireUnit(ctx context.Context, id int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE units SET retired_at = ? WHERE id = ? AND retired_at = ''`, FormatTime(at), id)
	return err
}

// UnitNameTaken reports whether a unit other than except is called name.
func UnitNameTaken(ctx context.Context, q Q, name string, except int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM units WHERE name = ? AND id <> ?`, name, except).Scan(&n)
	return n > 0, err
}

// UnitOpenWork counts what a unit still has to do: assignments of cases
// that are running, proposals it handles that have no reply, and the
// active units that name it as their parent department.
type UnitOpenWork struct {
	Assignments, Proposals, Children int
}

// CountUnitOpenWork counts a unit's open work.
func CountUnitOpenWork(ctx context.Context, q Q, id int64) (UnitOpenWork, error) {
	var w UnitOpenWork
	err := q.QueryRow(ctx, `SELECT
 (SELECT COUNT(*) FROM assignments a JOIN cases c ON c.id = a.case_id
   WHERE a.unit_id = ? AND a.state IN ('pending', 'accepted') AND c.status IN ('assigned', 'in_progress')),
 (SELECT COUNT(*) FROM proposals p WHERE p.unit_id = ? AND NOT EXISTS (SELECT 1 FROM replies r WHERE r.proposal_id = p.id)),
 (SELECT COUNT(*) FROM units WHERE parent_id = ? AND retired_at = '')`, id, id, id).Scan(&w.Assignments, &w.Proposals, &w.Children)
	return w, err
}

// UnitPhone returns the sealed contact phone of a unit that is not
// retired ("" when none, or retired).
func UnitPhone(ctx context.Context, q Q, id int64) (string, error) {
	var enc string
	err := q.QueryRow(ctx, `SELECT phone_enc FROM units WHERE id = ? AND retired_at = ''`, id).Scan(&enc)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return enc, err
}

// CreateCategory stores a new category.
func (t *Tx) CreateCategory(ctx context.Context, c zhitong.Category) error {
	_, err := t.Exec(ctx, `INSERT INTO categories (code, name, due_days, grp) VALUES (?, ?, ?, ?)`, c.Code, c.Name, c.DueDays, c.Group)
	return err
}

// UpdateCategory saves a category's name, default deadline and group.
func (t *Tx) UpdateCategory(ctx context.Context, c zhitong.Category) error {
	_, err := t.Exec(ctx, `UPDATE categories SET name = ?, due_days = ?, grp = ? WHERE code = ?`, c.Name, c.DueDays, c.Group, c.Code)
	return err
}

// RetireCategory marks a category retired.
func (t *Tx) RetireCategory(ctx context.Context, code string, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE categories SET retired_at = ? WHERE code = ? AND retired_at = ''`, FormatTime(at), code)
	return err
}

// CategoryNameTaken reports whether a category other than except is called name.
func CategoryNameTaken(ctx context.Context, q Q, name, except string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM categories WHERE name = ? AND code <> ?`, name, except).Scan(&n)
	return n > 0, err
}

// CategoryUnits returns the default lead unit of each category set for
// exactly region (the jurisdiction's own settings), by category code.
func CategoryUnits(ctx context.Context, q Q, region string) (map[string]int64, error) {
	rows, err := q.Query(ctx, `SELECT category_code, unit_id FROM category_units WHERE region_code = ?`, region)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		out[code] = id
	}
	return out, rows.Err()
}

// SetCategoryUnit sets (unit > 0) or clears (0) the default lead unit of a
// category for one jurisdiction.
func (t *Tx) SetCategoryUnit(ctx context.Context, category, region string, unit int64) error {
	if unit == 0 {
		_, err := t.Exec(ctx, `DELETE FROM category_units WHERE category_code = ? AND region_code = ?`, category, region)
		return err
	}
	_, err := t.Exec(ctx, `INSERT INTO category_units (category_code, region_code, unit_id) VALUES (?, ?, ?)
 ON CONFLICT (category_code, region_code) DO UPDATE SET unit_id = excluded.unit_id`, category, region, unit)
	return err
}

// DefaultLeadUnit returns the default lead unit for a case of category in
// region: the setting of the nearest jurisdiction above (or at) region
// whose unit is not retired, 0 when none.
func DefaultLeadUnit(ctx context.Context, q Q, category, region string) (int64, error) {
	var id int64
	err := q.QueryRow(ctx, `SELECT cu.unit_id FROM category_units cu JOIN units u ON u.id = cu.unit_id
 WHERE cu.category_code = ? AND ? LIKE cu.region_code || '%' AND u.retired_at = ''
 ORDER BY LENGTH(cu.region_code) DESC LIMIT 1`, category, region).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// CoversAllCounties reports whether the subtree of prefix holds every
// county-level region of the deployment: the top jurisdiction.
func CoversAllCounties(ctx context.Context, q Q, prefix string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM regions WHERE level = 3 AND code NOT LIKE ?`, prefix+"%").Scan(&n)
	return n == 0, err
}
