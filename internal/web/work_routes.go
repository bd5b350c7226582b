package web

import "net/http"

// workRoutes is the route table of the staff workbench.
func (h *Handler) workRoutes(mux *http.ServeMux) {}
