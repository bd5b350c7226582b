package admin

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/regions"
	"zhitong/internal/store"
)

// Unit kinds.
const (
	UnitDepartment = "department" // 部门（县直部门等）
	UnitTownship   = "township"   // 乡镇政府（街道办事处）
)

// UnitKinds names the unit kinds.
var UnitKinds = []zhitong.Named[string]{
	{Value: UnitDepartment, Label: "部门"},
	{Value: UnitTownship, Label: "乡镇（街道）"},
}

// UnitView is a unit as administration pages and the API show it: the
// contact phone masked (139****1234), never in full.
type UnitView struct {
	zhitong.Unit
	Phone      string `json:"phone"`                 // masked; "" when none
	ParentName string `json:"parent_name,omitempty"` // the parent department's name
}

// UnitInput creates a unit, or describes one row of an import. A unit's
// natural key is its name (units.name is unique).
type UnitInput struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`        // department or township
	Region   string `json:"region_code"` // in the actor's jurisdiction
	ParentID int64  `json:"parent_id"`   // parent department, a unit in the jurisdiction; 0 for none
	Contact  string `json:"contact"`     // contact person (联系人)
	// Phone is the contact number for SMS notices: a mobile, or a landline
	// with its area code (texts go to mobiles only). Stored sealed.
	Phone string `json:"phone"`
	// ParentName names the parent department instead of ParentID, for
	// imports; ignored when ParentID is set.
	ParentName string `json:"-"`
}

// UnitPatch changes the fields it carries.
type UnitPatch struct {
	Name     *string `json:"name"`
	Kind     *string `json:"kind"`
	Region   *string `json:"region_code"`
	ParentID *int64  `json:"parent_id"`
	Contact  *string `json:"contact"`
	Phone    *string `json:"phone"`
}

// Outcome says what an upsert did.
type Outcome string

// Outcomes of an upsert.
const (
	Added     Outcome = "added"
	Updated   Outcome = "updated"
	Unchanged Outcome = "unchanged"
)

// Units lists the units of p's jurisdiction for the administration pages,
// retired ones last.
func (s *Service) Units(ctx context.Context, p zhitong.Principal) ([]UnitView, error) {
	if err := committee(p, "管理承办单位"); err != nil {
		return nil, err
	}
	return s.listUnits(ctx, p, p.RegionCode, true)
}

// Unit loads one unit of p's jurisdiction.
func (s *Service) Unit(ctx context.Context, p zhitong.Principal, id int64) (UnitView, error) {
	if err := committee(p, "管理承办单位"); err != nil {
		return UnitView{}, err
	}
	u, err := s.unit(ctx, s.app.DB(), p, id)
	if err != nil {
		return UnitView{}, err
	}
	v, err := s.view(u)
	if err == nil && u.ParentID != 0 {
		if par, perr := store.GetUnit(ctx, s.app.DB(), u.ParentID); perr == nil {
			v.ParentName = par.Name
		}
	}
	return v, err
}

// load reads a unit as it now is, for the answer of a change.
func (s *Service) load(ctx context.Context, q store.Q, id int64) (UnitView, error) {
	rec, err := store.GetUnitRecord(ctx, q, id)
	if err != nil {
		return UnitView{}, err
	}
	return s.view(rec)
}

func (s *Service) view(u store.UnitRecord) (UnitView, error) {
	phone, err := s.app.Sealer().Open(u.PhoneEnc, app.UnitPhoneAAD)
	if err != nil {
		return UnitView{}, err
	}
	return UnitView{Unit: u.Unit, Phone: pii.MaskPhone(phone)}, nil
}

// unit loads a unit p may change: one of p's jurisdiction.
func (s *Service) unit(ctx context.Context, q store.Q, p zhitong.Principal, id int64) (store.UnitRecord, error) {
	u, err := store.GetUnitRecord(ctx, q, id)
	if err != nil {
		return u, err
	}
	if !within(p, u.RegionCode) {
		return u, zhitong.Errorf(zhitong.EFORBIDDEN, "该承办单位不在您的辖区内")
	}
	return u, nil
}

// CreateUnit creates a unit in p's jurisdiction.
func (s *Service) CreateUnit(ctx context.Context, p zhitong.Principal, in UnitInput) (UnitView, error) {
	var out UnitView
	if err := committee(p, "新增承办单位"); err != nil {
		return out, err
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		rec := store.UnitRecord{}
		if err := s.checkUnit(ctx, tx, p, in, &rec); err != nil {
			return err
		}
		if err := tx.CreateUnit(ctx, &rec); err != nil {
			return err
		}
		var err error
		if out, err = s.view(rec); err != nil {
			return err
		}
		return s.app.AppendAudit(ctx, tx, p, "unit.create", unitObject(rec.ID), unitDetail(rec, nil))
	})
	return out, err
}

// UpdateUnit changes a unit of p's jurisdiction.
func (s *Service) UpdateUnit(ctx context.Context, p zhitong.Principal, id int64, in UnitPatch) (UnitView, error) {
	var out UnitView
	if err := committee(p, "修改承办单位"); err != nil {
		return out, err
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		old, err := s.unit(ctx, tx, p, id)
		if err != nil {
			return err
		}
		phone, err := s.app.Sealer().Open(old.PhoneEnc, app.UnitPhoneAAD)
		if err != nil {
			return err
		}
		full := UnitInput{Name: old.Name, Kind: old.Kind, Region: old.RegionCode, ParentID: old.ParentID, Contact: old.Contact, Phone: phone}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&full.Name, in.Name}, {&full.Kind, in.Kind}, {&full.Region, in.Region}, {&full.Contact, in.Contact}, {&full.Phone, in.Phone}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if in.ParentID != nil {
			full.ParentID = *in.ParentID
		}
		_, err = s.saveUnit(ctx, tx, p, old, phone, full)
		if err != nil {
			return err
		}
		out, err = s.load(ctx, tx, id)
		return err
	})
	return out, err
}

// saveUnit validates in against old and saves it when something changed,
// with its audit entry.
func (s *Service) saveUnit(ctx context.Context, tx *store.Tx, p zhitong.Principal, old store.UnitRecord, oldPhone string, in UnitInput) (bool, error) {
	rec := store.UnitRecord{Unit: old.Unit, PhoneEnc: old.PhoneEnc}
	if err := s.checkUnit(ctx, tx, p, in, &rec); err != nil {
		return false, err
	}
	newPhone, _ := pii.NormalizeContactPhone(in.Phone)
	changed := unitDetail(rec, &old.Unit)
	if newPhone == oldPhone {
		rec.PhoneEnc = old.PhoneEnc // unchanged: keep the sealed value as it is
	} else {
		changed["phone"] = "已修改"
	}
	if len(changed) == 0 {
		return false, nil
	}
	if err := tx.UpdateUnit(ctx, &rec); err != nil {
		return false, err
	}
	changed["name"] = rec.Name
	return true, s.app.AppendAudit(ctx, tx, p, "unit.update", unitObject(rec.ID), changed)
}

// checkUnit validates in for p and fills rec (all but ID). Every invalid
// field is reported at once (app.Problems splits them).
func (s *Service) checkUnit(ctx context.Context, q store.Q, p zhitong.Principal, in UnitInput, rec *store.UnitRecord) error {
	var bad []error
	name, err := text("name", "单位名称", in.Name, 1, 50)
	bad = append(bad, err)
	if err == nil {
		if taken, err := store.UnitNameTaken(ctx, q, name, rec.ID); err != nil {
			return err
		} else if taken {
			return zhitong.Errorf(zhitong.ECONFLICT, "已有名为“%s”的承办单位", name)
		}
	}
	if in.Kind != UnitDepartment && in.Kind != UnitTownship {
		bad = append(bad, zhitong.Invalid("kind", "请选择单位类型：部门或乡镇（街道）"))
	}
	region := normalizeRegion(in.Region)
	if region == "" {
		bad = append(bad, zhitong.Invalid("region_code", "请选择单位所在的行政区划"))
	} else if rg, err := store.GetRegion(ctx, q, region); err != nil {
		if zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return err
		}
		bad = append(bad, zhitong.Invalid("region_code", "行政区划“%s”不存在", in.Region))
	} else if !within(p, rg.Code) {
		bad = append(bad, zhitong.Invalid("region_code", "行政区划“%s”不在您的辖区内", rg.Name))
	} else if !rg.RetiredAt.IsZero() && rg.Code != rec.RegionCode {
		bad = append(bad, zhitong.Invalid("region_code", "行政区划“%s”已停用", rg.Name))
	}
	parent := in.ParentID
	if parent == 0 && strings.TrimSpace(in.ParentName) != "" {
		par, err := store.GetUnitRecordByName(ctx, q, strings.TrimSpace(in.ParentName))
		if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return err
		}
		if err != nil {
			bad = append(bad, zhitong.Invalid("parent_id", "上级部门“%s”不存在", in.ParentName))
		}
		parent = par.ID
	}
	if parent != 0 {
		if err := s.checkParent(ctx, q, p, parent, rec.ID); err != nil {
			if zhitong.ErrorCode(err) != zhitong.EINVALID {
				return err
			}
			bad = append(bad, err)
		}
	}
	contact, err := text("contact", "联系人", in.Contact, 0, 20)
	bad = append(bad, err)
	phone, err := pii.NormalizeContactPhone(in.Phone)
	if err != nil && !errors.Is(err, pii.ErrPhoneEmpty) {
		bad = append(bad, zhitong.Invalid("phone", "联系电话格式不正确：请填写手机号，或带区号的固定电话（短信只发往手机）"))
	}
	if err := errors.Join(bad...); err != nil {
		return err
	}
	rec.Name, rec.Kind, rec.RegionCode, rec.ParentID, rec.Contact = name, in.Kind, region, parent, contact
	rec.PhoneEnc = s.app.Sealer().Seal(phone, app.UnitPhoneAAD)
	return nil
}

// checkParent checks a parent department: a unit of p's jurisdiction, in
// use, and not the unit itself or one below it.
func (s *Service) checkParent(ctx context.Context, q store.Q, p zhitong.Principal, parent, self int64) error {
	par, err := s.app.CheckOwnUnitRef(ctx, q, p, "parent_id", "上级部门", parent)
	if err != nil {
		return err
	}
	for u, depth := par, 0; self != 0; depth++ {
		if u.ID == self || depth > 20 {
			return zhitong.Invalid("parent_id", "上级部门不能是本单位或本单位的下级单位")
		}
		if u.ParentID == 0 {
			break
		}
		if u, err = store.GetUnit(ctx, q, u.ParentID); err != nil {
			return err
		}
	}
	return nil
}

// RetireUnit retires a unit of p's jurisdiction. It is refused while the
// unit has open assignments, unanswered proposals or active units under it.
func (s *Service) RetireUnit(ctx context.Context, p zhitong.Principal, id int64) (UnitView, error) {
	var out UnitView
	if err := committee(p, "停用承办单位"); err != nil {
		return out, err
	}
	err := s.write(ctx, func(tx *store.Tx) error {
		u, err := s.unit(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if u.RetiredAt.IsZero() {
			work, err := store.CountUnitOpenWork(ctx, tx, id)
			if err != nil {
				return err
			}
			switch {
			case work.Assignments > 0:
				return zhitong.Errorf(zhitong.ECONFLICT, "“%s”还有 %d 件正在办理的交办案件，办结或改派其他单位后才能停用", u.Name, work.Assignments)
			case work.Proposals > 0:
				return zhitong.Errorf(zhitong.ECONFLICT, "“%s”还有 %d 件未答复的代表建议，答复或改由其他单位承办后才能停用", u.Name, work.Proposals)
			case work.Children > 0:
				return zhitong.Errorf(zhitong.ECONFLICT, "“%s”下还有 %d 个在用的下级单位，请先停用或改挂其他上级部门", u.Name, work.Children)
			}
			if err := tx.RetireUnit(ctx, id, s.app.Now()); err != nil {
				return err
			}
			if err := s.app.AppendAudit(ctx, tx, p, "unit.retire", unitObject(id), map[string]any{"name": u.Name}); err != nil {
				return err
			}
		}
		out, err = s.load(ctx, tx, id)
		return err
	})
	return out, err
}

// UpsertUnit creates or updates, by name, one unit inside the caller's
// transaction, with the same rules and audit as the pages: for the Excel
// import. A Phone that is masked (contains "*", as an export shows it)
// keeps the stored number; an empty one clears it. A retired unit is
// updated but stays retired.
func (s *Service) UpsertUnit(ctx context.Context, tx *store.Tx, p zhitong.Principal, in UnitInput) (Outcome, error) {
	if err := committee(p, "导入承办单位"); err != nil {
		return "", err
	}
	old, err := store.GetUnitRecordByName(ctx, tx, strings.TrimSpace(in.Name))
	if zhitong.ErrorCode(err) == zhitong.ENOTFOUND {
		rec := store.UnitRecord{}
		var masked error // reported with every other invalid field
		if strings.Contains(in.Phone, "*") {
			masked, in.Phone = zhitong.Invalid("phone", "联系电话不能是打码的号码"), ""
		}
		if err := s.checkUnit(ctx, tx, p, in, &rec); err != nil && zhitong.ErrorCode(err) != zhitong.EINVALID {
			return "", err
		} else if err := errors.Join(masked, err); err != nil {
			return "", err
		}
		if err := tx.CreateUnit(ctx, &rec); err != nil {
			return "", err
		}
		return Added, s.app.AppendAudit(ctx, tx, p, "unit.create", unitObject(rec.ID), unitDetail(rec, nil))
	}
	if err != nil {
		return "", err
	}
	if !within(p, old.RegionCode) {
		return "", zhitong.Invalid("name", "已有同名承办单位“%s”，但不在您的辖区内", old.Name)
	}
	phone, err := s.app.Sealer().Open(old.PhoneEnc, app.UnitPhoneAAD)
	if err != nil {
		return "", err
	}
	if strings.Contains(in.Phone, "*") {
		in.Phone = phone
	}
	changed, err := s.saveUnit(ctx, tx, p, old, phone, in)
	if err != nil || !changed {
		return Unchanged, err
	}
	return Updated, nil
}

func unitObject(id int64) string { return "unit:" + strconv.FormatInt(id, 10) }

// unitDetail lists the fields of u for the audit entry: all of them for a
// new unit (old nil), else those that differ from old. The phone is never
// written to the audit log.
func unitDetail(u store.UnitRecord, old *zhitong.Unit) map[string]any {
	d := map[string]any{}
	set := func(k string, v, was any) {
		if old == nil || v != was {
			d[k] = v
		}
	}
	var o zhitong.Unit
	if old != nil {
		o = *old
	}
	set("name", u.Name, o.Name)
	set("kind", u.Kind, o.Kind)
	set("region", u.RegionCode, o.RegionCode)
	set("parent_id", u.ParentID, o.ParentID)
	set("contact", u.Contact, o.Contact)
	if old == nil {
		d["phone"] = u.PhoneEnc != ""
	}
	return d
}

// normalizeRegion accepts a canonical code, or the six- or twelve-digit
// forms people know; codes made here (12 digits) pass as they are.
func normalizeRegion(code string) string {
	code = strings.TrimSpace(code)
	if c, err := regions.Normalize(code); err == nil {
		return c
	}
	return code
}

// ListUnits lists the units under a region for any staff member (the
// assign forms of API clients): retired ones only when asked. Contact and
// phone are shown only for units of the viewer's own jurisdiction.
func (s *Service) ListUnits(ctx context.Context, p zhitong.Principal, under string, retired bool) ([]UnitView, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	return s.listUnits(ctx, p, under, retired)
}

// listUnits lists the units under a region, retired ones when asked, with
// contact and phone only for those of p's jurisdiction.
func (s *Service) listUnits(ctx context.Context, p zhitong.Principal, under string, retired bool) ([]UnitView, error) {
	recs, err := store.ListUnitRecords(ctx, s.app.DB(), under)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, u := range recs {
		names[u.ID] = u.Name
	}
	out := []UnitView{}
	for _, u := range recs {
		if !retired && !u.RetiredAt.IsZero() {
			continue
		}
		if !within(p, u.RegionCode) {
			u.Contact, u.PhoneEnc = "", ""
		}
		v, err := s.view(u)
		if err != nil {
			return nil, err
		}
		v.ParentName = names[u.ParentID]
		out = append(out, v)
	}
	return out, nil
}
