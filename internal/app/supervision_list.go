package app

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// SupervisionListInput filters the supervision list (督办清单).
type SupervisionListInput struct {
	Unit       int64
	Region     string
	Level      zhitong.SupervisionLevel
	MinOverdue int // working days overdue, at least
	Page       int
	PerPage    int // 0 is 20, at most 100 (the export: ExportSupervision)
	CountOnly  bool
}

// SupervisionItem is one case on the supervision list.
type SupervisionItem struct {
	CaseSummary
	LevelLabel  string            `json:"level_label"`
	OverdueDays int               `json:"overdue_days"`
	Listed      bool              `json:"listed"`
	UnitName    string            `json:"unit_name"`
	Actions     int               `json:"actions"` // supervision actions in the current round
	LastAction  *SupervisionEntry `json:"last_action"`
}

// maxSupervised bounds one supervision list page's query; a county has far
// fewer. The export (ExportSupervision) reads every case by key instead.
const maxSupervised = 5000

// supervisionFilter checks in and returns the cases it selects in p's
// jurisdiction, most overdue first.
func (a *App) supervisionFilter(p zhitong.Principal, in SupervisionListInput) (store.CaseFilter, error) {
	if !p.May(zhitong.ActionView) {
		return store.CaseFilter{}, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看督办清单", zhitong.Label(zhitong.Roles, p.Role))
	}
	if in.Level != "" && !zhitong.Valid(zhitong.SupervisionLevels, in.Level) {
		return store.CaseFilter{}, zhitong.Invalid("level", "督办等级应为 none、yellow 或 red")
	}
	if in.MinOverdue < 0 || in.MinOverdue > 1000 {
		return store.CaseFilter{}, zhitong.Invalid("overdue_days", "逾期天数应在 0 到 1000 之间")
	}
	f := store.CaseFilter{Statuses: []zhitong.Status{zhitong.StatusAssigned, zhitong.StatusInProgress}, Supervised: true,
		Region: in.Region, UnitID: in.Unit, Sort: "due", Limit: maxSupervised, Today: a.today().Format(time.DateOnly)}
	scope(p, &f)
	return f, nil
}

// supervisionItem is r's row on the list, unless in's level or overdue
// filter leaves it out.
func (a *App) supervisionItem(r *store.CaseRecord, in SupervisionListInput) (SupervisionItem, bool) {
	it := SupervisionItem{CaseSummary: a.summary(r)}
	lvl, od := a.levelOf(&r.Case)
	if od < 0 {
		od = 0
	}
	if (in.Level != "" && lvl != in.Level) || od < in.MinOverdue {
		return it, false
	}
	it.LevelLabel, it.OverdueDays = zhitong.Label(zhitong.SupervisionLevels, lvl), od
	return it, true
}

// SupervisionList returns the running cases in p's jurisdiction under
// supervision: any supervision action, automatic or by staff, in their
// current round. Most overdue first. The level and overdue filters need
// only each case's deadline: every case of the list is read as an id and
// a deadline from an index (store.ListSupervisedDue), and the page's rows
// alone are read whole.
func (a *App) SupervisionList(ctx context.Context, p zhitong.Principal, in SupervisionListInput) ([]SupervisionItem, int, error) {
	f, err := a.supervisionFilter(p, in)
	if err != nil {
		return nil, 0, err
	}
	if in.PerPage == 0 {
		in.PerPage = 20
	}
	if in.PerPage > 100 || in.PerPage < 0 {
		return nil, 0, zhitong.Invalid("per_page", "每页最多 100 条")
	}
	if in.Page <= 0 {
		in.Page = 1
	}
	if in.CountOnly && in.Level == "" && in.MinOverdue == 0 {
		// Every supervised running case is on the list; only the level
		// and overdue filters need each case's working-day arithmetic.
		n, err := store.CountCases(ctx, a.db, f, "", "")
		return nil, min(n, maxSupervised), err
	}
	dues, err := store.ListSupervisedDue(ctx, a.db, f)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	for _, d := range dues {
		lvl, od := a.levelAt(d.DueDate)
		if (in.Level == "" || lvl == in.Level) && max(od, 0) >= in.MinOverdue {
			ids = append(ids, d.ID)
		}
	}
	total := len(ids)
	from := min((in.Page-1)*in.PerPage, total)
	ids = ids[from:min(from+in.PerPage, total)]
	if in.CountOnly || len(ids) == 0 {
		return nil, total, nil
	}
	recs, _, err := store.ListCases(ctx, a.db, store.CaseFilter{OnlyIDs: ids, OnlyIDsSet: true, Sort: "due", Limit: len(ids)}, "", "")
	if err != nil {
		return nil, 0, err
	}
	acts, err := store.ListCasesSupervisionActions(ctx, a.db, ids)
	if err != nil {
		return nil, 0, err
	}
	page := make([]SupervisionItem, 0, len(recs))
	units := map[int64]string{}
	for _, r := range recs {
		// A case that left the list since its id was read (replied, its
		// deadline moved) keeps its place in the count until the next load.
		it, ok := a.supervisionItem(r, in)
		if !ok || !r.Status.Running() {
			continue
		}
		a.fillSupervision(ctx, &it, units, acts[it.ID])
		page = append(page, it)
	}
	return page, total, nil
}

// ExportSupervision is every case of the supervision list of in's filters
// (pages ignored), read by key in batches of ExportBatch: no cap, never
// all in memory.
func (a *App) ExportSupervision(ctx context.Context, p zhitong.Principal, in SupervisionListInput) (iter.Seq2[SupervisionItem, error], error) {
	f, err := a.supervisionFilter(p, in)
	if err != nil {
		return nil, err
	}
	f.Limit = 0
	return func(yield func(SupervisionItem, error) bool) {
		var cur store.CaseCursor
		units := map[int64]string{}
		for {
			recs, next, err := store.CaseBatch(ctx, a.db, f, "", "", cur, ExportBatch)
			if err != nil {
				yield(SupervisionItem{}, err)
				return
			}
			ids := make([]int64, len(recs))
			for i, r := range recs {
				ids[i] = r.ID
			}
			acts, err := store.ListCasesSupervisionActions(ctx, a.db, ids)
			if err != nil {
				yield(SupervisionItem{}, err)
				return
			}
			for _, r := range recs {
				it, ok := a.supervisionItem(r, in)
				if !ok {
					continue
				}
				a.fillSupervision(ctx, &it, units, acts[it.ID])
				if !yield(it, nil) {
					return
				}
			}
			if len(recs) < ExportBatch {
				return
			}
			cur = next
		}
	}, nil
}

// fillSupervision sets it's unit name (units keeps those read) and what
// acts, the case's own supervision actions, say of its current round.
func (a *App) fillSupervision(ctx context.Context, it *SupervisionItem, units map[int64]string, acts []*zhitong.SupervisionAction) {
	if name, ok := units[it.LeadUnitID]; ok {
		it.UnitName = name
	} else if u, err := store.GetUnit(ctx, a.db, it.LeadUnitID); err == nil {
		it.UnitName, units[it.LeadUnitID] = u.Name, u.Name
	}
	for _, s := range acts {
		if s.Round != it.Round {
			continue
		}
		it.Actions++
		e := entry(s)
		it.LastAction = &e
		if s.Kind == "listed" && s.By == 0 {
			it.Listed = true
		}
	}
}

// ParseSupervisionQuery reads the supervision list's filters from a query
// string (unit_id, region, level, overdue_days, page, per_page), for the
// API and the workbench alike.
func ParseSupervisionQuery(q url.Values) (SupervisionListInput, error) {
	in := SupervisionListInput{Region: q.Get("region"), Level: zhitong.SupervisionLevel(q.Get("level"))}
	for _, f := range []struct {
		name, label string
		dst         *int
		lo, hi      int
	}{{"overdue_days", "逾期天数", &in.MinOverdue, 0, 1000}, {"page", "页码", &in.Page, 1, 100000}, {"per_page", "每页条数", &in.PerPage, 1, 100}} {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < f.lo || n > f.hi {
				return in, zhitong.Invalid(f.name, "%s应为 %d 到 %d 的整数", f.label, f.lo, f.hi)
			}
			*f.dst = n
		}
	}
	if v := q.Get("unit_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return in, zhitong.Invalid("unit_id", "承办单位编号应为正整数")
		}
		in.Unit = n
	}
	return in, nil
}
