package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/app"
)

// dutiesRoutes are the handling units' own duties on a case
// (docs/supervision.md): the lead unit's look-up of the citizen's phone and
// the co-handling units' opinions (协办意见).
func (s *Server) dutiesRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/cases/{id}/citizen-phone", s.api(staffJSON(s, http.StatusOK, s.revealPhone)))
	mux.HandleFunc("GET /api/v1/cases/{id}/co-opinions", s.api(staffJSON(s, http.StatusOK, s.listCoOpinions)))
	mux.HandleFunc("POST /api/v1/cases/{id}/co-opinions", s.api(staffJSON(s, http.StatusOK, s.submitCoOpinion)))
}

func (s *Server) revealPhone(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (app.CitizenPhone, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return app.CitizenPhone{}, err
	}
	var in revealRequest
	if err := decode(w, r, &in); err != nil {
		return app.CitizenPhone{}, err
	}
	w.Header().Set("Cache-Control", "no-store")
	return s.app.RevealPhone(r.Context(), p, id, in.Reason)
}

func (s *Server) listCoOpinions(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[app.CoOpinion], error) {
	id, err := pathID(r, "id")
	if err != nil {
		return items[app.CoOpinion]{}, err
	}
	return itemsOf(s.app.CoOpinions(r.Context(), p, id))
}

func (s *Server) submitCoOpinion(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.CoOpinion, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.CoOpinionInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.SubmitCoOpinion(r.Context(), p, id, in)
}
