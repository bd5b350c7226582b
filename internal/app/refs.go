package app

import (
	"context"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// Checks of references named in a request (a unit, region, deputy,
// station, case, proposal, bulletin, user or category in a body) against
// the actor's jurisdiction, not only their existence — the one place every
// path calls. A reference outside it is invalid input on its field (400);
// the object a request is about is forbidden (403) elsewhere. A refusal
// never names the other jurisdiction's object: its name is not the actor's
// to read (TestEveryRouteChecksReferences looks for it in every answer).

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
	if !isSystem(p) && (!related(u.RegionCode, countyOf(p.RegionCode)) || caseRegion != "" && !related(u.RegionCode, countyOf(caseRegion))) {
		return u, zhitong.Invalid(field, "所选承办单位不在本辖区，请从列表中选择本辖区的承办单位")
	}
	if !u.RetiredAt.IsZero() {
		return u, zhitong.Invalid(field, "承办单位“%s”已停用，请选择其他单位", u.Name)
	}
	return u, nil
}

// checkRegionRef checks that region code exists and lies in p's jurisdiction.
func (a *App) checkRegionRef(ctx context.Context, q store.Q, p zhitong.Principal, field, code string) (zhitong.Region, error) {
	r, err := store.GetRegion(ctx, q, code)
	if err != nil {
		return r, asInvalid(field, err)
	}
	if !isSystem(p) && !inSubtree(code, p.RegionCode) {
		return r, zhitong.Invalid(field, "所选地区不在您的管辖范围内")
	}
	if !r.RetiredAt.IsZero() {
		return r, zhitong.Invalid(field, "“%s”已停用，请选择其他地区", r.Name)
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
		return d, zhitong.Invalid(field, "所选代表不在您的管辖范围内")
	}
	return d, nil
}

// checkOwnDeputy: a deputy acts in their own name only; naming another
// deputy (of any county) is refused, not silently replaced.
func checkOwnDeputy(p zhitong.Principal, field string, id int64) error {
	if p.Role == zhitong.RoleDeputy && id != 0 && id != p.DeputyID {
		return zhitong.Invalid(field, "代表只能以本人名义办理，所选代表不在您的管辖范围内")
	}
	return nil
}

// checkStationRef checks that station id exists and p covers it.
func (a *App) checkStationRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (zhitong.Station, error) {
	st, err := store.GetStation(ctx, q, id)
	if err != nil {
		return st, asInvalid(field, err)
	}
	if !isSystem(p) {
		if ok, err := a.stationCovered(ctx, q, p, id); err != nil {
			return st, err
		} else if !ok {
			return st, zhitong.Invalid(field, "所选联络站不在您的管辖范围内")
		}
	}
	return st, activeStation(st, field)
}

// checkCaseRef loads the case id named in field (a merge target, a linked
// case) and checks that p may see it.
func (a *App) checkCaseRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (*store.CaseRecord, error) {
	c, err := store.GetCase(ctx, q, id)
	if err != nil {
		return nil, asInvalid(field, err)
	}
	if err := a.authorize(ctx, q, p, zhitong.ActionView, c); err != nil {
		return nil, zhitong.Invalid(field, "所选案件不在您的管辖范围内")
	}
	return c, nil
}

// checkProposalRef loads the proposal id named in field (a case bundled
// into it) and checks that it lies in p's jurisdiction.
func (a *App) checkProposalRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (*zhitong.Proposal, error) {
	prop, err := store.GetProposal(ctx, q, id)
	if err != nil {
		return prop, asInvalid(field, err)
	}
	if !isSystem(p) && !related(prop.RegionCode, p.RegionCode) {
		return prop, zhitong.Invalid(field, "该代表建议不在您的管辖范围内")
	}
	return prop, nil
}

// checkCategoryRef checks that category code exists and is in use.
// Categories are deployment-wide; what is per jurisdiction is the default
// lead unit of each, checked with CheckOwnUnitRef.
func (a *App) checkCategoryRef(ctx context.Context, q store.Q, field, code string) (zhitong.Category, error) {
	c, err := store.GetCategory(ctx, q, code)
	if err != nil {
		return c, asInvalid(field, err)
	}
	if !c.RetiredAt.IsZero() {
		return c, zhitong.Invalid(field, "分类“%s”已停用，请选择其他分类", c.Name)
	}
	return c, nil
}

// CheckOwnUnitRef loads unit id named in field and checks that it lies in
// p's own subtree and is in use: a unit p's jurisdiction is organised with
// (a parent department, a category's default lead unit for p's region).
// Stricter than checkUnitRef, which lets a county department handle a
// township's case. what names the unit in messages (承办单位, 上级部门).
func (a *App) CheckOwnUnitRef(ctx context.Context, q store.Q, p zhitong.Principal, field, what string, id int64) (zhitong.Unit, error) {
	u, err := store.GetUnit(ctx, q, id)
	if err != nil {
		return u, asInvalid(field, err)
	}
	if !isSystem(p) && !inSubtree(u.RegionCode, p.RegionCode) {
		return u, zhitong.Invalid(field, "所选%s不在您的辖区内", what)
	}
	if !u.RetiredAt.IsZero() {
		return u, zhitong.Invalid(field, "%s“%s”已停用", what, u.Name)
	}
	return u, nil
}

// CheckRegionRef is checkRegionRef for the other packages (admin: the
// parent of a new region).
func (a *App) CheckRegionRef(ctx context.Context, q store.Q, p zhitong.Principal, field, code string) (zhitong.Region, error) {
	return a.checkRegionRef(ctx, q, p, field, code)
}

// CheckStationRef is checkStationRef for the other packages (dups: the
// station a walk-in case is being written for).
func (a *App) CheckStationRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (zhitong.Station, error) {
	return a.checkStationRef(ctx, q, p, field, id)
}

// checkBulletinRef checks that p may publish bulletin b: what is published
// is the whole bulletin, so every unit and township in it must lie in p's
// jurisdiction.
func (a *App) checkBulletinRef(ctx context.Context, q store.Q, p zhitong.Principal, b *store.Bulletin) error {
	if isSystem(p) {
		return nil
	}
	// The bulletin's own jurisdiction: a county's bulletin lies in its
	// region; a deployment-wide one (no region) belongs to the committee
	// whose region holds every organisation of the deployment — never to
	// one county of several, even when none of the others' units has rows.
	const outside = "该通报含有您辖区以外的单位或乡镇，只能由其共同的上级人大常委会公开"
	if b.RegionCode != "" && !inSubtree(b.RegionCode, p.RegionCode) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, outside)
	}
	if b.RegionCode == "" {
		orgs, err := store.ListOrganisations(ctx, q)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if !inSubtree(o.RegionCode, p.RegionCode) {
				return zhitong.Errorf(zhitong.EFORBIDDEN, outside)
			}
		}
	}
	for _, r := range b.Rows {
		code, err := rowRegion(ctx, q, r)
		if err != nil {
			return err
		}
		if !inSubtree(code, p.RegionCode) {
			return zhitong.Errorf(zhitong.EFORBIDDEN, outside)
		}
	}
	return nil
}

// checkUserRef loads account id named in field (station staff, a deputy's
// account) and checks that it lies in p's jurisdiction.
func (a *App) checkUserRef(ctx context.Context, q store.Q, p zhitong.Principal, field string, id int64) (*zhitong.User, error) {
	u, err := store.GetUser(ctx, q, id)
	if err != nil {
		return nil, asInvalid(field, err)
	}
	if !isSystem(p) && !inSubtree(u.RegionCode, p.RegionCode) {
		return nil, zhitong.Invalid(field, "所选账户不在您的管辖范围内")
	}
	return u, nil
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

// checkCaseRefs loads every case of a batch named in field and checks that
// p may take action on each (role, jurisdiction). The first one that does
// not exist or lies outside p's jurisdiction refuses the batch with a field
// error naming it by the id the caller gave — the same words for both, so
// another county's case is never confirmed.
func (a *App) checkCaseRefs(ctx context.Context, q store.Q, p zhitong.Principal, field string, action zhitong.Action, ids []int64) ([]*store.CaseRecord, error) {
	out := make([]*store.CaseRecord, 0, len(ids))
	for _, id := range ids {
		c, err := store.GetCase(ctx, q, id)
		if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
			return nil, zhitong.Invalid(field, "案件 #%d 不存在或不在您的管辖范围内", id)
		}
		if err != nil {
			return nil, err
		}
		if err := a.authorize(ctx, q, p, action, c); err != nil {
			return nil, zhitong.Invalid(field, "案件 #%d 不存在或不在您的管辖范围内", id)
		}
		out = append(out, c)
	}
	return out, nil
}
