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
	ID          int64  `json:"id"`
	Period      string `json:"period"`
	PeriodLabel string `json:"period_label"`
	Start       string `json:"start"`
	End         string `json:"end"`
	// RegionCode is the region of the organisation the bulletin is for
	// ("" for the whole deployment); Organisation names it (人大常委会).
	RegionCode   string              `json:"region_code"`
	Organisation string              `json:"organisation"`
	GeneratedAt  time.Time           `json:"generated_at"`
	Published    bool                `json:"published"`
	PublishedAt  *time.Time          `json:"published_at,omitempty"`
	Units        []store.BulletinRow `json:"units"`
	Towns        []store.BulletinRow `json:"towns"`
}

// Title names the bulletin in Chinese, after its organisation.
func (b *BulletinView) Title() string {
	return b.Organisation + "意见建议办理情况" + b.PeriodLabel + "（" + b.Start + " 至 " + b.End + "）"
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
		RegionCode: b.RegionCode, GeneratedAt: b.GeneratedAt, Published: b.Published, Units: []store.BulletinRow{}, Towns: []store.BulletinRow{}}
	if b.Published {
		at := b.PublishedAt
		v.PublishedAt = &at
	}
	v.setRows(b.Rows, keep)
	return v
}

// setRows files rows under units and towns, those keep keeps (all when nil).
func (v *BulletinView) setRows(rows []store.BulletinRow, keep func(store.BulletinRow) bool) {
	for _, r := range rows {
		switch {
		case keep != nil && !keep(r):
		case r.Scope == "unit":
			v.Units = append(v.Units, r)
		default:
			v.Towns = append(v.Towns, r)
		}
	}
}

func mayReadBulletins(p zhitong.Principal) error {
	if !p.May(zhitong.ActionView) {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看通报", zhitong.Label(zhitong.Roles, p.Role))
	}
	return nil
}

// seesBulletin reports whether the bulletin of region (an organisation's;
// "" for the whole deployment) lies in p's jurisdiction: as for the other
// records of an organisation (documents, proposals), its region holds
// p's or lies under it. p then reads its rows about p's jurisdiction
// (bulletinKeep); another county's bulletin is not there for p at all.
func seesBulletin(p zhitong.Principal, region string) bool {
	return isSystem(p) || related(region, p.RegionCode)
}

// errNoBulletin answers a bulletin that does not exist, or not for the
// reader: the two are not told apart.
var errNoBulletin = zhitong.Errorf(zhitong.ENOTFOUND, "通报不存在")

// bulletinKeep returns which rows of a bulletin staff member p reads: a
// unit its own row, everyone else the units and townships of their
// jurisdiction. It remembers each row's region across the bulletins it
// is asked about.
func (a *App) bulletinKeep(ctx context.Context, p zhitong.Principal) func(store.BulletinRow) bool {
	regions := map[string]string{}
	return func(r store.BulletinRow) bool {
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
}

// BulletinsInput is a page of the bulletins list and its filter.
type BulletinsInput struct {
	PageInput
	// Region keeps the bulletins of the organisations above and below it
	// (a county's, its city's and its province's); "" keeps every one the
	// reader may see. Staff name a region of their jurisdiction.
	Region string
}

// Bulletins lists a page of the bulletins, newest period first, without
// their rows: for staff those of their jurisdiction (seesBulletin), for
// citizens (zhitong.Citizen) the published ones. It pages by cursor
// (store.BulletinOrder).
func (a *App) Bulletins(ctx context.Context, p zhitong.Principal, in BulletinsInput) (KeysetPage[*BulletinView], error) {
	f := store.BulletinFilter{Published: !p.Staff(), Related: in.Region}
	switch {
	case p.Staff():
		if err := mayReadBulletins(p); err != nil {
			return KeysetPage[*BulletinView]{}, err
		}
		if in.Region == "" && !isSystem(p) {
			f.Related = p.RegionCode
		} else if in.Region != "" {
			if _, err := a.checkRegionRef(ctx, a.db, p, "region", in.Region); err != nil {
				return KeysetPage[*BulletinView]{}, err
			}
		}
	case in.Region != "":
		if _, err := store.GetRegion(ctx, a.db, in.Region); err != nil {
			return KeysetPage[*BulletinView]{}, asInvalid("region", err)
		}
	}
	pg, err := in.StorePage("bulletins")
	if err != nil {
		return KeysetPage[*BulletinView]{}, err
	}
	list, total, err := store.ListBulletins(ctx, a.db, f, pg, ListCountCap)
	if err != nil {
		return KeysetPage[*BulletinView]{}, err
	}
	out := make([]*BulletinView, len(list))
	for i, b := range list {
		out[i] = bulletinView(b, nil)
	}
	if err := a.nameBulletins(ctx, out); err != nil {
		return KeysetPage[*BulletinView]{}, err
	}
	return PageOf("bulletins", out, total, false, pg, func(b *BulletinView) store.Cursor { return store.Cursor{Key: b.End, ID: b.ID} }), nil
}

// LoadBulletinRows fills in the rows of a page of bulletins as p reads
// them (as Bulletin does), all the page's in one query: for the list's
// Excel export, whose totals are those of each bulletin's page.
func (a *App) LoadBulletinRows(ctx context.Context, p zhitong.Principal, list []*BulletinView) error {
	ids := make([]int64, len(list))
	for i, b := range list {
		ids[i] = b.ID
	}
	rows, err := store.BulletinRowsOf(ctx, a.db, ids)
	if err != nil {
		return err
	}
	var keep func(store.BulletinRow) bool
	if p.Staff() {
		keep = a.bulletinKeep(ctx, p)
	}
	for _, b := range list {
		b.Units, b.Towns = []store.BulletinRow{}, []store.BulletinRow{}
		b.setRows(rows[b.ID], keep)
	}
	return nil
}

// nameBulletins names the organisation of each bulletin: on a deployment
// of several, two counties' bulletins of a month have the same title.
func (a *App) nameBulletins(ctx context.Context, list []*BulletinView) error {
	names := map[string]string{}
	for _, b := range list {
		name, ok := names[b.RegionCode]
		if !ok && b.RegionCode != "" {
			o, err := store.OrganisationFor(ctx, a.db, b.RegionCode)
			if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
				return err
			}
			name, names[b.RegionCode] = o.Name, o.Name
		}
		b.Organisation = name
	}
	return nil
}

// Bulletin returns one bulletin. Staff see one of their jurisdiction
// (seesBulletin), with the rows about it (a unit only its own); citizens
// (zhitong.Citizen) only a published one, whole. Any other is not found.
func (a *App) Bulletin(ctx context.Context, p zhitong.Principal, id int64) (*BulletinView, error) {
	if p.Staff() {
		if err := mayReadBulletins(p); err != nil {
			return nil, err
		}
	}
	b, err := store.GetBulletin(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	var v *BulletinView
	switch {
	case !p.Staff() && !b.Published:
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通报不存在或尚未公开")
	case !p.Staff():
		v = bulletinView(b, nil)
	case !seesBulletin(p, b.RegionCode):
		return nil, errNoBulletin
	default:
		v = bulletinView(b, a.bulletinKeep(ctx, p))
	}
	return v, a.nameBulletins(ctx, []*BulletinView{v})
}

// PublishBulletin makes a bulletin public on the portal. Only committee
// staff may, and only a bulletin all of whose rows lie in their
// jurisdiction (checkBulletinRef).
func (a *App) PublishBulletin(ctx context.Context, p zhitong.Principal, id int64) (*BulletinView, error) {
	if p.Role != zhitong.RoleCommittee {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "通报由代表工委审核后公开")
	}
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		b, err := store.GetBulletin(ctx, tx, id)
		if err != nil {
			return err
		}
		if !seesBulletin(p, b.RegionCode) {
			return errNoBulletin
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
