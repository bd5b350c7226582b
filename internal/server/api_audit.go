package server

import (
	"cmp"
	"net/http"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/auditlog"
)

// auditRoutes is the auditor's part of the API (internal/auditlog,
// docs/audit.md) and the two-person requests for security administrator
// accounts (internal/accounts/requests.go).
func (s *Server) auditRoutes(mux *http.ServeMux) {
	svc := auditlog.New(s.app)
	mux.HandleFunc("GET /api/v1/audit", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (windowPage[audit.Entry], error) {
		q, err := auditQuery(r)
		if err != nil {
			return windowPage[audit.Entry]{}, err
		}
		pg, err := svc.List(r.Context(), p, q)
		return windowPage[audit.Entry]{Items: pg.Items, PerPage: cmp.Or(q.PerPage, 20), Next: pg.Next, Prev: pg.Prev}, err
	})))
	mux.HandleFunc("GET /api/v1/audit/verify", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (auditlog.Report, error) {
		return svc.Verify(r.Context(), p)
	})))
	mux.HandleFunc("GET /api/v1/audit/export", s.api(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		rg, err := auditlog.ParseRange(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
		if err != nil {
			return err
		}
		// Refuse before the first byte: nothing of the log goes to a non-auditor.
		if _, err := svc.List(r.Context(), p, auditlog.Query{PageInput: app.PageInput{PerPage: 1}}); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Disposition", `attachment; filename="audit-`+p.RegionCode+`.jsonl"`)
		_, err = svc.Export(r.Context(), p, rg, w)
		return err
	}))
	s.accountRequestRoutes(mux)
}

// windowPage is the envelope of a list that counts nothing and whose page
// looks at a bounded window of rows (the audit log): a page may be short,
// even empty, with a next cursor still to follow.
type windowPage[T any] struct {
	Items   []T    `json:"items"`
	PerPage int    `json:"per_page"`
	Next    string `json:"next,omitempty"`
	Prev    string `json:"prev,omitempty"`
}

// auditQuery reads the list's query parameters.
func auditQuery(r *http.Request) (auditlog.Query, error) {
	v := r.URL.Query()
	in, err := cursorInput(v)
	if err != nil {
		return auditlog.Query{}, err
	}
	q := auditlog.Query{Object: v.Get("object"), Action: v.Get("action"), PageInput: in}
	switch v.Get("sort") {
	case "", "oldest":
		q.Oldest = true
	case "newest":
	default:
		return q, zhitong.Invalid("sort", "sort 应为 oldest（默认，最早的在前）或 newest")
	}
	rg, err := auditlog.ParseRange(v.Get("from"), v.Get("to"))
	if err != nil {
		return q, err
	}
	q.From, q.To = rg.From, rg.To
	if !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1)
	}
	return q, nil
}

// accountRequestRoutes: a security administrator files a request to create
// a security administrator or make an account one; a second person
// (another security administrator, or an auditor) approves or rejects it.
func (s *Server) accountRequestRoutes(mux *http.ServeMux) {
	acc := accounts.New(s.app)
	mux.HandleFunc("GET /api/v1/account-requests", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[accounts.Request], error) {
		return itemsOf(acc.Requests(r.Context(), p))
	})))
	mux.HandleFunc("POST /api/v1/account-requests", s.api(staffJSON(s, http.StatusCreated, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (accounts.Request, error) {
		var in accounts.RequestInput
		if err := decode(w, r, &in); err != nil {
			return accounts.Request{}, err
		}
		return acc.File(r.Context(), p, in)
	})))
	mux.HandleFunc("POST /api/v1/account-requests/{id}/approve", s.api(staffJSON(s, http.StatusOK, userOp(acc.Approve))))
	mux.HandleFunc("POST /api/v1/account-requests/{id}/reject", s.api(staffJSON(s, http.StatusOK, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (accounts.Decided, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return accounts.Decided{}, err
		}
		var in rejectRequest
		if err := decode(w, r, &in); err != nil {
			return accounts.Decided{}, err
		}
		return acc.Reject(r.Context(), p, id, in.Note)
	})))
	mux.HandleFunc("POST /api/v1/account-requests/{id}/cancel", s.api(staffJSON(s, http.StatusOK, userOp(acc.Cancel))))
}

// rejectRequest is the body of POST /api/v1/account-requests/{id}/reject.
type rejectRequest struct {
	Note string `json:"note"`
}
