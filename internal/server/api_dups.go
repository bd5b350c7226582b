package server

import (
	"net/http"

	"zhitong/internal/dups"
)

// dupsRoutes: likely duplicate cases (internal/dups, docs/duplicates.md).
func (s *Server) dupsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/cases/{id}/duplicates", s.api(s.caseDuplicates))
	mux.HandleFunc("POST /api/v1/duplicates", s.api(s.draftDuplicates))
	mux.HandleFunc("POST /api/v1/duplicates/public", s.api(s.publicDuplicates))
}

func (s *Server) caseDuplicates(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	m, err := dups.New(s.app).ForCase(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"threshold": dups.Threshold, "duplicates": nonNil(m)})
	return nil
}

func (s *Server) draftDuplicates(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in dups.Draft
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := dups.New(s.app).ForDraft(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"threshold": dups.Threshold, "duplicates": nonNil(m)})
	return nil
}

func (s *Server) publicDuplicates(w http.ResponseWriter, r *http.Request) error {
	var in dups.Draft
	if err := decode(w, r, &in); err != nil {
		return err
	}
	m, err := dups.New(s.app).Public(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"message": dups.Notice(len(m)), "similar": nonNil(m)})
	return nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
