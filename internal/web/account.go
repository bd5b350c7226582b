package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/alexedwards/scs/v2"

	"zhitong"
	"zhitong/internal/signin"
	"zhitong/internal/sso"
)

// SessionEpochKey is where a session keeps the user's session epoch it was
// signed in under; the server refuses it once the user's epoch has moved on
// (account disabled, password changed or reset).
const SessionEpochKey = "epoch"

// SignIn makes the session u's: a new session token (so one seen before is
// worthless), the user and their current session epoch.
func SignIn(ctx context.Context, sm *scs.SessionManager, u *zhitong.User) error {
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, SessionUserKey, u.ID)
	sm.Put(ctx, SessionEpochKey, u.SessionEpoch)
	return nil
}

// keepSession signs the current session in again after the user changed
// their own password, which ended every other session of theirs.
func keepSession(ctx context.Context, sm *scs.SessionManager, users interface {
	User(context.Context, int64) (*zhitong.User, error)
}, id int64) error {
	u, err := users.User(ctx, id)
	if err != nil {
		return err
	}
	return SignIn(ctx, sm, u)
}

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
	// SSO: the unified identity service is offered.
	SSO bool
}

func (h *Handler) loginForm(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, "login", "工作人员登录", loginData{Next: safeNext(r.URL.Query().Get("next")), SSO: h.ssoReady(r)})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	data := loginData{Next: safeNext(r.PostForm.Get("next")), Username: r.PostForm.Get("username"), SSO: h.ssoReady(r)}
	// “Require SSO for staff”: password sign-in only for the system
	// administrator (break-glass).
	if err := sso.New(h.app).PasswordAllowed(r.Context(), data.Username); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
			return err
		}
		data.Error = zhitong.ErrorMessage(err)
		return h.render(w, r, http.StatusForbidden, "login", "工作人员登录", data)
	}
	// A code may come with the password (scripts, tests); people get the
	// code page after a right password.
	out, err := signin.New(h.app).SignIn(r.Context(), data.Username, r.PostForm.Get("password"), r.PostForm.Get("code"), r.RemoteAddr)
	if err != nil {
		code := zhitong.ErrorCode(err)
		if code == zhitong.ETWOFACTOR && out.User != nil {
			return h.awaitCode(w, r, out.User, data.Next)
		}
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
	return h.signInDone(w, r, out, data.Next)
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
	// The change ended every session of the user's; this one goes on.
	if err := keepSession(r.Context(), h.sessions, h.app, p.UserID); err != nil {
		return err
	}
	h.flash(r, "密码已修改")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
