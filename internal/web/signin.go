package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"zhitong"
	"zhitong/internal/signin"
)

// signinRoutes: the code step of a sign-in, two-factor enrolment on the
// account page, the keep-alive of the idle warning, the sign-in policy and
// the reset of someone's two-factor (security administrator).
func (h *Handler) signinRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /login/code", h.page(h.codeForm))
	mux.HandleFunc("POST /login/code", h.page(h.codeSubmit))
	mux.HandleFunc("POST /session/keepalive", h.keepAlive)
	mux.HandleFunc("GET /account/two-factor", h.page(h.twoFactorPage))
	mux.HandleFunc("POST /account/two-factor/begin", h.page(h.twoFactorBegin))
	mux.HandleFunc("POST /account/two-factor/confirm", h.page(h.twoFactorConfirm))
	mux.HandleFunc("POST /account/two-factor/recovery-codes", h.page(h.twoFactorRecovery))
	mux.HandleFunc("POST /account/two-factor/disable", h.page(h.twoFactorDisable))
	mux.HandleFunc("GET /account/two-factor/qr.png", h.page(h.twoFactorQR))
	mux.HandleFunc("GET /account/two-factor/qr.svg", h.page(h.twoFactorQR))
	mux.HandleFunc("GET /work/signin-policy", h.page(h.policyPage))
	mux.HandleFunc("POST /work/signin-policy", h.page(h.policySave))
	mux.HandleFunc("POST /work/accounts/{id}/two-factor/reset", h.page(h.twoFactorReset))
}

// signInDone finishes a sign-in that passed every factor and says where to
// go: the password change, the enrolment, or next.
func (h *Handler) signInDone(w http.ResponseWriter, r *http.Request, out signin.Outcome, next string) error {
	if err := StartSession(r.Context(), h.sessions, out.User, h.sessionClock.Now(), out.Enrol); err != nil {
		return err
	}
	switch {
	case out.User.MustChangePassword:
		next = "/account"
	case out.Enrol:
		next = "/account/two-factor"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// awaitCode remembers a sign-in whose password was right, for the code page.
func (h *Handler) awaitCode(w http.ResponseWriter, r *http.Request, u *zhitong.User, next string) error {
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.sessions.Remove(r.Context(), SessionUserKey)
	h.sessions.Put(r.Context(), pendingUserKey, u.ID)
	h.sessions.Put(r.Context(), pendingAtKey, h.app.Now().Unix())
	h.sessions.Put(r.Context(), pendingNextKey, next)
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
	return nil
}

func (h *Handler) pending(r *http.Request) int64 {
	id, at := h.sessions.GetInt64(r.Context(), pendingUserKey), h.sessions.GetInt64(r.Context(), pendingAtKey)
	if id == 0 || h.app.Now().Sub(time.Unix(at, 0)) > pendingFor {
		return 0
	}
	return id
}

// staffForm is the signed-in principal of a small form's POST, parsed.
func (h *Handler) staffForm(w http.ResponseWriter, r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return p, zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	return p, nil
}

type codeData struct{ Error string }

func (h *Handler) codeForm(w http.ResponseWriter, r *http.Request) error {
	if h.pending(r) == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	return h.render(w, r, http.StatusOK, "login_code", "两步验证", codeData{})
}

func (h *Handler) codeSubmit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	id := h.pending(r)
	if id == 0 {
		h.flash(r, "验证已超时，请重新输入用户名和密码")
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	out, err := signin.New(h.app).Continue(r.Context(), id, r.PostForm.Get("code"), r.RemoteAddr)
	if err != nil {
		switch zhitong.ErrorCode(err) {
		case zhitong.EINVALID, zhitong.EUNAUTHORIZED:
			return h.render(w, r, http.StatusUnauthorized, "login_code", "两步验证", codeData{Error: zhitong.ErrorMessage(err)})
		case zhitong.ETOOMANY:
			h.sessions.Remove(r.Context(), pendingUserKey)
			return h.render(w, r, http.StatusTooManyRequests, "login", "工作人员登录", loginData{Next: "/work", Error: zhitong.ErrorMessage(err)})
		}
		return err
	}
	return h.signInDone(w, r, out, safeNext(h.sessions.GetString(r.Context(), pendingNextKey)))
}

type twoFactorData struct {
	Status    signin.Status
	Pending   *signin.Enrolment
	Recovery  []string
	Error     string
	MustEnrol bool
}

func (h *Handler) twoFactorPage(w http.ResponseWriter, r *http.Request) error {
	return h.twoFactorRender(w, r, http.StatusOK, twoFactorData{})
}

func (h *Handler) twoFactorRender(w http.ResponseWriter, r *http.Request, status int, d twoFactorData) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "API 令牌没有两步验证")
	}
	u, err := h.app.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	svc := signin.New(h.app)
	if d.Status, err = svc.Status(r.Context(), u); err != nil {
		return err
	}
	if !d.Status.Enrolled && d.Recovery == nil {
		if e, err := svc.Pending(r.Context(), p); err == nil {
			d.Pending = &e
		}
	}
	d.MustEnrol = MustEnrol(r.Context(), h.sessions)
	return h.render(w, r, status, "account_two_factor", "两步验证", d)
}

func (h *Handler) twoFactorBegin(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if _, err := signin.New(h.app).Begin(r.Context(), p); err != nil {
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			return h.twoFactorRender(w, r, http.StatusConflict, twoFactorData{Error: zhitong.ErrorMessage(err)})
		}
		return err
	}
	http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
	return nil
}

func (h *Handler) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	codes, err := signin.New(h.app).Confirm(r.Context(), p, r.PostForm.Get("code"))
	if err != nil {
		if c := zhitong.ErrorCode(err); c == zhitong.EINVALID || c == zhitong.ECONFLICT {
			return h.twoFactorRender(w, r, http.StatusBadRequest, twoFactorData{Error: zhitong.ErrorMessage(err)})
		}
		return err
	}
	Enrolled(r.Context(), h.sessions)
	noStore(w)
	return h.twoFactorRender(w, r, http.StatusOK, twoFactorData{Recovery: codes})
}

func (h *Handler) twoFactorRecovery(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	codes, err := signin.New(h.app).NewRecoveryCodes(r.Context(), p)
	if err != nil {
		return err
	}
	return h.twoFactorRender(w, r, http.StatusOK, twoFactorData{Recovery: codes})
}

func (h *Handler) twoFactorDisable(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	if err := signin.New(h.app).Disable(r.Context(), p, r.PostForm.Get("code")); err != nil {
		if zhitong.ErrorCode(err) == zhitong.EINVALID {
			return h.twoFactorRender(w, r, http.StatusBadRequest, twoFactorData{Error: zhitong.ErrorMessage(err)})
		}
		return err
	}
	h.flash(r, "已停用两步验证")
	http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
	return nil
}

// twoFactorQR draws the pending enrolment's otpauth:// address as a QR
// code, PNG or SVG, here: the secret never leaves for a QR service.
func (h *Handler) twoFactorQR(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	e, err := signin.New(h.app).Pending(r.Context(), p)
	if err != nil {
		return err
	}
	noStore(w)
	if strings.HasSuffix(r.URL.Path, ".svg") {
		svg, err := qrSVG(e.URL, "两步验证二维码")
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Write([]byte(svg))
		return nil
	}
	code, err := qr.Encode(e.URL, qr.M)
	if err != nil {
		return err
	}
	code.Scale = 6
	w.Header().Set("Content-Type", "image/png")
	w.Write(code.PNG())
	return nil
}

type policyData struct {
	Policy signin.Policy
	Roles  []zhitong.Named[zhitong.Role]
	Error  string
	Field  string
}

// Has reports whether the policy requires two factors of role.
func (d policyData) Has(role zhitong.Role) bool { return d.Policy.Requires(role) }

func (h *Handler) policyPage(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if p.Role != zhitong.RoleSecAdmin {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以设置登录策略")
	}
	pol, err := signin.New(h.app).Policy(r.Context())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_signin_policy", "登录策略", policyData{Policy: pol, Roles: staffRoles()})
}

func staffRoles() []zhitong.Named[zhitong.Role] {
	var out []zhitong.Named[zhitong.Role]
	for _, r := range zhitong.Roles {
		if r.Value != zhitong.RoleIntegration {
			out = append(out, r)
		}
	}
	return out
}

func (h *Handler) policySave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	pol := signin.Policy{TwoFactorRoles: []zhitong.Role{}}
	for _, v := range r.PostForm["two_factor_roles"] {
		pol.TwoFactorRoles = append(pol.TwoFactorRoles, zhitong.Role(v))
	}
	num := func(name string) int {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(name)))
		if err != nil {
			return -1
		}
		return n
	}
	pol.PasswordMaxAgeDays, pol.IdleMinutes, pol.AbsoluteHours, pol.WarnMinutes = num("password_max_age_days"), num("idle_minutes"), num("absolute_hours"), num("warn_minutes")
	if _, err := signin.New(h.app).SetPolicy(r.Context(), p, pol); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.render(w, r, http.StatusBadRequest, "work_signin_policy", "登录策略", policyData{Policy: pol, Roles: staffRoles(), Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)})
	}
	h.flash(r, "登录策略已保存")
	http.Redirect(w, r, "/work/signin-policy", http.StatusSeeOther)
	return nil
}

func (h *Handler) twoFactorReset(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "账号不存在")
	}
	if err := signin.New(h.app).Reset(r.Context(), p, id); err != nil {
		return err
	}
	h.flash(r, "已重置该账号的两步验证，其所有会话已失效；下次登录时须重新绑定")
	http.Redirect(w, r, "/work/accounts/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
