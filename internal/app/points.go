package app

import (
	"context"
	"slices"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// Duty points (履职积分) are derived, never typed in: each entry of a
// deputy's ledger names the record it comes from, and the same records and
// rules always give the same ledger.

// rawEntry is a point-earning fact before the rules are applied.
type rawEntry struct {
	event zhitong.PointEvent
	kind  string // source kind: record, duty, proposal, case
	id    int64
	day   string
}

// deputyFacts is everything a deputy's points and scorecard derive from.
type deputyFacts struct {
	duties    []store.Duty
	records   []*zhitong.DutyRecord
	proposals []store.Dated
	adopted   map[int64]bool
	cases     []store.Dated
}

func (a *App) loadFacts(ctx context.Context, q store.Q, deputyID int64) (*deputyFacts, error) {
	var f deputyFacts
	var err error
	if f.duties, err = store.ListDeputyDuties(ctx, q, deputyID); err != nil {
		return nil, err
	}
	if f.records, err = store.ListDutyRecords(ctx, q, store.RecordFilter{DeputyID: deputyID, Limit: -1}); err != nil {
		return nil, err
	}
	if f.proposals, f.adopted, err = store.DeputyProposals(ctx, q, deputyID); err != nil {
		return nil, err
	}
	if f.cases, err = store.DeputyCases(ctx, q, deputyID); err != nil {
		return nil, err
	}
	return &f, nil
}

// chinaDay is the China civil date of a stored timestamp.
func chinaDay(stored string) string {
	return calendar.Civil(store.ParseTime(stored), zhitong.China).Format(time.DateOnly)
}

// visitDays maps each day the deputy checked in or served a reception to the
// source that proves it: the check-in when there is one, else the record.
func (f *deputyFacts) visitDays() map[string]string {
	days := map[string]string{}
	for _, d := range f.duties {
		if _, ok := days[d.Day]; d.Status == "checked_in" && !ok {
			days[d.Day] = "duty:" + strconv.FormatInt(d.ID, 10)
		}
	}
	for _, r := range f.records {
		if _, ok := days[r.Day]; r.Kind == zhitong.RecordReception && !ok {
			days[r.Day] = "record:" + strconv.FormatInt(r.ID, 10)
		}
	}
	return days
}

// raw lists the deputy's point-earning facts in a fixed order.
func (f *deputyFacts) raw() []rawEntry {
	var out []rawEntry
	for day, src := range f.visitDays() {
		kind, id := splitSource(src)
		out = append(out, rawEntry{zhitong.PointVisit, kind, id, day})
	}
	for _, d := range f.duties {
		if d.Status == "no_show" {
			out = append(out, rawEntry{zhitong.PointAbsence, "duty", d.ID, d.Day})
		}
	}
	for _, r := range f.records {
		switch r.Kind {
		case zhitong.RecordMediation:
			out = append(out, rawEntry{zhitong.PointMediation, "record", r.ID, r.Day})
		case zhitong.RecordActivity:
			out = append(out, rawEntry{zhitong.ActivityEvent(r.Activity), "record", r.ID, r.Day})
		}
	}
	for _, p := range f.proposals {
		out = append(out, rawEntry{zhitong.PointProposal, "proposal", p.ID, chinaDay(p.At)})
	}
	for _, c := range f.cases {
		out = append(out, rawEntry{zhitong.PointCase, "case", c.ID, chinaDay(c.At)})
	}
	slices.SortFunc(out, func(x, y rawEntry) int {
		switch {
		case x.day != y.day:
			return compare(x.day, y.day)
		case x.event != y.event:
			return compare(x.event, y.event)
		case x.kind != y.kind:
			return compare(x.kind, y.kind)
		}
		return compare(x.id, y.id)
	})
	return out
}

func compare[T int64 | string | zhitong.PointEvent](x, y T) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func splitSource(src string) (string, int64) {
	for i := 0; i < len(src); i++ {
		if src[i] == ':' {
			id, _ := strconv.ParseInt(src[i+1:], 10, 64)
			return src[:i], id
		}
	}
	return src, 0
}

// periodKey names the cap period a day falls in.
func periodKey(day, period string) string {
	switch period {
	case "week":
		t, _ := time.Parse(time.DateOnly, day)
		y, w := t.ISOWeek()
		return strconv.Itoa(y) + "-W" + strconv.Itoa(w)
	case "month":
		return day[:7]
	case "quarter":
		m, _ := strconv.Atoi(day[5:7])
		return day[:4] + "-Q" + strconv.Itoa((m+2)/3)
	case "year":
		return day[:4]
	}
	return ""
}

// applyRules turns facts into ledger entries. Within a cap, facts count in
// date order; one that would pass the cap counts in part or not at all, and
// says so, so the ledger still names every source.
func applyRules(deputyID int64, raw []rawEntry, rules []zhitong.PointRule) []zhitong.PointEntry {
	byEvent := map[zhitong.PointEvent]zhitong.PointRule{}
	for _, r := range rules {
		byEvent[r.Event] = r
	}
	used := map[string]int{}
	out := make([]zhitong.PointEntry, 0, len(raw))
	for _, e := range raw {
		rule, ok := byEvent[e.event]
		if !ok {
			continue
		}
		entry := zhitong.PointEntry{DeputyID: deputyID, Event: e.event, Source: e.kind + ":" + strconv.FormatInt(e.id, 10), Day: e.day, Points: rule.Points}
		if rule.Cap > 0 && rule.Points != 0 {
			key := string(e.event) + "/" + periodKey(e.day, rule.Period)
			left := rule.Cap - used[key]
			size := abs(rule.Points)
			switch {
			case left <= 0:
				entry.Points, entry.Note = 0, "已达上限"
			case size > left:
				entry.Points, entry.Note = left*rule.Points/size, "部分计分，已达上限"
			}
			used[key] += abs(entry.Points)
		}
		out = append(out, entry)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// derive computes a deputy's ledger from their facts and the rules.
func (a *App) derive(ctx context.Context, q store.Q, deputyID int64, rules []zhitong.PointRule) ([]zhitong.PointEntry, *deputyFacts, error) {
	f, err := a.loadFacts(ctx, q, deputyID)
	if err != nil {
		return nil, nil, err
	}
	return applyRules(deputyID, f.raw(), rules), f, nil
}

// refreshLedgers recomputes the stored ledgers of some deputies inside tx.
func (a *App) refreshLedgers(ctx context.Context, tx *store.Tx, deputyIDs []int64) error {
	rules, err := store.ListPointRules(ctx, tx)
	if err != nil {
		return err
	}
	for _, id := range deputyIDs {
		entries, _, err := a.derive(ctx, tx, id, rules)
		if err != nil {
			return err
		}
		if err := tx.ReplaceLedger(ctx, id, entries); err != nil {
			return err
		}
	}
	return nil
}

// refreshDeputies refreshes the ledgers of the deputies named (0: none)
// after a fact of theirs changed.
func (a *App) refreshDeputies(ctx context.Context, tx *store.Tx, ids ...int64) error {
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id == 0 })
	if len(ids) == 0 {
		return nil
	}
	return a.refreshLedgers(ctx, tx, ids)
}

// RecomputeResult says what a recompute did.
type RecomputeResult struct {
	Deputies     int `json:"deputies"`
	Entries      int `json:"entries"`
	Points       int `json:"points"`
	RulesVersion int `json:"rules_version"` // the rule set the ledgers now follow
}

// recompute rebuilds the ledger of every deputy of a region subtree ("":
// everyone) inside tx and sums the result.
func (a *App) recompute(ctx context.Context, tx *store.Tx, region string) (*RecomputeResult, error) {
	deputies, err := store.ListDeputies(ctx, tx, region)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(deputies))
	for i, d := range deputies {
		ids[i] = d.ID
	}
	if err := a.refreshLedgers(ctx, tx, ids); err != nil {
		return nil, err
	}
	sums, err := store.SumLedger(ctx, tx, region, "", "")
	if err != nil {
		return nil, err
	}
	res := &RecomputeResult{Deputies: len(ids)}
	for _, s := range sums {
		res.Points += s.Points
	}
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM point_ledger l JOIN deputies d ON d.id = l.deputy_id WHERE d.region_code LIKE ?`,
		region+"%").Scan(&res.Entries); err != nil {
		return nil, err
	}
	rs, err := ruleSet(ctx, tx)
	res.RulesVersion = rs.Version
	return res, err
}

// Recompute rebuilds the ledger of every deputy in p's region from the
// records and the current rules, in one transaction.
func (a *App) Recompute(ctx context.Context, p zhitong.Principal) (*RecomputeResult, error) {
	if err := mayConfigurePoints(p); err != nil {
		return nil, err
	}
	var res RecomputeResult
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		r, err := a.recompute(ctx, tx, p.RegionCode)
		if err != nil {
			return err
		}
		res = *r
		return a.audit(ctx, tx, p, "points.recompute", "region:"+p.RegionCode,
			map[string]any{"deputies": res.Deputies, "entries": res.Entries, "points": res.Points, "rules_version": res.RulesVersion})
	})
	if err != nil {
		return nil, err
	}
	return &res, nil
}

// mayConfigurePoints: the county's committee staff set the rules (县人大常委会代表工委).
func mayConfigurePoints(p zhitong.Principal) error {
	if !p.Staff() {
		return zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	if p.Role != zhitong.RoleCommittee {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "履职积分规则由代表工委设置")
	}
	return nil
}

// PointRules returns the rules, every event listed.
func (a *App) PointRules(ctx context.Context) ([]zhitong.PointRule, error) {
	return store.ListPointRules(ctx, a.db)
}

// RuleInput changes the rule of one event. Cap is the most points the
// event may earn per period, or for a negative rule the most it may deduct
// (given as 20 or -20).
type RuleInput struct {
	Points int    `json:"points"`
	Cap    int    `json:"cap"`
	Period string `json:"period"`
}

// checkRule validates a rule change and returns the cap as a magnitude.
func checkRule(in RuleInput) (int, error) {
	if in.Points < -100 || in.Points > 100 {
		return 0, zhitong.Invalid("points", "分值应在 -100 到 100 之间")
	}
	limit := in.Cap
	if in.Cap < 0 {
		if in.Points >= 0 {
			return 0, zhitong.Invalid("cap", "只有扣分事项的上限可以写成负数（表示每期最多扣多少分）")
		}
		limit = -in.Cap
	}
	if limit > 10000 {
		return 0, zhitong.Invalid("cap", "上限应在 0 到 10000 之间")
	}
	if !zhitong.Valid(zhitong.PointPeriods, in.Period) {
		return 0, zhitong.Invalid("period", "封顶周期“%s”无效", in.Period)
	}
	if (limit == 0) != (in.Period == "") {
		return 0, zhitong.Invalid("cap", "设置上限时请同时选择封顶周期（周、月、季度、年），不封顶时两者都留空")
	}
	return limit, nil
}

// SetPointRule changes one rule and, in the same transaction, recomputes
// every deputy's ledger under the new rule set, whose version it bumps: the
// ledgers, rankings and scorecards never mix two rule sets.
func (a *App) SetPointRule(ctx context.Context, p zhitong.Principal, event zhitong.PointEvent, in RuleInput) (*zhitong.PointRule, error) {
	if err := mayConfigurePoints(p); err != nil {
		return nil, err
	}
	if !zhitong.Valid(zhitong.PointEvents, event) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "积分事项“%s”不存在", event)
	}
	limit, err := checkRule(in)
	if err != nil {
		return nil, err
	}
	rule := zhitong.PointRule{Event: event, Points: in.Points, Cap: limit, Period: in.Period, UpdatedAt: a.clock.Now()}
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		rules, err := store.ListPointRules(ctx, tx)
		if err != nil {
			return err
		}
		var old any
		for _, r := range rules {
			if r.Event == event {
				old = map[string]any{"points": r.Points, "cap": r.Cap, "period": r.Period}
			}
		}
		if err := tx.PutPointRule(ctx, rule); err != nil {
			return err
		}
		version, err := a.bumpRuleSet(ctx, tx)
		if err != nil {
			return err
		}
		res, err := a.recompute(ctx, tx, "")
		if err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "points.rule", "point_rule:"+string(event),
			map[string]any{"old": old, "points": in.Points, "cap": limit, "period": in.Period, "rules_version": version,
				"recomputed": map[string]any{"deputies": res.Deputies, "entries": res.Entries, "points": res.Points}})
	})
	if err != nil {
		return nil, err
	}
	return &rule, nil
}

// RuleSet is the version of the rule set in force and when it was set.
type RuleSet struct {
	Version   int    `json:"rules_version"`    // 1 for the shipped rules, +1 per change
	ChangedAt string `json:"rules_changed_at"` // stored timestamp, "" for the shipped rules
}

const (
	rulesVersionKey = "points.rules_version"
	rulesAtKey      = "points.rules_changed_at"
)

func ruleSet(ctx context.Context, q store.Q) (RuleSet, error) {
	v, err := store.GetMeta(ctx, q, rulesVersionKey)
	if err != nil {
		return RuleSet{}, err
	}
	rs := RuleSet{Version: 1}
	if n, err := strconv.Atoi(v); err == nil && n > 0 {
		rs.Version = n
	}
	rs.ChangedAt, err = store.GetMeta(ctx, q, rulesAtKey)
	return rs, err
}

func (a *App) bumpRuleSet(ctx context.Context, tx *store.Tx) (int, error) {
	rs, err := ruleSet(ctx, tx)
	if err != nil {
		return 0, err
	}
	if err := tx.SetMeta(ctx, rulesVersionKey, strconv.Itoa(rs.Version+1)); err != nil {
		return 0, err
	}
	return rs.Version + 1, tx.SetMeta(ctx, rulesAtKey, store.FormatTime(a.clock.Now()))
}
