package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/topics"
)

// exportRoutes serves the lists as Excel workbooks (docs/export.md): the
// same filters as the JSON list, every page, formatted by export.Write.
func (s *Server) exportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/cases/export", s.api(s.exportFile(s.exportCases)))
	mux.HandleFunc("GET /api/v1/supervision/export", s.api(s.exportFile(s.exportSupervision)))
	mux.HandleFunc("GET /api/v1/bulletins/export", s.api(s.exportFile(s.exportBulletins)))
	mux.HandleFunc("GET /api/v1/bulletins/{id}/export", s.api(s.exportFile(s.exportBulletin)))
	mux.HandleFunc("GET /api/v1/points/rankings/export", s.api(s.exportFile(s.exportRankings)))
	mux.HandleFunc("GET /api/v1/stations/{id}/roster/export", s.api(s.exportFile(s.exportRoster)))
	mux.HandleFunc("GET /api/v1/appointments/export", s.api(s.exportFile(s.exportAppointments)))
	mux.HandleFunc("GET /api/v1/deliveries/export", s.api(s.exportFile(s.exportDeliveries)))
	mux.HandleFunc("GET /api/v1/callbacks/export", s.api(s.exportFile(s.exportCallbacks)))
	mux.HandleFunc("GET /api/v1/topics/export", s.api(s.exportFile(func(r *http.Request, _ *export.Service, p zhitong.Principal) (*export.File, error) {
		return topics.New(s.app).ExportTopics(r.Context(), p, r.URL.Query())
	})))
	mux.HandleFunc("GET /api/v1/analysis/opinions/export", s.api(s.exportFile(func(r *http.Request, _ *export.Service, p zhitong.Principal) (*export.File, error) {
		return topics.New(s.app).ExportOpinions(r.Context(), p, r.URL.Query().Get("state"))
	})))
}

// exportFile answers with the file build makes; an error before the first
// byte is answered as JSON like any other.
func (s *Server) exportFile(build func(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		f, err := build(r, export.New(s.app), p)
		if err != nil {
			return err
		}
		if err := f.Serve(w); err != nil {
			s.log.Error("export", "file", f.ASCII, "err", err)
		}
		return nil
	}
}

func (s *Server) exportCases(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	in, err := s.caseList(r, p)
	if err != nil {
		return nil, err
	}
	return x.Cases(r.Context(), p, in)
}

func (s *Server) exportSupervision(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	in, err := app.ParseSupervisionQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return x.Supervision(r.Context(), p, in)
}

func (s *Server) exportBulletins(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	return x.Bulletins(r.Context(), p, r.URL.Query().Get("region"))
}

func (s *Server) exportBulletin(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return x.Bulletin(r.Context(), p, id)
}

func (s *Server) exportRankings(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	return x.Rankings(r.Context(), p, q.Get("from"), q.Get("to"))
}

func (s *Server) exportRoster(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return x.Roster(r.Context(), p, id, r.URL.Query().Get("month"))
}

func (s *Server) exportAppointments(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	in, err := appointmentQuery(r.URL.Query())
	if err != nil {
		return nil, err
	}
	return x.Appointments(r.Context(), p, in)
}

func (s *Server) exportDeliveries(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	q := r.URL.Query()
	return x.Deliveries(r.Context(), p, app.DeliveriesInput{State: q.Get("state"), From: q.Get("from"), To: q.Get("to")})
}

func (s *Server) exportCallbacks(r *http.Request, x *export.Service, p zhitong.Principal) (*export.File, error) {
	return x.Callbacks(r.Context(), p)
}
