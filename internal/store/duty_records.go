package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"zhitong"
)

// InsertDutyRecord stores a reception, mediation or activity record with its
// deputies and linked cases.
func (t *Tx) InsertDutyRecord(ctx context.Context, r *zhitong.DutyRecord) error {
	err := t.QueryRow(ctx, `INSERT INTO duty_records (kind, activity, day, station_id, region_code, title, visitors, answered, result, others, created_at, created_by, demo)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.Kind, r.Activity, r.Day, nullID(r.StationID), r.RegionCode, r.Title, r.Visitors, r.Answered, r.Result, r.Others,
		FormatTime(r.CreatedAt), r.CreatedBy, r.Demo).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("insert duty record: %w", err)
	}
	for _, d := range r.DeputyIDs {
		if _, err := t.Exec(ctx, `INSERT INTO duty_record_deputies (record_id, deputy_id) VALUES (?, ?)`, r.ID, d); err != nil {
			return fmt.Errorf("insert duty record deputy: %w", err)
		}
	}
	for _, c := range r.CaseIDs {
		if err := t.LinkRecordCase(ctx, r.ID, c); err != nil {
			return err
		}
	}
	return nil
}

// LinkRecordCase links a case to the record it was raised in.
func (t *Tx) LinkRecordCase(ctx context.Context, recordID, caseID int64) error {
	_, err := t.Exec(ctx, `INSERT INTO duty_record_cases (record_id, case_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, recordID, caseID)
	if err != nil {
		return fmt.Errorf("link case to duty record: %w", err)
	}
	return nil
}

// UpdateDutyRecord replaces the corrected fields and the deputies of a
// record; its cases stay linked.
func (t *Tx) UpdateDutyRecord(ctx context.Context, r *zhitong.DutyRecord) error {
	_, err := t.Exec(ctx, `UPDATE duty_records SET activity = ?, day = ?, station_id = ?, region_code = ?, title = ?, visitors = ?, answered = ?,
 result = ?, others = ?, updated_at = ?, updated_by = ? WHERE id = ?`,
		r.Activity, r.Day, nullID(r.StationID), r.RegionCode, r.Title, r.Visitors, r.Answered, r.Result, r.Others,
		FormatTime(*r.UpdatedAt), r.UpdatedBy, r.ID)
	if err != nil {
		return fmt.Errorf("update duty record: %w", err)
	}
	if _, err := t.Exec(ctx, `DELETE FROM duty_record_deputies WHERE record_id = ?`, r.ID); err != nil {
		return fmt.Errorf("update duty record deputies: %w", err)
	}
	for _, d := range r.DeputyIDs {
		if _, err := t.Exec(ctx, `INSERT INTO duty_record_deputies (record_id, deputy_id) VALUES (?, ?)`, r.ID, d); err != nil {
			return fmt.Errorf("insert duty record deputy: %w", err)
		}
	}
	return nil
}

// VoidDutyRecord marks a record voided. It reports ECONFLICT when the record
// was voided meanwhile.
func (t *Tx) VoidDutyRecord(ctx context.Context, id int64, at time.Time, by int64, reason string) error {
	res, err := t.Exec(ctx, `UPDATE duty_records SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ? AND voided_at = ''`,
		FormatTime(at), by, reason, id)
	if err != nil {
		return fmt.Errorf("void duty record: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "该履职记录已作废")
	}
	return nil
}

const recordColumns = `r.id, r.kind, r.activity, r.day, COALESCE(r.station_id, 0), r.region_code, r.title, r.visitors, r.answered, r.result, r.others,
 r.created_at, r.created_by, r.updated_at, r.updated_by, r.voided_at, r.voided_by, r.void_reason, r.demo`

// notVoided selects the records that count: a voided one counts for nothing.
const notVoided = `r.voided_at = ''`

func scanRecord(row interface{ Scan(...any) error }) (*zhitong.DutyRecord, error) {
	var r zhitong.DutyRecord
	var created, updated, voided string
	err := row.Scan(&r.ID, &r.Kind, &r.Activity, &r.Day, &r.StationID, &r.RegionCode, &r.Title, &r.Visitors, &r.Answered, &r.Result, &r.Others,
		&created, &r.CreatedBy, &updated, &r.UpdatedBy, &voided, &r.VoidedBy, &r.VoidReason, &r.Demo)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "履职记录不存在")
	}
	r.CreatedAt = ParseTime(created)
	r.UpdatedAt, r.VoidedAt = optionalTime(updated), optionalTime(voided)
	return &r, err
}

func optionalTime(stored string) *time.Time {
	if stored == "" {
		return nil
	}
	t := ParseTime(stored)
	return &t
}

// RecordFilter selects duty records. Zero fields select everything.
type RecordFilter struct {
	RegionPrefix string
	StationID    int64
	DeputyID     int64
	Kind         zhitong.RecordKind
	From, To     string // YYYY-MM-DD, inclusive
	Limit        int    // at most 1000 when 0; every record when negative
	WithVoided   bool   // also voided records, for the workbench list
}

// ListDutyRecords returns the records f selects, newest first, with their
// deputies and cases.
func ListDutyRecords(ctx context.Context, q Q, f RecordFilter) ([]*zhitong.DutyRecord, error) {
	where, args := []string{"r.region_code LIKE ?"}, []any{f.RegionPrefix + "%"}
	if !f.WithVoided {
		where = append(where, notVoided)
	}
	if f.StationID != 0 {
		where, args = append(where, "r.station_id = ?"), append(args, f.StationID)
	}
	if f.DeputyID != 0 {
		where, args = append(where, "EXISTS (SELECT 1 FROM duty_record_deputies x WHERE x.record_id = r.id AND x.deputy_id = ?)"), append(args, f.DeputyID)
	}
	if f.Kind != "" {
		where, args = append(where, "r.kind = ?"), append(args, f.Kind)
	}
	if f.From != "" {
		where, args = append(where, "r.day >= ?"), append(args, f.From)
	}
	if f.To != "" {
		where, args = append(where, "r.day <= ?"), append(args, f.To)
	}
	query := `SELECT ` + recordColumns + ` FROM duty_records r WHERE ` + strings.Join(where, " AND ") + ` ORDER BY r.day DESC, r.id DESC`
	switch {
	case f.Limit == 0 || f.Limit > 1000:
		query += " LIMIT 1000"
	case f.Limit > 0:
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	out, err := collect(rows, scanRecord)
	if err != nil {
		return nil, err
	}
	return out, fillRecordLinks(ctx, q, out)
}

// GetDutyRecord loads one record with its deputies and cases.
func GetDutyRecord(ctx context.Context, q Q, id int64) (*zhitong.DutyRecord, error) {
	r, err := scanRecord(q.QueryRow(ctx, `SELECT `+recordColumns+` FROM duty_records r WHERE r.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return r, fillRecordLinks(ctx, q, []*zhitong.DutyRecord{r})
}

// fillRecordLinks loads the deputy and case ids of records.
func fillRecordLinks(ctx context.Context, q Q, recs []*zhitong.DutyRecord) error {
	if len(recs) == 0 {
		return nil
	}
	byID := map[int64]*zhitong.DutyRecord{}
	ids := make([]any, len(recs))
	for i, r := range recs {
		byID[r.ID], ids[i] = r, r.ID
		r.DeputyIDs, r.CaseIDs = []int64{}, []int64{}
	}
	in := strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", ")
	for _, link := range []struct {
		query string
		add   func(*zhitong.DutyRecord, int64)
	}{
		{`SELECT record_id, deputy_id FROM duty_record_deputies WHERE record_id IN (` + in + `) ORDER BY record_id, deputy_id`,
			func(r *zhitong.DutyRecord, id int64) { r.DeputyIDs = append(r.DeputyIDs, id) }},
		{`SELECT record_id, case_id FROM duty_record_cases WHERE record_id IN (` + in + `) ORDER BY record_id, case_id`,
			func(r *zhitong.DutyRecord, id int64) { r.CaseIDs = append(r.CaseIDs, id) }},
	} {
		pairs, err := idPairs(ctx, q, link.query, ids...)
		if err != nil {
			return err
		}
		for _, p := range pairs {
			link.add(byID[p[0]], p[1])
		}
	}
	return nil
}

func idPairs(ctx context.Context, q Q, query string, args ...any) ([][2]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Duty is one row of the duty roster (轮值), written by the roster and
// check-in features; points and scorecards read it.
type Duty struct {
	ID        int64
	StationID int64
	DeputyID  int64
	Day       string
	Status    string // planned, checked_in, no_show, excused
}

// PutDuty inserts or updates a duty row. Tests and the demo use it to lay
// out check-ins and absences.
func (t *Tx) PutDuty(ctx context.Context, d *Duty) error {
	checked := ""
	if d.Status == "checked_in" {
		checked = d.Day + "T01:00:00.000000Z"
	}
	return t.QueryRow(ctx, `INSERT INTO duties (station_id, deputy_id, day, status, checked_in_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (station_id, deputy_id, day) DO UPDATE SET status = excluded.status, checked_in_at = excluded.checked_in_at RETURNING id`,
		d.StationID, d.DeputyID, d.Day, d.Status, checked).Scan(&d.ID)
}

// ListDeputyDuties returns a deputy's duties that were checked in or missed, by day.
func ListDeputyDuties(ctx context.Context, q Q, deputyID int64) ([]Duty, error) {
	rows, err := q.Query(ctx, `SELECT id, station_id, deputy_id, day, status FROM duties
 WHERE deputy_id = ? AND status IN ('checked_in', 'no_show') ORDER BY day, id`, deputyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (Duty, error) {
		var d Duty
		err := row.Scan(&d.ID, &d.StationID, &d.DeputyID, &d.Day, &d.Status)
		return d, err
	})
}

// DutyStatus returns the status of a deputy's duty at a station on a day,
// or "" when there is none.
func DutyStatus(ctx context.Context, q Q, stationID, deputyID int64, day string) (string, error) {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM duties WHERE station_id = ? AND deputy_id = ? AND day = ?`, stationID, deputyID, day).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return status, err
}
