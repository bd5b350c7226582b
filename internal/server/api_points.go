package server

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// pointsRoutes serves deputies' duty records, duty points, scorecards, the
// inactivity list and reports to voters (docs/points.md).
func (s *Server) pointsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/duty-records", s.api(staffJSON(s, http.StatusCreated, s.createRecord)))
	mux.HandleFunc("GET /api/v1/duty-records", s.api(staffJSON(s, http.StatusOK, s.listRecords)))
	mux.HandleFunc("GET /api/v1/duty-records/{id}", s.api(staffJSON(s, http.StatusOK, s.getRecord)))
	mux.HandleFunc("PUT /api/v1/duty-records/{id}", s.api(staffJSON(s, http.StatusOK, s.updateRecord)))
	mux.HandleFunc("POST /api/v1/duty-records/{id}/void", s.api(staffJSON(s, http.StatusOK, s.voidRecord)))
	mux.HandleFunc("GET /api/v1/point-rules", s.api(staffJSON(s, http.StatusOK, s.listRules)))
	mux.HandleFunc("PUT /api/v1/point-rules/{event}", s.api(staffJSON(s, http.StatusOK, s.putRule)))
	mux.HandleFunc("PUT /api/v1/points/settings", s.api(staffJSON(s, http.StatusOK, s.putPointSettings)))
	mux.HandleFunc("POST /api/v1/points/recompute", s.api(staffJSON(s, http.StatusOK, s.recompute)))
	mux.HandleFunc("GET /api/v1/points/rankings", s.api(staffJSON(s, http.StatusOK, s.rankings)))
	mux.HandleFunc("GET /api/v1/inactive-deputies", s.api(staffJSON(s, http.StatusOK, s.inactive)))
	mux.HandleFunc("POST /api/v1/deputies/{id}/reminders", s.api(staffJSON(s, http.StatusCreated, s.remindDeputy)))
	mux.HandleFunc("GET /api/v1/deputies/{id}/points", s.api(staffJSON(s, http.StatusOK, s.ledger)))
	mux.HandleFunc("GET /api/v1/deputies/{id}/voter-report", s.api(staffJSON(s, http.StatusOK, s.voterReport)))
	mux.HandleFunc("PUT /api/v1/deputies/{id}/voter-report", s.api(staffJSON(s, http.StatusOK, s.saveVoterReport)))
	mux.HandleFunc("GET /api/v1/deputies/{id}/scorecard", s.api(s.scorecard))
	mux.HandleFunc("GET /api/v1/scorecard/totals", s.api(s.countyTotals))
}

// staffJSON adapts an operation for signed-in callers: a citizen gets 401
// before anything else is read; the result is answered as JSON with status.
func staffJSON[T any](s *Server, status int, op func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (T, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		v, err := op(w, r, p)
		if err != nil {
			return err
		}
		writeJSON(w, status, v)
		return nil
	}
}

// staffIDJSON is staffJSON for an operation on the object {id} of the path.
func staffIDJSON[T any](s *Server, status int, op func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (T, error)) handler {
	return staffJSON(s, status, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (T, error) {
		id, err := pathID(r, "id")
		if err != nil {
			var zero T
			return zero, err
		}
		return op(w, r, p, id)
	})
}

// items is the answer shape of lists.
type items[T any] struct {
	Items []T `json:"items"`
}

func itemsOf[T any](v []T, err error) (items[T], error) {
	if v == nil {
		v = []T{}
	}
	return items[T]{Items: v}, err
}

func (s *Server) createRecord(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutyRecord, error) {
	var in app.RecordInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.CreateRecord(r.Context(), p, in)
}

func (s *Server) listRecords(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*zhitong.DutyRecord], error) {
	q := r.URL.Query()
	in := app.RecordQuery{Kind: zhitong.RecordKind(q.Get("kind")), From: q.Get("from"), To: q.Get("to")}
	if v := q.Get("deputy_id"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return items[*zhitong.DutyRecord]{}, zhitong.Invalid("deputy_id", "代表编号“%s”无效", v)
		}
		in.DeputyID = id
	}
	return itemsOf(s.app.Records(r.Context(), p, in))
}

func (s *Server) getRecord(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutyRecord, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.app.Record(r.Context(), p, id)
}

func (s *Server) updateRecord(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutyRecord, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.RecordEdit
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.UpdateRecord(r.Context(), p, id, in)
}

// recordVoid is the body of a void request.
type recordVoid struct {
	Reason string `json:"reason"`
}

func (s *Server) voidRecord(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.DutyRecord, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in recordVoid
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.VoidRecord(r.Context(), p, id, in.Reason)
}

func (s *Server) listRules(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[zhitong.PointRule], error) {
	return itemsOf(s.app.PointRules(r.Context()))
}

func (s *Server) putRule(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.PointRule, error) {
	var in app.RuleInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.SetPointRule(r.Context(), p, zhitong.PointEvent(r.PathValue("event")), in)
}

type pointSettings struct {
	InactiveDays int `json:"inactive_days"`
}

func (s *Server) putPointSettings(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (pointSettings, error) {
	var in pointSettings
	if err := decode(w, r, &in); err != nil {
		return in, err
	}
	return in, s.app.SetInactiveDays(r.Context(), p, in.InactiveDays)
}

func (s *Server) recompute(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.RecomputeResult, error) {
	return s.app.Recompute(r.Context(), p)
}

func (s *Server) rankings(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.Rankings, error) {
	return s.app.Rankings(r.Context(), p, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
}

func (s *Server) inactive(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.InactiveList, error) {
	days := 0
	if v := r.URL.Query().Get("days"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			return nil, zhitong.Invalid("days", "天数“%s”无效", v)
		}
		days = n
	}
	return s.app.Inactive(r.Context(), p, days)
}

func (s *Server) remindDeputy(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.Reminder, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.ReminderInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.RemindDeputy(r.Context(), p, id, in)
}

func (s *Server) ledger(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[zhitong.PointEntry], error) {
	id, err := pathID(r, "id")
	if err != nil {
		return items[zhitong.PointEntry]{}, err
	}
	return itemsOf(s.app.Ledger(r.Context(), p, id, r.URL.Query().Get("from"), r.URL.Query().Get("to")))
}

func (s *Server) voterReport(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.VoterReportView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	return s.app.VoterReport(r.Context(), p, id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
}

func (s *Server) saveVoterReport(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*zhitong.VoterReport, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.VoterReportInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.SaveVoterReport(r.Context(), p, id, in)
}

// scorecard is public: a deputy's record is the voters' to see.
func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	sc, err := s.app.Scorecard(r.Context(), id, r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sc)
	return nil
}

func (s *Server) countyTotals(w http.ResponseWriter, r *http.Request) error {
	t, err := s.app.CountyTotals(r.Context(), r.URL.Query().Get("region"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}
