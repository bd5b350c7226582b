package server

import (
	"context"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// rosterRoutes serves the roster, swap and check-in endpoints (docs/roster.md).
func (s *Server) rosterRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/stations/{id}/roster", s.api(staffJSON(s, http.StatusOK, s.getRoster)))
	mux.HandleFunc("POST /api/v1/stations/{id}/roster", s.api(staffJSON(s, http.StatusOK, s.generateRoster)))
	mux.HandleFunc("POST /api/v1/stations/{id}/duties", s.api(staffJSON(s, http.StatusCreated, s.addDuty)))
	mux.HandleFunc("POST /api/v1/stations/{id}/check-in", s.api(staffJSON(s, http.StatusCreated, s.visitCheckIn)))
	mux.HandleFunc("PUT /api/v1/duties/{id}", s.api(staffJSON(s, http.StatusOK, s.replaceDuty)))
	mux.HandleFunc("DELETE /api/v1/duties/{id}", s.api(s.removeDuty))
	mux.HandleFunc("POST /api/v1/duties/{id}/check-in", s.api(staffJSON(s, http.StatusOK, s.checkIn)))
	mux.HandleFunc("POST /api/v1/duties/{id}/excuse", s.api(staffJSON(s, http.StatusOK, s.excuseDuty)))
	mux.HandleFunc("GET /api/v1/me/duties", s.api(staffJSON(s, http.StatusOK, s.myDuties)))
	mux.HandleFunc("GET /api/v1/swaps", s.api(staffJSON(s, http.StatusOK, s.listSwaps)))
	mux.HandleFunc("POST /api/v1/swaps", s.api(staffJSON(s, http.StatusCreated, s.requestSwap)))
	mux.HandleFunc("POST /api/v1/swaps/{id}/approve", s.api(staffJSON(s, http.StatusOK, s.decideSwap(true))))
	mux.HandleFunc("POST /api/v1/swaps/{id}/reject", s.api(staffJSON(s, http.StatusOK, s.decideSwap(false))))
}

func (s *Server) getRoster(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[app.RosterDay], error) {
	id, err := pathID(r, "id")
	if err != nil {
		return items[app.RosterDay]{}, err
	}
	return itemsOf(s.app.Roster(r.Context(), p, id, r.URL.Query().Get("from"), r.URL.Query().Get("to")))
}

type rosterRequest struct {
	From   string `json:"from"`
	To     string `json:"to"`
	PerDay int    `json:"per_day"`
}

func (s *Server) generateRoster(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.RosterPlan, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in rosterRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.GenerateRoster(r.Context(), p, id, in.From, in.To, in.PerDay)
}

type dutyRequest struct {
	DeputyID int64  `json:"deputy_id"`
	Day      string `json:"day"`
}

func (s *Server) addDuty(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.Duty, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in dutyRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.AddDuty(r.Context(), p, id, in.DeputyID, in.Day)
}

func (s *Server) replaceDuty(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.Duty, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in struct {
		DeputyID int64 `json:"deputy_id"`
	}
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.ReplaceDuty(r.Context(), p, id, in.DeputyID)
}

func (s *Server) removeDuty(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.app.RemoveDuty(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) checkIn(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.Duty, error) {
	return s.checkInAt(w, r, p, s.app.CheckIn)
}

func (s *Server) visitCheckIn(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.Duty, error) {
	return s.checkInAt(w, r, p, s.app.VisitCheckIn)
}

// checkInAt runs a check-in on the duty or station the path names.
func (s *Server) checkInAt(w http.ResponseWriter, r *http.Request, p zhitong.Principal,
	op func(context.Context, zhitong.Principal, int64, app.CheckInInput) (*zhitong.Duty, error)) (*zhitong.Duty, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.CheckInInput
	if r.ContentLength != 0 {
		if err := decode(w, r, &in); err != nil {
			return nil, err
		}
	}
	return op(r.Context(), p, id, in)
}

func (s *Server) excuseDuty(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.Duty, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.ExcuseDuty(r.Context(), p, id, in.Reason)
}

func (s *Server) myDuties(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.DeputyDuties, error) {
	return s.app.MyDuties(r.Context(), p)
}

func (s *Server) listSwaps(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*zhitong.DutySwap], error) {
	q := r.URL.Query()
	in := app.SwapQuery{Status: q.Get("status")}
	if v := q.Get("station_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return items[*zhitong.DutySwap]{}, zhitong.Invalid("station_id", "联络站编号“%s”无效", v)
		}
		in.StationID = id
	}
	return itemsOf(s.app.Swaps(r.Context(), p, in))
}

func (s *Server) requestSwap(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutySwap, error) {
	var in app.SwapInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.RequestSwap(r.Context(), p, in)
}

func (s *Server) decideSwap(approve bool) func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutySwap, error) {
	return func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutySwap, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		var in struct {
			Note string `json:"note"`
		}
		if r.ContentLength != 0 {
			if err := decode(w, r, &in); err != nil {
				return nil, err
			}
		}
		sw, _, err := s.app.DecideSwap(r.Context(), p, id, approve, in.Note)
		return sw, err
	}
}
