package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/dups"
)

// dupsRoutes: likely duplicate cases (internal/dups, docs/duplicates.md).
func (s *Server) dupsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/cases/{id}/duplicates", s.api(staffIDJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (duplicateList, error) {
		m, err := dups.New(s.app).ForCase(r.Context(), p, id)
		return duplicateList{dups.Threshold, nonNil(m)}, err
	})))
	mux.HandleFunc("POST /api/v1/duplicates", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (duplicateList, error) {
		var in dups.Draft
		if err := decode(w, r, &in); err != nil {
			return duplicateList{}, err
		}
		m, err := dups.New(s.app).ForDraft(r.Context(), p, in)
		return duplicateList{dups.Threshold, nonNil(m)}, err
	})))
	mux.HandleFunc("POST /api/v1/duplicates/public", s.api(s.publicDuplicates))
}

// duplicateList is the answer of the staff look-ups.
type duplicateList struct {
	Threshold  float64      `json:"threshold"`
	Duplicates []dups.Match `json:"duplicates"`
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
