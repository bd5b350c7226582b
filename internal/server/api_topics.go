package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/topics"
)

// topicsRoutes serve the analysis group's work (internal/topics,
// docs/analysis.md): hot topics and their cases, a topic as a deputy
// proposal, analysis opinions and the committee's decisions, and the
// periodic analysis reports.
func (s *Server) topicsRoutes(mux *http.ServeMux) {
	svc := func() *topics.Service { return topics.New(s.app) }
	mux.HandleFunc("GET /api/v1/topics", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*topics.Hot, error) {
		return svc().Topics(r.Context(), p, r.URL.Query())
	})))
	mux.HandleFunc("GET /api/v1/topics/cases", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (map[string]any, error) {
		ids, label, err := svc().CaseIDs(r.Context(), p, r.URL.Query())
		return map[string]any{"label": label, "case_ids": ids, "count": len(ids)}, err
	})))
	mux.HandleFunc("POST /api/v1/topics/proposal", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in topics.ProposalInput) (*topics.ProposalResult, error) {
		return svc().ToProposal(r.Context(), p, r.URL.Query(), in)
	})))
	mux.HandleFunc("GET /api/v1/analysis/opinions", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*topics.Opinion], error) {
		return itemsOf(svc().Opinions(r.Context(), p, r.URL.Query().Get("state")))
	})))
	mux.HandleFunc("POST /api/v1/analysis/opinions", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in topics.OpinionInput) (*topics.Opinion, error) {
		return svc().Record(r.Context(), p, in)
	})))
	mux.HandleFunc("GET /api/v1/analysis/opinions/{id}", s.api(staffIDJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (*topics.Opinion, error) {
		return svc().Opinion(r.Context(), p, id)
	})))
	mux.HandleFunc("POST /api/v1/analysis/opinions/{id}/decision", s.api(staffIDBody(s, http.StatusOK, func(r *http.Request, p zhitong.Principal, id int64, in topics.DecideInput) (*topics.Opinion, error) {
		return svc().Decide(r.Context(), p, id, in)
	})))
	mux.HandleFunc("GET /api/v1/analysis/reports/draft", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*topics.Report, error) {
		return svc().Draft(r.Context(), p, r.URL.Query())
	})))
	mux.HandleFunc("GET /api/v1/analysis/reports", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*topics.Report], error) {
		return itemsOf(svc().Reports(r.Context(), p))
	})))
	mux.HandleFunc("POST /api/v1/analysis/reports", s.api(staffBody(s, http.StatusCreated, func(r *http.Request, p zhitong.Principal, in topics.ReportInput) (*topics.Report, error) {
		return svc().SaveReport(r.Context(), p, 0, in)
	})))
	mux.HandleFunc("GET /api/v1/analysis/reports/{id}", s.api(staffIDJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (*topics.Report, error) {
		return svc().GetReport(r.Context(), p, id)
	})))
	mux.HandleFunc("PUT /api/v1/analysis/reports/{id}", s.api(staffIDBody(s, http.StatusOK, func(r *http.Request, p zhitong.Principal, id int64, in topics.ReportInput) (*topics.Report, error) {
		return svc().SaveReport(r.Context(), p, id, in)
	})))
	mux.HandleFunc("GET /api/v1/analysis/reports/{id}/export", s.api(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		f, err := svc().ExportReport(r.Context(), p, id)
		if err != nil {
			return err
		}
		return f.Serve(w)
	}))
}
