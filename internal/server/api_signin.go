package server

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/signin"
	"zhitong/internal/web"
)

// signinRoutes: two-factor enrolment of the signed-in user, the reset of
// someone's two-factor (security administrator) and the sign-in policy.
// POST /api/v1/session itself is in auth.go.
func (s *Server) signinRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/me/two-factor", s.api(s.twoFactorStatus))
	mux.HandleFunc("POST /api/v1/me/two-factor", s.api(s.twoFactorBegin))
	mux.HandleFunc("POST /api/v1/me/two-factor/confirm", s.api(s.twoFactorConfirm))
	mux.HandleFunc("POST /api/v1/users/{id}/two-factor/reset", s.api(s.twoFactorReset))
	mux.HandleFunc("GET /api/v1/signin-policy", s.api(s.getSigninPolicy))
	mux.HandleFunc("PUT /api/v1/signin-policy", s.api(s.putSigninPolicy))
}

func (s *Server) signedInUser(r *http.Request) (zhitong.Principal, *zhitong.User, error) {
	p, err := s.staff(r)
	if err != nil {
		return p, nil, err
	}
	if p.UserID == 0 {
		return p, nil, zhitong.Errorf(zhitong.EFORBIDDEN, "API 令牌没有两步验证，请用账号登录")
	}
	u, err := s.app.User(r.Context(), p.UserID)
	return p, u, err
}

func (s *Server) twoFactorStatus(w http.ResponseWriter, r *http.Request) error {
	_, u, err := s.signedInUser(r)
	if err != nil {
		return err
	}
	st, err := signin.New(s.app).Status(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) twoFactorBegin(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.signedInUser(r)
	if err != nil {
		return err
	}
	e, err := signin.New(s.app).Begin(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, e)
	return nil
}

type codeRequest struct {
	Code string `json:"code"`
}

func (s *Server) twoFactorConfirm(w http.ResponseWriter, r *http.Request) error {
	p, _, err := s.signedInUser(r)
	if err != nil {
		return err
	}
	var in codeRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	codes, err := signin.New(s.app).Confirm(r.Context(), p, in.Code)
	if err != nil {
		return err
	}
	web.Enrolled(r.Context(), s.sessions)
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]any{"recovery_codes": codes})
	return nil
}

func (s *Server) twoFactorReset(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "账号不存在")
	}
	if err := signin.New(s.app).Reset(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) getSigninPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	if p.Role != zhitong.RoleSecAdmin {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全管理员可以查看登录策略")
	}
	pol, err := signin.New(s.app).Policy(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pol)
	return nil
}

func (s *Server) putSigninPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in signin.Policy
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pol, err := signin.New(s.app).SetPolicy(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pol)
	return nil
}
