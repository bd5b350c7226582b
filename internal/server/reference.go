package server

import (
	"net/http"
	"strconv"

	"zhitong"
)

func (s *Server) addWorkdays(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	days, err := strconv.Atoi(q.Get("days"))
	if err != nil {
		return zhitong.Invalid("days", "days 应为整数")
	}
	due, provisional, err := s.app.AddWorkdays(q.Get("from"), days)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"date": due, "provisional": provisional})
	return nil
}

func (s *Server) loadSchedule(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	year, n, err := s.app.LoadSchedule(r.Context(), p, http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "recomputed": n})
	return nil
}

func list[T any](w http.ResponseWriter, items []T, err error) error {
	if err != nil {
		return err
	}
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

func (s *Server) listStations(w http.ResponseWriter, r *http.Request) error {
	items, err := s.app.StationList(r.Context(), r.URL.Query().Get("region"))
	return list(w, items, err)
}

func (s *Server) listDeputies(w http.ResponseWriter, r *http.Request) error {
	items, err := s.app.DeputyList(r.Context(), r.URL.Query().Get("region"))
	return list(w, items, err)
}
