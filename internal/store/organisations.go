package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"zhitong"
)

const organisationColumns = `region_code, name, committee_name, short_name, created_at`

func scanOrganisation(row interface{ Scan(...any) error }) (zhitong.Organisation, error) {
	var o zhitong.Organisation
	var created string
	err := row.Scan(&o.RegionCode, &o.Name, &o.CommitteeName, &o.ShortName, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return o, zhitong.Errorf(zhitong.ENOTFOUND, "尚未设置人大常委会（机构）信息")
	}
	o.CreatedAt = ParseTime(created)
	return o, err
}

// InsertOrganisation stores an organisation; one already set up for the
// region is ECONFLICT.
func (t *Tx) InsertOrganisation(ctx context.Context, o zhitong.Organisation) error {
	_, err := t.Exec(ctx, `INSERT INTO organisations (`+organisationColumns+`) VALUES (?, ?, ?, ?, ?)`,
		o.RegionCode, o.Name, o.CommitteeName, o.ShortName, FormatTime(o.CreatedAt))
	if IsUniqueViolation(err) {
		return zhitong.Errorf(zhitong.ECONFLICT, "该行政区划已设置过人大常委会")
	}
	return err
}

// OrganisationFor returns the organisation governing a region: the one of
// its nearest ancestor-or-self that has one. None is ENOTFOUND.
func OrganisationFor(ctx context.Context, q Q, code string) (zhitong.Organisation, error) {
	return scanOrganisation(q.QueryRow(ctx, `SELECT `+organisationColumns+` FROM organisations
 WHERE ? LIKE region_code || '%' ORDER BY LENGTH(region_code) DESC LIMIT 1`, code))
}

// ListOrganisations returns every organisation, ordered by region code.
func ListOrganisations(ctx context.Context, q Q) ([]zhitong.Organisation, error) {
	rows, err := q.Query(ctx, `SELECT `+organisationColumns+` FROM organisations ORDER BY region_code`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanOrganisation)
}

// InsertRegionsIfMissing adds regions whose codes are not there yet, in
// batches, and returns how many it added; a region already there is kept as
// it is, so that a name changed by an administrator is never reverted.
func (t *Tx) InsertRegionsIfMissing(ctx context.Context, rs []zhitong.Region) (int, error) {
	const batch = 250
	added := 0
	for start := 0; start < len(rs); start += batch {
		part := rs[start:min(start+batch, len(rs))]
		var b strings.Builder
		args := make([]any, 0, 4*len(part))
		b.WriteString(`INSERT INTO regions (code, name, parent_code, level) VALUES `)
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(?, ?, ?, ?)")
			args = append(args, r.Code, r.Name, r.ParentCode, r.Level)
		}
		b.WriteString(` ON CONFLICT (code) DO NOTHING`)
		res, err := t.Exec(ctx, b.String(), args...)
		if err != nil {
			return added, err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return added, err
		}
		added += int(n)
	}
	return added, nil
}

// CountCategories returns how many case categories exist.
func CountCategories(ctx context.Context, q Q) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM categories`).Scan(&n)
	return n, err
}

// HasSecAdmin reports whether any security administrator account exists:
// until one does, the deployment still needs setting up.
func HasSecAdmin(ctx context.Context, q Q) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users WHERE role = ?`, zhitong.RoleSecAdmin).Scan(&n)
	return n > 0, err
}

// HoldsData reports whether the database holds any region, account, case or
// organisation, and names the first kind found.
func HoldsData(ctx context.Context, q Q) (string, error) {
	for _, t := range []struct{ table, what string }{
		{"organisations", "机构"}, {"regions", "行政区划"}, {"users", "账号"}, {"cases", "意见建议"},
	} {
		var n int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+t.table+` LIMIT 1) x`).Scan(&n); err != nil {
			return "", err
		}
		if n > 0 {
			return t.what, nil
		}
	}
	return "", nil
}
