package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/publication"
)

// publicationRoutes confirm the masked public text of replied cases before
// the results board shows it (internal/publication, docs/publication.md).
func (s *Server) publicationRoutes(mux *http.ServeMux) {
	svc := func() *publication.Service { return publication.New(s.app) }
	mux.HandleFunc("GET /api/v1/publication", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (PublicationQueue, error) {
		items, err := svc().Queue(r.Context(), p)
		return PublicationQueue{Items: items}, err
	})))
	mux.HandleFunc("GET /api/v1/cases/{id}/publication", s.api(staffIDJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (*publication.Draft, error) {
		return svc().Draft(r.Context(), p, id)
	})))
	mux.HandleFunc("PUT /api/v1/cases/{id}/publication", s.api(staffIDJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (*publication.Draft, error) {
		var in publication.ConfirmInput
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
		return svc().Confirm(r.Context(), p, id, in)
	})))
	mux.HandleFunc("POST /api/v1/cases/{id}/publication/withdraw", s.api(s.publicationWithdraw))
}

// PublicationQueue is the answer of GET /api/v1/publication.
type PublicationQueue struct {
	Items []publication.Item `json:"items"`
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
