package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Keeping the roster in step with what it depends on (docs/roster.md,
// “Keeping the roster consistent”): reception days, a station's deputies
// and approved swaps. Only planned duties from today on are ever touched;
// check-ins, no-shows, excuses and past days stay as they were.

// RosterSync says what a change of reception days, of a station's
// deputies or a swap did to the roster and to citizens' bookings.
type RosterSync struct {
	Moved      int `json:"moved"`      // planned duties moved with their reception day
	Removed    int `json:"removed"`    // planned duties removed
	Reassigned int `json:"reassigned"` // bookings handed to the deputy now on duty
	Stranded   int `json:"stranded"`   // bookings still to come at the station that nobody on duty keeps
}

// syncReceptionDuties runs inside SetReceptionRules, after the new rules
// are written: every planned duty from today on whose day is no longer a
// reception day moves with its day when an exception moved it (or back,
// when the move was undone), else it is removed. A deputy already on duty
// on the new day loses the moved duty instead. Each change is audited.
func (a *App) syncReceptionDuties(ctx context.Context, tx *store.Tx, p zhitong.Principal, stationID int64, oldEx, newEx []zhitong.ReceptionException) (*RosterSync, error) {
	today := a.today()
	first := today.Format(time.DateOnly)
	duties, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: stationID, From: first, Status: zhitong.DutyPlanned})
	if err != nil {
		return nil, err
	}
	out := &RosterSync{}
	if len(duties) > 0 {
		moves := dayMoves(oldEx, newEx)
		last := duties[len(duties)-1].Day
		for _, to := range moves {
			last = max(last, to)
		}
		hi, _ := time.Parse(time.DateOnly, last)
		days, err := a.receptionDays(ctx, tx, stationID, today, hi)
		if err != nil {
			return nil, err
		}
		open := map[string]bool{}
		for _, d := range days {
			open[d.Day] = true
		}
		for _, d := range duties {
			if open[d.Day] {
				continue
			}
			if err := a.syncDuty(ctx, tx, p, d, moveTarget(moves, open, d.Day, first), out); err != nil {
				return nil, err
			}
		}
		if out.Moved+out.Removed > 0 {
			if err := a.expireSwaps(ctx, tx, p, stationID); err != nil {
				return nil, err
			}
		}
	}
	out.Stranded, err = a.countStranded(ctx, tx, stationID)
	return out, err
}

// syncDuty moves d to day to, or removes it when to is "" or the deputy is
// already on duty there.
func (a *App) syncDuty(ctx context.Context, tx *store.Tx, p zhitong.Principal, d *zhitong.Duty, to string, out *RosterSync) error {
	if to != "" {
		busy, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: d.StationID, DeputyID: d.DeputyID, Day: to})
		if err != nil {
			return err
		}
		if len(busy) == 0 {
			if err := tx.MoveDuty(ctx, d.ID, to); err != nil {
				return err
			}
			out.Moved++
			return a.audit(ctx, tx, p, "duty.move", "duty:"+strconv.FormatInt(d.ID, 10),
				map[string]any{"station": d.StationID, "deputy": d.DeputyID, "from": d.Day, "to": to, "reason": "reception_rules"})
		}
	}
	out.Removed++
	return a.removeDuty(ctx, tx, p, d, "reception_rules")
}

// removeDuty deletes a planned duty and audits why (duty.remove).
func (a *App) removeDuty(ctx context.Context, tx *store.Tx, p zhitong.Principal, d *zhitong.Duty, reason string) error {
	if err := tx.DeleteDuty(ctx, d.ID); err != nil {
		return err
	}
	return a.audit(ctx, tx, p, "duty.remove", "duty:"+strconv.FormatInt(d.ID, 10),
		map[string]any{"station": d.StationID, "deputy": d.DeputyID, "day": d.Day, "reason": reason})
}

// dayMoves maps a day whose duties should go elsewhere to that day: each
// exception that moves a day, and, for a move that was undone or changed,
// its old target back to the original day.
func dayMoves(oldEx, newEx []zhitong.ReceptionException) map[string]string {
	out := map[string]string{}
	for _, e := range newEx {
		if e.MovedTo != "" {
			out[e.Day] = e.MovedTo
		}
	}
	for _, e := range oldEx {
		if _, taken := out[e.MovedTo]; e.MovedTo != "" && !taken && !slices.ContainsFunc(newEx, func(n zhitong.ReceptionException) bool {
			return n.Day == e.Day && n.MovedTo == e.MovedTo
		}) {
			out[e.MovedTo] = e.Day
		}
	}
	return out
}

// moveTarget follows the moves from day (a changed move: old target →
// original day → new target) to a reception day from today on, or "".
func moveTarget(moves map[string]string, open map[string]bool, day, today string) string {
	for range 3 {
		to, ok := moves[day]
		if !ok {
			return ""
		}
		if open[to] && to >= today {
			return to
		}
		day = to
	}
	return ""
}

// dropDeputyDuties removes a deputy's planned duties at a station from
// today on (they left the station), audited; it returns how many.
func (a *App) dropDeputyDuties(ctx context.Context, tx *store.Tx, p zhitong.Principal, stationID, deputyID int64) (int, error) {
	duties, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: stationID, DeputyID: deputyID,
		From: a.today().Format(time.DateOnly), Status: zhitong.DutyPlanned})
	if err != nil {
		return 0, err
	}
	for _, d := range duties {
		if err := a.removeDuty(ctx, tx, p, d, "deputy_left_station"); err != nil {
			return 0, err
		}
	}
	return len(duties), nil
}

// syncStationDeputies removes the future planned duties of the deputies
// taken off a station (in before, not in after) and counts the station's
// stranded bookings.
func (a *App) syncStationDeputies(ctx context.Context, tx *store.Tx, p zhitong.Principal, stationID int64, before, after []int64) (*RosterSync, error) {
	out := &RosterSync{}
	for _, id := range before {
		if slices.Contains(after, id) {
			continue
		}
		n, err := a.dropDeputyDuties(ctx, tx, p, stationID, id)
		if err != nil {
			return nil, err
		}
		out.Removed += n
	}
	if out.Removed > 0 {
		if err := a.expireSwaps(ctx, tx, p, stationID); err != nil {
			return nil, err
		}
	}
	var err error
	out.Stranded, err = a.countStranded(ctx, tx, stationID)
	return out, err
}

// countStranded counts a station's bookings still to come that are
// stranded (see stranded).
func (a *App) countStranded(ctx context.Context, q store.Q, stationID int64) (int, error) {
	recs, err := store.ListAppointments(ctx, q, store.AppointmentFilter{StationID: stationID,
		From: a.today().Format(time.DateOnly), Status: zhitong.AppointmentBooked, Limit: 5000})
	if err != nil {
		return 0, err
	}
	n, cache := 0, strandCache{}
	for _, r := range recs {
		if s, err := a.stranded(ctx, q, r, cache); err != nil {
			return 0, err
		} else if s {
			n++
		}
	}
	return n, nil
}
