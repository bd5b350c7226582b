package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Retiring a station (撤销联络站, docs/stations.md): never a delete, since
// cases, duty records and the audit trail point at it. A retired station
// leaves the portal (home, board, booking, submission form), the intake and
// roster pickers; the workbench keeps listing it, marked, so it can be
// brought back. Bookings still to come are the citizens' own, so a station
// with any is not retired: staff cancel them first through the booking
// list, which texts each citizen (appointment.cancelled). Planned duties
// from today on go with the station, each audited (duty.remove, reason
// station_retired); check-ins and the past stay.

// RetireResult says what retiring a station did to its roster.
type RetireResult struct {
	Station *StationProfile `json:"station"`
	Removed int             `json:"removed"` // planned duties from today on removed
}

// RetireStation retires station id. Committee staff whose jurisdiction
// covers it only; refused (conflict) while bookings are still to come.
func (a *App) RetireStation(ctx context.Context, p zhitong.Principal, id int64) (*RetireResult, error) {
	out := &RetireResult{}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		st, err := a.committeeStation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if st.Retired() {
			return zhitong.Errorf(zhitong.ECONFLICT, "联络站“%s”已经撤销", st.Name)
		}
		today := a.today().Format(time.DateOnly)
		booked, err := store.ListAppointments(ctx, tx, store.AppointmentFilter{StationID: id, From: today,
			Status: zhitong.AppointmentBooked, Limit: 1000})
		if err != nil {
			return err
		}
		if n := len(booked); n > 0 {
			return zhitong.Errorf(zhitong.ECONFLICT, "联络站“%s”还有 %d 个待接待的预约，请先在预约管理中逐一取消（群众会收到短信），再撤销联络站", st.Name, n)
		}
		duties, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: id, From: today, Status: zhitong.DutyPlanned})
		if err != nil {
			return err
		}
		for _, d := range duties {
			if err := a.removeDuty(ctx, tx, p, d, "station_retired"); err != nil {
				return err
			}
		}
		out.Removed = len(duties)
		if err := a.expireSwaps(ctx, tx, p, id); err != nil {
			return err
		}
		if _, err := tx.SetStationRetired(ctx, id, a.clock.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "station.retire", stationObject(id), map[string]any{"name": st.Name, "duties_removed": out.Removed})
	})
	if err != nil {
		return nil, err
	}
	out.Station, err = a.StaffStation(ctx, p, id)
	return out, err
}

// RestoreStation brings a retired station back (恢复), for a retirement
// made by mistake. Its roster has to be planned again.
func (a *App) RestoreStation(ctx context.Context, p zhitong.Principal, id int64) (*StationProfile, error) {
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		st, err := a.committeeStation(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if !st.Retired() {
			return zhitong.Errorf(zhitong.ECONFLICT, "联络站“%s”没有撤销", st.Name)
		}
		if _, err := tx.SetStationRetired(ctx, id, time.Time{}); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "station.restore", stationObject(id), map[string]any{"name": st.Name})
	})
	if err != nil {
		return nil, err
	}
	return a.StaffStation(ctx, p, id)
}

// committeeStation loads station id for a change only the committee
// covering it may make (its kind, regions, retirement).
func (a *App) committeeStation(ctx context.Context, tx *store.Tx, p zhitong.Principal, id int64) (zhitong.Station, error) {
	st, err := store.GetStation(ctx, tx, id)
	if err != nil {
		return st, err
	}
	return st, a.mayManageStation(ctx, tx, p, id, stationStructure)
}
