package web

import "net/http"

// appointmentRoutes serves the citizen's booking pages and the workbench's
// bookings list and settings (docs/appointments.md).
func (h *Handler) appointmentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /stations/{id}/book", h.private(h.bookPage))
	mux.HandleFunc("POST /stations/{id}/book", h.private(h.book))
	mux.HandleFunc("GET /appointments", h.page(h.appointmentLookup))
	mux.HandleFunc("GET /appointments/{code}", h.private(h.appointmentPage))
	mux.HandleFunc("POST /appointments/{code}/cancel", h.private(h.cancelAppointment))

	mux.HandleFunc("GET /work/appointments", h.page(h.workAppointments))
	mux.HandleFunc("POST /work/appointments/{id}/{action}", h.workPage(h.workAppointmentAction))
	mux.HandleFunc("GET /work/appointments/settings", h.page(h.workAppointmentSettings))
	mux.HandleFunc("POST /work/appointments/settings", h.page(h.workSaveAppointmentSettings))
}
