package store

import (
	"context"

	"zhitong"
)

// ListAllReceptionRules returns every station's rules, by station and
// then in the order they were written: the portal's home page expands all
// stations' reception days from one query.
func ListAllReceptionRules(ctx context.Context, q Q) ([]zhitong.ReceptionRule, error) {
	rows, err := q.Query(ctx, `SELECT id, station_id, kind, weekday, nth, days, date, holidays, note
 FROM reception_rules ORDER BY station_id, id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReceptionRule)
}

// ListAllReceptionExceptions returns every station's exceptions whose day
// or moved-to date lies between from and to (YYYY-MM-DD, inclusive).
func ListAllReceptionExceptions(ctx context.Context, q Q, from, to string) ([]zhitong.ReceptionException, error) {
	rows, err := q.Query(ctx, `SELECT station_id, day, moved_to, note FROM reception_exceptions
 WHERE (day BETWEEN ? AND ?) OR (moved_to BETWEEN ? AND ?) ORDER BY station_id, day`, from, to, from, to)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanReceptionException)
}

// OnDuty is one deputy on duty at a station on one day.
type OnDuty struct {
	StationID int64
	Day       string
	DeputyID  int64
	Name      string
}

// ListOnDuty returns the deputies on duty (planned, checked in or absent —
// not excused) from from to to inclusive, at one station or, with
// stationID 0, at every station; by station, day and deputy.
func ListOnDuty(ctx context.Context, q Q, stationID int64, from, to string) ([]OnDuty, error) {
	rows, err := q.Query(ctx, `SELECT u.station_id, u.day, u.deputy_id, d.name FROM duties u JOIN deputies d ON d.id = u.deputy_id
 WHERE u.day BETWEEN ? AND ? AND (? = 0 OR u.station_id = ?) AND u.status IN ('planned', 'checked_in', 'no_show')
 ORDER BY u.station_id, u.day, u.deputy_id`, from, to, stationID, stationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(row interface{ Scan(...any) error }) (OnDuty, error) {
		var o OnDuty
		err := row.Scan(&o.StationID, &o.Day, &o.DeputyID, &o.Name)
		return o, err
	})
}
