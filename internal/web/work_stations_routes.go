package web

import "net/http"

// stationWorkRoutes serves the workbench pages that manage stations and
// deputies' profiles, and the deputies' public photos the station boards show.
func (h *Handler) stationWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/stations", h.page(h.workStations))
	mux.HandleFunc("GET /work/stations/new", h.page(h.workStationNew))
	mux.HandleFunc("POST /work/stations/new", h.workPage(h.workStationCreate))
	mux.HandleFunc("GET /work/stations/{id}", h.page(h.workStation))
	mux.HandleFunc("POST /work/stations/{id}/{section}", h.workPage(h.workStationSave))
	mux.HandleFunc("GET /work/deputies", h.page(h.workDeputies))
	mux.HandleFunc("GET /work/deputies/new", h.page(h.workDeputyNew))
	mux.HandleFunc("POST /work/deputies/new", h.workPage(h.workDeputyCreate))
	mux.HandleFunc("GET /work/deputies/{id}", h.page(h.workDeputy))
	mux.HandleFunc("POST /work/deputies/{id}/{section}", h.workPage(h.workDeputySave))
	mux.HandleFunc("GET /deputies/{id}/photo", h.page(h.deputyPhoto))
}
