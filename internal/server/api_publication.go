package server

import (
	"net/http"

	"zhitong/internal/publication"
)

// publicationRoutes confirm the masked public text of replied cases before
// the results board shows it (internal/publication, docs/publication.md).
func (s *Server) publicationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/publication", s.api(s.publicationQueue))
	mux.HandleFunc("GET /api/v1/cases/{id}/publication", s.api(s.publicationDraft))
	mux.HandleFunc("PUT /api/v1/cases/{id}/publication", s.api(s.publicationConfirm))
	mux.HandleFunc("POST /api/v1/cases/{id}/publication/withdraw", s.api(s.publicationWithdraw))
}

// PublicationQueue is the answer of GET /api/v1/publication.
type PublicationQueue struct {
	Items []publication.Item `json:"items"`
}

func (s *Server) publicationQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	items, err := publication.New(s.app).Queue(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PublicationQueue{Items: items})
	return nil
}

func (s *Server) publicationDraft(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	d, err := publication.New(s.app).Draft(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) publicationConfirm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in publication.ConfirmInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	d, err := publication.New(s.app).Confirm(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) publicationWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := publication.New(s.app).Withdraw(r.Context(), p, id, in.Reason); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
