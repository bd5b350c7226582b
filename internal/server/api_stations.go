package server

import "net/http"

// stationRoutes serves the station and deputy profile endpoints beyond the reference lists.
//
// CONTRACT STUB: filled in by the stations work.
func (s *Server) stationRoutes(mux *http.ServeMux) {}
