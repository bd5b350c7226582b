package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// The duty roster (轮值, docs/roster.md): a fair rotation of a station's
// deputies over its reception days, edited by hand by staff of the
// station's jurisdiction. Check-ins, no-shows and excuses are in
// roster_checkin.go, swap requests in roster_swaps.go.

// maxRosterSpan bounds one generation or roster query, in days.
const maxRosterSpan = 366

// rosterRoles may generate and edit rosters, approve swaps and excuse no-shows.
var rosterRoles = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer}

// rosterStation loads a station that p may keep the roster of.
func (a *App) rosterStation(ctx context.Context, q store.Q, p zhitong.Principal, stationID int64) (zhitong.Station, error) {
	if !p.Staff() {
		return zhitong.Station{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(rosterRoles, p.Role) {
		return zhitong.Station{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理值班安排", zhitong.Label(zhitong.Roles, p.Role))
	}
	st, err := store.GetStation(ctx, q, stationID)
	if err != nil {
		return st, err
	}
	// A cross-border station lies in the jurisdiction of each of its regions.
	if ok, err := a.seesStation(ctx, q, p, st); err != nil {
		return st, err
	} else if !ok {
		return st, zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")
	}
	return st, nil
}

// stationDeputyIDs lists the ids of a station's deputies.
func stationDeputyIDs(ctx context.Context, q store.Q, stationID int64) ([]int64, error) {
	deps, err := store.ListStationDeputies(ctx, q, stationID)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(deps))
	for i, d := range deps {
		out[i] = d.ID
	}
	return out, nil
}

// rosterPeriod parses and bounds a period.
func rosterPeriod(from, to string) (time.Time, time.Time, error) {
	lo, err := parseDay("from", from)
	if err != nil {
		return lo, lo, err
	}
	hi, err := parseDay("to", to)
	if err != nil {
		return lo, hi, err
	}
	if hi.Before(lo) {
		return lo, hi, zhitong.Invalid("to", "结束日期不能早于开始日期")
	}
	if hi.Sub(lo) > maxRosterSpan*24*time.Hour {
		return lo, hi, zhitong.Invalid("to", "一次最多%d天", maxRosterSpan)
	}
	return lo, hi, nil
}

// RosterPlan says what a generation did.
type RosterPlan struct {
	StationID int64  `json:"station_id"`
	From      string `json:"from"` // the first day planned: never before today
	To        string `json:"to"`
	PerDay    int    `json:"per_day"`
	Days      int    `json:"days"`    // reception days in the period
	Planned   int    `json:"planned"` // planned duties written
	Removed   int    `json:"removed"` // planned duties replaced
	Kept      int    `json:"kept"`    // check-ins, no-shows and excuses left as they were
}

// GenerateRoster plans a fair rotation of a station's deputies over its
// reception days from from to to: perDay deputies a day (default 1), each
// deputy's count within one of the others', nobody on two reception days in
// a row when there are at least twice perDay deputies, and whoever served
// least and least lately before the period first. It replaces the planned
// duties in the period and keeps every fact (check-ins, no-shows, excuses);
// days before today are never touched. The same data gives the same roster.
func (a *App) GenerateRoster(ctx context.Context, p zhitong.Principal, stationID int64, from, to string, perDay int) (*RosterPlan, error) {
	lo, hi, err := rosterPeriod(from, to)
	if err != nil {
		return nil, err
	}
	today := a.today()
	if hi.Before(today) {
		return nil, zhitong.Invalid("to", "不能为已过去的日期排班")
	}
	lo = rosterLater(lo, today)
	var plan *RosterPlan
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if st, err := a.rosterStation(ctx, tx, p, stationID); err != nil {
			return err
		} else if err := activeStation(st, "station_id"); err != nil {
			return err
		}
		deputies, err := stationDeputyIDs(ctx, tx, stationID)
		if err != nil {
			return err
		}
		if len(deputies) == 0 {
			return zhitong.Invalid("station_id", "该联络站还没有代表，无法排班")
		}
		if perDay == 0 {
			perDay = 1
		}
		if perDay < 1 || perDay > len(deputies) {
			return zhitong.Invalid("per_day", "每天值班人数应在 1 到 %d（本站代表人数）之间", len(deputies))
		}
		days, err := a.receptionDays(ctx, tx, stationID, lo, hi)
		if err != nil {
			return err
		}
		first, last := lo.Format(time.DateOnly), hi.Format(time.DateOnly)
		plan = &RosterPlan{StationID: stationID, From: first, To: last, PerDay: perDay, Days: len(days)}
		if plan.Removed, err = tx.DeletePlannedDuties(ctx, stationID, first, last); err != nil {
			return err
		}
		kept, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: stationID, From: first, To: last})
		if err != nil {
			return err
		}
		plan.Kept = len(kept)
		in := rosterInput{deputies: deputies, perDay: perDay, fixed: map[string][]int64{}}
		for _, d := range kept {
			in.fixed[d.Day] = append(in.fixed[d.Day], d.DeputyID)
		}
		for _, d := range days {
			in.days = append(in.days, d.Day)
		}
		if in.history, err = store.StationDutyHistory(ctx, tx, stationID, first); err != nil {
			return err
		}
		if prev, err := store.LastRosterDay(ctx, tx, stationID, first); err != nil {
			return err
		} else if prev != "" {
			before, err := store.ListDuties(ctx, tx, store.DutyFilter{StationID: stationID, Day: prev})
			if err != nil {
				return err
			}
			for _, d := range before {
				in.previous = append(in.previous, d.DeputyID)
			}
		}
		planned := planRoster(in)
		for _, day := range in.days {
			for _, id := range planned[day] {
				if err := tx.InsertDuty(ctx, &zhitong.Duty{StationID: stationID, DeputyID: id, Day: day, Status: zhitong.DutyPlanned}); err != nil {
					return err
				}
				plan.Planned++
			}
		}
		if err := a.audit(ctx, tx, p, "roster.generate", "station:"+strconv.FormatInt(stationID, 10),
			map[string]any{"from": first, "to": last, "per_day": perDay, "days": plan.Days, "planned": plan.Planned, "removed": plan.Removed, "kept": plan.Kept}); err != nil {
			return err
		}
		return a.expireSwaps(ctx, tx, p, stationID)
	})
	if err != nil {
		return nil, err
	}
	return plan, nil
}

func rosterLater(x, y time.Time) time.Time {
	if x.Before(y) {
		return y
	}
	return x
}

// rosterInput is everything a rotation depends on.
type rosterInput struct {
	days     []string                    // reception days, ascending
	deputies []int64                     // the station's deputies
	perDay   int                         // deputies a day
	fixed    map[string][]int64          // deputies already on a day (kept facts)
	history  map[int64]store.DutyHistory // duties before the period
	previous []int64                     // deputies on the last roster day before the period
}

// planRoster assigns deputies to days. It picks, day by day, the deputies
// with the fewest duties in the period, so counts never differ by more than
// one; among those it prefers whoever was not on the previous reception day,
// then whoever served least and least recently before, then the lower id.
func planRoster(in rosterInput) map[string][]int64 {
	count := map[int64]int{}
	lastDay := map[int64]string{}
	for _, id := range in.deputies {
		lastDay[id] = in.history[id].LastDay
	}
	for day, ids := range in.fixed {
		for _, id := range ids {
			count[id]++
			lastDay[id] = max(lastDay[id], day)
		}
	}
	out := map[string][]int64{}
	prev := in.previous
	for _, day := range in.days {
		on := slices.Clone(in.fixed[day])
		cands := make([]int64, 0, len(in.deputies))
		for _, id := range in.deputies {
			if !slices.Contains(on, id) {
				cands = append(cands, id)
			}
		}
		slices.SortFunc(cands, func(x, y int64) int {
			if c := count[x] - count[y]; c != 0 {
				return c
			}
			if px, py := slices.Contains(prev, x), slices.Contains(prev, y); px != py {
				if px {
					return 1
				}
				return -1
			}
			if c := in.history[x].Count - in.history[y].Count; c != 0 {
				return c
			}
			if lastDay[x] != lastDay[y] {
				if lastDay[x] < lastDay[y] {
					return -1
				}
				return 1
			}
			return compare(x, y)
		})
		need := in.perDay - len(on)
		for _, id := range cands[:max(0, min(need, len(cands)))] {
			out[day] = append(out[day], id)
			on = append(on, id)
			count[id]++
			lastDay[id] = day
		}
		prev = on
	}
	return out
}

// RosterDay is one day of a station's roster: a reception day, or a day
// with duties on it that is no longer one.
type RosterDay struct {
	Day       string          `json:"day"`
	Reception bool            `json:"reception"`
	Reason    string          `json:"reason,omitempty"`
	Duties    []*zhitong.Duty `json:"duties"`
}

// Roster lists a station's reception days and duties from from to to.
// Staff of the station's jurisdiction and the station's deputies may read it.
func (a *App) Roster(ctx context.Context, p zhitong.Principal, stationID int64, from, to string) ([]RosterDay, error) {
	lo, hi, err := rosterPeriod(from, to)
	if err != nil {
		return nil, err
	}
	if p.Role == zhitong.RoleDeputy {
		if err := a.deputyOfStation(ctx, a.db, p, stationID); err != nil {
			return nil, err
		}
	} else if _, err := a.rosterStation(ctx, a.db, p, stationID); err != nil {
		return nil, err
	}
	days, err := a.receptionDays(ctx, a.db, stationID, lo, hi)
	if err != nil {
		return nil, err
	}
	duties, err := store.ListDuties(ctx, a.db, store.DutyFilter{StationID: stationID, From: lo.Format(time.DateOnly), To: hi.Format(time.DateOnly)})
	if err != nil {
		return nil, err
	}
	byDay := map[string]*RosterDay{}
	var order []string
	for _, d := range days {
		byDay[d.Day] = &RosterDay{Day: d.Day, Reception: true, Reason: d.Reason, Duties: []*zhitong.Duty{}}
		order = append(order, d.Day)
	}
	for _, d := range duties {
		rd, ok := byDay[d.Day]
		if !ok {
			rd = &RosterDay{Day: d.Day, Duties: []*zhitong.Duty{}}
			byDay[d.Day] = rd
			order = append(order, d.Day)
		}
		rd.Duties = append(rd.Duties, d)
	}
	slices.Sort(order)
	out := make([]RosterDay, len(order))
	for i, day := range order {
		out[i] = *byDay[day]
	}
	return out, nil
}

// deputyOfStation checks that p is a deputy of the station.
func (a *App) deputyOfStation(ctx context.Context, q store.Q, p zhitong.Principal, stationID int64) error {
	ids, err := stationDeputyIDs(ctx, q, stationID)
	if err != nil {
		return err
	}
	if p.DeputyID == 0 || !slices.Contains(ids, p.DeputyID) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您不是该联络站的代表")
	}
	return nil
}

// isReceptionDay reports whether day is one of the station's reception days.
func (a *App) isReceptionDay(ctx context.Context, q store.Q, stationID int64, day time.Time) (bool, error) {
	days, err := a.receptionDays(ctx, q, stationID, day, day)
	return len(days) > 0, err
}

// futureDay parses a day that must not have passed.
func (a *App) futureDay(field, s string) (time.Time, error) {
	d, err := parseDay(field, s)
	if err != nil {
		return d, err
	}
	if d.Before(a.today()) {
		return d, zhitong.Invalid(field, "不能修改已过去日期的值班安排")
	}
	return d, nil
}

// AddDuty puts a deputy of the station on duty on one of its reception days.
func (a *App) AddDuty(ctx context.Context, p zhitong.Principal, stationID, deputyID int64, day string) (*zhitong.Duty, error) {
	d, err := a.futureDay("day", day)
	if err != nil {
		return nil, err
	}
	duty := &zhitong.Duty{StationID: stationID, DeputyID: deputyID, Day: day, Status: zhitong.DutyPlanned}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		if st, err := a.rosterStation(ctx, tx, p, stationID); err != nil {
			return err
		} else if err := activeStation(st, "station_id"); err != nil {
			return err
		}
		if err := a.checkRosterSlot(ctx, tx, stationID, deputyID, d); err != nil {
			return err
		}
		if err := tx.InsertDuty(ctx, duty); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.add", "duty:"+strconv.FormatInt(duty.ID, 10),
			map[string]any{"station": stationID, "deputy": deputyID, "day": day}); err != nil {
			return err
		}
		return a.expireSwaps(ctx, tx, p, stationID)
	})
	if err != nil {
		return nil, err
	}
	return store.GetDuty(ctx, a.db, duty.ID)
}

// checkRosterSlot checks that a deputy of the station may be on duty on day.
func (a *App) checkRosterSlot(ctx context.Context, q store.Q, stationID, deputyID int64, day time.Time) error {
	ids, err := stationDeputyIDs(ctx, q, stationID)
	if err != nil {
		return err
	}
	if !slices.Contains(ids, deputyID) {
		return zhitong.Invalid("deputy_id", "该代表不属于本联络站")
	}
	ok, err := a.isReceptionDay(ctx, q, stationID, day)
	if err != nil {
		return err
	}
	if !ok {
		return zhitong.Invalid("day", "%s不是本站的接待日", day.Format(time.DateOnly))
	}
	return nil
}

// staffDuty loads a duty of a station whose roster p may keep.
func (a *App) staffDuty(ctx context.Context, tx *store.Tx, p zhitong.Principal, id int64) (*zhitong.Duty, error) {
	d, err := store.GetDuty(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if _, err := a.rosterStation(ctx, tx, p, d.StationID); err != nil {
		return nil, err
	}
	return d, nil
}

// editableDuty loads a planned duty on a day that has not passed, that p
// may edit.
func (a *App) editableDuty(ctx context.Context, tx *store.Tx, p zhitong.Principal, id int64) (*zhitong.Duty, error) {
	d, err := a.staffDuty(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	if d.Status != zhitong.DutyPlanned {
		return nil, zhitong.Errorf(zhitong.ECONFLICT, "该值班安排状态为“%s”，不能修改", zhitong.Label(zhitong.DutyStatuses, d.Status))
	}
	if _, err := a.futureDay("day", d.Day); err != nil {
		return nil, err
	}
	return d, nil
}

// RemoveDuty deletes a planned duty that has not passed.
func (a *App) RemoveDuty(ctx context.Context, p zhitong.Principal, id int64) error {
	return a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.editableDuty(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := tx.DeleteDuty(ctx, id); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.remove", "duty:"+strconv.FormatInt(id, 10),
			map[string]any{"station": d.StationID, "deputy": d.DeputyID, "day": d.Day}); err != nil {
			return err
		}
		return a.expireSwaps(ctx, tx, p, d.StationID)
	})
}

// ReplaceDuty puts another deputy of the station on a planned duty.
func (a *App) ReplaceDuty(ctx context.Context, p zhitong.Principal, id, deputyID int64) (*zhitong.Duty, error) {
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.editableDuty(ctx, tx, p, id)
		if err != nil {
			return err
		}
		ids, err := stationDeputyIDs(ctx, tx, d.StationID)
		if err != nil {
			return err
		}
		if !slices.Contains(ids, deputyID) {
			return zhitong.Invalid("deputy_id", "该代表不属于本联络站")
		}
		from := d.DeputyID
		d.DeputyID = deputyID
		if err := tx.UpdateDuty(ctx, d, zhitong.DutyPlanned); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.replace", "duty:"+strconv.FormatInt(id, 10),
			map[string]any{"station": d.StationID, "day": d.Day, "from": from, "to": deputyID}); err != nil {
			return err
		}
		return a.expireSwaps(ctx, tx, p, d.StationID)
	})
	if err != nil {
		return nil, err
	}
	return store.GetDuty(ctx, a.db, id)
}

// RosterStations lists the stations whose roster p may keep.
func (a *App) RosterStations(ctx context.Context, p zhitong.Principal) ([]zhitong.Station, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(rosterRoles, p.Role) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权管理值班安排", zhitong.Label(zhitong.Roles, p.Role))
	}
	all, err := store.ListStations(ctx, a.db, p.RegionCode)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, st := range all {
		if ok, err := a.seesStation(ctx, a.db, p, st); err != nil {
			return nil, err
		} else if ok {
			out = append(out, st)
		}
	}
	return out, nil
}

// RosterDeputies lists the deputies of a station whose roster p may keep.
func (a *App) RosterDeputies(ctx context.Context, p zhitong.Principal, stationID int64) ([]zhitong.Deputy, error) {
	if _, err := a.rosterStation(ctx, a.db, p, stationID); err != nil {
		return nil, err
	}
	return store.ListStationDeputies(ctx, a.db, stationID)
}
