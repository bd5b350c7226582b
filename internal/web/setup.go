package web

import (
	"context"
	"net/http"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
)

// setupRoutes registers the first-run page: it exists while the deployment
// has no security administrator, for a browser on the server itself or
// one holding the set-up token from the server log.
func (h *Handler) setupRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /setup", h.page(h.setupForm))
	mux.HandleFunc("POST /setup", h.page(h.setupRun))
}

// setupFormData is the first-run form as typed.
type setupFormData struct {
	Region, OrgName, CommitteeName, ShortName, SecAdmin, Committee string
}

type setupPageData struct {
	Form     setupFormData
	Errors   map[string]string
	Query    string
	Matches  []setup.Match
	Searched bool
	FullName string // the chosen region, 江西省赣州市龙南市
	Token    string
}

// setupGate refuses the page once set-up is done (to /login) and to
// anyone who is neither local nor holds the token.
func (h *Handler) setupGate(w http.ResponseWriter, r *http.Request, token string) (bool, error) {
	need, err := setup.Needed(r.Context(), h.app)
	if err != nil {
		return false, err
	}
	if !need {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return false, nil
	}
	if !h.gate.Allows(r, token) {
		return false, zhitong.Errorf(zhitong.EFORBIDDEN, "初始设置页面只能在服务器本机打开（http://127.0.0.1…/setup），或使用服务器启动日志中打印的一次性设置令牌（/setup?token=…）")
	}
	return true, nil
}

func (h *Handler) setupForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	ok, err := h.setupGate(w, r, q.Get("token"))
	if !ok {
		return err
	}
	tree, err := regions.Load()
	if err != nil {
		return err
	}
	d := setupPageData{Token: q.Get("token"), Query: q.Get("q"), Errors: map[string]string{},
		Form: setupFormData{Region: q.Get("region"), SecAdmin: setup.DefaultSecAdmin, Committee: setup.DefaultCommittee}}
	if d.Query != "" {
		d.Searched, d.Matches = true, setup.Search(tree, d.Query, 30)
	}
	if d.Form.Region != "" {
		if code, err := regions.Normalize(d.Form.Region); err == nil {
			if reg, ok := tree.Get(code); ok && setup.Settable(reg) {
				names := setup.DefaultNames(tree, reg)
				d.Form.Region, d.FullName = regions.Standard(code), setup.FullName(tree, code)
				d.Form.OrgName, d.Form.CommitteeName, d.Form.ShortName = names.OrgName, names.CommitteeName, names.ShortName
			}
		}
	}
	return h.render(w, r, http.StatusOK, "setup", "初始设置", d)
}

func (h *Handler) setupRun(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	f := r.PostForm
	ok, err := h.setupGate(w, r, f.Get("token"))
	if !ok {
		return err
	}
	d := setupPageData{Token: f.Get("token"), Errors: map[string]string{}, Form: setupFormData{Region: f.Get("region"), OrgName: f.Get("org_name"),
		CommitteeName: f.Get("committee_name"), ShortName: f.Get("short_name"), SecAdmin: f.Get("secadmin"), Committee: f.Get("committee")}}
	in := setup.Input{Region: d.Form.Region, Names: setup.Names{OrgName: d.Form.OrgName, CommitteeName: d.Form.CommitteeName, ShortName: d.Form.ShortName},
		SecAdmin: d.Form.SecAdmin, Committee: d.Form.Committee, Via: "web " + r.RemoteAddr}
	if in.SecAdmin == "" {
		d.Errors["secadmin"] = "请填写安全管理员用户名"
	}
	if in.Committee == "" {
		d.Errors["committee"] = "请填写代表工委账号用户名"
	}
	var res *setup.Result
	if len(d.Errors) == 0 {
		res, err = setup.New(h.app).Run(r.Context(), app.System, in)
	}
	if err != nil && zhitong.ErrorCode(err) != zhitong.EINVALID && zhitong.ErrorCode(err) != zhitong.ECONFLICT {
		return err
	}
	if err != nil || len(d.Errors) > 0 {
		for _, e := range app.Problems(err) {
			field := zhitong.ErrorField(e)
			if field == "" {
				field = "form"
			}
			if _, taken := d.Errors[field]; !taken {
				d.Errors[field] = zhitong.ErrorMessage(e)
			}
		}
		if tree, terr := regions.Load(); terr == nil {
			if code, nerr := regions.Normalize(d.Form.Region); nerr == nil {
				d.FullName = setup.FullName(tree, code)
			}
		}
		return h.render(w, r, http.StatusBadRequest, "setup", "初始设置", d)
	}
	h.gate.Spend()
	return h.render(w, r, http.StatusOK, "setup_done", "初始设置完成", res)
}

// pageOrganisation is the organisation a page's header and footer name:
// the one governing a staff member's region, else the deployment's main
// one. A name is not worth failing a page for.
func (h *Handler) pageOrganisation(r *http.Request, me zhitong.Principal) zhitong.Organisation {
	if me.Role != "" && me.RegionCode != "" {
		if o, err := h.app.OrganisationFor(r.Context(), me.RegionCode); err == nil {
			return o
		}
	}
	o, _, _ := h.app.MainOrganisation(r.Context())
	return o
}

// startStep is one first step of a new deployment on the workbench home.
type startStep struct {
	Label, Link, Alt string
	Ask              string // who does it, for a step the reader may not take (no link then)
	Count            int
	Done             bool
}

// startSteps lists the reference data a jurisdiction still lacks, for
// committee staff and officers; nil once stations, units and deputies all exist.
func (h *Handler) startSteps(ctx context.Context, p zhitong.Principal) ([]startStep, error) {
	if p.Role != zhitong.RoleCommittee && p.Role != zhitong.RoleOfficer {
		return nil, nil
	}
	stations, err := h.app.Stations(ctx, p.RegionCode)
	if err != nil {
		return nil, err
	}
	units, err := h.app.Units(ctx, p, p.RegionCode)
	if err != nil {
		return nil, err
	}
	deputies, err := h.app.Deputies(ctx, p.RegionCode)
	if err != nil {
		return nil, err
	}
	steps := []startStep{
		{Label: "添加承办单位（县直部门、乡镇政府）", Link: "/work/units", Alt: "/work/import", Count: len(units)},
		{Label: "添加代表档案", Link: "/work/deputies/new", Alt: "/work/import", Count: len(deputies)},
		{Label: "新建联络站，设置接待日", Link: "/work/stations/new", Alt: "/work/import", Count: len(stations)},
	}
	if p.Role == zhitong.RoleCommittee {
		steps[0].Link = "/work/units/new"
	} else { // officers may neither add units nor import: they ask the committee
		steps[0].Link, steps[0].Alt, steps[0].Ask = "", "", "请代表工委添加承办单位"
		steps[1].Alt = ""
		steps[2].Link, steps[2].Alt = "/work/stations", ""
	}
	missing := false
	for i := range steps {
		steps[i].Done = steps[i].Count > 0
		missing = missing || !steps[i].Done
	}
	if !missing {
		return nil, nil
	}
	return steps, nil
}
