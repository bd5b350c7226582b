package store

import (
	"context"
	"strconv"
	"strings"

	"zhitong"
)

// ReplaceReceptionRules replaces a station's reception-day rules and
// exceptions with the given ones, setting the rules' IDs.
func (t *Tx) ReplaceReceptionRules(ctx context.Context, stationID int64, rules []zhitong.ReceptionRule, exceptions []zhitong.ReceptionException) error {
	if _, err := t.Exec(ctx, `DELETE FROM reception_rules WHERE station_id = ?`, stationID); err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `DELETE FROM reception_exceptions WHERE station_id = ?`, stationID); err != nil {
		return err
	}
	for i := range rules {
		r := &rules[i]
		r.StationID = stationID
		if err := t.QueryRow(ctx, `INSERT INTO reception_rules (station_id, kind, weekday, nth, days, date, holidays, note)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			stationID, r.Kind, r.Weekday, r.Nth, joinDays(r.Days), r.Date, r.Holidays, r.Note).Scan(&r.ID); err != nil {
			return err
		}
	}
	for _, e := range exceptions {
		if _, err := t.Exec(ctx, `INSERT INTO reception_exceptions (station_id, day, moved_to, note) VALUES (?, ?, ?, ?)`,
			stationID, e.Day, e.MovedTo, e.Note); err != nil {
			return err
		}
	}
	return nil
}

// ListReceptionRules returns a station's rules in the order they were written.
func ListReceptionRules(ctx context.Context, q Q, stationID int64) ([]zhitong.ReceptionRule, error) {
	rows, err := q.Query(ctx, `SELECT id, station_id, kind, weekday, nth, days, date, holidays, note
 FROM reception_rules WHERE station_id = ? ORDER BY id`, stationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReceptionRule)
}

func scanReceptionRule(row interface{ Scan(...any) error }) (zhitong.ReceptionRule, error) {
	var r zhitong.ReceptionRule
	var days string
	err := row.Scan(&r.ID, &r.StationID, &r.Kind, &r.Weekday, &r.Nth, &days, &r.Date, &r.Holidays, &r.Note)
	r.Days = splitDays(days)
	return r, err
}

// ListReceptionExceptions returns a station's exceptions by day.
func ListReceptionExceptions(ctx context.Context, q Q, stationID int64) ([]zhitong.ReceptionException, error) {
	rows, err := q.Query(ctx, `SELECT station_id, day, moved_to, note FROM reception_exceptions WHERE station_id = ? ORDER BY day`, stationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReceptionException)
}

func scanReceptionException(row interface{ Scan(...any) error }) (zhitong.ReceptionException, error) {
	var e zhitong.ReceptionException
	err := row.Scan(&e.StationID, &e.Day, &e.MovedTo, &e.Note)
	return e, err
}

func joinDays(days []int) string {
	parts := make([]string, len(days))
	for i, d := range days {
		parts[i] = strconv.Itoa(d)
	}
	return strings.Join(parts, ",")
}

func splitDays(s string) []int {
	var out []int
	for _, p := range strings.Split(s, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(p)); err == nil {
			out = append(out, n)
		}
	}
	return out
}
