package store

import (
	"context"
	"encoding/json"
	"time"
)

// StatFact is one event the statistics count (internal/stats/measure), with
// the dimensions of its case and of its round's lead assignment:
//
//   - "received": a case submitted (At = submitted_at, Registered = registered_at,
//     Unit = the case's current lead unit);
//   - "assignment": an assignment made (At = assigned_at, Unit and Lead its own);
//   - "reply", "solved", "evaluation", "listed": an event of a round, counted
//     on the round's lead assignment (Unit, DueDate, Assigned);
//   - "open": a lead assignment still unreplied at the period's end.
type StatFact struct {
	Kind       string
	ID         int64 // the event's row (assignment id for "assignment" and "open")
	LeadID     int64 // the lead assignment's id the event is counted on
	CaseID     int64
	Round      int
	At         time.Time
	Value      string // reply outcome, evaluation rating
	Callback   bool   // an evaluation recorded at a call-back
	Region     string
	Station    int64
	Deputy     int64
	Category   string
	Channel    string
	Unit       int64
	Lead       bool
	Returned   bool
	DueDate    string
	Assigned   time.Time // the lead assignment's time
	Accepted   time.Time
	Registered time.Time
	FirstReply time.Time // "open" facts loaded with RepliedFrom: the round's first unit reply (zero: none)
}

// StatRange is what facts to load: events From ≤ at < To (UTC text of China
// midnights), of cases whose region lies under Region ("" all).
type StatRange struct {
	From, To string
	EndDay   string // the period's last civil day (YYYY-MM-DD), for "open"
	Region   string
	OpenOnly bool // only the "open" facts at EndDay
	// RepliedFrom, when set, loads the lead assignments not replied before
	// it (instead of before To), each with its FirstReply: the candidates
	// to be open at the end of any day from RepliedFrom to EndDay.
	RepliedFrom string
}

const statCaseCols = `c.region_code, COALESCE(c.station_id, 0), COALESCE(c.deputy_id, 0), COALESCE(c.category_code, ''), c.channel`

func statRegion(q Q, r StatRange) (string, []any) {
	if r.Region == "" {
		return "", nil
	}
	cond, lo, hi := regionPrefix("c.region_code", r.Region)
	return ` AND ` + cond, []any{lo, hi}
}

// ListStatFacts loads every fact of the range: received cases, assignments,
// round events and, when EndDay is set, the lead assignments open at its end.
func ListStatFacts(ctx context.Context, q Q, r StatRange) ([]StatFact, error) {
	reg, regArgs := statRegion(q, r)
	var out []StatFact
	scan := func(query string, args []any, read func(s interface{ Scan(...any) error }, f *StatFact) error) error {
		rows, err := q.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var f StatFact
			if err := read(rows, &f); err != nil {
				return err
			}
			out = append(out, f)
		}
		return rows.Err()
	}
	if !r.OpenOnly {
		if err := listFlows(r, scan, reg, regArgs); err != nil {
			return nil, err
		}
	}
	return out, listOpen(r, scan, reg, regArgs)
}

type statScan func(query string, args []any, read func(s interface{ Scan(...any) error }, f *StatFact) error) error

// listFlows loads the events of the range: received cases, assignments made,
// and the rounds' replies, solved follow-ups, evaluations and listings.
func listFlows(r StatRange, scan statScan, reg string, regArgs []any) error {
	// Received.
	if err := scan(`SELECT c.id, c.round, c.submitted_at, c.registered_at, COALESCE(c.lead_unit_id, 0), `+statCaseCols+`
 FROM cases c WHERE c.submitted_at >= ? AND c.submitted_at < ?`+reg, append([]any{r.From, r.To}, regArgs...),
		func(s interface{ Scan(...any) error }, f *StatFact) error {
			var at, regd string
			err := s.Scan(&f.CaseID, &f.Round, &at, &regd, &f.Unit, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel)
			f.Kind, f.ID, f.At, f.Registered = "received", f.CaseID, ParseTime(at), ParseTime(regd)
			return err
		}); err != nil {
		return err
	}
	// Assignments made.
	if err := scan(`SELECT a.id, a.case_id, a.round, a.unit_id, a.lead, a.state, a.due_date, a.assigned_at, a.accepted_at, `+statCaseCols+`
 FROM assignments a JOIN cases c ON c.id = a.case_id WHERE a.assigned_at >= ? AND a.assigned_at < ?`+reg, append([]any{r.From, r.To}, regArgs...),
		func(s interface{ Scan(...any) error }, f *StatFact) error {
			var at, acc, state string
			err := s.Scan(&f.ID, &f.CaseID, &f.Round, &f.Unit, &f.Lead, &state, &f.DueDate, &at, &acc, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel)
			f.Kind, f.LeadID, f.At, f.Assigned, f.Accepted, f.Returned = "assignment", f.ID, ParseTime(at), ParseTime(at), ParseTime(acc), state == "returned"
			return err
		}); err != nil {
		return err
	}
	// Events of rounds, on the round's current lead assignment (not
	// returned). CROSS JOIN keeps SQLite driving from the period's events
	// (their time indexes) rather than from every assignment.
	events := `SELECT 'reply' AS kind, rp.id AS id, rp.case_id AS case_id, rp.round AS round, rp.outcome AS value, rp.at AS at, FALSE AS callback
 FROM replies rp WHERE rp.unit_id IS NOT NULL AND rp.at >= ? AND rp.at < ?
 UNION ALL SELECT 'solved', f.id, rr.case_id, rr.round, 'A', f.done_at, FALSE FROM follow_ups f CROSS JOIN replies rr
 WHERE rr.id = f.reply_id AND f.result = 'solved' AND rr.unit_id IS NOT NULL AND f.done_at >= ? AND f.done_at < ?
 UNION ALL SELECT 'evaluation', e.id, e.case_id, e.round, e.rating, e.at, e.callback FROM evaluations e WHERE e.at >= ? AND e.at < ?
 UNION ALL SELECT 'listed', s.id, s.case_id, s.round, '', s.at, FALSE FROM supervision_actions s
 WHERE s.kind = 'listed' AND s.by_user = 0 AND s.proposal_id IS NULL AND s.at >= ? AND s.at < ?`
	if err := scan(`SELECT x.kind, x.id, a.id, x.case_id, x.round, x.value, x.at, x.callback, a.unit_id, a.due_date, a.assigned_at, `+statCaseCols+`
 FROM (`+events+`) x CROSS JOIN assignments a JOIN cases c ON c.id = x.case_id
 WHERE a.case_id = x.case_id AND a.round = x.round AND a.lead AND a.state <> 'returned'`+reg,
		append([]any{r.From, r.To, r.From, r.To, r.From, r.To, r.From, r.To}, regArgs...),
		func(s interface{ Scan(...any) error }, f *StatFact) error {
			var at, as string
			err := s.Scan(&f.Kind, &f.ID, &f.LeadID, &f.CaseID, &f.Round, &f.Value, &at, &f.Callback, &f.Unit, &f.DueDate, &as,
				&f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel)
			f.At, f.Assigned, f.Lead = ParseTime(at), ParseTime(as), true
			return err
		}); err != nil {
		return err
	}
	return nil
}

// listOpen loads the lead assignments open at the range's end (EndDay).
func listOpen(r StatRange, scan statScan, reg string, regArgs []any) error {
	if r.EndDay == "" {
		return nil
	}
	// Lead assignments made by the end, due before its last day, with no
	// unit reply by then. A lead assignment is done exactly when its round
	// is replied to (app.finishRound), so the candidates are the open ones
	// (few) and the done ones replied only after the end (the replies since
	// then, by replies(at)) — never a walk over every assignment. The
	// second half drives from the replies (CROSS JOIN keeps SQLite's order)
	// and finds each one's assignment by case: "|| ''" keeps SQLite, on a
	// database never ANALYZEd, from reading every done assignment through
	// assignments(state, due_date) instead (19.6 s for a month at 375,000
	// seeded cases; 2026-12-07). "No unit reply yet" is a scalar probe,
	// not NOT EXISTS: PostgreSQL made that a hash anti-join reading every
	// reply of the history (753 ms of a city's dashboard at 1,000,000
	// cases, for 5,600 overdue assignments).
	cutoff, first := r.To, `''`
	if r.RepliedFrom != "" {
		cutoff = r.RepliedFrom
		first = `COALESCE((SELECT MIN(z.at) FROM replies z WHERE z.case_id = a.case_id AND z.round = a.round AND z.unit_id IS NOT NULL), '')`
	}
	open := `SELECT a.id, a.case_id, a.round, a.unit_id, a.due_date, a.assigned_at, ` + first + `, ` + statCaseCols + `
 FROM assignments a JOIN cases c ON c.id = a.case_id
 WHERE a.state IN ('pending', 'accepted') AND a.due_date <> '' AND a.due_date < ? AND a.assigned_at < ? AND a.lead` + reg + `
 AND (SELECT y.id FROM replies y WHERE y.case_id = a.case_id AND y.round = a.round AND y.unit_id IS NOT NULL AND y.at < ? LIMIT 1) IS NULL
 UNION ALL SELECT a.id, a.case_id, a.round, a.unit_id, a.due_date, a.assigned_at, ` + first + `, ` + statCaseCols + `
 FROM replies x CROSS JOIN assignments a JOIN cases c ON c.id = x.case_id
 WHERE a.case_id = x.case_id AND a.round = x.round AND a.lead AND a.state || '' = 'done'
 AND x.unit_id IS NOT NULL AND x.at >= ? AND a.due_date <> '' AND a.due_date || '' < ? AND a.assigned_at < ?` + reg + `
 AND (SELECT y.id FROM replies y WHERE y.case_id = a.case_id AND y.round = a.round AND y.unit_id IS NOT NULL AND y.at < ? LIMIT 1) IS NULL`
	openArgs := append([]any{r.EndDay, r.To}, regArgs...)
	openArgs = append(openArgs, cutoff, cutoff, r.EndDay, r.To)
	openArgs = append(openArgs, regArgs...)
	openArgs = append(openArgs, cutoff)
	return scan(open, openArgs,
		func(s interface{ Scan(...any) error }, f *StatFact) error {
			var as, fr string
			err := s.Scan(&f.ID, &f.CaseID, &f.Round, &f.Unit, &f.DueDate, &as, &fr, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel)
			f.Kind, f.LeadID, f.Lead, f.At, f.Assigned, f.FirstReply = "open", f.ID, true, ParseTime(as), ParseTime(as), ParseTime(fr)
			return err
		})
}

// idList renders ids for a single parameter: a JSON array, unpacked by
// json_each (SQLite) or jsonb_array_elements_text (PostgreSQL), so a list of
// any length is one bound value.
func idList(q Q, ids []int64) (string, any) { return inList(q, "id", ids) }

// inList is idList for another column.
func inList(q Q, col string, ids []int64) (string, any) {
	b, _ := json.Marshal(ids)
	if b == nil || string(b) == "null" {
		b = []byte("[]")
	}
	if q.Dialect() == Postgres {
		return col + ` IN (SELECT (jsonb_array_elements_text(CAST(? AS jsonb)))::bigint)`, string(b)
	}
	return col + ` IN (SELECT value FROM json_each(?))`, string(b)
}

// StatNames names the rows of a statistics slice: table is units, stations,
// deputies (by id) or categories (by code).
func StatNames(ctx context.Context, q Q, table string) (map[string]string, error) {
	var query string
	switch table {
	case "units", "stations", "deputies":
		query = `SELECT CAST(id AS TEXT), name FROM ` + table
	case "categories":
		query = `SELECT code, name FROM categories`
	default:
		return map[string]string{}, nil
	}
	rows, err := q.Query(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}

var china = time.FixedZone("CST", 8*3600)

// StatFirstDay is the day of the first case ever submitted (zero: none).
func StatFirstDay(ctx context.Context, q Q) (time.Time, error) {
	var s string
	err := q.QueryRow(ctx, `SELECT COALESCE(MIN(submitted_at), '') FROM cases`).Scan(&s)
	return ParseTime(s), err
}

// CountReceived counts the cases submitted in r (From ≤ submitted_at < To,
// under r.Region), stopping at limit+1: a bound checked before reading
// their texts, which costs at most limit+1 index entries.
func CountReceived(ctx context.Context, q Q, r StatRange, limit int) (int, error) {
	reg, regArgs := statRegion(q, r)
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM cases c WHERE c.submitted_at >= ? AND c.submitted_at < ?`+reg+` LIMIT ?) x`,
		append(append([]any{r.From, r.To}, regArgs...), limit+1)...).Scan(&n)
	return n, err
}

// ReceivedText is a case received in a statistics range, as its
// "received" fact (for the slices) with its title and body.
type ReceivedText struct {
	Fact        StatFact
	Title, Body string
	at          string // submitted_at as stored: the keyset cursor
}

// ReceivedTexts returns up to n cases submitted in r (From ≤ submitted_at
// < To, under r.Region) after the case after (nil: from the start), in
// order of submission then id: a keyset walk, so a year of a million cases
// is read in batches rather than held.
func ReceivedTexts(ctx context.Context, q Q, r StatRange, after *ReceivedText, n int) ([]ReceivedText, error) {
	reg, regArgs := statRegion(q, r)
	cond, args := `c.submitted_at >= ?`, []any{r.From}
	if after != nil {
		cond, args = `(c.submitted_at > ? OR (c.submitted_at = ? AND c.id > ?))`, []any{after.at, after.at, after.Fact.CaseID}
	}
	rows, err := q.Query(ctx, `SELECT c.id, c.round, c.submitted_at, c.registered_at, COALESCE(c.lead_unit_id, 0), `+statCaseCols+`, c.title, c.body
 FROM cases c WHERE `+cond+` AND c.submitted_at < ?`+reg+` ORDER BY c.submitted_at, c.id LIMIT ?`, append(append(args, r.To), append(regArgs, n)...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ReceivedText
	for rows.Next() {
		var t ReceivedText
		f := &t.Fact
		var regd string
		if err := rows.Scan(&f.CaseID, &f.Round, &t.at, &regd, &f.Unit, &f.Region, &f.Station, &f.Deputy, &f.Category, &f.Channel, &t.Title, &t.Body); err != nil {
			return nil, err
		}
		f.Kind, f.ID, f.At, f.Registered = "received", f.CaseID, ParseTime(t.at), ParseTime(regd)
		out = append(out, t)
	}
	return out, rows.Err()
}
