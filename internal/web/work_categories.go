package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/admin"
)

// The categories' pages: every category with the default lead unit of the
// viewer's jurisdiction; the global fields (name, default deadline,
// retirement) for those who may change them (admin.CanEditGlobal).

type workCategoriesData struct {
	workForm
	Me         zhitong.Principal
	Global     bool // may change names, deadlines and retire
	Categories []admin.CategoryView
	Category   *admin.CategoryView
	Units      []admin.UnitView // candidates for the default lead unit
}

var categoryFields = map[string][]string{"category": {"code", "name", "due_days", "group", "default_unit_id"}}

// workCategoryStaff reads the viewer: committee staff, or the system
// administrator for the global fields.
func (h *Handler) workCategoryStaff(r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleSysAdmin {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "只有代表工委和系统管理员可以管理分类")
	}
	return p, nil
}

func (h *Handler) categoriesData(r *http.Request, p zhitong.Principal, form url.Values) (*workCategoriesData, error) {
	d := &workCategoriesData{Me: p, workForm: workForm{Form: form, Section: "category", fields: categoryFields}}
	var err error
	if d.Global, err = h.admin().CanEditGlobal(r.Context(), p); err != nil {
		return nil, err
	}
	if p.Role == zhitong.RoleCommittee {
		units, err := h.admin().Units(r.Context(), p)
		if err != nil {
			return nil, err
		}
		for _, u := range units {
			if u.RetiredAt.IsZero() {
				d.Units = append(d.Units, u)
			}
		}
	}
	return d, nil
}

func (h *Handler) workCategories(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	d, err := h.categoriesData(r, p, url.Values{})
	if err != nil {
		return err
	}
	if d.Categories, err = h.admin().Categories(r.Context(), p); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_categories", "分类", d)
}

func (h *Handler) workCategoryNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	d, err := h.categoriesData(r, p, url.Values{"due_days": {"15"}})
	if err != nil {
		return err
	}
	if !d.Global {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "分类是全部署共用的，只有系统管理员或最高一级代表工委可以新增")
	}
	return h.render(w, r, http.StatusOK, "work_category", "新增分类", d)
}

// categoryDays reads the deadline field.
func categoryDays(v string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return 0, zhitong.Invalid("due_days", "默认办理时限应为 %d 到 %d 之间的整数", admin.MinDueDays, admin.MaxDueDays)
	}
	return n, nil
}

func (h *Handler) categoryFailed(w http.ResponseWriter, r *http.Request, p zhitong.Principal, code string, fail error, title string) error {
	if c := zhitong.ErrorCode(fail); c != zhitong.EINVALID && c != zhitong.ECONFLICT {
		return fail
	}
	d, err := h.categoriesData(r, p, url.Values{})
	if err != nil {
		return err
	}
	if code != "" {
		if d.Category, err = h.findCategory(r, p, code); err != nil {
			return err
		}
	}
	d.refill(fail, r.PostForm)
	return h.render(w, r, workSwapStatus(r, http.StatusBadRequest), "work_category", workFormTitle(title, fail), d)
}

func (h *Handler) findCategory(r *http.Request, p zhitong.Principal, code string) (*admin.CategoryView, error) {
	cats, err := h.admin().Categories(r.Context(), p)
	if err != nil {
		return nil, err
	}
	for i := range cats {
		if cats[i].Code == code {
			return &cats[i], nil
		}
	}
	return nil, zhitong.Errorf(zhitong.ENOTFOUND, "分类“%s”不存在", code)
}

func (h *Handler) workCategoryCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	in := admin.CategoryInput{Code: strings.TrimSpace(f.Get("code")), Name: f.Get("name"), Group: f.Get("group")}
	var c admin.CategoryView
	if in.DueDays, err = categoryDays(f.Get("due_days")); err == nil {
		if in.DefaultUnitID, err = workID(f.Get("default_unit_id"), "default_unit_id", "默认主办单位"); err == nil {
			c, err = h.admin().CreateCategory(r.Context(), p, in)
		}
	}
	if err != nil {
		return h.categoryFailed(w, r, p, "", err, "新增分类")
	}
	h.flash(r, "已新增分类“"+c.Name+"”")
	http.Redirect(w, r, "/work/categories", http.StatusSeeOther)
	return nil
}

func (h *Handler) workCategory(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	c, err := h.findCategory(r, p, r.PathValue("code"))
	if err != nil {
		return err
	}
	d, err := h.categoriesData(r, p, url.Values{"name": {c.Name}, "due_days": {strconv.Itoa(c.DueDays)}, "group": {c.Group},
		"default_unit_id": {workItoa(c.DefaultUnitID)}})
	if err != nil {
		return err
	}
	d.Category = c
	return h.render(w, r, http.StatusOK, "work_category", c.Name+" · 分类", d)
}

func (h *Handler) workCategorySave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	code := r.PathValue("code")
	f := r.PostForm
	global, err := h.admin().CanEditGlobal(r.Context(), p)
	if err != nil {
		return err
	}
	var patch admin.CategoryPatch
	if global {
		name, group := f.Get("name"), f.Get("group")
		patch.Name, patch.Group = &name, &group
		days, err := categoryDays(f.Get("due_days"))
		if err != nil {
			return h.categoryFailed(w, r, p, code, err, "修改分类")
		}
		patch.DueDays = &days
	}
	if p.Role == zhitong.RoleCommittee {
		unit, err := workID(f.Get("default_unit_id"), "default_unit_id", "默认主办单位")
		if err != nil {
			return h.categoryFailed(w, r, p, code, err, "修改分类")
		}
		patch.DefaultUnitID = &unit
	}
	c, err := h.admin().UpdateCategory(r.Context(), p, code, patch)
	if err != nil {
		return h.categoryFailed(w, r, p, code, err, "修改分类")
	}
	h.flash(r, "已保存分类“"+c.Name+"”")
	http.Redirect(w, r, "/work/categories", http.StatusSeeOther)
	return nil
}

func (h *Handler) workCategoryRetire(w http.ResponseWriter, r *http.Request) error {
	p, err := h.workCategoryStaff(r)
	if err != nil {
		return err
	}
	c, err := h.admin().RetireCategory(r.Context(), p, r.PathValue("code"))
	if err != nil {
		return err
	}
	h.flash(r, "已停用分类“"+c.Name+"”：登记时不再列出，已有案件仍显示其名称")
	http.Redirect(w, r, "/work/categories", http.StatusSeeOther)
	return nil
}
