package app

import (
	"context"

	"zhitong"
	"zhitong/internal/store"
)

// OrganisationFor returns the organisation (人大常委会) governing a region:
// the nearest ancestor-or-self set up with zhitong init. None is ENOTFOUND.
// Letters and pages use its names.
func (a *App) OrganisationFor(ctx context.Context, code string) (zhitong.Organisation, error) {
	return store.OrganisationFor(ctx, a.db, code)
}

// Organisations returns every organisation the deployment serves, by
// region code: the portal's bulletins are filtered by them.
func (a *App) Organisations(ctx context.Context) ([]zhitong.Organisation, error) {
	return store.ListOrganisations(ctx, a.db)
}

// MainOrganisation returns the organisation a page shows when it is about
// no region in particular (the portal): the one whose region holds every
// other organisation's. ok is false when there is none, or when the
// deployment serves several unrelated jurisdictions.
func (a *App) MainOrganisation(ctx context.Context) (org zhitong.Organisation, ok bool, err error) {
	orgs, err := store.ListOrganisations(ctx, a.db)
	if err != nil || len(orgs) == 0 {
		return org, false, err
	}
	top := orgs[0] // ordered by code: an ancestor sorts before its descendants
	for _, o := range orgs[1:] {
		if len(o.RegionCode) < len(top.RegionCode) || o.RegionCode[:len(top.RegionCode)] != top.RegionCode {
			return org, false, nil
		}
	}
	return top, true, nil
}
