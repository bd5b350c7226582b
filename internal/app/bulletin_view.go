package app

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// BulletinView is a bulletin as staff and the public see it. It holds no
// personal data: units, townships and numbers only.
type BulletinView struct {
	ID          int64               `json:"id"`
	Period      string              `json:"period"`
	PeriodLabel string              `json:"period_label"`
	Start       string              `json:"start"`
	End         string              `json:"end"`
	GeneratedAt time.Time           `json:"generated_at"`
	Published   bool                `json:"published"`
	PublishedAt *time.Time          `json:"published_at,omitempty"`
	Units       []store.BulletinRow `json:"units"`
	Towns       []store.BulletinRow `json:"towns"`
}

// Title names the bulletin in Chinese.
func (b *BulletinView) Title() string {
	return "意见建议办理情况" + b.PeriodLabel + "（" + b.Start + " 至 " + b.End + "）"
}

// Rows returns the unit rows ("units") or the township rows ("towns").
func (b *BulletinView) Rows(scope string) []store.BulletinRow {
	if scope == "units" {
		return b.Units
	}
	return b.Towns
}

func bulletinView(b *store.Bulletin, keep func(store.BulletinRow) bool) *BulletinView {
	v := &BulletinView{ID: b.ID, Period: b.Period, PeriodLabel: zhitong.Label(bulletinPeriods, b.Period), Start: b.Start, End: b.End,
		GeneratedAt: b.GeneratedAt, Published: b.Published, Units: []store.BulletinRow{}, Towns: []store.BulletinRow{}}
	if b.Published {
		at := b.PublishedAt
		v.PublishedAt = &at
	}
	for _, r := range b.Rows {
		switch {
		case keep != nil && !keep(r):
		case r.Scope == "unit":
			v.Units = append(v.Units, r)
		default:
			v.Towns = append(v.Towns, r)
		}
	}
	return v
}

func mayReadBulletins(p zhitong.Principal) error {
	if !p.May(zhitong.ActionView) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看通报", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

// Bulletins lists a page of the bulletins, newest period first, without
// their rows: every bulletin for staff, the published ones for citizens
// (zhitong.Citizen). It pages by cursor (store.BulletinOrder).
func (a *App) Bulletins(ctx context.Context, p zhitong.Principal, in PageInput) (KeysetPage[*BulletinView], error) {
	if p.Staff() {
		if err := mayReadBulletins(p); err != nil {
			return KeysetPage[*BulletinView]{}, err
		}
	}
	pg, err := in.StorePage("bulletins")
	if err != nil {
		return KeysetPage[*BulletinView]{}, err
	}
	list, total, err := store.ListBulletins(ctx, a.db, !p.Staff(), pg, ListCountCap)
	if err != nil {
		return KeysetPage[*BulletinView]{}, err
	}
	out := make([]*BulletinView, len(list))
	for i, b := range list {
		out[i] = bulletinView(b, nil)
	}
	return PageOf("bulletins", out, total, false, pg, func(b *BulletinView) store.Cursor { return store.Cursor{Key: b.End, ID: b.ID} }), nil
}

// Bulletin returns one bulletin. Staff see the rows in their jurisdiction
// (a unit only its own); citizens (zhitong.Citizen) only a published one, whole.
func (a *App) Bulletin(ctx context.Context, p zhitong.Principal, id int64) (*BulletinView, error) {
	b, err := store.GetBulletin(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	if !p.Staff() {
		if !b.Published {
			return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通报不存在或尚未公开")
		}
		return bulletinView(b, nil), nil
	}
	if err := mayReadBulletins(p); err != nil {
		return nil, err
	}
	regions := map[string]string{}
	keep := func(r store.BulletinRow) bool {
		if p.Role == zhitong.RoleUnit {
			return r.Scope == "unit" && r.Ref == strconv.FormatInt(p.UnitID, 10)
		}
		code, ok := regions[r.Scope+r.Ref]
		if !ok {
			var err error
			if code, err = rowRegion(ctx, a.db, r); err != nil {
				code = "-" // a unit gone since: shown to nobody
			}
			regions[r.Scope+r.Ref] = code
		}
		return inSubtree(code, p.RegionCode)
	}
	return bulletinView(b, keep), nil
}

// PublishBulletin makes a bulletin public on the portal. Only committee staff may.
func (a *App) PublishBulletin(ctx context.Context, p zhitong.Principal, id int64) (*BulletinView, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "通报由代表工委审核后公开")
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetBulletin(ctx, tx, id)
		if err != nil {
			return err
		}
		if b.Published {
			return zhitong.Errorf(zhitong.ECONFLICT, "该通报已公开")
		}
		if err := a.checkBulletinRef(ctx, tx, p, b); err != nil {
			return err
		}
		if err := tx.PublishBulletin(ctx, id, a.clock.Now()); err != nil {
			return err
		}
		return a.audit(ctx, tx, p, "bulletin.publish", "bulletin:"+strconv.FormatInt(id, 10), map[string]any{"start": b.Start, "end": b.End})
	})
	if err != nil {
		return nil, err
	}
	return a.Bulletin(ctx, p, id)
}
