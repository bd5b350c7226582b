package web

import "net/http"

// receptionWorkRoutes serves the workbench pages that edit a station's reception-day rules.
//
// CONTRACT STUB: filled in by the reception-days work.
func (h *Handler) receptionWorkRoutes(mux *http.ServeMux) {}
