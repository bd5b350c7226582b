package app

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// ReceptionRuleJSON is a reception-day rule as the API and the audit log
// write it: {"kind":"lunar","days":[1,4,7,11,14,17,21,24,27]} is 逢农历一、四、七.
type ReceptionRuleJSON struct {
	Kind     string `json:"kind"`
	Weekday  int    `json:"weekday"`
	Nth      int    `json:"nth"`
	Days     []int  `json:"days"`
	Date     string `json:"date"`
	Holidays string `json:"holidays"`
	Note     string `json:"note"`
}

// ReceptionExceptionJSON cancels a reception day (moved_to empty) or moves it.
type ReceptionExceptionJSON struct {
	Day     string `json:"day"`
	MovedTo string `json:"moved_to"`
	Note    string `json:"note"`
}

// ReceptionRulesInput is a station's whole rule set, as PUT replaces it.
type ReceptionRulesInput struct {
	Rules      []ReceptionRuleJSON      `json:"rules"`
	Exceptions []ReceptionExceptionJSON `json:"exceptions"`
}

// ReceptionRuleView is a stored rule with its id and its plain-Chinese text.
type ReceptionRuleView struct {
	ID int64 `json:"id"`
	ReceptionRuleJSON
	Text string `json:"text"`
}

// ReceptionRuleSet is a station's rules and exceptions as the API answers.
type ReceptionRuleSet struct {
	StationID  int64                    `json:"station_id"`
	Rules      []ReceptionRuleView      `json:"rules"`
	Exceptions []ReceptionExceptionJSON `json:"exceptions"`
	// Roster says, in the answer to a change, what it did to the roster.
	Roster *RosterSync `json:"roster,omitempty"`
}

// Domain converts the input to the domain types SetReceptionRules takes.
func (in ReceptionRulesInput) Domain() ([]zhitong.ReceptionRule, []zhitong.ReceptionException) {
	rules := make([]zhitong.ReceptionRule, len(in.Rules))
	for i, r := range in.Rules {
		rules[i] = zhitong.ReceptionRule{Kind: r.Kind, Weekday: r.Weekday, Nth: r.Nth, Days: slices.Clone(r.Days), Date: r.Date, Holidays: r.Holidays, Note: r.Note}
	}
	ex := make([]zhitong.ReceptionException, len(in.Exceptions))
	for i, e := range in.Exceptions {
		ex[i] = zhitong.ReceptionException{Day: e.Day, MovedTo: e.MovedTo, Note: e.Note}
	}
	return rules, ex
}

func ruleJSON(r zhitong.ReceptionRule) ReceptionRuleJSON {
	days := r.Days
	if days == nil {
		days = []int{}
	}
	return ReceptionRuleJSON{Kind: r.Kind, Weekday: r.Weekday, Nth: r.Nth, Days: days, Date: r.Date, Holidays: r.Holidays, Note: r.Note}
}

// receptionSet is the JSON form of a rule set.
func receptionSet(stationID int64, rules []zhitong.ReceptionRule, ex []zhitong.ReceptionException) ReceptionRuleSet {
	out := ReceptionRuleSet{StationID: stationID, Rules: []ReceptionRuleView{}, Exceptions: []ReceptionExceptionJSON{}}
	for _, r := range rules {
		out.Rules = append(out.Rules, ReceptionRuleView{ID: r.ID, ReceptionRuleJSON: ruleJSON(r), Text: calendar.DescribeRule(r)})
	}
	for _, e := range ex {
		out.Exceptions = append(out.Exceptions, ReceptionExceptionJSON{Day: e.Day, MovedTo: e.MovedTo, Note: e.Note})
	}
	return out
}

// ReceptionRules returns a station's reception-day rules and exceptions.
// Public: when a station receives citizens is no secret.
func (a *App) ReceptionRules(ctx context.Context, stationID int64) (ReceptionRuleSet, error) {
	if _, err := store.GetStation(ctx, a.db, stationID); err != nil {
		return ReceptionRuleSet{}, err
	}
	rules, err := store.ListReceptionRules(ctx, a.db, stationID)
	if err != nil {
		return ReceptionRuleSet{}, err
	}
	ex, err := store.ListReceptionExceptions(ctx, a.db, stationID)
	if err != nil {
		return ReceptionRuleSet{}, err
	}
	return receptionSet(stationID, rules, ex), nil
}

// receptionEditors may edit a station's reception days, within their jurisdiction.
var receptionEditors = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer}

// CanEditReception reports whether p may edit the station's reception days:
// committee staff, the station's head and officers whose region covers it.
func (a *App) CanEditReception(ctx context.Context, p zhitong.Principal, st zhitong.Station) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(receptionEditors, p.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权设置接待日", zhitong.Label(zhitong.Roles, p.Role))
	}
	if ok, err := a.SeesStation(ctx, p, st); err != nil || !ok {
		return cmp.Or(err, error(zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")))
	}
	return nil
}

// SetReceptionRules replaces a station's reception-day rules and exceptions
// after validating them (calendar.CheckReception: an exception must name a
// day the rules give). The old and new sets go to the audit log, and the
// roster follows (syncReceptionDuties), in the same transaction; the answer
// says what happened to the duties and how many bookings are stranded.
func (a *App) SetReceptionRules(ctx context.Context, p zhitong.Principal, stationID int64, rules []zhitong.ReceptionRule, exceptions []zhitong.ReceptionException) (*RosterSync, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	st, err := store.GetStation(ctx, a.db, stationID)
	if err != nil {
		return nil, err
	}
	if err := a.CanEditReception(ctx, p, st); err != nil {
		return nil, err
	}
	rules, exceptions = slices.Clone(rules), slices.Clone(exceptions)
	if err := calendar.CheckReception(rules, exceptions, a.cal.Load().IsHoliday); err != nil {
		return nil, err
	}
	var sync *RosterSync
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		oldRules, err := store.ListReceptionRules(ctx, tx, stationID)
		if err != nil {
			return err
		}
		oldEx, err := store.ListReceptionExceptions(ctx, tx, stationID)
		if err != nil {
			return err
		}
		if err := tx.ReplaceReceptionRules(ctx, stationID, rules, exceptions); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, p, "station.reception_rules", "station:"+strconv.FormatInt(stationID, 10), map[string]any{
			"old": receptionSet(stationID, oldRules, oldEx), "new": receptionSet(stationID, rules, exceptions)}); err != nil {
			return err
		}
		sync, err = a.syncReceptionDuties(ctx, tx, p, stationID, oldEx, exceptions)
		return err
	})
	if err != nil {
		return nil, err
	}
	return sync, nil
}

// receptionAhead is how far ahead the portal looks for a station's next
// reception days: long enough for three "first Monday" days.
const receptionAhead = 100

// NextReceptionDays returns a station's next n reception days from today,
// with the deputies on duty. Public, for the station page.
func (a *App) NextReceptionDays(ctx context.Context, stationID int64, n int) ([]zhitong.ReceptionDay, error) {
	today := a.today()
	days, err := a.receptionDays(ctx, a.db, stationID, today, today.AddDate(0, 0, receptionAhead))
	if len(days) > n {
		days = days[:n]
	}
	return days, err
}

// StationReception is what the home page shows of a station's reception
// days: the next few, whether a lunar rule makes them (so the card shows
// lunar dates), and the deputies on duty this week.
type StationReception struct {
	Next     []zhitong.ReceptionDay
	Lunar    bool
	WeekDuty []zhitong.DeputyRef
}

// UpcomingReception returns, for every station with reception days or
// duties this week, its next n reception days and this week's (Monday to
// Sunday) deputies on duty. Three queries whatever the number of stations.
func (a *App) UpcomingReception(ctx context.Context, n int) (map[int64]*StationReception, error) {
	today := a.today()
	end := today.AddDate(0, 0, receptionAhead)
	monday := today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	sunday := monday.AddDate(0, 0, 6)
	rules, err := store.ListAllReceptionRules(ctx, a.db)
	if err != nil {
		return nil, err
	}
	ex, err := store.ListAllReceptionExceptions(ctx, a.db, today.Format(time.DateOnly), end.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	duty, err := store.ListOnDuty(ctx, a.db, 0, monday.Format(time.DateOnly), sunday.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	out := map[int64]*StationReception{}
	get := func(id int64) *StationReception {
		if out[id] == nil {
			out[id] = &StationReception{}
		}
		return out[id]
	}
	byRules := map[int64][]zhitong.ReceptionRule{}
	for _, r := range rules {
		byRules[r.StationID] = append(byRules[r.StationID], r)
	}
	byEx := map[int64][]zhitong.ReceptionException{}
	for _, e := range ex {
		byEx[e.StationID] = append(byEx[e.StationID], e)
	}
	holiday := a.cal.Load().IsHoliday
	for id, rs := range byRules {
		days := calendar.ExpandReception(rs, byEx[id], today, end, holiday)
		if len(days) > n {
			days = days[:n]
		}
		s := get(id)
		s.Next = days
		s.Lunar = slices.ContainsFunc(rs, func(r zhitong.ReceptionRule) bool { return r.Kind == zhitong.RuleLunar })
	}
	for _, o := range duty {
		s := get(o.StationID)
		if !slices.ContainsFunc(s.WeekDuty, func(d zhitong.DeputyRef) bool { return d.ID == o.DeputyID }) {
			s.WeekDuty = append(s.WeekDuty, zhitong.DeputyRef{ID: o.DeputyID, Name: o.Name})
		}
	}
	return out, nil
}
