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

// The duty roster (轮值) and swap requests. Rules live in internal/app/roster*.go.

const dutyColumns = `u.id, u.station_id, s.name, u.deputy_id, d.name, u.day, u.status, u.checked_in_at, u.lat, u.lng, u.recorded_by, u.note`

const dutyFrom = ` FROM duties u JOIN stations s ON s.id = u.station_id JOIN deputies d ON d.id = u.deputy_id`

func scanDuty(row interface{ Scan(...any) error }) (*zhitong.Duty, error) {
	var d zhitong.Duty
	var at string
	err := row.Scan(&d.ID, &d.StationID, &d.StationName, &d.DeputyID, &d.DeputyName, &d.Day, &d.Status, &at, &d.Lat, &d.Lng, &d.RecordedBy, &d.Note)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "值班安排不存在")
	} else if err != nil {
		return nil, err
	}
	if t := ParseTime(at); !t.IsZero() {
		d.CheckedInAt = &t
	}
	return &d, nil
}

// GetDuty loads one duty with its station and deputy names.
func GetDuty(ctx context.Context, q Q, id int64) (*zhitong.Duty, error) {
	return scanDuty(q.QueryRow(ctx, `SELECT `+dutyColumns+dutyFrom+` WHERE u.id = ?`, id))
}

// DutyFilter selects duties. Zero fields select everything.
type DutyFilter struct {
	StationID int64
	DeputyID  int64
	Day       string
	From, To  string // inclusive
	Status    string
	Desc      bool // newest first
	Limit     int
}

// ListDuties returns the duties f selects, by day and station.
func ListDuties(ctx context.Context, q Q, f DutyFilter) ([]*zhitong.Duty, error) {
	where, args := []string{"1 = 1"}, []any{}
	for _, c := range []struct {
		cond string
		v    any
		set  bool
	}{
		{"u.station_id = ?", f.StationID, f.StationID != 0}, {"u.deputy_id = ?", f.DeputyID, f.DeputyID != 0},
		{"u.day = ?", f.Day, f.Day != ""}, {"u.day >= ?", f.From, f.From != ""}, {"u.day <= ?", f.To, f.To != ""},
		{"u.status = ?", f.Status, f.Status != ""},
	} {
		if c.set {
			where, args = append(where, c.cond), append(args, c.v)
		}
	}
	order := " ORDER BY u.day, u.station_id, u.id"
	if f.Desc {
		order = " ORDER BY u.day DESC, u.station_id, u.id"
	}
	query := `SELECT ` + dutyColumns + dutyFrom + ` WHERE ` + strings.Join(where, " AND ") + order
	if f.Limit > 0 {
		query += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDuty)
}

// InsertDuty adds a duty; a deputy already on duty at the station that day
// is ECONFLICT.
func (t *Tx) InsertDuty(ctx context.Context, d *zhitong.Duty) error {
	at := ""
	if d.CheckedInAt != nil {
		at = FormatTime(*d.CheckedInAt)
	}
	err := t.QueryRow(ctx, `INSERT INTO duties (station_id, deputy_id, day, status, checked_in_at, lat, lng, recorded_by, note)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.StationID, d.DeputyID, d.Day, d.Status, at, d.Lat, d.Lng, d.RecordedBy, d.Note).Scan(&d.ID)
	if IsUniqueViolation(err) {
		return zhitong.Errorf(zhitong.ECONFLICT, "该代表当天已在此联络站值班")
	}
	return err
}

// UpdateDuty writes a duty's deputy, status, check-in and note. It fails
// with ECONFLICT when the row no longer has status from, so two concurrent
// changes cannot both win.
func (t *Tx) UpdateDuty(ctx context.Context, d *zhitong.Duty, from string) error {
	at := ""
	if d.CheckedInAt != nil {
		at = FormatTime(*d.CheckedInAt)
	}
	res, err := t.Exec(ctx, `UPDATE duties SET deputy_id = ?, status = ?, checked_in_at = ?, lat = ?, lng = ?, recorded_by = ?, note = ?
 WHERE id = ? AND status = ?`, d.DeputyID, d.Status, at, d.Lat, d.Lng, d.RecordedBy, d.Note, d.ID, from)
	if IsUniqueViolation(err) {
		return zhitong.Errorf(zhitong.ECONFLICT, "该代表当天已在此联络站值班")
	} else if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "值班安排已被他人修改，请刷新后重试")
	}
	return nil
}

// DeleteDuty removes a planned duty.
func (t *Tx) DeleteDuty(ctx context.Context, id int64) error {
	res, err := t.Exec(ctx, `DELETE FROM duties WHERE id = ? AND status = ?`, id, zhitong.DutyPlanned)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "只能删除待值班的安排")
	}
	return nil
}

// DeletePlannedDuties removes a station's planned duties from from to to
// and returns how many it removed.
func (t *Tx) DeletePlannedDuties(ctx context.Context, stationID int64, from, to string) (int, error) {
	res, err := t.Exec(ctx, `DELETE FROM duties WHERE station_id = ? AND status = ? AND day >= ? AND day <= ?`, stationID, zhitong.DutyPlanned, from, to)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// DutyHistory is how often and how lately a deputy was on a station's roster.
type DutyHistory struct {
	Count   int
	LastDay string
}

// StationDutyHistory counts each deputy's duties at a station before day.
func StationDutyHistory(ctx context.Context, q Q, stationID int64, before string) (map[int64]DutyHistory, error) {
	rows, err := q.Query(ctx, `SELECT deputy_id, COUNT(*), MAX(day) FROM duties WHERE station_id = ? AND day < ? GROUP BY deputy_id`, stationID, before)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]DutyHistory{}
	for rows.Next() {
		var id int64
		var h DutyHistory
		if err := rows.Scan(&id, &h.Count, &h.LastDay); err != nil {
			return nil, err
		}
		out[id] = h
	}
	return out, rows.Err()
}

// LastRosterDay is a station's latest duty day before day, or "".
func LastRosterDay(ctx context.Context, q Q, stationID int64, before string) (string, error) {
	var day sql.NullString
	err := q.QueryRow(ctx, `SELECT MAX(day) FROM duties WHERE station_id = ? AND day < ?`, stationID, before).Scan(&day)
	return day.String, err
}

// OverduePlanned lists planned duties whose day is before day.
func OverduePlanned(ctx context.Context, q Q, before string) ([]*zhitong.Duty, error) {
	return ListDuties(ctx, q, DutyFilter{To: rosterDayBefore(before), Status: zhitong.DutyPlanned})
}

func rosterDayBefore(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}

// RosterStaffUserIDs returns the enabled station heads and liaison officers
// whose jurisdiction covers a station: its own, or a region above it or
// above any region of a cross-border station.
func RosterStaffUserIDs(ctx context.Context, q Q, st zhitong.Station) ([]int64, error) {
	return rosterIDs(ctx, q, `SELECT id FROM users WHERE role IN ('station_head', 'officer') AND NOT disabled
 AND (station_id = ? OR (station_id IS NULL AND (? LIKE region_code || '%'
  OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = ? AND sr.region_code LIKE users.region_code || '%'))))
 ORDER BY id`, st.ID, st.RegionCode, st.ID)
}

func rosterIDs(ctx context.Context, q Q, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (int64, error) {
		var id int64
		err := row.Scan(&id)
		return id, err
	})
}

const swapColumns = `w.id, w.station_id, s.name, w.kind, w.duty_id, w.deputy_id, a.name, w.day, w.target_duty_id, w.target_deputy_id, b.name,
 w.target_day, w.reason, w.status, w.created_at, w.decided_at, w.decided_by, w.decision_note`

const swapFrom = ` FROM duty_swaps w JOIN stations s ON s.id = w.station_id JOIN deputies a ON a.id = w.deputy_id JOIN deputies b ON b.id = w.target_deputy_id`

func scanSwap(row interface{ Scan(...any) error }) (*zhitong.DutySwap, error) {
	var w zhitong.DutySwap
	var created, decided string
	err := row.Scan(&w.ID, &w.StationID, &w.StationName, &w.Kind, &w.DutyID, &w.DeputyID, &w.DeputyName, &w.Day, &w.TargetDutyID,
		&w.TargetDeputyID, &w.TargetDeputyName, &w.TargetDay, &w.Reason, &w.Status, &created, &decided, &w.DecidedBy, &w.DecisionNote)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "换班申请不存在")
	} else if err != nil {
		return nil, err
	}
	w.CreatedAt = ParseTime(created)
	if t := ParseTime(decided); !t.IsZero() {
		w.DecidedAt = &t
	}
	return &w, nil
}

// InsertSwap stores a new swap request.
func (t *Tx) InsertSwap(ctx context.Context, w *zhitong.DutySwap, createdBy int64) error {
	return t.QueryRow(ctx, `INSERT INTO duty_swaps (station_id, kind, duty_id, deputy_id, day, target_duty_id, target_deputy_id, target_day, reason, status, created_at, created_by)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		w.StationID, w.Kind, w.DutyID, w.DeputyID, w.Day, w.TargetDutyID, w.TargetDeputyID, w.TargetDay, w.Reason, w.Status,
		FormatTime(w.CreatedAt), createdBy).Scan(&w.ID)
}

// DecideSwap records the decision on a pending swap; ECONFLICT when it was
// decided meanwhile.
func (t *Tx) DecideSwap(ctx context.Context, w *zhitong.DutySwap) error {
	at := ""
	if w.DecidedAt != nil {
		at = FormatTime(*w.DecidedAt)
	}
	res, err := t.Exec(ctx, `UPDATE duty_swaps SET status = ?, decided_at = ?, decided_by = ?, decision_note = ? WHERE id = ? AND status = ?`,
		w.Status, at, w.DecidedBy, w.DecisionNote, w.ID, zhitong.SwapPending)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "该换班申请已处理")
	}
	return nil
}

// GetSwap loads one swap request.
func GetSwap(ctx context.Context, q Q, id int64) (*zhitong.DutySwap, error) {
	return scanSwap(q.QueryRow(ctx, `SELECT `+swapColumns+swapFrom+` WHERE w.id = ?`, id))
}

// SwapFilter selects swap requests. Zero fields select everything.
type SwapFilter struct {
	RegionPrefix string
	StationID    int64
	DeputyID     int64   // asking or asked
	DutyID       int64   // either duty
	StationIDs   []int64 // when not nil, only these stations (none when empty)
	Status       string
}

// ListSwaps returns the swap requests f selects, newest first, at most 500.
func ListSwaps(ctx context.Context, q Q, f SwapFilter) ([]*zhitong.DutySwap, error) {
	where, args := []string{"s.region_code LIKE ?"}, []any{f.RegionPrefix + "%"}
	if f.StationID != 0 {
		where, args = append(where, "w.station_id = ?"), append(args, f.StationID)
	}
	if f.DeputyID != 0 {
		where, args = append(where, "(w.deputy_id = ? OR w.target_deputy_id = ?)"), append(args, f.DeputyID, f.DeputyID)
	}
	if f.DutyID != 0 {
		where, args = append(where, "(w.duty_id = ? OR w.target_duty_id = ?)"), append(args, f.DutyID, f.DutyID)
	}
	if f.Status != "" {
		where, args = append(where, "w.status = ?"), append(args, f.Status)
	}
	if f.StationIDs != nil {
		if len(f.StationIDs) == 0 {
			return nil, nil
		}
		where = append(where, "w.station_id IN ("+strings.TrimSuffix(strings.Repeat("?, ", len(f.StationIDs)), ", ")+")")
		for _, id := range f.StationIDs {
			args = append(args, id)
		}
	}
	rows, err := q.Query(ctx, `SELECT `+swapColumns+swapFrom+` WHERE `+strings.Join(where, " AND ")+` ORDER BY w.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSwap)
}

// MoveDuty puts a planned duty on another day (its reception day was
// moved). The caller checks first that the deputy is free that day.
func (t *Tx) MoveDuty(ctx context.Context, id int64, day string) error {
	res, err := t.Exec(ctx, `UPDATE duties SET day = ? WHERE id = ? AND status = ?`, day, id, zhitong.DutyPlanned)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "值班安排已被他人修改，请刷新后重试")
	}
	return nil
}
