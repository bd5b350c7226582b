package web

import "net/http"

// portalRoutes is the route table of the citizen portal.
func (h *Handler) portalRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stations/{id}", h.page(h.stationBoard))
	mux.HandleFunc("GET /stations/{id}/poster", h.page(h.stationPoster))
	mux.HandleFunc("GET /submit", h.private(h.submitForm))
	mux.HandleFunc("POST /submit", h.private(h.submit))
	mux.HandleFunc("GET /submit/done", h.private(h.submitted))
	mux.HandleFunc("POST /submit/next", h.private(h.nextCitizen))
	mux.HandleFunc("GET /kiosk", h.page(h.kioskOn)) // portal_kiosk.go: a station's shared terminal
	mux.HandleFunc("GET /kiosk/off", h.page(h.kioskOff))
	mux.HandleFunc("GET /kiosk/next", h.page(h.kioskReset))
	mux.HandleFunc("GET /track", h.page(h.trackForm))
	mux.HandleFunc("GET /track/{code}", h.private(h.track))
	mux.HandleFunc("POST /track/{code}/evaluate", h.private(h.evaluate))
	mux.HandleFunc("GET /track/{code}/photos/{id}", h.private(h.trackPhoto))
	mux.HandleFunc("GET /results", h.page(h.results))
	mux.HandleFunc("GET /bulletins", h.page(h.portalBulletins))
	mux.HandleFunc("GET /bulletins/{id}", h.page(h.portalBulletin))
	mux.HandleFunc("GET /deputies/{id}/scorecard", h.page(h.scorecard))
	h.appointmentRoutes(mux)
}
