package server

import (
	"net/http"

	"zhitong/internal/app"
)

// operatorRoutes are what an operator watches: the SMS and e-mail
// deliveries by state, and the health of the background jobs.
func (s *Server) operatorRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/deliveries", s.api(s.listDeliveries))
	mux.HandleFunc("GET /api/v1/health", s.api(s.health))
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	in, err := cursorInput(q)
	if err != nil {
		return err
	}
	out, err := s.app.Deliveries(r.Context(), p, app.DeliveriesInput{State: q.Get("state"), From: q.Get("from"), To: q.Get("to"), PageInput: in})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	h, err := s.app.Health(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}
