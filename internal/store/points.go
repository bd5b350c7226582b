package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhitong"
)

// ListPointRules returns the duty-point rules, by event.
func ListPointRules(ctx context.Context, q Q) ([]zhitong.PointRule, error) {
	rows, err := q.Query(ctx, `SELECT event, points, cap, period, updated_at FROM point_rules ORDER BY event`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (zhitong.PointRule, error) {
		var r zhitong.PointRule
		var at string
		err := row.Scan(&r.Event, &r.Points, &r.Cap, &r.Period, &at)
		r.UpdatedAt = ParseTime(at)
		return r, err
	})
}

// PutPointRule inserts or replaces the rule of one event.
func (t *Tx) PutPointRule(ctx context.Context, r zhitong.PointRule) error {
	_, err := t.Exec(ctx, `INSERT INTO point_rules (event, points, cap, period, updated_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (event) DO UPDATE SET points = excluded.points, cap = excluded.cap, period = excluded.period, updated_at = excluded.updated_at`,
		r.Event, r.Points, r.Cap, r.Period, FormatTime(r.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put point rule: %w", err)
	}
	return nil
}

// ReplaceLedger replaces a deputy's ledger with entries.
func (t *Tx) ReplaceLedger(ctx context.Context, deputyID int64, entries []zhitong.PointEntry) error {
	if _, err := t.Exec(ctx, `DELETE FROM point_ledger WHERE deputy_id = ?`, deputyID); err != nil {
		return fmt.Errorf("clear ledger: %w", err)
	}
	for _, e := range entries {
		if _, err := t.Exec(ctx, `INSERT INTO point_ledger (deputy_id, event, source, day, points, note) VALUES (?, ?, ?, ?, ?, ?)`,
			e.DeputyID, e.Event, e.Source, e.Day, e.Points, e.Note); err != nil {
			return fmt.Errorf("insert ledger entry: %w", err)
		}
	}
	return nil
}

// ListLedger returns a deputy's ledger entries between from and to
// (inclusive, either may be empty), in order.
func ListLedger(ctx context.Context, q Q, deputyID int64, from, to string) ([]zhitong.PointEntry, error) {
	if to == "" {
		to = "9999-12-31"
	}
	rows, err := q.Query(ctx, `SELECT deputy_id, event, source, day, points, note FROM point_ledger
 WHERE deputy_id = ? AND day >= ? AND day <= ? ORDER BY day, event, source`, deputyID, from, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (zhitong.PointEntry, error) {
		var e zhitong.PointEntry
		err := row.Scan(&e.DeputyID, &e.Event, &e.Source, &e.Day, &e.Points, &e.Note)
		return e, err
	})
}

// DeputyPoints is a deputy's total in the ledger over a period.
type DeputyPoints struct {
	DeputyID   int64
	Name       string
	StationID  int64
	RegionCode string
	Points     int
}

// postedDeputies and postedFrom select the deputies of a region subtree
// and the higher-level deputies posted to its stations (docs/levels.md),
// with the station and region each counts under: id, name, station,
// region, then the caller's columns. Arguments: the subtree's LIKE pattern
// five times, the caller's, the pattern and the prefix.
const postedDeputies = `WITH posted AS (SELECT sd.deputy_id, MIN(sd.station_id) AS first FROM station_deputies sd
 JOIN stations s ON s.id = sd.station_id WHERE s.region_code LIKE ? GROUP BY sd.deputy_id)
 SELECT d.id, d.name,
 CASE WHEN d.region_code LIKE ? OR ps.region_code LIKE ? THEN COALESCE(d.station_id, 0) ELSE COALESCE(p.first, 0) END,
 CASE WHEN d.region_code LIKE ? THEN d.region_code WHEN ps.region_code LIKE ? THEN ps.region_code ELSE COALESCE(fs.region_code, d.region_code) END`

const postedFrom = `
 FROM deputies d LEFT JOIN stations ps ON ps.id = d.station_id LEFT JOIN posted p ON p.deputy_id = d.id
 LEFT JOIN stations fs ON fs.id = p.first
 WHERE d.region_code LIKE ? OR p.deputy_id IS NOT NULL AND ? LIKE d.region_code || '%'
 ORDER BY d.id`

// SumLedger returns the ledger total of every deputy in a region subtree
// between from and to, highest first; deputies with no entries count 0.
func SumLedger(ctx context.Context, q Q, prefix, from, to string) ([]DeputyPoints, error) {
	if to == "" {
		to = "9999-12-31"
	}
	// A deputy of a higher level (city, province, national) elected over
	// the subtree counts there through the stations they are posted to in
	// it (docs/levels.md): their station is then their primary one if it
	// lies in the subtree, else the first of those; their region that
	// station's.
	like := prefix + "%"
	rows, err := q.Query(ctx, postedDeputies+`,
 COALESCE((SELECT SUM(l.points) FROM point_ledger l WHERE l.deputy_id = d.id AND l.day >= ? AND l.day <= ?), 0)`+postedFrom,
		like, like, like, like, like, from, to, like, prefix)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (DeputyPoints, error) {
		var p DeputyPoints
		err := row.Scan(&p.DeputyID, &p.Name, &p.StationID, &p.RegionCode, &p.Points)
		return p, err
	})
}

// Dated is a record of a deputy's with the time it was made.
type Dated struct {
	ID int64
	At string // stored timestamp
}

// DeputyProposals returns the proposals a deputy made and which of them
// were adopted: replied with an outcome other than D.
func DeputyProposals(ctx context.Context, q Q, deputyID int64) (made []Dated, adopted map[int64]bool, err error) {
	made, err = dated(ctx, q, `SELECT id, created_at FROM proposals WHERE deputy_id = ? ORDER BY id`, deputyID)
	if err != nil {
		return nil, nil, err
	}
	// A proposal's reply is recorded on each of its cases (app.ReplyProposal),
	// so the replies are found from the proposal's cases (cases_proposal,
	// then replies_case): replies has no index on proposal_id, and joining
	// on it read every reply of the deployment on each public scorecard
	// (0.9 s of 1.4 s at 1,000,000 cases on PostgreSQL).
	rows, err := q.Query(ctx, `SELECT DISTINCT p.id FROM proposals p JOIN cases c ON c.proposal_id = p.id
 JOIN replies r ON r.case_id = c.id AND r.proposal_id = p.id
 WHERE p.deputy_id = ? AND r.outcome IN ('A', 'B', 'C')`, deputyID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	adopted = map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, nil, err
		}
		adopted[id] = true
	}
	return made, adopted, rows.Err()
}

// collectedBy selects the cases a deputy collected, each once: named as the
// case's deputy, or linked to a duty record (not voided) the deputy took
// part in. Two arguments: the deputy id twice.
//
// It is written as c.id IN (a UNION of the two branches) rather than
// c.deputy_id = ? OR EXISTS (…), which neither SQLite nor PostgreSQL can
// answer from an index (they scan every case): each branch of the UNION is
// an index look-up (cases_scale_deputy; duty_record_deputies_deputy, then the
// primary keys of duty_records and duty_record_cases), and the cases are
// then fetched by id. Same rows: IN is true exactly when either branch is.
const collectedBy = `c.id IN (SELECT d.id FROM cases d WHERE d.deputy_id = ?
 UNION SELECT rc.case_id FROM duty_record_deputies x
 JOIN duty_records r ON r.id = x.record_id AND ` + notVoided + `
 JOIN duty_record_cases rc ON rc.record_id = r.id WHERE x.deputy_id = ?)`

// DeputyCases returns the cases a deputy collected (see collectedBy).
func DeputyCases(ctx context.Context, q Q, deputyID int64) ([]Dated, error) {
	return dated(ctx, q, `SELECT c.id, c.submitted_at FROM cases c WHERE `+collectedBy+` ORDER BY c.submitted_at, c.id`, deputyID, deputyID)
}

func dated(ctx context.Context, q Q, query string, args ...any) ([]Dated, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (Dated, error) {
		var d Dated
		err := row.Scan(&d.ID, &d.At)
		return d, err
	})
}

// CountyTotals is the county-wide sentence of the results page:
// 累计进站接待群众N人次，收集各类意见建议N条.
type CountyTotals struct {
	Received  int `json:"received"`  // citizens received at reception days
	Collected int `json:"collected"` // cases collected, every channel
}

// SumReceived returns the citizens received at the reception days of a
// region subtree (the whole deployment when prefix is "").
func SumReceived(ctx context.Context, q Q, prefix string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COALESCE(SUM(visitors), 0) FROM duty_records r WHERE r.kind = 'reception' AND `+notVoided+` AND r.region_code LIKE ?`,
		prefix+"%").Scan(&n)
	return n, err
}

// CountCollected counts the cases of a region subtree (the whole
// deployment when prefix is ""). The cases are counted as a range of
// cases_region (an index-only count of the subtree's entries); a LIKE read
// every case of the deployment. It still reads one index entry a case:
// callers on public pages keep the figure for a while (app.CountyTotals).
func CountCollected(ctx context.Context, q Q, prefix string) (int, error) {
	var n int
	cond, lo, hi := regionPrefix("region_code", prefix)
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM cases WHERE `+cond, lo, hi).Scan(&n)
	return n, err
}

// LastActive is when a deputy last checked in and last received citizens.
type LastActive struct {
	DeputyID      int64
	Name          string
	StationID     int64
	RegionCode    string
	LastCheckIn   string // YYYY-MM-DD or ""
	LastReception string
	LastReminder  string // stored timestamp of the last reminder sent, or ""
}

// ListLastActive returns every deputy of a region subtree, and every
// higher-level deputy posted to its stations (as SumLedger), with the day
// of their last check-in and last reception record, wherever they served.
func ListLastActive(ctx context.Context, q Q, prefix string) ([]LastActive, error) {
	like := prefix + "%"
	rows, err := q.Query(ctx, postedDeputies+`,
 COALESCE((SELECT MAX(u.day) FROM duties u WHERE u.deputy_id = d.id AND u.status = 'checked_in'), ''),
 COALESCE((SELECT MAX(r.day) FROM duty_records r JOIN duty_record_deputies x ON x.record_id = r.id WHERE x.deputy_id = d.id AND r.kind = 'reception' AND `+notVoided+`), ''),
 COALESCE((SELECT MAX(m.sent_at) FROM deputy_reminders m WHERE m.deputy_id = d.id), '')`+postedFrom,
		like, like, like, like, like, like, prefix)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (LastActive, error) {
		var l LastActive
		err := row.Scan(&l.DeputyID, &l.Name, &l.StationID, &l.RegionCode, &l.LastCheckIn, &l.LastReception, &l.LastReminder)
		return l, err
	})
}

// GetVoterReport loads the stored part of a report to voters; a report not
// yet written is ENOTFOUND.
func GetVoterReport(ctx context.Context, q Q, deputyID int64, from, to string) (*zhitong.VoterReport, error) {
	r := zhitong.VoterReport{DeputyID: deputyID, From: from, To: to}
	var at string
	err := q.QueryRow(ctx, `SELECT narrative, present, satisfied, basic, unsatisfied, updated_at, updated_by FROM voter_reports
 WHERE deputy_id = ? AND period_from = ? AND period_to = ?`, deputyID, from, to).
		Scan(&r.Narrative, &r.Present, &r.Satisfied, &r.Basic, &r.Unsatisfied, &at, &r.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "尚未撰写该期述职报告")
	}
	r.UpdatedAt = ParseTime(at)
	return &r, err
}

// PutVoterReport inserts or replaces a report to voters.
func (t *Tx) PutVoterReport(ctx context.Context, r *zhitong.VoterReport) error {
	_, err := t.Exec(ctx, `INSERT INTO voter_reports (deputy_id, period_from, period_to, narrative, present, satisfied, basic, unsatisfied, updated_at, updated_by)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (deputy_id, period_from, period_to) DO UPDATE SET narrative = excluded.narrative, present = excluded.present,
 satisfied = excluded.satisfied, basic = excluded.basic, unsatisfied = excluded.unsatisfied, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		r.DeputyID, r.From, r.To, r.Narrative, r.Present, r.Satisfied, r.Basic, r.Unsatisfied, FormatTime(r.UpdatedAt), r.UpdatedBy)
	if err != nil {
		return fmt.Errorf("put voter report: %w", err)
	}
	return nil
}

// CaseOutcome is a case a deputy collected with the class of its last reply.
type CaseOutcome struct {
	ID          int64
	Code        string
	Title       string
	Status      string
	SubmittedAt string
	Outcome     string
	Resolution  string // how a finished case ended: "answered" on the spot …
}

// DeputyCaseOutcomes returns the cases a deputy collected, oldest first.
func DeputyCaseOutcomes(ctx context.Context, q Q, deputyID int64) ([]CaseOutcome, error) {
	rows, err := q.Query(ctx, `SELECT c.id, c.code, c.title, c.status, c.submitted_at,
 COALESCE((SELECT `+CurrentOutcome+` FROM replies r WHERE r.case_id = c.id ORDER BY r.id DESC LIMIT 1), ''), COALESCE(c.resolution, '')
 FROM cases c WHERE `+collectedBy+` ORDER BY c.submitted_at, c.id`, deputyID, deputyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (CaseOutcome, error) {
		var c CaseOutcome
		err := row.Scan(&c.ID, &c.Code, &c.Title, &c.Status, &c.SubmittedAt, &c.Outcome, &c.Resolution)
		return c, err
	})
}

// ListVoterReports returns the reports to voters saved for a deputy, the
// latest period first, without their narrative.
func ListVoterReports(ctx context.Context, q Q, deputyID int64) ([]zhitong.VoterReport, error) {
	rows, err := q.Query(ctx, `SELECT period_from, period_to, present, satisfied, basic, unsatisfied, updated_at, updated_by FROM voter_reports
 WHERE deputy_id = ? ORDER BY period_to DESC, period_from DESC`, deputyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (zhitong.VoterReport, error) {
		r := zhitong.VoterReport{DeputyID: deputyID}
		var at string
		err := row.Scan(&r.From, &r.To, &r.Present, &r.Satisfied, &r.Basic, &r.Unsatisfied, &at, &r.UpdatedBy)
		r.UpdatedAt = ParseTime(at)
		return r, err
	})
}
