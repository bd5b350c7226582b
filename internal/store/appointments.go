package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"zhitong"
)

// AppointmentRecord is an appointment as stored: name and phone sealed.
type AppointmentRecord struct {
	zhitong.Appointment
	NameEnc, PhoneEnc, PhoneIndex string
	CancelFailures                int
	Demo                          bool
}

// GetAppointmentSettings loads a station's booking rules; ok is false when
// the station has none of its own.
func GetAppointmentSettings(ctx context.Context, q Q, stationID int64) (s zhitong.AppointmentSettings, ok bool, err error) {
	err = q.QueryRow(ctx, `SELECT station_id, enabled, am_start, am_end, pm_start, pm_end, capacity, horizon_days
 FROM appointment_settings WHERE station_id = ?`, stationID).
		Scan(&s.StationID, &s.Enabled, &s.AMStart, &s.AMEnd, &s.PMStart, &s.PMEnd, &s.Capacity, &s.HorizonDays)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	return s, err == nil, err
}

// PutAppointmentSettings stores a station's booking rules.
func (t *Tx) PutAppointmentSettings(ctx context.Context, s zhitong.AppointmentSettings, at time.Time) error {
	_, err := t.Exec(ctx, `INSERT INTO appointment_settings (station_id, enabled, am_start, am_end, pm_start, pm_end, capacity, horizon_days, updated_at)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
 ON CONFLICT (station_id) DO UPDATE SET enabled = excluded.enabled, am_start = excluded.am_start, am_end = excluded.am_end,
 pm_start = excluded.pm_start, pm_end = excluded.pm_end, capacity = excluded.capacity, horizon_days = excluded.horizon_days,
 updated_at = excluded.updated_at`,
		s.StationID, s.Enabled, s.AMStart, s.AMEnd, s.PMStart, s.PMEnd, s.Capacity, s.HorizonDays, FormatTime(at))
	return err
}

// SlotKey names one bookable period: a deputy at a station on a day.
type SlotKey struct {
	StationID, DeputyID int64
	Day, Period         string
}

// TakeSlotPlace books one place of a slot if fewer than capacity are
// booked, and reports whether it did. The counter row is created first
// (ON CONFLICT DO NOTHING), then raised by a conditional UPDATE: on SQLite
// the single writer serialises it, on PostgreSQL the row lock makes a
// concurrent UPDATE wait and re-check booked < capacity on the new row.
func (t *Tx) TakeSlotPlace(ctx context.Context, k SlotKey, capacity int) (bool, error) {
	if _, err := t.Exec(ctx, `INSERT INTO appointment_slots (station_id, deputy_id, day, period, booked) VALUES (?, ?, ?, ?, 0)
 ON CONFLICT (station_id, deputy_id, day, period) DO NOTHING`, k.StationID, k.DeputyID, k.Day, k.Period); err != nil {
		return false, err
	}
	res, err := t.Exec(ctx, `UPDATE appointment_slots SET booked = booked + 1
 WHERE station_id = ? AND deputy_id = ? AND day = ? AND period = ? AND booked < ?`, k.StationID, k.DeputyID, k.Day, k.Period, capacity)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FreeSlotPlace gives a place of a slot back.
func (t *Tx) FreeSlotPlace(ctx context.Context, k SlotKey) error {
	_, err := t.Exec(ctx, `UPDATE appointment_slots SET booked = booked - 1
 WHERE station_id = ? AND deputy_id = ? AND day = ? AND period = ? AND booked > 0`, k.StationID, k.DeputyID, k.Day, k.Period)
	return err
}

// SlotBookings returns the booked counts of a station's slots from lo to hi (YYYY-MM-DD).
func SlotBookings(ctx context.Context, q Q, stationID int64, lo, hi string) (map[SlotKey]int, error) {
	rows, err := q.Query(ctx, `SELECT deputy_id, day, period, booked FROM appointment_slots
 WHERE station_id = ? AND day >= ? AND day <= ?`, stationID, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[SlotKey]int{}
	for rows.Next() {
		k := SlotKey{StationID: stationID}
		var n int
		if err := rows.Scan(&k.DeputyID, &k.Day, &k.Period, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

// DeputiesOnDuty returns the deputies on duty (planned or checked in) at a station
// from lo to hi, by day.
func DeputiesOnDuty(ctx context.Context, q Q, stationID int64, lo, hi string) (map[string][]int64, error) {
	rows, err := q.Query(ctx, `SELECT day, deputy_id FROM duties
 WHERE station_id = ? AND day >= ? AND day <= ? AND status IN ('planned', 'checked_in') ORDER BY day, deputy_id`, stationID, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var day string
		var id int64
		if err := rows.Scan(&day, &id); err != nil {
			return nil, err
		}
		out[day] = append(out[day], id)
	}
	return out, rows.Err()
}

// InsertAppointment stores a new appointment and sets its ID.
func (t *Tx) InsertAppointment(ctx context.Context, a *AppointmentRecord) error {
	return t.QueryRow(ctx, `INSERT INTO appointments (code, station_id, deputy_id, day, period, topic, name_enc, phone_enc, phone_index,
 status, demo, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Code, a.StationID, a.DeputyID, a.Day, a.Period, a.Topic, a.NameEnc, a.PhoneEnc, a.PhoneIndex,
		string(a.Status), a.Demo, FormatTime(a.CreatedAt), FormatTime(a.UpdatedAt)).Scan(&a.ID)
}

// SetAppointmentStatus moves an appointment from one status to another and
// reports whether it was still in from.
func (t *Tx) SetAppointmentStatus(ctx context.Context, a *AppointmentRecord, from zhitong.AppointmentStatus) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE appointments SET status = ?, cancel_reason = ?, cancelled_by = ?, updated_at = ?
 WHERE id = ? AND status = ?`, string(a.Status), a.CancelReason, a.CancelledBy, FormatTime(a.UpdatedAt), a.ID, string(from))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// CountCancelFailure records a wrong last-4-digits attempt and returns the
// count so far.
func (t *Tx) CountCancelFailure(ctx context.Context, id int64) (int, error) {
	var n int
	err := t.QueryRow(ctx, `UPDATE appointments SET cancel_failures = cancel_failures + 1 WHERE id = ? RETURNING cancel_failures`, id).Scan(&n)
	return n, err
}

// LockPhone serialises the bookings of one phone until the transaction
// ends: it writes the phone's row in appointment_phones, which PostgreSQL
// keeps locked until commit (SQLite has one writer anyway).
func (t *Tx) LockPhone(ctx context.Context, phoneIndex, at string) error {
	_, err := t.Exec(ctx, `INSERT INTO appointment_phones (phone_index, touched_at) VALUES (?, ?)
 ON CONFLICT (phone_index) DO UPDATE SET touched_at = excluded.touched_at`, phoneIndex, at)
	return err
}

// ActiveAppointmentsByPhone counts a phone's bookings still to come.
func ActiveAppointmentsByPhone(ctx context.Context, q Q, today string, phoneIndex ...string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM appointments WHERE phone_index IN (`+marks(len(phoneIndex))+`) AND status = 'booked' AND day >= ?`, append(anys(phoneIndex), today)...).Scan(&n)
	return n, err
}

const appointmentColumns = `id, code, station_id, deputy_id, day, period, topic, name_enc, phone_enc, phone_index, status, cancel_reason, cancelled_by, cancel_failures, demo, created_at, updated_at`

func scanAppointment(row interface{ Scan(...any) error }) (*AppointmentRecord, error) {
	var a AppointmentRecord
	var status, created, updated string
	err := row.Scan(&a.ID, &a.Code, &a.StationID, &a.DeputyID, &a.Day, &a.Period, &a.Topic, &a.NameEnc, &a.PhoneEnc, &a.PhoneIndex,
		&status, &a.CancelReason, &a.CancelledBy, &a.CancelFailures, &a.Demo, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "预约不存在，请核对预约码")
	}
	a.Status, a.CreatedAt, a.UpdatedAt = zhitong.AppointmentStatus(status), ParseTime(created), ParseTime(updated)
	return &a, err
}

// GetAppointment loads an appointment by id.
func GetAppointment(ctx context.Context, q Q, id int64) (*AppointmentRecord, error) {
	return scanAppointment(q.QueryRow(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE id = ?`, id))
}

// GetAppointmentByCode loads an appointment by its confirmation code.
func GetAppointmentByCode(ctx context.Context, q Q, code string) (*AppointmentRecord, error) {
	return scanAppointment(q.QueryRow(ctx, `SELECT `+appointmentColumns+` FROM appointments WHERE code = ?`, code))
}

// AppointmentFilter narrows a list of appointments. Empty fields do not filter.
type AppointmentFilter struct {
	RegionPrefix string // the station's region subtree
	StationID    int64
	DeputyID     int64
	From, To     string // days, inclusive
	Status       zhitong.AppointmentStatus
	Limit        int
	// After, when set, lists only the bookings after it in the list's
	// order (day, period, id): a keyset walk for exports.
	After *AppointmentRecord
}

// ListAppointments returns appointments by day, period and time booked.
func ListAppointments(ctx context.Context, q Q, f AppointmentFilter) ([]*AppointmentRecord, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	// A cross-border station is in the jurisdiction of each of its regions.
	where = append(where, "(s.region_code LIKE ? OR EXISTS (SELECT 1 FROM station_regions sr WHERE sr.station_id = s.id AND sr.region_code LIKE ?))")
	args = append(args, f.RegionPrefix+"%", f.RegionPrefix+"%")
	if f.StationID != 0 {
		add("a.station_id = ?", f.StationID)
	}
	if f.DeputyID != 0 {
		add("a.deputy_id = ?", f.DeputyID)
	}
	if f.From != "" {
		add("a.day >= ?", f.From)
	}
	if f.To != "" {
		add("a.day <= ?", f.To)
	}
	if f.Status != "" {
		add("a.status = ?", string(f.Status))
	}
	if a := f.After; a != nil {
		where = append(where, "(a.day > ? OR (a.day = ? AND (a.period > ? OR (a.period = ? AND a.id > ?))))")
		args = append(args, a.Day, a.Day, a.Period, a.Period, a.ID)
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	cols := "a." + strings.ReplaceAll(appointmentColumns, ", ", ", a.")
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM appointments a JOIN stations s ON s.id = a.station_id
 WHERE `+strings.Join(where, " AND ")+` ORDER BY a.day, a.period, a.id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanAppointment)
}

// MarkAppointmentDemo flags a booking as demo data.
func (t *Tx) MarkAppointmentDemo(ctx context.Context, id int64) error {
	_, err := t.Exec(ctx, `UPDATE appointments SET demo = TRUE WHERE id = ?`, id)
	return err
}

// CountDemoAppointments counts the demo's bookings.
func CountDemoAppointments(ctx context.Context, q Q) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM appointments WHERE demo`).Scan(&n)
	return n, err
}

// DeputyUserIDs returns the accounts of a deputy that can sign in.
func DeputyUserIDs(ctx context.Context, q Q, deputyID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM users WHERE deputy_id = ? AND role = 'deputy' AND NOT disabled ORDER BY id`, deputyID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
}

// SetAppointmentDeputy hands a booking still booked with deputy from to
// deputy to, and reports whether it was still booked with from.
func (t *Tx) SetAppointmentDeputy(ctx context.Context, id, from, to int64, at time.Time) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE appointments SET deputy_id = ?, updated_at = ? WHERE id = ? AND deputy_id = ? AND status = 'booked'`,
		to, FormatTime(at), id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
