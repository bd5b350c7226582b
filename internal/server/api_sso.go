package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/sso"
)

// ssoRoutes: the JSON API of single sign-on (internal/sso, docs/sso.md):
// the provider's settings (system administrator) and the link of a staff
// account to a subject of the provider (security administrator).
func (s *Server) ssoRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/admin/sso", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (sso.Settings, error) {
		return sso.New(s.app).Settings(r.Context(), p)
	})))
	mux.HandleFunc("PUT /api/v1/admin/sso", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (sso.Settings, error) {
		var in sso.Config
		if err := decode(w, r, &in); err != nil {
			return sso.Settings{}, err
		}
		if err := sso.New(s.app).SetConfig(r.Context(), p, in); err != nil {
			return sso.Settings{}, err
		}
		return sso.New(s.app).Settings(r.Context(), p)
	})))
	mux.HandleFunc("GET /api/v1/users/{id}/sso", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (sso.Link, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return sso.Link{}, err
		}
		return sso.New(s.app).LinkOf(r.Context(), p, id)
	})))
	mux.HandleFunc("PUT /api/v1/users/{id}/sso", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (sso.Link, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return sso.Link{}, err
		}
		var in struct {
			Subject string `json:"subject"`
		}
		if err := decode(w, r, &in); err != nil {
			return sso.Link{}, err
		}
		if err := sso.New(s.app).Link(r.Context(), p, id, in.Subject); err != nil {
			return sso.Link{}, err
		}
		return sso.New(s.app).LinkOf(r.Context(), p, id)
	})))
	mux.HandleFunc("DELETE /api/v1/users/{id}/sso", s.api(withID(s, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
		if err := sso.New(s.app).Unlink(r.Context(), p, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})))
}
