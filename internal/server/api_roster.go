package server

import "net/http"

// rosterRoutes serves the roster, swap and check-in endpoints.
//
// CONTRACT STUB: filled in by the roster work.
func (s *Server) rosterRoutes(mux *http.ServeMux) {}
