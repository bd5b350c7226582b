package app

import (
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// CheckInInput is a check-in (进站签到). Lat and Lng are where the phone
// was, when the browser said; Note is required when staff record a
// check-in on a deputy's behalf (补登).
type CheckInInput struct {
	Lat  *float64 `json:"lat"`
	Lng  *float64 `json:"lng"`
	Note string   `json:"note"`
}

func (in *CheckInInput) check() error {
	if (in.Lat == nil) != (in.Lng == nil) {
		return zhitong.Invalid("lat", "位置需要同时包含纬度和经度")
	}
	if in.Lat != nil && (math.IsNaN(*in.Lat) || math.IsNaN(*in.Lng) || *in.Lat < -90 || *in.Lat > 90 || *in.Lng < -180 || *in.Lng > 180) {
		return zhitong.Invalid("lat", "位置无效")
	}
	in.Note = strings.TrimSpace(in.Note)
	return checkLen("note", "说明", in.Note, 0, maxShort)
}

// CheckIn records a check-in on a duty. The deputy checks in themself on
// the duty day (China civil date); staff of the station's jurisdiction may
// record one on the deputy's behalf (补登) with a note, on the day or after
// it, also over a no-show. The deputy's point ledger is refreshed in the
// same transaction.
func (a *App) CheckIn(ctx context.Context, p zhitong.Principal, id int64, in CheckInInput) (*zhitong.Duty, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := store.GetDuty(ctx, tx, id)
		if err != nil {
			return err
		}
		from := d.Status
		today := a.today().Format(time.DateOnly)
		switch {
		case !p.Staff():
			return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
		case p.Role == zhitong.RoleDeputy:
			if d.DeputyID != p.DeputyID {
				return zhitong.Errorf(zhitong.EFORBIDDEN, "只能为本人的值班签到")
			}
			if d.Day != today {
				return zhitong.Errorf(zhitong.ECONFLICT, "只能在值班当天（%s）签到", d.Day)
			}
			if d.Status != zhitong.DutyPlanned {
				return zhitong.Errorf(zhitong.ECONFLICT, "该值班已是“%s”", zhitong.Label(zhitong.DutyStatuses, d.Status))
			}
		default:
			if _, err := a.rosterStation(ctx, tx, p, d.StationID); err != nil {
				return err
			}
			if d.Day > today {
				return zhitong.Invalid("day", "不能为未来日期补登签到")
			}
			if d.Status != zhitong.DutyPlanned && d.Status != zhitong.DutyNoShow {
				return zhitong.Errorf(zhitong.ECONFLICT, "该值班已是“%s”", zhitong.Label(zhitong.DutyStatuses, d.Status))
			}
			if in.Note == "" {
				return zhitong.Invalid("note", "请填写补登说明")
			}
			d.RecordedBy = p.Name
		}
		now := a.clock.Now()
		d.Status, d.CheckedInAt, d.Note = zhitong.DutyCheckedIn, &now, in.Note
		if in.Lat != nil {
			d.Lat, d.Lng = *in.Lat, *in.Lng
		}
		if err := tx.UpdateDuty(ctx, d, from); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.check_in", "duty:"+strconv.FormatInt(id, 10),
			map[string]any{"station": d.StationID, "deputy": d.DeputyID, "day": d.Day, "from": from, "located": in.Lat != nil, "recorded_by": d.RecordedBy, "note": d.Note}); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, []int64{d.DeputyID})
	})
	if err != nil {
		return nil, err
	}
	return store.GetDuty(ctx, a.db, id)
}

// VisitCheckIn records a deputy's check-in at a station where they are not
// on the roster today: allowed when they are a deputy of the station and
// today is one of its reception days (an unplanned visit, 临时进站); it
// writes a checked_in duty. Otherwise it is refused.
func (a *App) VisitCheckIn(ctx context.Context, p zhitong.Principal, stationID int64, in CheckInInput) (*zhitong.Duty, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleDeputy {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表本人可以进站签到；工作人员请在值班表中补登")
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	today := a.today()
	now := a.clock.Now()
	d := &zhitong.Duty{StationID: stationID, DeputyID: p.DeputyID, Day: today.Format(time.DateOnly), Status: zhitong.DutyCheckedIn, CheckedInAt: &now, Note: in.Note}
	if in.Lat != nil {
		d.Lat, d.Lng = *in.Lat, *in.Lng
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		if st, err := store.GetStation(ctx, tx, stationID); err != nil {
			return err
		} else if err := activeStation(st, ""); err != nil {
			return err
		}
		if err := a.deputyOfStation(ctx, tx, p, stationID); err != nil {
			return err
		}
		if ok, err := a.isReceptionDay(ctx, tx, stationID, today); err != nil {
			return err
		} else if !ok {
			return zhitong.Errorf(zhitong.ECONFLICT, "今天不是该联络站的接待日，不能进站签到")
		}
		if err := tx.InsertDuty(ctx, d); err != nil {
			if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
				return zhitong.Errorf(zhitong.ECONFLICT, "您今天在该联络站已有值班安排，请在值班安排上签到")
			}
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.visit", "duty:"+strconv.FormatInt(d.ID, 10),
			map[string]any{"station": stationID, "deputy": p.DeputyID, "day": d.Day, "located": in.Lat != nil}); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, []int64{p.DeputyID})
	})
	if err != nil {
		return nil, err
	}
	return store.GetDuty(ctx, a.db, d.ID)
}

// ExcuseDuty turns a no-show into excused (请假) with the reason staff
// accepted; the absence no longer costs points.
func (a *App) ExcuseDuty(ctx context.Context, p zhitong.Principal, id int64, reason string) (*zhitong.Duty, error) {
	reason = strings.TrimSpace(reason)
	if err := checkLen("reason", "请假事由", reason, 1, maxShort); err != nil {
		return nil, err
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		d, err := a.staffDuty(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if d.Status != zhitong.DutyNoShow {
			return zhitong.Errorf(zhitong.ECONFLICT, "只有缺席的值班可以登记请假，该值班是“%s”", zhitong.Label(zhitong.DutyStatuses, d.Status))
		}
		d.Status, d.Note = zhitong.DutyExcused, reason
		if err := tx.UpdateDuty(ctx, d, zhitong.DutyNoShow); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "duty.excuse", "duty:"+strconv.FormatInt(id, 10),
			map[string]any{"station": d.StationID, "deputy": d.DeputyID, "day": d.Day, "reason": reason}); err != nil {
			return err
		}
		return a.refreshLedgers(ctx, tx, []int64{d.DeputyID})
	})
	if err != nil {
		return nil, err
	}
	return store.GetDuty(ctx, a.db, id)
}

// MarkNoShows records as no_show every planned duty whose day has passed
// without a check-in, and returns how many it marked. The serve command runs
// it with the hourly duty job, before the point ledgers are refreshed. It
// acts as the system, audits each duty, and marks nothing twice. A planned
// duty on a day that is not (or no longer) a reception day at its station
// is never marked: it is removed (onReceptionDays).
func (a *App) MarkNoShows(ctx context.Context) (int, error) {
	n := 0
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		n = 0
		due, err := store.OverduePlanned(ctx, tx, a.today().Format(time.DateOnly))
		if err != nil {
			return err
		}
		if due, err = a.onReceptionDays(ctx, tx, due); err != nil {
			return err
		}
		var deputies []int64
		for _, d := range due {
			d.Status = zhitong.DutyNoShow
			if err := tx.UpdateDuty(ctx, d, zhitong.DutyPlanned); err != nil {
				return err
			}
			if err := a.audit(ctx, tx, System, "duty.no_show", "duty:"+strconv.FormatInt(d.ID, 10),
				map[string]any{"station": d.StationID, "deputy": d.DeputyID, "day": d.Day}); err != nil {
				return err
			}
			if !slices.Contains(deputies, d.DeputyID) {
				deputies = append(deputies, d.DeputyID)
			}
			n++
		}
		// Requests for days that have come are stale too.
		pending, err := store.ListSwaps(ctx, tx, store.SwapFilter{Status: zhitong.SwapPending})
		if err != nil {
			return err
		}
		var stations []int64
		for _, w := range pending {
			if !slices.Contains(stations, w.StationID) {
				stations = append(stations, w.StationID)
				if err := a.expireSwaps(ctx, tx, System, w.StationID); err != nil {
					return err
				}
			}
		}
		return a.refreshLedgers(ctx, tx, deputies)
	})
	return n, err
}

// onReceptionDays keeps the duties that are on a reception day of their
// station and removes the others, as the system, audited duty.remove with
// the reason not_reception_day: nobody is absent from a cancelled day.
// One reception-days read per station.
func (a *App) onReceptionDays(ctx context.Context, tx *store.Tx, due []*zhitong.Duty) ([]*zhitong.Duty, error) {
	span := map[int64][2]string{}
	for _, d := range due {
		s, ok := span[d.StationID]
		if !ok {
			s = [2]string{d.Day, d.Day}
		}
		span[d.StationID] = [2]string{min(s[0], d.Day), max(s[1], d.Day)}
	}
	open := map[store.SlotKey]bool{}
	for id, s := range span {
		lo, _ := time.Parse(time.DateOnly, s[0])
		hi, _ := time.Parse(time.DateOnly, s[1])
		days, err := a.receptionDays(ctx, tx, id, lo, hi)
		if err != nil {
			return nil, err
		}
		for _, d := range days {
			open[store.SlotKey{StationID: id, Day: d.Day}] = true
		}
	}
	kept := due[:0]
	for _, d := range due {
		if open[store.SlotKey{StationID: d.StationID, Day: d.Day}] {
			kept = append(kept, d)
		} else if err := a.removeDuty(ctx, tx, System, d, "not_reception_day"); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

// DeputyDuties is what a deputy's duty page shows.
type DeputyDuties struct {
	Today    []*zhitong.Duty     `json:"today"`
	Upcoming []*zhitong.Duty     `json:"upcoming"` // after today, the next 20
	Recent   []*zhitong.Duty     `json:"recent"`   // before today, the last 20
	Swaps    []*zhitong.DutySwap `json:"swaps"`    // the deputy's requests, and those naming them
	Options  []*zhitong.Duty     `json:"options"`  // others' planned duties they may ask to exchange with
	Peers    []RosterRef         `json:"peers"`    // deputies of their stations, who may cover
	Visits   []RosterRef         `json:"visits"`   // stations where they may check in today without a duty
}

// RosterRef names a station or a deputy in a deputy's duty page.
type RosterRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// MyDuties returns the signed-in deputy's duties, swaps and options.
func (a *App) MyDuties(ctx context.Context, p zhitong.Principal) (*DeputyDuties, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleDeputy || p.DeputyID == 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表本人有值班安排")
	}
	today := a.today().Format(time.DateOnly)
	out := &DeputyDuties{}
	var err error
	if out.Today, err = store.ListDuties(ctx, a.db, store.DutyFilter{DeputyID: p.DeputyID, Day: today}); err != nil {
		return nil, err
	}
	if out.Upcoming, err = store.ListDuties(ctx, a.db, store.DutyFilter{DeputyID: p.DeputyID, From: rosterNextDay(today), Limit: 20}); err != nil {
		return nil, err
	}
	if out.Recent, err = store.ListDuties(ctx, a.db, store.DutyFilter{DeputyID: p.DeputyID, To: rosterPrevDay(today), Desc: true, Limit: 20}); err != nil {
		return nil, err
	}
	if out.Swaps, err = store.ListSwaps(ctx, a.db, store.SwapFilter{DeputyID: p.DeputyID}); err != nil {
		return nil, err
	}
	stations, err := a.deputyStations(ctx, p.DeputyID, out.Upcoming)
	if err != nil {
		return nil, err
	}
	for _, st := range stations {
		if err := a.deputyOptions(ctx, p, st, today, out); err != nil {
			return nil, err
		}
	}
	for _, l := range []*[]*zhitong.Duty{&out.Today, &out.Upcoming, &out.Recent, &out.Options} {
		if *l == nil {
			*l = []*zhitong.Duty{}
		}
	}
	if out.Swaps == nil {
		out.Swaps = []*zhitong.DutySwap{}
	}
	if out.Peers == nil {
		out.Peers = []RosterRef{}
	}
	if out.Visits == nil {
		out.Visits = []RosterRef{}
	}
	return out, nil
}

// deputyOptions adds a station's exchange options, peers and today's visit.
func (a *App) deputyOptions(ctx context.Context, p zhitong.Principal, st zhitong.Station, today string, out *DeputyDuties) error {
	deps, err := store.ListStationDeputies(ctx, a.db, st.ID)
	if err != nil {
		return err
	}
	member := false
	for _, d := range deps {
		if d.ID == p.DeputyID {
			member = true
		} else if !slices.ContainsFunc(out.Peers, func(r RosterRef) bool { return r.ID == d.ID }) {
			out.Peers = append(out.Peers, RosterRef{ID: d.ID, Name: d.Name})
		}
	}
	others, err := store.ListDuties(ctx, a.db, store.DutyFilter{StationID: st.ID, From: rosterNextDay(today), Status: zhitong.DutyPlanned, Limit: 200})
	if err != nil {
		return err
	}
	for _, d := range others {
		if d.DeputyID != p.DeputyID {
			out.Options = append(out.Options, d)
		}
	}
	if !member || slices.ContainsFunc(out.Today, func(d *zhitong.Duty) bool { return d.StationID == st.ID }) {
		return nil
	}
	t, _ := time.Parse(time.DateOnly, today)
	if ok, err := a.isReceptionDay(ctx, a.db, st.ID, t); err != nil {
		return err
	} else if ok {
		out.Visits = append(out.Visits, RosterRef{ID: st.ID, Name: st.Name})
	}
	return nil
}

// deputyStations lists the stations a deputy belongs to or has duties at.
func (a *App) deputyStations(ctx context.Context, deputyID int64, duties []*zhitong.Duty) ([]zhitong.Station, error) {
	ids, err := store.DeputyStationIDs(ctx, a.db, deputyID)
	if err != nil {
		return nil, err
	}
	for _, d := range duties {
		if !slices.Contains(ids, d.StationID) {
			ids = append(ids, d.StationID)
		}
	}
	out := make([]zhitong.Station, 0, len(ids))
	for _, id := range ids {
		st, err := store.GetStation(ctx, a.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func rosterNextDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

func rosterPrevDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, -1).Format(time.DateOnly)
}
