package app

import (
	"context"

	"zhitong"
	"zhitong/internal/audit"
	"zhitong/internal/store"
)

// Categories lists the case categories with their default deadlines. Public.
func (a *App) Categories(ctx context.Context) ([]zhitong.Category, error) {
	return store.ListCategories(ctx, a.db)
}

// Regions lists the regions under a code (all when empty). Public.
func (a *App) Regions(ctx context.Context, under string) ([]zhitong.Region, error) {
	return store.ListRegions(ctx, a.db, under)
}

// ActiveRegions lists the regions under a code that are not retired: what
// forms and pickers offer. Public.
func (a *App) ActiveRegions(ctx context.Context, under string) ([]zhitong.Region, error) {
	return store.ListActiveRegions(ctx, a.db, under)
}

// ActiveCategories lists the categories that are not retired: what intake
// and registration offer. Public.
func (a *App) ActiveCategories(ctx context.Context) ([]zhitong.Category, error) {
	cats, err := store.ListCategories(ctx, a.db)
	out := cats[:0]
	for _, c := range cats {
		if c.RetiredAt.IsZero() {
			out = append(out, c)
		}
	}
	return out, err
}

// Stations lists the stations under a region. Public: stations are meant to be found.
func (a *App) Stations(ctx context.Context, under string) ([]zhitong.Station, error) {
	return store.ListStations(ctx, a.db, under)
}

// Deputies lists the deputies under a region. Public, as on the station boards.
func (a *App) Deputies(ctx context.Context, under string) ([]zhitong.Deputy, error) {
	return store.ListDeputies(ctx, a.db, under)
}

// Units lists the handling units under a region, for staff.
func (a *App) Units(ctx context.Context, p zhitong.Principal, under string) ([]zhitong.Unit, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	return store.ListUnits(ctx, a.db, under)
}

// Audit returns the audit entries of the auditor's jurisdiction.
func (a *App) Audit(ctx context.Context, p zhitong.Principal, q store.AuditQuery) ([]audit.Entry, error) {
	if p.Role != zhitong.RoleAuditor {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全审计员可以查看审计日志")
	}
	q.Region = p.RegionCode
	return store.ListAuditFiltered(ctx, a.db, q)
}

// VerifyAudit checks the audit hash chain for the auditor (or the CLI).
func (a *App) VerifyAudit(ctx context.Context, p zhitong.Principal) (*audit.Break, int64, error) {
	if p.Role != zhitong.RoleAuditor && !isSystem(p) {
		return nil, 0, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全审计员可以校验审计日志")
	}
	return a.db.VerifyAudit(ctx)
}
