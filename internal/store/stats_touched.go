package store

import (
	"context"
	"encoding/json"
	"time"
)

// Cases touched after their days may have been settled (migration 097,
// internal/stats/freeze.go): their dimensions or an assignment's changed.

// StatTouched returns the cases touched (each once) and the last entry's id
// (0: none).
func StatTouched(ctx context.Context, q Q) ([]int64, int64, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id FROM stats_touched ORDER BY id`)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var ids []int64
	var last int64
	seen := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&last, &id); err != nil {
			return nil, 0, err
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, last, rows.Err()
}

// StatTouchedLast is the last entry's id (0: none).
func StatTouchedLast(ctx context.Context, q Q) (int64, error) {
	var n int64
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM stats_touched`).Scan(&n)
	return n, err
}

// ClearStatTouched forgets the entries up to id last (those a run handled).
func (t *Tx) ClearStatTouched(ctx context.Context, last int64) error {
	_, err := t.Exec(ctx, `DELETE FROM stats_touched WHERE id <= ?`, last)
	return err
}

// DeleteStatMonth forgets month's rows (YYYY-MM), to be summed again.
func (t *Tx) DeleteStatMonth(ctx context.Context, month string) error {
	if _, err := t.Exec(ctx, `DELETE FROM stats_slice_rows WHERE span = ?`, month); err != nil {
		return err
	}
	_, err := t.Exec(ctx, `DELETE FROM stats_slice_spans WHERE span = ?`, month)
	return err
}

// StatCaseDays returns the China civil days (YYYY-MM-DD) up to last on
// which cases have a statistics fact (received, assigned, replied, solved
// at a follow-up, evaluated, listed), or may be in the overdue stock at the
// day's end (a lead assignment's days from its due date to its round's
// first unit reply, or to last): the days whose settled rows may count
// them by old dimensions.
func StatCaseDays(ctx context.Context, q Q, cases []int64, last string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(cases) == 0 {
		return out, nil
	}
	// Each part drives from the list (CROSS JOIN keeps SQLite's order) and
	// finds the case's rows by their case indexes.
	b, _ := json.Marshal(cases)
	ids, v := `json_each(?) j`, `j.value`
	if q.Dialect() == Postgres {
		ids, v = `jsonb_array_elements_text(CAST(? AS jsonb)) AS j(value)`, `CAST(j.value AS BIGINT)`
	}
	arg := string(b)
	rows, err := q.Query(ctx, `SELECT c.submitted_at FROM `+ids+` CROSS JOIN cases c WHERE c.id = `+v+`
 UNION ALL SELECT a.assigned_at FROM `+ids+` CROSS JOIN assignments a WHERE a.case_id = `+v+`
 UNION ALL SELECT r.at FROM `+ids+` CROSS JOIN replies r WHERE r.case_id = `+v+` AND r.unit_id IS NOT NULL
 UNION ALL SELECT f.done_at FROM `+ids+` CROSS JOIN replies r CROSS JOIN follow_ups f WHERE r.case_id = `+v+` AND f.reply_id = r.id AND f.result = 'solved'
 UNION ALL SELECT e.at FROM `+ids+` CROSS JOIN evaluations e WHERE e.case_id = `+v+`
 UNION ALL SELECT s.at FROM `+ids+` CROSS JOIN supervision_actions s WHERE s.case_id = `+v+` AND s.kind = 'listed'`,
		arg, arg, arg, arg, arg, arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var at string
		if err := rows.Scan(&at); err != nil {
			rows.Close()
			return nil, err
		}
		if t := ParseTime(at); !t.IsZero() {
			if d := t.In(china).Format(time.DateOnly); d <= last {
				out[d] = true
			}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT a.due_date, COALESCE((SELECT MIN(y.at) FROM replies y
 WHERE y.case_id = a.case_id AND y.round = a.round AND y.unit_id IS NOT NULL), '') FROM `+ids+` CROSS JOIN assignments a
 WHERE a.case_id = `+v+` AND a.due_date <> ''`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var due, replied string
		if err := rows.Scan(&due, &replied); err != nil {
			return nil, err
		}
		end := last
		if t := ParseTime(replied); !t.IsZero() && t.In(china).Format(time.DateOnly) < end {
			end = t.In(china).Format(time.DateOnly)
		}
		d, err := time.Parse(time.DateOnly, due)
		if err != nil {
			continue
		}
		for ; d.Format(time.DateOnly) <= end; d = d.AddDate(0, 0, 1) {
			out[d.Format(time.DateOnly)] = true
		}
	}
	return out, rows.Err()
}
