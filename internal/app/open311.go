package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// Open311Case is a case as the Open311 GeoReport v2 API shows it to an
// integration: what the problem is, where, and how far it has got — never
// who raised it.
type Open311Case struct {
	Code         string
	Status       zhitong.Status
	CategoryCode string
	CategoryName string
	Body         string
	Place        string
	Lat, Lng     float64
	LeadUnit     string // name of the lead handling unit, if assigned
	DueDate      string // YYYY-MM-DD, only while a unit deadline is running
	SubmittedAt  time.Time
	UpdatedAt    time.Time
}

// Open311Query filters the cases GET requests answers with.
type Open311Query struct {
	// Codes, when not empty, asks for these tracking codes and overrides
	// every other filter. Codes that do not exist or lie outside the
	// caller's jurisdiction are left out.
	Codes    []string
	Category string
	Region   string           // a region subtree within the caller's jurisdiction
	Statuses []zhitong.Status // any of these; empty is all
	// Start and End bound the submission time, both inclusive.
	Start, End time.Time
	Limit      int // at most 1000
}

// Open311MaxRequests is the most cases one GET requests answers with, as in
// the specification.
const Open311MaxRequests = 1000

// Open311Requests returns the cases matching q in p's jurisdiction, newest
// first. Like List, it needs the view permission and scopes by the
// principal's unit, deputy, station or region subtree.
func (a *App) Open311Requests(ctx context.Context, p zhitong.Principal, q Open311Query) ([]Open311Case, error) {
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	r := &open311Resolver{a: a, units: map[int64]string{}}
	if len(q.Codes) > 0 {
		var out []Open311Case
		seen := map[string]bool{}
		for _, code := range q.Codes {
			c, err := a.visibleByCode(ctx, p, code)
			if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
				continue
			} else if err != nil {
				return nil, err
			}
			if seen[c.Code] {
				continue
			}
			seen[c.Code] = true
			oc, err := r.view(ctx, c)
			if err != nil {
				return nil, err
			}
			out = append(out, oc)
		}
		return out, nil
	}
	for _, s := range q.Statuses {
		if !zhitong.Valid(zhitong.Statuses, s) {
			return nil, zhitong.Invalid("status", "状态“%s”无效", s)
		}
	}
	if q.Limit <= 0 || q.Limit > Open311MaxRequests {
		q.Limit = Open311MaxRequests
	}
	f := store.CaseFilter{Category: q.Category, Region: q.Region, Statuses: q.Statuses, Limit: q.Limit,
		Today: a.today().Format(time.DateOnly)}
	scope(p, &f)
	// end_date is inclusive; the store's To is not: one microsecond (the
	// resolution of stored timestamps) past it.
	if !q.Start.IsZero() {
		f.From = store.FormatTime(q.Start)
	}
	if !q.End.IsZero() {
		f.To = store.FormatTime(q.End.Add(time.Microsecond))
	}
	recs, _, err := store.ListCases(ctx, a.db, f, "", "")
	if err != nil {
		return nil, err
	}
	out := make([]Open311Case, 0, len(recs))
	for _, c := range recs {
		if (!q.Start.IsZero() && c.SubmittedAt.Before(q.Start)) || (!q.End.IsZero() && c.SubmittedAt.After(q.End)) {
			continue
		}
		// The filter above already scopes the query; checking each case as
		// Get would keeps the two from ever drifting apart.
		if err := a.authorize(ctx, a.db, p, zhitong.ActionView, c); err != nil {
			continue
		}
		oc, err := r.view(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, oc)
	}
	return out, nil
}

// Open311Request returns one case by tracking code. A case outside p's
// jurisdiction is reported as not found, so that the API does not tell
// which codes exist elsewhere.
func (a *App) Open311Request(ctx context.Context, p zhitong.Principal, code string) (*Open311Case, error) {
	if !p.May(zhitong.ActionView) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看案件", zhitong.Label(zhitong.Roles, p.Role))
	}
	c, err := a.visibleByCode(ctx, p, code)
	if err != nil {
		return nil, err
	}
	r := &open311Resolver{a: a, units: map[int64]string{}}
	oc, err := r.view(ctx, c)
	if err != nil {
		return nil, err
	}
	return &oc, nil
}

// ResolveTrackingCode returns the stored form of a tracking code that
// belongs to a case, or ENOTFOUND. It tells no more than the public
// tracking page does.
func (a *App) ResolveTrackingCode(ctx context.Context, code string) (string, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return "", err
	}
	return c.Code, nil
}

// CaseIDByCode returns the ID of the case with a tracking code, typed in
// any case and with or without dashes and spaces, when p may see it; a case
// outside p's jurisdiction is ENOTFOUND, like a code that does not exist.
func (a *App) CaseIDByCode(ctx context.Context, p zhitong.Principal, code string) (int64, error) {
	c, err := a.visibleByCode(ctx, p, code)
	if err != nil {
		return 0, err
	}
	return c.ID, nil
}

func (a *App) visibleByCode(ctx context.Context, p zhitong.Principal, code string) (*store.CaseRecord, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	if err := a.authorize(ctx, a.db, p, zhitong.ActionView, c); err != nil {
		if zhitong.ErrorCode(err) == zhitong.EFORBIDDEN {
			return nil, zhitong.Errorf(zhitong.ENOTFOUND, "查询码不正确，或该案件不在您的管辖范围内")
		}
		return nil, err
	}
	return c, nil
}

// open311Resolver looks up category and unit names once per answer.
type open311Resolver struct {
	a          *App
	categories map[string]string
	units      map[int64]string
}

func (r *open311Resolver) view(ctx context.Context, c *store.CaseRecord) (Open311Case, error) {
	if r.categories == nil {
		cats, err := store.ListCategories(ctx, r.a.db)
		if err != nil {
			return Open311Case{}, err
		}
		r.categories = make(map[string]string, len(cats))
		for _, cat := range cats {
			r.categories[cat.Code] = cat.Name
		}
	}
	oc := Open311Case{Code: c.Code, Status: c.Status, CategoryCode: c.CategoryCode, CategoryName: r.categories[c.CategoryCode],
		Body: c.Body, Place: c.Place, Lat: c.Lat, Lng: c.Lng, SubmittedAt: c.SubmittedAt, UpdatedAt: c.UpdatedAt}
	if c.Status.Running() {
		oc.DueDate = c.DueDate
	}
	if c.LeadUnitID != 0 {
		name, ok := r.units[c.LeadUnitID]
		if !ok {
			u, err := store.GetUnit(ctx, r.a.db, c.LeadUnitID)
			if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
				return Open311Case{}, err
			}
			name = u.Name
			r.units[c.LeadUnitID] = name
		}
		oc.LeadUnit = name
	}
	return oc, nil
}
