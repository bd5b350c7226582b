package web

import (
	"net/http"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
)

// accountWorkRoutes are the security administrator's pages: staff accounts
// and API tokens (internal/accounts, docs/accounts.md).
func (h *Handler) accountWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/accounts", h.page(h.workAccounts))
	mux.HandleFunc("GET /work/accounts/new", h.page(h.workAccountNew))
	mux.HandleFunc("POST /work/accounts", h.page(h.workAccountCreate))
	mux.HandleFunc("GET /work/accounts/{id}", h.page(h.workAccount))
	mux.HandleFunc("POST /work/accounts/{id}", h.page(h.workAccountUpdate))
	mux.HandleFunc("POST /work/accounts/{id}/{op}", h.page(h.workAccountOp))
	mux.HandleFunc("GET /work/tokens", h.page(h.workTokens))
	mux.HandleFunc("POST /work/tokens", h.page(h.workTokenCreate))
	mux.HandleFunc("POST /work/tokens/{id}/revoke", h.page(h.workTokenRevoke))
}

func (h *Handler) accounts() *accounts.Service { return accounts.New(h.app) }

// secAdmin returns the signed-in security administrator; anyone else gets
// the 403 page before anything is read.
func (h *Handler) secAdmin(r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	if p.Role != zhitong.RoleSecAdmin {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以管理账号和令牌")
	}
	return p, nil
}

type accountsData struct {
	Items []accounts.Account
	Pager pager
}

// accountsPerPage is the accounts list's page size.
const accountsPerPage = 50

func (h *Handler) workAccounts(w http.ResponseWriter, r *http.Request) error {
	p, err := h.secAdmin(r)
	if err != nil {
		return err
	}
	pg, err := h.accounts().UsersPage(r.Context(), p, pageInput(r, accountsPerPage))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_accounts", "账号管理", accountsData{Items: pg.Items, Pager: pagerOf(r, pg)})
}

// accountForm is the form to create or change an account: the values as
// typed, the choices in the administrator's jurisdiction and the error
// under its field.
type accountForm struct {
	Account  *accounts.Account // nil: a new account
	Values   map[string]string
	Field    string
	Error    string
	Roles    []zhitong.Named[zhitong.Role]
	Regions  []zhitong.Region
	Stations []zhitong.Station
	Units    []zhitong.Unit
	Deputies []zhitong.Deputy
	// Password is a new account's or a reset's password, shown this once.
	Password string
	// SecondPerson: the security administrator's role was refused under the
	// two-person rule; the form links to the request page.
	SecondPerson bool
}

// V is the value of a field as typed.
func (f accountForm) V(name string) string { return f.Values[name] }

// Msg is the error message under field name, if it is the one at fault.
func (f accountForm) Msg(name string) string {
	if f.Field == name {
		return f.Error
	}
	return ""
}

// ID renders an id as a form value.
func (accountForm) ID(id int64) string { return strconv.FormatInt(id, 10) }

func (h *Handler) accountForm(r *http.Request, p zhitong.Principal, values map[string]string) (accountForm, error) {
	f := accountForm{Values: values, Roles: zhitong.Roles}
	var err error
	ctx := r.Context()
	if f.Regions, err = h.app.Regions(ctx, p.RegionCode); err != nil {
		return f, err
	}
	if f.Stations, err = h.app.Stations(ctx, p.RegionCode); err != nil {
		return f, err
	}
	if f.Units, err = h.app.Units(ctx, p, p.RegionCode); err != nil {
		return f, err
	}
	if f.Deputies, err = h.app.Deputies(ctx, p.RegionCode); err != nil {
		return f, err
	}
	return f, nil
}

func accountValues(a accounts.Account) map[string]string {
	id := func(v int64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}
	return map[string]string{"username": a.Username, "display_name": a.DisplayName, "role": string(a.Role), "region": a.Region,
		"station_id": id(a.StationID), "unit_id": id(a.UnitID), "deputy_id": id(a.DeputyID)}
}

func (h *Handler) workAccountNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.secAdmin(r)
	if err != nil {
		return err
	}
	f, err := h.accountForm(r, p, map[string]string{"region": p.RegionCode})
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_account", "新建账号", f)
}

// postedAccount reads the account form; ids that are not numbers are
// refused under their field.
func postedAccount(w http.ResponseWriter, r *http.Request) (map[string]string, map[string]int64, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return nil, nil, zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	values := map[string]string{}
	for _, k := range []string{"username", "display_name", "role", "region", "station_id", "unit_id", "deputy_id"} {
		values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	ids := map[string]int64{}
	for _, k := range []string{"station_id", "unit_id", "deputy_id"} {
		if values[k] == "" {
			continue
		}
		v, err := strconv.ParseInt(values[k], 10, 64)
		if err != nil || v < 0 {
			return values, nil, zhitong.Invalid(k, "请从列表中选择")
		}
		ids[k] = v
	}
	return values, ids, nil
}

// formError re-renders the account form with err under its field, or
// returns err when it is not about the input.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, p zhitong.Principal, title string, acc *accounts.Account, values map[string]string, err error) error {
	code := zhitong.ErrorCode(err)
	secondPerson := code == zhitong.EFORBIDDEN && zhitong.ErrorField(err) == "role" // the two-person rule
	if code != zhitong.EINVALID && code != zhitong.ECONFLICT && !secondPerson {
		return err
	}
	f, ferr := h.accountForm(r, p, values)
	if ferr != nil {
		return ferr
	}
	f.Account, f.Error, f.Field = acc, zhitong.ErrorMessage(err), zhitong.ErrorField(err)
	if code == zhitong.ECONFLICT && acc == nil {
		f.Field = "username"
	}
	if f.Field == "" {
		f.Field = "form"
	}
	status := http.StatusBadRequest
	if code == zhitong.ECONFLICT {
		status = http.StatusConflict
	}
	if secondPerson {
		status, f.SecondPerson = http.StatusForbidden, true
	}
	return h.render(w, r, status, "work_account", title, f)
}

func (h *Handler) workAccountCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.secAdmin(r)
	if err != nil {
		return err
	}
	values, ids, err := postedAccount(w, r)
	if err != nil {
		return h.formError(w, r, p, "新建账号", nil, values, err)
	}
	in := app.UserInput{Username: values["username"], DisplayName: values["display_name"], Role: zhitong.Role(values["role"]),
		RegionCode: values["region"], StationID: ids["station_id"], UnitID: ids["unit_id"], DeputyID: ids["deputy_id"]}
	c, err := h.accounts().Create(r.Context(), p, in)
	if err != nil {
		return h.formError(w, r, p, "新建账号", nil, values, err)
	}
	return h.render(w, r, http.StatusCreated, "work_account_secret", "账号已创建", accountSecret{Account: c.Account, Password: c.Password, New: true})
}

// accountSecret shows a password once: a new account's or a reset's.
type accountSecret struct {
	Account  accounts.Account
	Password string
	New      bool
	Approved bool // created on a two-person request: the approver hands it over
}

// secAdminOn returns the security administrator and the id in the path
// (of an account or a token).
func (h *Handler) secAdminOn(r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.secAdmin(r)
	if err != nil {
		return p, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return p, 0, zhitong.Errorf(zhitong.ENOTFOUND, "编号“%s”不存在", r.PathValue("id"))
	}
	return p, id, nil
}

// pathAccount loads the account named in the path, for its administrator.
func (h *Handler) pathAccount(r *http.Request) (zhitong.Principal, accounts.Account, error) {
	p, id, err := h.secAdminOn(r)
	if err != nil {
		return p, accounts.Account{}, err
	}
	a, err := h.accounts().User(r.Context(), p, id)
	return p, a, err
}

func (h *Handler) workAccount(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.pathAccount(r)
	if err != nil {
		return err
	}
	f, err := h.accountForm(r, p, accountValues(a))
	if err != nil {
		return err
	}
	f.Account = &a
	return h.render(w, r, http.StatusOK, "work_account", "账号 "+a.Username, f)
}

func (h *Handler) workAccountUpdate(w http.ResponseWriter, r *http.Request) error {
	p, a, err := h.pathAccount(r)
	if err != nil {
		return err
	}
	id := a.ID
	title := "账号 " + a.Username
	values, ids, err := postedAccount(w, r)
	if err != nil {
		return h.formError(w, r, p, title, &a, values, err)
	}
	values["username"] = a.Username
	role, name, region := zhitong.Role(values["role"]), values["display_name"], values["region"]
	station, unit, deputy := ids["station_id"], ids["unit_id"], ids["deputy_id"]
	c := accounts.Change{DisplayName: &name, Role: &role, Region: &region, StationID: &station, UnitID: &unit, DeputyID: &deputy}
	if _, err := h.accounts().Update(r.Context(), p, id, c); err != nil {
		return h.formError(w, r, p, title, &a, values, err)
	}
	h.flash(r, "账号 "+a.Username+" 已修改")
	http.Redirect(w, r, "/work/accounts/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// workAccountOp runs one of the account's buttons: disable, enable,
// unlock, reset-password.
func (h *Handler) workAccountOp(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.secAdminOn(r)
	if err != nil {
		return err
	}
	svc := h.accounts()
	var a accounts.Account
	switch r.PathValue("op") {
	case "disable":
		a, err = svc.Disable(r.Context(), p, id)
		err = h.done(r, a, err, "已停用，其登录会话已全部失效")
	case "enable":
		a, err = svc.Enable(r.Context(), p, id)
		err = h.done(r, a, err, "已启用")
	case "unlock":
		a, err = svc.Unlock(r.Context(), p, id)
		err = h.done(r, a, err, "已解除锁定")
	case "reset-password":
		c, err := svc.ResetPassword(r.Context(), p, id)
		if err != nil {
			return err
		}
		return h.render(w, r, http.StatusOK, "work_account_secret", "密码已重置", accountSecret{Account: c.Account, Password: c.Password})
	default:
		return zhitong.Errorf(zhitong.ENOTFOUND, "您访问的页面不存在：%s", r.URL.Path)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/work/accounts/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

func (h *Handler) done(r *http.Request, a accounts.Account, err error, what string) error {
	if err == nil {
		h.flash(r, "账号 "+a.Username+" "+what)
	}
	return err
}
