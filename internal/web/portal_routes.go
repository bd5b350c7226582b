package web

import "net/http"

// portalRoutes is the route table of the citizen portal.
func (h *Handler) portalRoutes(mux *http.ServeMux) {}
