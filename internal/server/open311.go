package server

import "net/http"

// open311Routes is the route table of the Open311 GeoReport v2 API.
func (s *Server) open311Routes(mux *http.ServeMux) {}
