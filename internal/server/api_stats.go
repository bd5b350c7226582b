package server

import (
	"bytes"
	"net/http"

	"zhitong/internal/export"
	"zhitong/internal/stats"
)

// statsRoutes serves the statistics dashboard (docs/statistics.md): its
// figures, the cases behind one, its Excel workbook, and the public monthly
// figures.
func (s *Server) statsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/stats", s.api(s.getStats))
	mux.HandleFunc("GET /api/v1/stats/cases", s.api(s.getStatsCases))
	mux.HandleFunc("GET /api/v1/stats/export", s.api(s.exportStats))
	mux.HandleFunc("GET /api/v1/stats/public", s.api(s.publicStats))
}

func (s *Server) getStats(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	d, err := stats.New(s.app).Dashboard(r.Context(), p, r.URL.Query())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

func (s *Server) getStatsCases(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	ids, label, err := stats.New(s.app).CaseIDs(r.Context(), p, r.URL.Query())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"label": label, "case_ids": ids, "count": len(ids)})
	return nil
}

func (s *Server) exportStats(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	d, err := stats.New(s.app).Dashboard(r.Context(), p, r.URL.Query())
	if err != nil {
		return err
	}
	if err := d.Settled(); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Stats(&buf, d); err != nil {
		return err
	}
	export.Attachment(w, export.StatsFilename(d), "statistics.xlsx")
	_, err = buf.WriteTo(w)
	return err
}

func (s *Server) publicStats(w http.ResponseWriter, r *http.Request) error {
	months, err := stats.New(s.app).Monthly(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"months": months})
	return nil
}
