package app

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// Checks of references named in a request (a unit, region, deputy or
// station id in a body) against the actor's jurisdiction, not only their
// existence. A reference outside it is invalid input on its field (400);
// the object a request is about is forbidden (403) elsewhere.

// inSubtree reports whether region code lies in the subtree of scope; the
// empty scope (national) holds everything.
func inSubtree(code, scope string) bool { return strings.HasPrefix(code, scope) }

// related reports whether one region subtree holds the other: a county
// department serves its townships, a township government only its own.
func related(a, b string) bool { return inSubtree(a, b) || inSubtree(b, a) }

// countyOf cuts a region code to its county (6 digits): handling units
// work across the townships of their county (a township government may
// co-handle a case in the industrial park next door), never across counties.
func countyOf(code string) string { return code[:min(len(code), 6)] }

// checkUnitRef loads handling unit id for field, refuses a retired one, and checks that it serves
// p's county and, when caseRegion is given, the case's county: a unit of
// another county cannot be handed a case (it would then read it).
func (a *App) checkUnitRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64, caseRegion string) (zhitong.Unit, error) {
	u, err := store.GetUnit(ctx, q, id)
	if err != nil {
		return u, asInvalid(field, err)
	}
	if !u.RetiredAt.IsZero() {
		return u, zhitong.Invalid(field, "承办单位“%s”已停用，请选择其他单位", u.Name)
	}
	if !isSystem(p) && (!related(u.RegionCode, countyOf(p.RegionCode)) || caseRegion != "" && !related(u.RegionCode, countyOf(caseRegion))) {
		return u, zhitong.Invalid(field, "承办单位“%s”不在本辖区，请从列表中选择本辖区的承办单位", u.Name)
	}
	return u, nil
}

// checkRegionRef checks that region code exists and lies in p's jurisdiction.
func (a *App) checkRegionRef(ctx context.Context, q store.Q, p zhitong.Principal, field, code string) (zhitong.Region, error) {
	r, err := store.GetRegion(ctx, q, code)
	if err != nil {
		return r, asInvalid(field, err)
	}
	if !r.RetiredAt.IsZero() {
		return r, zhitong.Invalid(field, "“%s”已停用，请选择其他地区", r.Name)
	}
	if !isSystem(p) && !inSubtree(code, p.RegionCode) {
		return r, zhitong.Invalid(field, "所选地区“%s”不在您的管辖范围内", r.Name)
	}
	return r, nil
}

// checkDeputyRef checks that deputy id exists and belongs to p's
// jurisdiction (a deputy of a higher congress elected over it counts).
func (a *App) checkDeputyRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (zhitong.Deputy, error) {
	d, err := store.GetDeputy(ctx, q, id)
	if err != nil {
		return d, asInvalid(field, err)
	}
	if !isSystem(p) && !related(d.RegionCode, p.RegionCode) {
		return d, zhitong.Invalid(field, "代表“%s”不在您的管辖范围内", d.Name)
	}
	return d, nil
}

// checkStationRef checks that station id exists and p covers it.
func (a *App) checkStationRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (zhitong.Station, error) {
	st, err := store.GetStation(ctx, q, id)
	if err != nil {
		return st, asInvalid(field, err)
	}
	if err := activeStation(st, field); err != nil {
		return st, err
	}
	if isSystem(p) {
		return st, nil
	}
	if ok, err := a.stationCovered(ctx, q, p, id); err != nil {
		return st, err
	} else if !ok {
		return st, zhitong.Invalid(field, "联络站“%s”不在您的管辖范围内", st.Name)
	}
	return st, nil
}

// stationHolds reports whether region code lies in one of station st's
// regions (its primary one, or any region of a cross-border station).
func (a *App) stationHolds(ctx context.Context, q store.Q, st zhitong.Station, code string) (bool, error) {
	if inSubtree(code, st.RegionCode) {
		return true, nil
	}
	codes, err := store.ListStationRegions(ctx, q, st.ID)
	if err != nil {
		return false, err
	}
	for _, c := range codes {
		if inSubtree(code, c) {
			return true, nil
		}
	}
	return false, nil
}

// checkStaffRegion checks that staff posted to a station file into one of
// the station's regions only: their account's county is wider than what
// they serve.
func (a *App) checkStaffRegion(ctx context.Context, q store.Q, p zhitong.Principal, code string) error {
	if p.StationID == 0 || isSystem(p) {
		return nil
	}
	st, err := store.GetStation(ctx, q, p.StationID)
	if err != nil {
		return err
	}
	if ok, err := a.stationHolds(ctx, q, st, code); err != nil {
		return err
	} else if !ok {
		return zhitong.Invalid("region", "所选地区不在本联络站的服务范围内")
	}
	return nil
}
