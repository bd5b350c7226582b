package web

import "net/http"

// appointmentRoutes serves the citizen's booking pages and the workbench's bookings list.
//
// CONTRACT STUB: filled in by the appointments work.
func (h *Handler) appointmentRoutes(mux *http.ServeMux) {}
