package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// RankRow is one line of a ranking: a deputy, a station or a region.
type RankRow struct {
	Rank     int    `json:"rank"`
	ID       string `json:"id"` // deputy or station id, or region code
	Name     string `json:"name"`
	Deputies int    `json:"deputies"`
	Points   int    `json:"points"`
	Average  int    `json:"average"` // points per deputy, rounded down
}

// Rankings is the duty-point ranking of p's jurisdiction over a period,
// from the stored ledgers.
type Rankings struct {
	From     string    `json:"from"`
	To       string    `json:"to"`
	Deputies []RankRow `json:"deputies"`
	Stations []RankRow `json:"stations"`
	Regions  []RankRow `json:"regions"`
	RuleSet            // the rule set every ledger follows
}

// Rankings ranks deputies, stations and regions (townships) by points.
func (a *App) Rankings(ctx context.Context, p zhitong.Principal, from, to string) (*Rankings, error) {
	if err := mayOverseeDeputies(p); err != nil {
		return nil, err
	}
	from, to, err := a.period(from, to)
	if err != nil {
		return nil, err
	}
	sums, err := store.SumLedger(ctx, a.db, p.RegionCode, from, to)
	if err != nil {
		return nil, err
	}
	stations, err := store.ListAllStations(ctx, a.db, "") // names for past points, retired stations too
	if err != nil {
		return nil, err
	}
	regions, err := store.ListRegions(ctx, a.db, p.RegionCode)
	if err != nil {
		return nil, err
	}
	stationName := map[int64]string{}
	for _, s := range stations {
		stationName[s.ID] = s.Name
	}
	regionName := map[string]string{}
	for _, r := range regions {
		regionName[r.Code] = r.Name
	}
	out := &Rankings{From: from, To: to, Deputies: []RankRow{}}
	byStation, byRegion := map[string]*RankRow{}, map[string]*RankRow{}
	for _, s := range sums {
		if p.StationID != 0 && s.StationID != p.StationID {
			continue
		}
		out.Deputies = append(out.Deputies, RankRow{ID: strconv.FormatInt(s.DeputyID, 10), Name: s.Name, Deputies: 1, Points: s.Points, Average: s.Points})
		if s.StationID != 0 {
			addRank(byStation, strconv.FormatInt(s.StationID, 10), stationName[s.StationID], s.Points)
		}
		addRank(byRegion, s.RegionCode, regionName[s.RegionCode], s.Points)
	}
	out.Deputies = ranked(out.Deputies)
	out.Stations, out.Regions = ranked(values(byStation)), ranked(values(byRegion))
	out.RuleSet, err = ruleSet(ctx, a.db)
	return out, err
}

func addRank(m map[string]*RankRow, id, name string, points int) {
	r := m[id]
	if r == nil {
		r = &RankRow{ID: id, Name: name}
		if name == "" {
			r.Name = id
		}
		m[id] = r
	}
	r.Deputies++
	r.Points += points
	r.Average = r.Points / r.Deputies
}

func values(m map[string]*RankRow) []RankRow {
	out := make([]RankRow, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	return out
}

// ranked sorts rows by average points (a large station does not win by
// size alone), then total, then id, and numbers them; ties share a rank.
func ranked(rows []RankRow) []RankRow {
	slices.SortFunc(rows, func(x, y RankRow) int {
		if x.Average != y.Average {
			return y.Average - x.Average
		}
		if x.Points != y.Points {
			return y.Points - x.Points
		}
		return compare(x.ID, y.ID)
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && rows[i].Average == rows[i-1].Average && rows[i].Points == rows[i-1].Points {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return rows
}

// mayOverseeDeputies: committee staff, station heads and officers watch deputies' work.
func mayOverseeDeputies(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if !slices.Contains(triagerRoles, p.Role) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看代表履职统计", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

// InactiveDeputy is a deputy with no check-in and no reception for a while (约谈提醒).
type InactiveDeputy struct {
	DeputyID      int64  `json:"deputy_id"`
	Name          string `json:"name"`
	StationID     int64  `json:"station_id,omitempty"`
	RegionCode    string `json:"region"`
	LastCheckIn   string `json:"last_check_in"`  // YYYY-MM-DD, "" if never
	LastReception string `json:"last_reception"` // YYYY-MM-DD, "" if never
	DaysInactive  int    `json:"days_inactive"`  // -1 if never active
	LastReminder  string `json:"last_reminder"`  // YYYY-MM-DD (China) of the last reminder sent, "" if none
}

// InactiveList is the reminder list with the threshold it used.
type InactiveList struct {
	Days  int              `json:"days"`
	Since string           `json:"since"` // active on or after this day means not listed
	Items []InactiveDeputy `json:"items"`
}

// inactiveKey stores the default threshold in the meta table.
const inactiveKey = "points.inactive_days"

// DefaultInactiveDays is the threshold until the committee sets one.
const DefaultInactiveDays = 60

// InactiveDays returns the configured threshold.
func (a *App) InactiveDays(ctx context.Context) (int, error) {
	v, err := store.GetMeta(ctx, a.db, inactiveKey)
	if err != nil || v == "" {
		return DefaultInactiveDays, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return DefaultInactiveDays, nil
	}
	return n, nil
}

// SetInactiveDays changes the default threshold of the inactivity list.
func (a *App) SetInactiveDays(ctx context.Context, p zhitong.Principal, days int) error {
	if err := mayConfigurePoints(p); err != nil {
		return err
	}
	if days < 1 || days > 3650 {
		return zhitong.Invalid("days", "天数应在 1 到 3650 之间")
	}
	return a.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.SetMeta(ctx, inactiveKey, strconv.Itoa(days)); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "points.inactive_days", "meta:"+inactiveKey, map[string]any{"days": days})
	})
}

// Inactive lists the deputies of p's jurisdiction with no check-in and no
// reception in the last days days (the configured threshold when days is 0).
func (a *App) Inactive(ctx context.Context, p zhitong.Principal, days int) (*InactiveList, error) {
	if err := mayOverseeDeputies(p); err != nil {
		return nil, err
	}
	if days == 0 {
		var err error
		if days, err = a.InactiveDays(ctx); err != nil {
			return nil, err
		}
	}
	if days < 1 || days > 3650 {
		return nil, zhitong.Invalid("days", "天数应在 1 到 3650 之间")
	}
	since := a.today().AddDate(0, 0, -days).Format(time.DateOnly)
	rows, err := store.ListLastActive(ctx, a.db, p.RegionCode)
	if err != nil {
		return nil, err
	}
	out := &InactiveList{Days: days, Since: since, Items: []InactiveDeputy{}}
	for _, r := range rows {
		if p.StationID != 0 && r.StationID != p.StationID {
			continue
		}
		if max(r.LastCheckIn, r.LastReception) > since {
			continue
		}
		out.Items = append(out.Items, a.inactiveLine(r))
	}
	slices.SortStableFunc(out.Items, func(x, y InactiveDeputy) int {
		return compare(max(x.LastCheckIn, x.LastReception), max(y.LastCheckIn, y.LastReception))
	})
	return out, nil
}

// inactiveLine is a deputy's line of the inactivity list.
func (a *App) inactiveLine(r store.LastActive) InactiveDeputy {
	item := InactiveDeputy{DeputyID: r.DeputyID, Name: r.Name, StationID: r.StationID, RegionCode: r.RegionCode,
		LastCheckIn: r.LastCheckIn, LastReception: r.LastReception, DaysInactive: -1}
	if r.LastReminder != "" {
		item.LastReminder = chinaDay(r.LastReminder)
	}
	if last := max(r.LastCheckIn, r.LastReception); last != "" {
		t, _ := time.Parse(time.DateOnly, last)
		item.DaysInactive = int(a.today().Sub(t).Hours() / 24)
	}
	return item
}
