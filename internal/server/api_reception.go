package server

import (
	"net/http"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/calendar"
)

// receptionRoutes serves the reception-day rules and the reception-days
// listing (docs/reception-days.md). The listing and the rules are public;
// changing the rules takes staff with jurisdiction over the station.
func (s *Server) receptionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/stations/{id}/reception-days", s.api(s.receptionDays))
	mux.HandleFunc("GET /api/v1/stations/{id}/reception-rules", s.api(s.receptionRules))
	mux.HandleFunc("PUT /api/v1/stations/{id}/reception-rules", s.api(staffJSON(s, http.StatusOK, s.putReceptionRules)))
}

// receptionDefaultSpan is how many days after from the listing runs when to is not given.
const receptionDefaultSpan = 30

type deputyRefJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type receptionDayJSON struct {
	Day      string          `json:"day"`
	Weekday  string          `json:"weekday"`
	Lunar    string          `json:"lunar"`
	Reason   string          `json:"reason"`
	Deputies []deputyRefJSON `json:"deputies"`
}

type receptionDaysJSON struct {
	StationID int64              `json:"station_id"`
	From      string             `json:"from"`
	To        string             `json:"to"`
	Items     []receptionDayJSON `json:"items"`
}

func (s *Server) receptionDays(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" {
		from = calendar.Civil(s.app.Now(), zhitong.China).Format(time.DateOnly)
	}
	if to == "" {
		lo, err := time.Parse(time.DateOnly, from)
		if err != nil {
			return zhitong.Invalid("from", "开始日期应为YYYY-MM-DD格式，例如2026-11-01")
		}
		to = lo.AddDate(0, 0, receptionDefaultSpan).Format(time.DateOnly)
	}
	days, err := s.app.ReceptionDays(r.Context(), id, from, to)
	if err != nil {
		return err
	}
	out := receptionDaysJSON{StationID: id, From: from, To: to, Items: []receptionDayJSON{}}
	for _, d := range days {
		deps := []deputyRefJSON{}
		for _, dep := range d.Deputies {
			deps = append(deps, deputyRefJSON{ID: dep.ID, Name: dep.Name})
		}
		out.Items = append(out.Items, receptionDayJSON{Day: d.Day, Weekday: d.Weekday, Lunar: d.Lunar, Reason: d.Reason, Deputies: deps})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) receptionRules(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	set, err := s.app.ReceptionRules(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) putReceptionRules(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (app.ReceptionRuleSet, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return app.ReceptionRuleSet{}, err
	}
	var in app.ReceptionRulesInput
	if err := decode(w, r, &in); err != nil {
		return app.ReceptionRuleSet{}, err
	}
	rules, ex := in.Domain()
	sync, err := s.app.SetReceptionRules(r.Context(), p, id, rules, ex)
	if err != nil {
		return app.ReceptionRuleSet{}, err
	}
	set, err := s.app.ReceptionRules(r.Context(), id)
	set.Roster = sync
	return set, err
}
