package web

import "net/http"

// rosterWorkRoutes serves the duty roster, swap requests and check-in pages
// (docs/roster.md): /work/roster for staff, /work/duties for deputies.
func (h *Handler) rosterWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/roster", h.page(h.workRoster))
	mux.HandleFunc("POST /work/roster/generate", h.workPage(h.workRosterAct(h.workRosterGenerate)))
	mux.HandleFunc("POST /work/roster/duties", h.workPage(h.workRosterAct(h.workRosterAdd)))
	mux.HandleFunc("POST /work/roster/duties/{id}/{action}", h.workPage(h.workRosterAct(h.workRosterDuty)))
	mux.HandleFunc("POST /work/roster/swaps/{id}/{action}", h.workPage(h.workRosterAct(h.workRosterSwap)))
	mux.HandleFunc("GET /work/duties", h.page(h.workDuties))
	mux.HandleFunc("POST /work/duties/{id}/check-in", h.workPage(h.workDutiesCheckIn))
	mux.HandleFunc("POST /work/duties/visit", h.workPage(h.workDutiesVisit))
	mux.HandleFunc("POST /work/duties/swaps", h.workPage(h.workDutiesSwap))
}
