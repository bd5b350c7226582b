package web

import "net/http"

// portalRoutes is the route table of the citizen portal.
func (h *Handler) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stations/{id}", h.page(h.stationBoard))
	mux.HandleFunc("GET /stations/{id}/poster", h.page(h.stationPoster))
	mux.HandleFunc("GET /submit", h.page(h.submitForm))
	mux.HandleFunc("POST /submit", h.page(h.submit))
	mux.HandleFunc("GET /submit/done", h.page(h.submitted))
	mux.HandleFunc("GET /track", h.page(h.trackForm))
	mux.HandleFunc("GET /track/{code}", h.page(h.track))
	mux.HandleFunc("POST /track/{code}/evaluate", h.page(h.evaluate))
	mux.HandleFunc("GET /track/{code}/photos/{id}", h.page(h.trackPhoto))
	mux.HandleFunc("GET /results", h.page(h.results))
	mux.HandleFunc("GET /bulletins", h.page(h.portalBulletins))
	mux.HandleFunc("GET /bulletins/{id}", h.page(h.portalBulletin))
	mux.HandleFunc("GET /deputies/{id}/scorecard", h.page(h.scorecard))
	h.appointmentRoutes(mux)
}
