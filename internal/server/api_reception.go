package server

import "net/http"

// receptionRoutes serves the reception-day rules and the reception-days listing.
//
// CONTRACT STUB: filled in by the reception-days work.
func (s *Server) receptionRoutes(mux *http.ServeMux) {}
