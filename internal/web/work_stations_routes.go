package web

import "net/http"

// stationWorkRoutes serves the workbench pages that manage stations and deputies' profiles.
//
// CONTRACT STUB: filled in by the stations work.
func (h *Handler) stationWorkRoutes(mux *http.ServeMux) {}
