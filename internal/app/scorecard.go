package app

import (
	"context"
	"slices"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Scorecard is a deputy's public record for a period (成绩单). Every count is
// taken from the records themselves; the points from the stored ledger,
// which every change of a fact or a rule keeps current.
type Scorecard struct {
	DeputyID     int64          `json:"deputy_id"`
	Name         string         `json:"name"`
	Levels       []string       `json:"levels"`
	StationID    int64          `json:"station_id,omitempty"`
	From         string         `json:"from"`
	To           string         `json:"to"`
	Visits       int            `json:"visits"`        // days at a station: check-ins and reception days
	Received     int            `json:"received"`      // citizens received (接待群众人次)
	Cases        int            `json:"cases"`         // cases collected: named to the deputy or linked to their records, each once
	Proposals    int            `json:"proposals"`     // proposals made
	Adopted      int            `json:"adopted"`       // of those, replied A, B or C
	AdoptionRate float64        `json:"adoption_rate"` // Adopted / Proposals, 0 when none
	Mediations   int            `json:"mediations"`
	Activities   int            `json:"activities"`
	Absences     int            `json:"absences"` // unexcused absences from duty
	Points       int            `json:"points"`
	ByEvent      map[string]int `json:"points_by_event"`
	RuleSet                     // the rule set the points follow
}

// parseDay reads an optional YYYY-MM-DD.
func parseDay(field, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return d, zhitong.Invalid(field, "日期“%s”无效，格式为 YYYY-MM-DD", s)
	}
	return d, nil
}

// optionalPeriod validates a period whose ends may be empty.
func optionalPeriod(from, to string) (string, string, error) {
	for _, f := range []struct{ field, v string }{{"from", from}, {"to", to}} {
		if f.v != "" {
			if _, err := parseDay(f.field, f.v); err != nil {
				return "", "", err
			}
		}
	}
	if from != "" && to != "" && from > to {
		return "", "", zhitong.Invalid("from", "开始日期不能晚于结束日期")
	}
	return from, to, nil
}

// period validates a period, by default from the first of this year to today.
func (a *App) period(from, to string) (string, string, error) {
	today := a.today()
	if from == "" {
		from = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	}
	if to == "" {
		to = today.Format(time.DateOnly)
	}
	return optionalPeriod(from, to)
}

func within(day, from, to string) bool { return day >= from && day <= to }

// Scorecard returns a deputy's public scorecard. It needs no login.
func (a *App) Scorecard(ctx context.Context, deputyID int64, from, to string) (*Scorecard, error) {
	from, to, err := a.period(from, to)
	if err != nil {
		return nil, err
	}
	d, err := store.GetDeputy(ctx, a.db, deputyID)
	if err != nil {
		return nil, err
	}
	f, err := a.loadFacts(ctx, a.db, deputyID)
	if err != nil {
		return nil, err
	}
	// Points come from the stored ledger, as rankings do: one source.
	entries, err := store.ListLedger(ctx, a.db, deputyID, from, to)
	if err != nil {
		return nil, err
	}
	s := &Scorecard{DeputyID: d.ID, Name: d.Name, Levels: d.Levels, StationID: d.StationID, From: from, To: to, ByEvent: map[string]int{}}
	if s.Levels == nil {
		s.Levels = []string{}
	}
	for day := range f.visitDays() {
		if within(day, from, to) {
			s.Visits++
		}
	}
	for _, du := range f.duties {
		if du.Status == "no_show" && within(du.Day, from, to) {
			s.Absences++
		}
	}
	for _, r := range f.records {
		if !within(r.Day, from, to) {
			continue
		}
		switch r.Kind {
		case zhitong.RecordReception:
			s.Received += r.Visitors
		case zhitong.RecordMediation:
			s.Mediations++
		case zhitong.RecordActivity:
			s.Activities++
		}
	}
	for _, c := range f.cases {
		if within(chinaDay(c.At), from, to) {
			s.Cases++
		}
	}
	for _, p := range f.proposals {
		if within(chinaDay(p.At), from, to) {
			s.Proposals++
			if f.adopted[p.ID] {
				s.Adopted++
			}
		}
	}
	if s.Proposals > 0 {
		s.AdoptionRate = float64(s.Adopted) / float64(s.Proposals)
	}
	for _, e := range entries {
		s.Points += e.Points
		s.ByEvent[string(e.Event)] += e.Points
	}
	s.RuleSet, err = ruleSet(ctx, a.db)
	return s, err
}

// collectedRegions is how many regions' counts a.collected keeps.
const collectedRegions = 4096

// CountyTotals returns the public sentence of a region (the whole
// deployment when region is ""): citizens received and cases collected.
// The received figure is summed at each call (a correction shows at once);
// the cases collected are counted at most once a minute per region
// (a.collected): counting a million cases took 0.7–2.5 s, on a page
// and an API that need no sign-in. A region that is not a code (digits,
// at most 12) is refused rather than counted.
func (a *App) CountyTotals(ctx context.Context, region string) (CountyTotals, error) {
	var t CountyTotals
	if len(region) > 12 || strings.Trim(region, "0123456789") != "" {
		return t, zhitong.Invalid("region", "行政区划代码“%s”无效", region)
	}
	var err error
	if t.Received, err = store.SumReceived(ctx, a.db, region); err != nil {
		return t, err
	}
	t.Collected, err = a.collected.Get(ctx, region, func(ctx context.Context) (int, error) { return store.CountCollected(ctx, a.db, region) })
	return t, err
}

// Ledger returns a deputy's stored ledger for a period. Staff in the
// deputy's jurisdiction and the deputy may read it.
func (a *App) Ledger(ctx context.Context, p zhitong.Principal, deputyID int64, from, to string) ([]zhitong.PointEntry, error) {
	if _, err := a.deputyInScope(ctx, p, deputyID, true); err != nil {
		return nil, err
	}
	from, to, err := optionalPeriod(from, to)
	if err != nil {
		return nil, err
	}
	out, err := store.ListLedger(ctx, a.db, deputyID, from, to)
	if out == nil {
		out = []zhitong.PointEntry{}
	}
	return out, err
}

// deputyInScope loads a deputy that p may read (self when selfOK) or act on.
func (a *App) deputyInScope(ctx context.Context, p zhitong.Principal, deputyID int64, selfOK bool) (zhitong.Deputy, error) {
	if !p.Staff() {
		return zhitong.Deputy{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	d, err := store.GetDeputy(ctx, a.db, deputyID)
	if err != nil {
		return d, err
	}
	if p.Role == zhitong.RoleDeputy {
		if selfOK && p.DeputyID == d.ID {
			return d, nil
		}
		return d, zhitong.Errorf(zhitong.EFORBIDDEN, "代表只能查看本人的履职情况")
	}
	if !slices.Contains(triagerRoles, p.Role) && p.Role != zhitong.RoleAnalyst {
		return d, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看代表履职情况", zhitong.Label(zhitong.Roles, p.Role))
	}
	if !p.Sees(zhitong.Scope{RegionCode: d.RegionCode, StationID: d.StationID}) {
		return d, zhitong.Errorf(zhitong.EFORBIDDEN, "该代表不在您的管辖范围内")
	}
	return d, nil
}

// triagerRoles are the staff who run stations and deputies' work.
var triagerRoles = []zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer}

// CountyTotals is the public sentence: citizens received, cases collected.
type CountyTotals = store.CountyTotals
