package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"zhitong"
)

// Bulletin is a stored progress bulletin (通报).
type Bulletin struct {
	ID          int64
	Period      string // weekly, monthly
	Start, End  string // YYYY-MM-DD inclusive
	RegionCode  string
	GeneratedAt time.Time
	Published   bool
	PublishedAt time.Time
	Rows        []BulletinRow
}

// BulletinRow is one unit's or township's numbers in a bulletin.
type BulletinRow struct {
	Scope          string `json:"scope"` // unit, town
	Ref            string `json:"ref"`   // unit id or region code
	Name           string `json:"name"`
	Assigned       int    `json:"assigned"`
	AcceptedInTime int    `json:"accepted_in_time"`
	Replied        int    `json:"replied"`
	RepliedOnTime  int    `json:"replied_on_time"`
	Overdue        int    `json:"overdue"`
	Listed         int    `json:"listed"`
	Solved         int    `json:"solved"`
	Evaluated      int    `json:"evaluated"`
	Satisfied      int    `json:"satisfied"`
	Rehandled      int    `json:"rehandled"`
}

// InsertBulletin stores a bulletin and its rows unless one exists for the
// same period; it reports whether it was new.
func (t *Tx) InsertBulletin(ctx context.Context, b *Bulletin) (bool, error) {
	err := t.QueryRow(ctx, `INSERT INTO bulletins (period, period_start, period_end, region_code, generated_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (period, period_start, region_code) DO NOTHING RETURNING id`, b.Period, b.Start, b.End, b.RegionCode, FormatTime(b.GeneratedAt)).Scan(&b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	for _, r := range b.Rows {
		if _, err := t.Exec(ctx, `INSERT INTO bulletin_rows (bulletin_id, scope, ref, name, assigned, accepted_in_time, replied, replied_on_time,
 overdue, listed, solved, evaluated, satisfied, rehandled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, r.Scope, r.Ref, r.Name,
			r.Assigned, r.AcceptedInTime, r.Replied, r.RepliedOnTime, r.Overdue, r.Listed, r.Solved, r.Evaluated, r.Satisfied, r.Rehandled); err != nil {
			return false, err
		}
	}
	return true, nil
}

// BulletinRegionsMissing returns those of regions that have no bulletin
// for the period starting on start yet: the sweep computes a period's
// numbers only when some organisation still lacks its bulletin, so a sweep
// with nothing due reads one indexed row per organisation, not the period.
func BulletinRegionsMissing(ctx context.Context, q Q, period, start string, regions []string) ([]string, error) {
	rows, err := q.Query(ctx, `SELECT region_code FROM bulletins WHERE period = ? AND period_start = ?`, period, start)
	if err != nil {
		return nil, err
	}
	have, err := collect(rows, func(s interface{ Scan(...any) error }) (string, error) {
		var r string
		return r, s.Scan(&r)
	})
	if err != nil {
		return nil, err
	}
	done := make(map[string]bool, len(have))
	for _, r := range have {
		done[r] = true
	}
	var missing []string
	for _, r := range regions {
		if !done[r] {
			missing = append(missing, r)
		}
	}
	return missing, nil
}

// PublishBulletin marks a bulletin public.
func (t *Tx) PublishBulletin(ctx context.Context, id int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE bulletins SET published = TRUE, published_at = ? WHERE id = ?`, FormatTime(at), id)
	return err
}

const bulletinColumns = `id, period, period_start, period_end, region_code, generated_at, published, published_at`

// fields are r's columns as bulletinRowColumns names them, to scan into.
func (r *BulletinRow) fields() []any {
	return []any{&r.Scope, &r.Ref, &r.Name, &r.Assigned, &r.AcceptedInTime, &r.Replied, &r.RepliedOnTime, &r.Overdue, &r.Listed,
		&r.Solved, &r.Evaluated, &r.Satisfied, &r.Rehandled}
}

const bulletinRowColumns = `scope, ref, name, assigned, accepted_in_time, replied, replied_on_time, overdue, listed, solved,
 evaluated, satisfied, rehandled`

func scanBulletin(s interface{ Scan(...any) error }) (*Bulletin, error) {
	var b Bulletin
	var gen, pub string
	err := s.Scan(&b.ID, &b.Period, &b.Start, &b.End, &b.RegionCode, &gen, &b.Published, &pub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通报不存在")
	}
	b.GeneratedAt, b.PublishedAt = ParseTime(gen), ParseTime(pub)
	return &b, err
}

// GetBulletin loads a bulletin with its rows.
func GetBulletin(ctx context.Context, q Q, id int64) (*Bulletin, error) {
	b, err := scanBulletin(q.QueryRow(ctx, `SELECT `+bulletinColumns+` FROM bulletins WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT `+bulletinRowColumns+` FROM bulletin_rows WHERE bulletin_id = ? ORDER BY scope DESC, id`, id)
	if err != nil {
		return nil, err
	}
	b.Rows, err = collect(rows, func(s interface{ Scan(...any) error }) (BulletinRow, error) {
		var r BulletinRow
		err := s.Scan(r.fields()...)
		return r, err
	})
	return b, err
}

// BulletinOrder is the bulletins list's order: newest period first, by
// bulletins_scale_list (bulletins_scale_public for the portal's), migration 106.
var BulletinOrder = KeyOrder{Col: "period_end", ID: "id", Desc: true}

// BulletinFilter selects the bulletins a list shows.
type BulletinFilter struct {
	Published bool // the published ones alone (the portal)
	// Related keeps the bulletins whose region holds region Related or
	// lies under it: those of the organisations above and below it, and a
	// deployment-wide one (""). Empty keeps all.
	Related string
}

// where is f's WHERE clause (empty when it keeps everything). A region's
// ancestors are the prefixes of its code, each an equality on
// bulletins_scale_region (migration 113); its subtree a range of it. A
// county or anything below it sees a few organisations' bulletins, read
// by that index; a city or province most of them, which SQLite, without
// statistics, would still read by it and sort (19 ms for 71,040
// bulletins): there "+region_code" keeps it to the period order of
// bulletins_scale_list, which stops at the page. PostgreSQL's planner
// chooses by its statistics.
func (f BulletinFilter) where(q Q) (string, []any) {
	var conds []string
	var args []any
	if f.Published {
		conds = append(conds, `published`)
	}
	if f.Related != "" {
		col := "region_code"
		if len(f.Related) < 6 && q.Dialect() == SQLite {
			col = "+region_code"
		}
		marks := make([]string, len(f.Related))
		for i := range f.Related {
			marks[i], args = "?", append(args, f.Related[:i])
		}
		c, lo, hi := regionPrefix(col, f.Related)
		conds, args = append(conds, `(`+col+` IN (`+strings.Join(marks, ", ")+`) OR `+c+`)`), append(args, lo, hi)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(conds, ` AND `), args
}

// ListBulletins returns a page of the bulletins f selects, read for p in
// BulletinOrder, and how many there are, up to limit+1.
func ListBulletins(ctx context.Context, q Q, f BulletinFilter, p Page, limit int) ([]*Bulletin, int, error) {
	cond, args := f.where(q)
	n, err := countCapped(ctx, q, `SELECT id FROM bulletins`+cond, args, limit)
	if err != nil {
		return nil, 0, err
	}
	cond, args = BulletinOrder.where(cond, args, p)
	rows, err := q.Query(ctx, `SELECT `+bulletinColumns+` FROM bulletins`+cond, args...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanBulletin)
	return inOrder(list, p), n, err
}

// BulletinRowsOf returns the rows of bulletins ids, by bulletin, in the
// order GetBulletin reads them: a page of a list's rows in one query.
func BulletinRowsOf(ctx context.Context, q Q, ids []int64) (map[int64][]BulletinRow, error) {
	out := make(map[int64][]BulletinRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	marks, args := make([]string, len(ids)), make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", id
	}
	rows, err := q.Query(ctx, `SELECT bulletin_id, `+bulletinRowColumns+` FROM bulletin_rows WHERE bulletin_id IN (`+strings.Join(marks, ", ")+`)
 ORDER BY bulletin_id, scope DESC, id`, args...)
	if err != nil {
		return nil, err
	}
	type owned struct {
		id  int64
		row BulletinRow
	}
	all, err := collect(rows, func(s interface{ Scan(...any) error }) (owned, error) {
		var o owned
		err := s.Scan(append([]any{&o.id}, o.row.fields()...)...)
		return o, err
	})
	for _, o := range all {
		out[o.id] = append(out[o.id], o.row)
	}
	return out, err
}
