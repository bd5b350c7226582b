package web

import (
	"net/http"
	"net/url"
	"strings"

	"zhitong"
	"zhitong/internal/admin"
)

// The handling units' pages: the list of the jurisdiction's units, a form
// for a new one, and one page per unit to edit or retire it.

type workUnitsData struct {
	workForm
	Me      zhitong.Principal
	Units   []admin.UnitView
	Unit    *admin.UnitView
	Regions []zhitong.Region // where a unit may be
	Parents []admin.UnitView // who may be its parent department
}

// Kinds lists the unit kinds.
func (d *workUnitsData) Kinds() []zhitong.Named[string] { return admin.UnitKinds }

// KindName names a unit kind.
func (d *workUnitsData) KindName(k string) string { return zhitong.Label(admin.UnitKinds, k) }

// RegionName names a region code.
func (d *workUnitsData) RegionName(code string) string {
	for _, r := range d.Regions {
		if r.Code == code {
			return r.Name
		}
	}
	return code
}

var unitFields = map[string][]string{"unit": {"name", "kind", "region_code", "parent_id", "contact", "phone"}}

func (h *Handler) workUnits(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	d := &workUnitsData{Me: p, workForm: workForm{Form: url.Values{}}}
	if d.Units, err = h.admin().Units(r.Context(), p); err != nil {
		return err
	}
	if d.Regions, err = h.app.Regions(r.Context(), p.RegionCode); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_units", "承办单位", d)
}

// unitFormData fills the pickers of the unit form: regions in use, and the
// units in use other than the one edited.
func (h *Handler) unitFormData(r *http.Request, p zhitong.Principal, form url.Values, self int64) (*workUnitsData, error) {
	d := &workUnitsData{Me: p, workForm: workForm{Form: form, Section: "unit", fields: unitFields}}
	var err error
	if d.Regions, err = h.app.ActiveRegions(r.Context(), p.RegionCode); err != nil {
		return nil, err
	}
	units, err := h.admin().Units(r.Context(), p)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if u.ID != self && u.RetiredAt.IsZero() {
			d.Parents = append(d.Parents, u)
		}
	}
	return d, nil
}

func (h *Handler) workUnitNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	d, err := h.unitFormData(r, p, url.Values{"kind": {admin.UnitDepartment}, "region_code": {p.RegionCode}}, 0)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_unit", "新增承办单位", d)
}

// unitForm is the form values of a unit as it is now. The phone field
// starts empty: the number is shown masked and kept unless a new one is typed.
func unitForm(u admin.UnitView) url.Values {
	return url.Values{"name": {u.Name}, "kind": {u.Kind}, "region_code": {u.RegionCode},
		"parent_id": {workItoa(u.ParentID)}, "contact": {u.Contact}}
}

// unitInputOf reads the unit form.
func unitInputOf(f url.Values) (admin.UnitInput, error) {
	parent, err := workID(f.Get("parent_id"), "parent_id", "上级部门")
	return admin.UnitInput{Name: f.Get("name"), Kind: f.Get("kind"), Region: f.Get("region_code"), ParentID: parent,
		Contact: f.Get("contact"), Phone: f.Get("phone")}, err
}

// unitFormFailed shows the unit form again with what was typed and the error.
func (h *Handler) unitFormFailed(w http.ResponseWriter, r *http.Request, p zhitong.Principal, self int64, fail error, title string) error {
	if c := zhitong.ErrorCode(fail); c != zhitong.EINVALID && c != zhitong.ECONFLICT {
		return fail
	}
	d, err := h.unitFormData(r, p, url.Values{}, self)
	if err != nil {
		return err
	}
	if self != 0 {
		u, err := h.admin().Unit(r.Context(), p, self)
		if err != nil {
			return err
		}
		d.Unit = &u
	}
	d.refill(fail, r.PostForm)
	return h.render(w, r, workSwapStatus(r, http.StatusBadRequest), "work_unit", workFormTitle(title, fail), d)
}

func (h *Handler) workUnitCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	in, err := unitInputOf(r.PostForm)
	var u admin.UnitView
	if err == nil {
		u, err = h.admin().CreateUnit(r.Context(), p, in)
	}
	if err != nil {
		return h.unitFormFailed(w, r, p, 0, err, "新增承办单位")
	}
	h.flash(r, "已新增承办单位“"+u.Name+"”")
	http.Redirect(w, r, "/work/units", http.StatusSeeOther)
	return nil
}

func (h *Handler) workUnit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	u, err := h.admin().Unit(r.Context(), p, id)
	if err != nil {
		return err
	}
	d, err := h.unitFormData(r, p, unitForm(u), id)
	if err != nil {
		return err
	}
	d.Unit = &u
	return h.render(w, r, http.StatusOK, "work_unit", u.Name+" · 承办单位", d)
}

func (h *Handler) workUnitSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	in, err := unitInputOf(r.PostForm)
	var u admin.UnitView
	if err == nil {
		patch := admin.UnitPatch{Name: &in.Name, Kind: &in.Kind, Region: &in.Region, ParentID: &in.ParentID, Contact: &in.Contact}
		phone := strings.TrimSpace(in.Phone)
		switch {
		case r.PostForm.Get("clear_phone") == "1":
			phone = ""
			patch.Phone = &phone
		case phone != "":
			patch.Phone = &phone
		}
		u, err = h.admin().UpdateUnit(r.Context(), p, id, patch)
	}
	if err != nil {
		return h.unitFormFailed(w, r, p, id, err, "修改承办单位")
	}
	h.flash(r, "已保存承办单位“"+u.Name+"”")
	http.Redirect(w, r, "/work/units", http.StatusSeeOther)
	return nil
}

func (h *Handler) workUnitRetire(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	u, err := h.admin().RetireUnit(r.Context(), p, id)
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.ECONFLICT {
			return err
		}
		cur, uerr := h.admin().Unit(r.Context(), p, id)
		if uerr != nil {
			return uerr
		}
		d, derr := h.unitFormData(r, p, unitForm(cur), id)
		if derr != nil {
			return derr
		}
		d.Unit = &cur
		d.Section, d.Error = "retire", zhitong.ErrorMessage(err)
		return h.render(w, r, workSwapStatus(r, http.StatusConflict), "work_unit", cur.Name+"（未能停用）", d)
	}
	h.flash(r, "已停用承办单位“"+u.Name+"”：交办时不再列出，已有案件仍显示其名称")
	http.Redirect(w, r, "/work/units", http.StatusSeeOther)
	return nil
}
