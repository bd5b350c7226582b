package web

import "net/http"

// pointsWorkRoutes serves the workbench pages of deputies' duty: records,
// points, the inactivity list and reports to voters.
func (h *Handler) pointsWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/duty", h.page(h.workDuty))
	mux.HandleFunc("GET /work/duty/new", h.page(h.workDutyForm))
	mux.HandleFunc("POST /work/duty/new", h.workPage(h.workDutyCreate))
	mux.HandleFunc("GET /work/duty/{id}", h.page(h.workDutyRecord))
	mux.HandleFunc("POST /work/duty/{id}", h.workPage(h.workDutyUpdate))
	mux.HandleFunc("POST /work/duty/{id}/void", h.workPage(h.workDutyVoid))
	mux.HandleFunc("GET /work/points", h.page(h.workPoints))
	mux.HandleFunc("POST /work/points/rules/{event}", h.workPage(h.workPointsWrite(h.workPointRule)))
	mux.HandleFunc("POST /work/points/recompute", h.workPage(h.workPointsWrite(h.workRecompute)))
	mux.HandleFunc("POST /work/points/settings", h.workPage(h.workPointsWrite(h.workPointSettings)))
	mux.HandleFunc("GET /work/inactive", h.page(h.workInactive))
	mux.HandleFunc("POST /work/inactive/{id}/remind", h.workPage(h.workRemind))
	mux.HandleFunc("GET /work/deputies/{id}/report", h.page(h.workReport))
	mux.HandleFunc("POST /work/deputies/{id}/report", h.workPage(h.workReportSave))
}
