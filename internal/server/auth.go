package server

import (
	"net/http"
	"strings"

	"zhitong"
	"zhitong/internal/signin"
	"zhitong/internal/sso"
	"zhitong/internal/web"
)

const sessionUserKey = web.SessionUserKey

// principal returns who is making the request: an API token, a signed-in
// user, or an anonymous citizen.
func (s *Server) principal(r *http.Request) (zhitong.Principal, error) {
	if p, ok := r.Context().Value(principalKey{}).(zhitong.Principal); ok {
		return p, nil
	}
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return zhitong.Principal{}, zhitong.Errorf(zhitong.EUNAUTHORIZED, "Authorization 头须为 Bearer 令牌")
		}
		return s.authenticate(r, strings.TrimSpace(secret))
	}
	if id := s.sessions.GetInt64(r.Context(), sessionUserKey); id != 0 {
		u, err := s.app.User(r.Context(), id)
		if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
			return zhitong.Principal{}, err
		}
		// A disabled account, or a session from before the password was
		// changed or reset, is signed out wherever it is; so is one idle or
		// open for longer than the sign-in policy allows.
		if err != nil || u.Disabled || u.SessionEpoch != s.sessions.GetInt64(r.Context(), web.SessionEpochKey) {
			s.sessions.Destroy(r.Context())
			return zhitong.Citizen, nil
		}
		pol, err := signin.New(s.app).Policy(r.Context())
		if err != nil {
			return zhitong.Principal{}, err
		}
		if web.SessionExpired(r.Context(), s.sessions, pol, s.sessionClock.Now()) {
			s.sessions.Destroy(r.Context())
			return zhitong.Citizen, nil
		}
		return u.Principal(), nil
	}
	return zhitong.Citizen, nil
}

// staff returns the principal and fails with EUNAUTHORIZED for citizens.
func (s *Server) staff(r *http.Request) (zhitong.Principal, error) {
	p, err := s.principal(r)
	if err != nil {
		return p, err
	}
	if !p.Staff() {
		return p, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录或提供 API 令牌")
	}
	return p, nil
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// Code is the TOTP code (or a recovery code) of an account with
	// two-factor sign-in; without it such an account gets 401
	// two_factor_required and no session.
	Code string `json:"code"`
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in loginRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := sso.New(s.app).PasswordAllowed(r.Context(), in.Username); err != nil {
		return err
	}
	out, err := signin.New(s.app).SignIn(r.Context(), in.Username, in.Password, in.Code, r.RemoteAddr)
	if err != nil {
		return err
	}
	if err := web.StartSession(r.Context(), s.sessions, out.User, s.sessionClock.Now(), out.Enrol); err != nil {
		return err
	}
	me := meJSON(out.User.Principal())
	me["two_factor_enrolment_required"] = out.Enrol
	writeJSON(w, http.StatusOK, me)
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	me := meJSON(p)
	me["two_factor_enrolment_required"] = p.UserID != 0 && web.MustEnrol(r.Context(), s.sessions)
	writeJSON(w, http.StatusOK, me)
	return nil
}

func meJSON(p zhitong.Principal) map[string]any {
	return map[string]any{"user_id": p.UserID, "token_id": p.TokenID, "name": p.Name, "role": p.Role,
		"role_label": zhitong.Label(zhitong.Roles, p.Role), "region": p.RegionCode, "station_id": p.StationID,
		"unit_id": p.UnitID, "deputy_id": p.DeputyID, "must_change_password": p.MustChangePassword}
}

type passwordRequest struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	if p.UserID == 0 {
		return zhitong.Errorf(zhitong.EFORBIDDEN, "API 令牌没有密码")
	}
	var in passwordRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.app.ChangePassword(r.Context(), p, in.OldPassword, in.NewPassword); err != nil {
		return err
	}
	// The change ended every session of the user's; this one goes on.
	u, err := s.app.User(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	if err := web.SignIn(r.Context(), s.sessions, u); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
