package server

import (
	"context"
	"net/http"
	"strings"

	"zhitong"
	"zhitong/internal/web"
)

// principalKey caches the signed-in principal for the rest of a request,
// once mustChange has loaded it.
type principalKey struct{}

// mustChange keeps a user whose password someone else set (initial or
// reset, users.must_change_password) away from everything but changing it:
// every workbench page sends them to the account page, every API call but
// the session and password endpoints answers 403 password_change_required.
// API tokens have no password and pass.
func (s *Server) mustChange(next http.Handler, fail failFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" || strings.HasPrefix(r.URL.Path, "/static/") || s.sessions.GetInt64(r.Context(), sessionUserKey) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		p, err := s.principal(r)
		if err != nil {
			fail(w, r, err)
			return
		}
		// Login, logout and the password change replace the session's
		// user within the request: the cache would be stale there.
		if !passwordChangeOpen(r) {
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		if !p.MustChangePassword && p.UserID != 0 && web.MustEnrol(r.Context(), s.sessions) && !passwordChangeOpen(r) && !enrolmentOpen(r) {
			path := r.URL.Path
			switch {
			case strings.HasPrefix(path, "/api/"):
				fail(w, r, zhitong.Errorf(zhitong.EENROL, "您的角色须使用两步验证：请先绑定（POST /api/v1/me/two-factor，再 POST /api/v1/me/two-factor/confirm），然后才能使用其他接口"))
				return
			case path == "/work" || strings.HasPrefix(path, "/work/"):
				http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
				return
			}
		}
		if p.MustChangePassword && !passwordChangeOpen(r) {
			path := r.URL.Path
			switch {
			case strings.HasPrefix(path, "/api/"):
				fail(w, r, zhitong.Errorf(zhitong.EMUSTCHANGE, "请先修改密码（POST /api/v1/me/password），然后才能使用其他接口"))
				return
			case path == "/work" || strings.HasPrefix(path, "/work/"):
				http.Redirect(w, r, "/account", http.StatusSeeOther)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// enrolmentOpen reports whether r is part of enrolling in two-factor
// sign-in, which is all a user whose role requires it may do before (besides
// what passwordChangeOpen allows).
func enrolmentOpen(r *http.Request) bool {
	switch r.Method + " " + r.URL.Path {
	case "GET /api/v1/me/two-factor", "POST /api/v1/me/two-factor", "POST /api/v1/me/two-factor/confirm", "POST /session/keepalive",
		"GET /account/two-factor", "POST /account/two-factor/begin", "POST /account/two-factor/confirm",
		"GET /account/two-factor/qr.png", "GET /account/two-factor/qr.svg":
		return true
	}
	return false
}

// passwordChangeOpen reports whether r is one of what a user who must
// change their password may still do: sign in and out, see who they are,
// change the password, and read the API description.
func passwordChangeOpen(r *http.Request) bool {
	switch r.Method + " " + r.URL.Path {
	case "POST /api/v1/session", "DELETE /api/v1/session", "GET /api/v1/me", "POST /api/v1/me/password", "GET /api/v1/openapi.json",
		"GET /account", "POST /account/password", "POST /login", "POST /logout":
		return true
	}
	return false
}
