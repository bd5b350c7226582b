package store

import (
	"context"
	"strings"
	"time"
)

// Statistics pre-aggregated per slice (migration 093, internal/stats/freeze.go).

// StatCounts is the number of counts a stats_slice_rows row holds, in the
// order of StatCountColumns.
const StatCounts = 14

// StatCountColumns are stats_slice_rows' count columns, in order.
const StatCountColumns = `received, registered_in_time, assigned, accepted_in_time, replied, replied_on_time, solved, evaluated, satisfied,
 called_back, rehandled, listed, reply_days, overdue`

// StatSliceRow is one row of a settled span (a day YYYY-MM-DD or a month
// YYYY-MM): a slice's row key under a scope region, with its counts.
// Through is the day up to which completions after the span are in it.
type StatSliceRow struct {
	Span, Scope, Slice, Key, Through string
	Counts                           [StatCounts]int
}

// StatMark is the last day settled ("" none).
func StatMark(ctx context.Context, q Q) (string, error) {
	var s string
	err := q.QueryRow(ctx, `SELECT COALESCE(MAX(through), '') FROM stats_slice_mark`).Scan(&s)
	return s, err
}

// SetStatMark records day as the last day settled.
func (t *Tx) SetStatMark(ctx context.Context, day string) error {
	_, err := t.Exec(ctx, `INSERT INTO stats_slice_mark (id, through) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET through = excluded.through`, day)
	return err
}

// StatSpans returns the settled spans from..to (days or months, by the
// length of from) with their through day.
func StatSpans(ctx context.Context, q Q, from, to string) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT span, through FROM stats_slice_spans WHERE span >= ? AND span <= ? AND LENGTH(span) = ?`, from, to, len(from))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var s, th string
		if err := rows.Scan(&s, &th); err != nil {
			return nil, err
		}
		out[s] = th
	}
	return out, rows.Err()
}

// ListStatSlices returns the rows of scope for the slices named, spans
// from..to (days or months, by the length of from). One statement, so a
// span's rows are read as one settlement wrote them.
func ListStatSlices(ctx context.Context, q Q, scope string, slices []string, from, to string) ([]StatSliceRow, error) {
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(slices)), ", ")
	args := []any{scope}
	for _, s := range slices {
		args = append(args, s)
	}
	args = append(args, from, to, len(from))
	rows, err := q.Query(ctx, `SELECT span, slice, row_key, through, `+StatCountColumns+` FROM stats_slice_rows
 WHERE scope = ? AND slice IN (`+ph+`) AND span >= ? AND span <= ? AND LENGTH(span) = ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StatSliceRow
	for rows.Next() {
		r := StatSliceRow{Scope: scope}
		dest := []any{&r.Span, &r.Slice, &r.Key, &r.Through}
		for i := range r.Counts {
			dest = append(dest, &r.Counts[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceStatDay stores a day's rows in place of any it had, with through.
func (t *Tx) ReplaceStatDay(ctx context.Context, span, through string, at time.Time, rows []StatSliceRow) error {
	if _, err := t.Exec(ctx, `DELETE FROM stats_slice_rows WHERE span = ?`, span); err != nil {
		return err
	}
	const per = 40 // rows per statement (19 values each, under SQLite's variable limit)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", 5+StatCounts), ", ") + ")"
	for i := 0; i < len(rows); i += per {
		batch := rows[i:min(len(rows), i+per)]
		args := make([]any, 0, len(batch)*(5+StatCounts))
		for _, r := range batch {
			args = append(args, span, r.Scope, r.Slice, r.Key, through)
			for _, c := range r.Counts {
				args = append(args, c)
			}
		}
		if _, err := t.Exec(ctx, `INSERT INTO stats_slice_rows (span, scope, slice, row_key, through, `+StatCountColumns+`) VALUES `+
			strings.TrimSuffix(strings.Repeat(one+", ", len(batch)), ", "), args...); err != nil {
			return err
		}
	}
	_, err := t.Exec(ctx, `INSERT INTO stats_slice_spans (span, through, settled_at, rows) VALUES (?, ?, ?, ?)
 ON CONFLICT (span) DO UPDATE SET through = excluded.through, settled_at = excluded.settled_at, rows = excluded.rows`,
		span, through, FormatTime(at), len(rows))
	return err
}

// SumStatMonth stores month's rows (YYYY-MM) as the sums of its day rows'
// flows (overdue, a stock, stays 0), unless it is stored already; it
// reports whether it stored them.
func (t *Tx) SumStatMonth(ctx context.Context, month, through string, at time.Time) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO stats_slice_spans (span, through, settled_at, rows) VALUES (?, ?, ?, 0) ON CONFLICT (span) DO NOTHING`,
		month, through, FormatTime(at))
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	var sums []string
	for _, c := range strings.Split(StatCountColumns, ",") {
		if c = strings.TrimSpace(c); c == "overdue" {
			sums = append(sums, "0")
		} else {
			sums = append(sums, "SUM("+c+")")
		}
	}
	_, err = t.Exec(ctx, `INSERT INTO stats_slice_rows (span, scope, slice, row_key, through, `+StatCountColumns+`)
 SELECT ?, scope, slice, row_key, ?, `+strings.Join(sums, ", ")+` FROM stats_slice_rows WHERE span >= ? AND span < ? AND LENGTH(span) = 10
 GROUP BY scope, slice, row_key`, month, through, month+"-01", month+"-99")
	return err == nil, err
}

// DeleteStatSlices forgets every settled span, so the next run of the
// stats job recounts them (a changed deadline policy, a corrected calendar).
func (t *Tx) DeleteStatSlices(ctx context.Context) error {
	for _, table := range []string{"stats_slice_rows", "stats_slice_spans", "stats_slice_mark"} {
		if _, err := t.Exec(ctx, `DELETE FROM `+table); err != nil {
			return err
		}
	}
	return nil
}

// ListStatCompletions loads what completed at or after since (UTC text of
// a China midnight) of the events of r (From ≤ at < To): "registered"
// facts, cases received in r and registered since; "accepted" facts,
// assignments made in r and accepted since. Read by registered_at and
// accepted_at (migration 093), so it costs what happened since.
func ListStatCompletions(ctx context.Context, q Q, r StatRange, since string) ([]StatFact, error) {
	reg, regArgs := statRegion(q, r)
	// SQLite, given the choice, walked the period's cases by submitted_at
	// or the region (a month of a city: 28,000 row look-ups, 0.4 s at
	// 1,000,000 cases) rather than what completed since: INDEXED BY keeps
	// it on registered_at and accepted_at. PostgreSQL weighs them itself.
	cases, asgs := `cases c`, `assignments a`
	if q.Dialect() == SQLite {
		cases, asgs = `cases c INDEXED BY stats_cases_registered`, `assignments a INDEXED BY stats_assignments_accepted`
	}
	var out []StatFact
	rows, err := q.Query(ctx, `SELECT c.id, c.round, c.submitted_at, c.registered_at, COALESCE(c.lead_unit_id, 0), `+statCaseCols+`
 FROM `+cases+` WHERE c.registered_at >= ? AND c.submitted_at >= ? AND c.submitted_at < ?`+reg, append([]any{since, r.From, r.To}, regArgs...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var f StatFact
		var at, regd string
		if err := rows.Scan(&f.CaseID, &f.Round, &at, &regd, &f.Unit, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel); err != nil {
			rows.Close()
			return nil, err
		}
		f.Kind, f.ID, f.At, f.Registered = "registered", f.CaseID, ParseTime(at), ParseTime(regd)
		out = append(out, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT a.id, a.case_id, a.round, a.unit_id, a.lead, a.due_date, a.assigned_at, a.accepted_at, `+statCaseCols+`
 FROM `+asgs+` JOIN cases c ON c.id = a.case_id WHERE a.accepted_at >= ? AND a.assigned_at >= ? AND a.assigned_at < ?`+reg,
		append([]any{since, r.From, r.To}, regArgs...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var f StatFact
		var at, acc string
		if err := rows.Scan(&f.ID, &f.CaseID, &f.Round, &f.Unit, &f.Lead, &f.DueDate, &at, &acc, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel); err != nil {
			return nil, err
		}
		f.Kind, f.LeadID, f.At, f.Assigned, f.Accepted = "accepted", f.ID, ParseTime(at), ParseTime(at), ParseTime(acc)
		out = append(out, f)
	}
	return out, rows.Err()
}

// ListStatStockChange loads how the overdue stock changed from the end of
// the settled day mark (markEnd: its end as UTC text) to now, on today:
// removed, the lead assignments overdue at mark's end replied since;
// added, the open lead assignments overdue now that were not then (due on
// mark or after, or made since). The stock now is mark's stock − removed +
// added: what ListStatFacts' "open" facts give for a period running past
// today, read by replies(at) and assignments(state, due_date).
func ListStatStockChange(ctx context.Context, q Q, region, mark, markEnd, today string) (removed, added []StatFact, err error) {
	reg, regArgs := statRegion(q, StatRange{Region: region})
	read := func(query string, args []any) ([]StatFact, error) {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []StatFact
		seen := map[int64]bool{}
		for rows.Next() {
			var f StatFact
			var as string
			if err := rows.Scan(&f.ID, &f.CaseID, &f.Round, &f.Unit, &f.DueDate, &as, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel); err != nil {
				return nil, err
			}
			if seen[f.ID] {
				continue // two replies since
			}
			seen[f.ID] = true
			f.Kind, f.LeadID, f.Lead, f.At, f.Assigned = "open", f.ID, true, ParseTime(as), ParseTime(as)
			out = append(out, f)
		}
		return out, rows.Err()
	}
	cols := `a.id, a.case_id, a.round, a.unit_id, a.due_date, a.assigned_at, ` + statCaseCols
	noReply := ` AND (SELECT y.id FROM replies y WHERE y.case_id = a.case_id AND y.round = a.round AND y.unit_id IS NOT NULL AND y.at < ? LIMIT 1) IS NULL`
	removed, err = read(`SELECT `+cols+` FROM replies x CROSS JOIN assignments a JOIN cases c ON c.id = x.case_id
 WHERE a.case_id = x.case_id AND a.round = x.round AND a.lead AND a.state || '' = 'done'
 AND x.unit_id IS NOT NULL AND x.at >= ? AND a.due_date <> '' AND a.due_date || '' < ? AND a.assigned_at < ?`+reg+noReply,
		append(append([]any{markEnd, mark, markEnd}, regArgs...), markEnd))
	if err != nil {
		return nil, nil, err
	}
	open := ` AND (SELECT y.id FROM replies y WHERE y.case_id = a.case_id AND y.round = a.round AND y.unit_id IS NOT NULL LIMIT 1) IS NULL`
	args := append([]any{mark, today}, regArgs...)
	args = append(args, markEnd, mark)
	args = append(args, regArgs...)
	added, err = read(`SELECT `+cols+` FROM assignments a JOIN cases c ON c.id = a.case_id
 WHERE a.state IN ('pending', 'accepted') AND a.due_date >= ? AND a.due_date < ? AND a.lead`+reg+open+`
 UNION ALL SELECT `+cols+` FROM assignments a JOIN cases c ON c.id = a.case_id
 WHERE a.assigned_at >= ? AND a.state IN ('pending', 'accepted') AND a.due_date <> '' AND a.due_date < ? AND a.lead`+reg+open, args)
	return removed, added, err
}
