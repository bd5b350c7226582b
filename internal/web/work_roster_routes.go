package web

import "net/http"

// rosterWorkRoutes serves the duty roster, swap requests and check-in pages.
//
// CONTRACT STUB: filled in by the roster work.
func (h *Handler) rosterWorkRoutes(mux *http.ServeMux) {}
