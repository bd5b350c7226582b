package demo

import (
	"context"
	"slices"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// The demo rosters (轮值): every station's deputies rotated over its
// reception days from 60 days ago to 30 days ahead. Past duties were mostly
// checked in; the idle deputies (points.go) and now and then another missed
// theirs (no-shows, marked by the hourly job's MarkNoShows), and one absence
// was excused. The demo deputy has a duty on the station's next reception
// day, so a reviewer can try the check-in, and has asked for one swap.
// A resumed load leaves a station that has a roster as it is.

// rosterFallback gives a station without reception rules (the
// reception work normally loads them first) a weekly reception day, the
// weekday of the day that many days ago.
func (r *runner) rosterFallback(ctx context.Context, si int, station int64) error {
	rules, err := store.ListReceptionRules(ctx, r.a.DB(), station)
	if err != nil || len(rules) > 0 {
		return err
	}
	t, _ := time.Parse(time.DateOnly, r.day(3+si%7))
	return r.a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.ReplaceReceptionRules(ctx, station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: int(t.Weekday()),
			Holidays: zhitong.HolidayKeep, Note: "演示：每周接待日"}}, nil)
	})
}

// loadRoster loads the demo rosters and check-ins.
func (r *runner) loadRoster(ctx context.Context) error {
	staff, err := r.principal(committee)
	if err != nil {
		return err
	}
	r.clk.t = r.now.AddDate(0, 0, -60)
	for si, s := range stations {
		if err := r.rosterFallback(ctx, si, r.stations[s.key]); err != nil {
			return err
		}
		// A station rostered already (a resumed load) keeps its roster, its
		// edits and the swap requests on it.
		if done, err := store.ListDuties(ctx, r.a.DB(), store.DutyFilter{StationID: r.stations[s.key], From: r.day(0), Limit: 1}); err != nil {
			return err
		} else if len(done) > 0 {
			continue
		}
		if _, err := r.b.GenerateRoster(ctx, staff, r.stations[s.key], r.day(60), r.day(-30), 1); err != nil {
			return err
		}
	}
	if err := r.rosterCheckIns(ctx); err != nil {
		return err
	}
	r.clk.t = r.now.Add(-55 * time.Second)
	if _, err := r.b.MarkNoShows(ctx); err != nil {
		return err
	}
	if err := r.rosterExcuse(ctx, staff); err != nil {
		return err
	}
	return r.rosterDemoDeputy(ctx, staff)
}

// rosterCheckIns checks in the past duties, except the idle deputies' and
// every eleventh other one.
func (r *runner) rosterCheckIns(ctx context.Context) error {
	names := map[int64]string{}
	for name, id := range r.deputies {
		names[id] = name
	}
	past, err := store.ListDuties(ctx, r.a.DB(), store.DutyFilter{From: r.day(60), To: r.day(1), Status: zhitong.DutyPlanned})
	if err != nil {
		return err
	}
	return r.a.DB().Write(ctx, func(tx *store.Tx) error {
		for i, d := range past {
			if slices.Contains(idleDeputies, names[d.DeputyID]) || i%11 == 5 {
				continue
			}
			if err := tx.PutDuty(ctx, &store.Duty{StationID: d.StationID, DeputyID: d.DeputyID, Day: d.Day, Status: zhitong.DutyCheckedIn}); err != nil {
				return err
			}
		}
		return nil
	})
}

// rosterExcuse excuses the earliest no-show of a deputy who is not idle,
// unless one is excused already.
func (r *runner) rosterExcuse(ctx context.Context, staff zhitong.Principal) error {
	excused, err := store.ListDuties(ctx, r.a.DB(), store.DutyFilter{Status: zhitong.DutyExcused, Limit: 1})
	if err != nil || len(excused) > 0 {
		return err
	}
	missed, err := store.ListDuties(ctx, r.a.DB(), store.DutyFilter{Status: zhitong.DutyNoShow})
	if err != nil {
		return err
	}
	for _, d := range missed {
		if !slices.Contains(idleDeputies, d.DeputyName) {
			_, err := r.b.ExcuseDuty(ctx, staff, d.ID, "参加县人大常委会组织的代表培训，事先已向站长请假")
			return err
		}
	}
	return nil
}

// rosterDemoDeputy puts the demo deputy on their station's next reception
// day (today, when it is one) and has them ask a colleague to cover a later
// duty.
func (r *runner) rosterDemoDeputy(ctx context.Context, staff zhitong.Principal) error {
	me, err := r.principal(deputy)
	if err != nil {
		return err
	}
	station := r.stations["lishi"]
	days, err := r.b.Roster(ctx, staff, station, r.day(0), r.day(-30))
	if err != nil {
		return err
	}
	for _, d := range days {
		if !d.Reception {
			continue
		}
		if !slices.ContainsFunc(d.Duties, func(x *zhitong.Duty) bool { return x.DeputyID == me.DeputyID }) {
			if _, err := r.b.AddDuty(ctx, staff, station, me.DeputyID, d.Day); err != nil {
				return err
			}
		}
		break
	}
	if swaps, err := store.ListSwaps(ctx, r.a.DB(), store.SwapFilter{}); err != nil || len(swaps) > 0 {
		return err
	}
	mine, err := r.b.MyDuties(ctx, me)
	if err != nil {
		return err
	}
	for i := len(mine.Upcoming) - 1; i >= 0; i-- {
		d := mine.Upcoming[i]
		if d.Status != zhitong.DutyPlanned {
			continue
		}
		for _, peer := range mine.Peers {
			_, err := r.b.RequestSwap(ctx, me, app.SwapInput{DutyID: d.ID, Kind: zhitong.SwapCover, TargetDeputyID: peer.ID, Reason: "当天参加市人大代表专题调研"})
			if err == nil {
				return nil
			}
			if zhitong.ErrorCode(err) != zhitong.ECONFLICT {
				return err
			}
		}
	}
	return nil
}
