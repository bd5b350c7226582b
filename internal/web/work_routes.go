package web

import "net/http"

// workRoutes is the route table of the staff workbench.
func (h *Handler) workRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work", h.page(h.workHome))
	mux.HandleFunc("GET /work/cases", h.page(h.workCases))
	mux.HandleFunc("GET /work/cases/{id}", h.page(h.workCase))
	mux.HandleFunc("GET /work/cases/{id}/photos/{photo}", h.page(h.workPhoto))
	mux.HandleFunc("GET /work/cases/{id}/receipt", h.page(h.workReceipt))
	mux.HandleFunc("POST /work/cases/{id}/reveal", h.workPage(h.workReveal))
	mux.HandleFunc("POST /work/cases/{id}/{action}", h.workPage(h.workAction))
	mux.HandleFunc("GET /work/intake", h.page(h.workIntakeForm))
	mux.HandleFunc("POST /work/intake", h.page(h.workIntake))
	h.noticeRoutes(mux)
	h.supervisionRoutes(mux)
	h.pointsWorkRoutes(mux)
	h.stationWorkRoutes(mux)
	h.receptionWorkRoutes(mux)
	h.rosterWorkRoutes(mux)
}
