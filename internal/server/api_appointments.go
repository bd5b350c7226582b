package server

import "net/http"

// appointmentRoutes serves the appointment endpoints.
//
// CONTRACT STUB: filled in by the appointments work.
func (s *Server) appointmentRoutes(mux *http.ServeMux) {}
