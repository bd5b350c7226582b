package web

import (
	"net/http"
	"strings"

	"zhitong"
)

func (h *Handler) notFound(w http.ResponseWriter, r *http.Request) error {
	return zhitong.Errorf(zhitong.ENOTFOUND, "您访问的页面不存在：%s", r.URL.Path)
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/work"
	}
	return next
}

type loginData struct {
	Next, Username, Error string
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "login", "工作人员登录", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	data := loginData{Next: safeNext(r.PostForm.Get("next")), Username: r.PostForm.Get("username")}
	u, err := h.app.Login(r.Context(), data.Username, r.PostForm.Get("password"), r.RemoteAddr)
	if err != nil {
		code := zhitong.ErrorCode(err)
		if code == zhitong.EINTERNAL {
			return err
		}
		data.Error = zhitong.ErrorMessage(err)
		status := http.StatusUnauthorized
		if code == zhitong.ETOOMANY {
			status = http.StatusTooManyRequests
		}
		return h.render(w, r, status, "login", "工作人员登录", data)
	}
	if err := h.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	h.sessions.Put(r.Context(), SessionUserKey, u.ID)
	http.Redirect(w, r, data.Next, http.StatusSeeOther)
	return nil
}

func (h *Handler) logout(w http.ResponseWriter, r *http.Request) error {
	if err := h.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// staff returns the signed-in principal, or EUNAUTHORIZED (a redirect to login).
func (h *Handler) staff(r *http.Request) (zhitong.Principal, error) {
	p, err := h.principal(r)
	if err != nil {
		return p, err
	}
	if !p.Staff() {
		return p, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	return p, nil
}

type accountData struct {
	Error, Field string
}

func (h *Handler) account(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.staff(r); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "account", "我的账号", accountData{})
}

func (h *Handler) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	if r.PostForm.Get("new_password") != r.PostForm.Get("confirm") {
		return h.render(w, r, http.StatusBadRequest, "account", "我的账号", accountData{Error: "两次输入的新密码不一致", Field: "confirm"})
	}
	if err := h.app.ChangePassword(r.Context(), p, r.PostForm.Get("old_password"), r.PostForm.Get("new_password")); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.render(w, r, http.StatusBadRequest, "account", "我的账号", accountData{Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)})
	}
	h.flash(r, "密码已修改")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
