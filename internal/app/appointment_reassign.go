package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Reassigning a booking (改约) to another deputy on duty the same day: a
// staff action for stranded bookings, and what an approved swap does to
// the bookings of the deputy who hands over the duty (docs/appointments.md).

// ReassignAppointment hands a booking still to come to another deputy on
// duty (planned or checked in) at the same station on the same day, in the
// same period. Committee staff, officers and the station's head in
// jurisdiction; the new deputy's slot must have a place left (ECONFLICT on
// deputy_id otherwise). The citizen is told by SMS, both deputies in-app;
// audited appointment.reassign.
func (a *App) ReassignAppointment(ctx context.Context, p zhitong.Principal, id, deputyID int64) (*AppointmentView, error) {
	var rec *store.AppointmentRecord
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		var err error
		if rec, err = store.GetAppointment(ctx, tx, id); err != nil {
			return err
		}
		if _, err := a.stationForStaff(ctx, p, rec.StationID); err != nil {
			return err
		}
		if rec.Status != zhitong.AppointmentBooked || rec.Day < a.today().Format(time.DateOnly) {
			return zhitong.Errorf(zhitong.ECONFLICT, "该预约%s或日期已过，不能改约", zhitong.Label(zhitong.AppointmentStatuses, rec.Status))
		}
		if deputyID == rec.DeputyID {
			return zhitong.Invalid("deputy_id", "请选择另一位当天值班的代表")
		}
		on, err := store.DeputiesOnDuty(ctx, tx, rec.StationID, rec.Day, rec.Day)
		if err != nil {
			return err
		}
		if !slices.Contains(on[rec.Day], deputyID) {
			return zhitong.Invalid("deputy_id", "该代表%s不在本站值班", rec.Day)
		}
		ok, err := a.moveBooking(ctx, tx, p, rec, deputyID, "staff")
		if err == nil && !ok {
			err = &zhitong.Error{Code: zhitong.ECONFLICT, Field: "deputy_id", Message: "该代表这一时段已约满，请选择其他代表或与群众改约其他日期"}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.appointmentView(ctx, rec)
}

// ReassignChoices lists, for a booking p may see, the other deputies on
// duty at its station that day (planned or checked in), for the 改约 form.
func (a *App) ReassignChoices(ctx context.Context, p zhitong.Principal, id int64) ([]zhitong.DeputyRef, error) {
	rec, err := a.seeAppointment(ctx, a.db, p, id)
	if err != nil {
		return nil, err
	}
	on, err := store.DeputiesOnDuty(ctx, a.db, rec.StationID, rec.Day, rec.Day)
	if err != nil {
		return nil, err
	}
	var out []zhitong.DeputyRef
	for _, did := range on[rec.Day] {
		if did == rec.DeputyID {
			continue
		}
		d, err := store.GetDeputy(ctx, a.db, did)
		if err != nil {
			return nil, err
		}
		out = append(out, zhitong.DeputyRef{ID: d.ID, Name: d.Name})
	}
	return out, nil
}

// moveBooking hands rec to deputy to when their slot has a place left
// (false otherwise, nothing written): the places move, the citizen gets an
// SMS (appointment.reassigned), both deputies an in-app notice, and the
// move is audited with by (staff or swap).
func (a *App) moveBooking(ctx context.Context, tx *store.Tx, p zhitong.Principal, rec *store.AppointmentRecord, to int64, by string) (bool, error) {
	set, err := appointmentSettings(ctx, tx, rec.StationID)
	if err != nil {
		return false, err
	}
	key := store.SlotKey{StationID: rec.StationID, DeputyID: to, Day: rec.Day, Period: rec.Period}
	if ok, err := tx.TakeSlotPlace(ctx, key, set.Capacity); err != nil || !ok {
		return false, err
	}
	from, now := rec.DeputyID, a.clock.Now()
	if ok, err := tx.SetAppointmentDeputy(ctx, rec.ID, from, to, now); err != nil {
		return false, err
	} else if !ok {
		return false, zhitong.Errorf(zhitong.ECONFLICT, "该预约刚被他人处理，请刷新")
	}
	key.DeputyID = from
	if err := tx.FreeSlotPlace(ctx, key); err != nil {
		return false, err
	}
	rec.DeputyID, rec.UpdatedAt = to, now
	if err := a.reassignNotices(ctx, tx, rec, from, set); err != nil {
		return false, err
	}
	return true, a.audit(ctx, tx, p, "appointment.reassign", "appointment:"+strconv.FormatInt(rec.ID, 10),
		map[string]any{"code": rec.Code, "from": from, "to": to, "by": by})
}

// reassignNotices tells the citizen (SMS) and both deputies (in-app) that
// rec moved from deputy from to rec.DeputyID. Keys carry the time, so a
// booking moved back and forth is told each time.
func (a *App) reassignNotices(ctx context.Context, tx *store.Tx, rec *store.AppointmentRecord, from int64, set zhitong.AppointmentSettings) error {
	vars, err := bookingVars(ctx, tx, rec, set)
	if err != nil {
		return err
	}
	key := "appointment:" + strconv.FormatInt(rec.ID, 10) + ":reassigned:" + strconv.FormatInt(rec.UpdatedAt.UnixNano(), 10)
	if _, err := a.notify(ctx, tx, Notice{Key: key, Template: "appointment.reassigned", AppointmentID: rec.ID, Vars: vars}); err != nil {
		return err
	}
	when := vars["time"]
	for _, n := range []struct {
		deputy   int64
		template string
		vars     map[string]string
	}{
		{from, "appointment.withdrawn", map[string]string{"code": rec.Code, "day": rec.Day, "time": when}},
		{rec.DeputyID, "appointment.new", map[string]string{"code": rec.Code, "station": vars["station"], "day": rec.Day, "time": when, "topic": rec.Topic}},
	} {
		if _, err := a.noticeDeputy(ctx, tx, n.deputy, Notice{Key: key + ":" + n.template, Template: n.template, Vars: n.vars}); err != nil {
			return err
		}
	}
	return nil
}

// bookingVars are the variables of a booking's SMS: code, station,
// deputy, day and time (period and start, 上午09:00).
func bookingVars(ctx context.Context, q store.Q, rec *store.AppointmentRecord, set zhitong.AppointmentSettings) (map[string]string, error) {
	dep, err := store.GetDeputy(ctx, q, rec.DeputyID)
	if err != nil {
		return nil, err
	}
	st, err := store.GetStation(ctx, q, rec.StationID)
	if err != nil {
		return nil, err
	}
	start, _ := periodTimes(set, rec.Period)
	return map[string]string{"code": rec.Code, "station": st.Name, "deputy": dep.Name, "day": rec.Day,
		"time": zhitong.Label(zhitong.Periods, rec.Period) + start}, nil
}

// swapHandover is one deputy handing a day's duty to another in a swap.
type swapHandover struct {
	from, to int64
	day      string
}

func swapHandovers(w *zhitong.DutySwap) []swapHandover {
	out := []swapHandover{{w.DeputyID, w.TargetDeputyID, w.Day}}
	if w.Kind == zhitong.SwapExchange {
		out = append(out, swapHandover{w.TargetDeputyID, w.DeputyID, w.TargetDay})
	}
	return out
}

// swapBookingRecords lists the bookings still to come that a swap hands
// over: those with the deputy giving up a day, on that day, at the station.
func (a *App) swapBookingRecords(ctx context.Context, q store.Q, w *zhitong.DutySwap, h swapHandover) ([]*store.AppointmentRecord, error) {
	return store.ListAppointments(ctx, q, store.AppointmentFilter{StationID: w.StationID, DeputyID: h.from, From: h.day, To: h.day,
		Status: zhitong.AppointmentBooked})
}

// SwapBookings counts the bookings an approval of w would hand to the
// deputy taking the duty, for the approver to see before deciding.
func (a *App) SwapBookings(ctx context.Context, w *zhitong.DutySwap) (int, error) {
	n := 0
	for _, h := range swapHandovers(w) {
		recs, err := a.swapBookingRecords(ctx, a.db, w, h)
		if err != nil {
			return 0, err
		}
		n += len(recs)
	}
	return n, nil
}

// handOverBookings runs inside an approval: each booking with a deputy
// who gave up the day goes to the deputy now on duty (same station, day
// and period), when their slot has a place; the others stay, stranded.
func (a *App) handOverBookings(ctx context.Context, tx *store.Tx, p zhitong.Principal, w *zhitong.DutySwap) (*RosterSync, error) {
	out := &RosterSync{}
	for _, h := range swapHandovers(w) {
		recs, err := a.swapBookingRecords(ctx, tx, w, h)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			ok, err := a.moveBooking(ctx, tx, p, r, h.to, "swap")
			if err != nil {
				return nil, err
			}
			if ok {
				out.Reassigned++
			}
		}
	}
	var err error
	out.Stranded, err = a.countStranded(ctx, tx, w.StationID)
	return out, err
}
