package web

import (
	"net/http"
	"net/url"
	"strings"

	"zhitong"
	"zhitong/internal/admin"
	"zhitong/internal/regions"
)

// The administration pages of the workbench (docs/admin.md): regions the
// national data lacks, handling units and categories, for committee staff
// within their jurisdiction. The rules live in internal/admin.

// adminWorkRoutes serves /work/regions, /work/units and /work/categories.
func (h *Handler) adminWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/regions", h.page(h.workRegions))
	mux.HandleFunc("POST /work/regions", h.workPage(h.workRegionAdd))
	mux.HandleFunc("GET /work/regions/{code}", h.page(h.workRegion))
	mux.HandleFunc("POST /work/regions/{code}/rename", h.workPage(h.workRegionRename))
	mux.HandleFunc("POST /work/regions/{code}/retire", h.workPage(h.workRegionRetire))
	mux.HandleFunc("GET /work/units", h.page(h.workUnits))
	mux.HandleFunc("GET /work/units/new", h.page(h.workUnitNew))
	mux.HandleFunc("POST /work/units/new", h.workPage(h.workUnitCreate))
	mux.HandleFunc("GET /work/units/{id}", h.page(h.workUnit))
	mux.HandleFunc("POST /work/units/{id}", h.workPage(h.workUnitSave))
	mux.HandleFunc("POST /work/units/{id}/retire", h.workPage(h.workUnitRetire))
	mux.HandleFunc("GET /work/categories", h.page(h.workCategories))
	mux.HandleFunc("GET /work/categories/new", h.page(h.workCategoryNew))
	mux.HandleFunc("POST /work/categories/new", h.workPage(h.workCategoryCreate))
	mux.HandleFunc("GET /work/categories/{code}", h.page(h.workCategory))
	mux.HandleFunc("POST /work/categories/{code}", h.workPage(h.workCategorySave))
	mux.HandleFunc("POST /work/categories/{code}/retire", h.workPage(h.workCategoryRetire))
}

func (h *Handler) admin() *admin.Service { return admin.New(h.app) }

// workCommittee reads the signed-in committee member (代表工委).
func (h *Handler) workCommittee(r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	if p.Role != zhitong.RoleCommittee {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委可以管理行政区划、承办单位和分类")
	}
	return p, nil
}

// workRegionsData is the region browser: one region and the regions
// directly under it.
type workRegionsData struct {
	workForm
	Me       zhitong.Principal
	Here     zhitong.Region
	Path     []zhitong.Region // from the jurisdiction's top down to Here
	Children []zhitong.Region
	Kinds    []zhitong.Named[string] // what may be added under Here
}

// Standard shows a code in the form people know (360728 → 360728, 36 → 360000).
func (d *workRegionsData) Standard(code string) string { return regions.Standard(code) }

// KindName names a region's kind ("" is the national data).
func (d *workRegionsData) KindName(kind string) string {
	if kind == "" {
		return "国家区划"
	}
	return zhitong.Label(admin.RegionKinds, kind)
}

// Mine reports whether a region may be renamed or retired by the viewer.
func (d *workRegionsData) Mine(code string) bool {
	return strings.HasPrefix(code, d.Me.RegionCode) && code != d.Me.RegionCode
}

var regionFields = map[string][]string{"add": {"name", "kind", "parent_code"}, "rename": {"name"}}

func (h *Handler) workRegions(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	return h.renderRegions(w, r, p, r.URL.Query().Get("under"), http.StatusOK, url.Values{}, "", nil)
}

func (h *Handler) renderRegions(w http.ResponseWriter, r *http.Request, p zhitong.Principal, under string, status int, posted url.Values, section string, fail error) error {
	ctx := r.Context()
	if under == "" || !strings.HasPrefix(under, p.RegionCode) {
		under = p.RegionCode
	}
	all, err := h.admin().Regions(ctx, p)
	if err != nil {
		return err
	}
	d := &workRegionsData{Me: p, workForm: workForm{Form: url.Values{}, Section: section, fields: regionFields}}
	d.refill(fail, posted)
	found := false
	for _, rg := range all {
		switch {
		case rg.Code == under:
			d.Here, found = rg, true
		case rg.ParentCode == under:
			d.Children = append(d.Children, rg)
		}
	}
	if !found {
		if under == p.RegionCode && under == "" {
			d.Here = zhitong.Region{Name: regions.NationalName}
		} else if under != p.RegionCode {
			return h.renderRegions(w, r, p, p.RegionCode, status, posted, section, fail)
		} else {
			d.Here = zhitong.Region{Code: under, Name: under}
		}
	}
	if path, err := h.app.RegionPath(ctx, under); err == nil {
		for _, rg := range path {
			if strings.HasPrefix(rg.Code, p.RegionCode) {
				d.Path = append(d.Path, rg)
			}
		}
	}
	if d.Here.RetiredAt.IsZero() && (d.Here.Level == 3 || d.Here.Level == 4) {
		d.Kinds = admin.RegionKinds
		if d.Here.Level == 3 {
			d.Kinds = admin.RegionKinds[:2]
		}
	}
	return h.render(w, r, status, "work_regions", workFormTitle("行政区划", fail), d)
}

func (h *Handler) workRegionAdd(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	rg, err := h.admin().AddRegion(r.Context(), p, admin.RegionInput{Parent: f.Get("parent_code"), Name: f.Get("name"), Kind: f.Get("kind")})
	if err != nil {
		if c := zhitong.ErrorCode(err); c != zhitong.EINVALID && c != zhitong.ECONFLICT {
			return err
		}
		return h.renderRegions(w, r, p, f.Get("parent_code"), workSwapStatus(r, http.StatusBadRequest), f, "add", err)
	}
	h.flash(r, "已新增“"+rg.Name+"”，区划代码 "+rg.Code)
	http.Redirect(w, r, "/work/regions?under="+url.QueryEscape(rg.ParentCode), http.StatusSeeOther)
	return nil
}

// workRegionData is one region's page: rename and retire.
type workRegionData struct {
	workRegionsData
	Region zhitong.Region
}

func (h *Handler) workRegion(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	return h.renderRegion(w, r, p, http.StatusOK, url.Values{}, "", nil)
}

func (h *Handler) renderRegion(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, posted url.Values, section string, fail error) error {
	code := r.PathValue("code")
	all, err := h.admin().Regions(r.Context(), p)
	if err != nil {
		return err
	}
	d := &workRegionData{workRegionsData: workRegionsData{Me: p, workForm: workForm{Form: url.Values{}, Section: section, fields: regionFields}}}
	for _, rg := range all {
		if rg.Code == code {
			d.Region = rg
		}
	}
	if d.Region.Code == "" || !d.Mine(code) {
		return zhitong.Errorf(zhitong.ENOTFOUND, "您辖区内没有区划代码为“%s”的区域", code)
	}
	d.Form.Set("name", d.Region.Name)
	d.refill(fail, posted)
	return h.render(w, r, status, "work_region", workFormTitle(d.Region.Name+" · 行政区划", fail), d)
}

func (h *Handler) workRegionRename(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	name := r.PostForm.Get("name")
	rg, err := h.admin().UpdateRegion(r.Context(), p, r.PathValue("code"), admin.RegionPatch{Name: &name})
	if err != nil {
		if c := zhitong.ErrorCode(err); c != zhitong.EINVALID && c != zhitong.ECONFLICT {
			return err
		}
		return h.renderRegion(w, r, p, workSwapStatus(r, http.StatusBadRequest), r.PostForm, "rename", err)
	}
	h.flash(r, "已改名为“"+rg.Name+"”")
	http.Redirect(w, r, "/work/regions?under="+url.QueryEscape(rg.ParentCode), http.StatusSeeOther)
	return nil
}

func (h *Handler) workRegionRetire(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCommittee(r)
	if err != nil {
		return err
	}
	rg, err := h.admin().RetireRegion(r.Context(), p, r.PathValue("code"))
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.ECONFLICT {
			return err
		}
		return h.renderRegion(w, r, p, workSwapStatus(r, http.StatusConflict), url.Values{}, "retire", err)
	}
	h.flash(r, "已停用“"+rg.Name+"”：不再出现在表单中，已有案件和联络站仍显示其名称")
	http.Redirect(w, r, "/work/regions?under="+url.QueryEscape(rg.ParentCode), http.StatusSeeOther)
	return nil
}
