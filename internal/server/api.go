package server

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/dups"
	"zhitong/internal/topics"
)

// apiRoutes is the route table of the JSON API. docs/api.md and
// /api/v1/openapi.json describe it.
func (s *Server) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/openapi.json", s.openapi)
	mux.HandleFunc("POST /api/v1/session", s.api(s.login))
	mux.HandleFunc("DELETE /api/v1/session", s.api(s.logout))
	mux.HandleFunc("GET /api/v1/me", s.api(s.me))
	mux.HandleFunc("POST /api/v1/me/password", s.api(s.changePassword))

	mux.HandleFunc("GET /api/v1/calendar/add-workdays", s.api(s.addWorkdays))
	mux.HandleFunc("POST /api/v1/calendar/schedules", s.api(s.loadSchedule))
	mux.HandleFunc("GET /api/v1/stations", s.api(s.listStations))
	s.adminRoutes(mux) // regions, units, categories
	mux.HandleFunc("GET /api/v1/deputies", s.api(s.listDeputies))

	mux.HandleFunc("POST /api/v1/submissions", s.api(s.submit))
	mux.HandleFunc("GET /api/v1/track/{code}", s.api(s.track))
	mux.HandleFunc("POST /api/v1/track/{code}/evaluation", s.api(s.evaluate))

	mux.HandleFunc("GET /api/v1/cases", s.api(s.listCases))
	mux.HandleFunc("POST /api/v1/cases", s.api(s.intake))
	mux.HandleFunc("GET /api/v1/cases/{id}", s.api(s.getCase))
	mux.HandleFunc("POST /api/v1/cases/{id}/reveal", s.api(s.reveal))
	for name, h := range map[string]handler{
		"register":           caseAction(s, s.app.Register),
		"answer":             caseAction(s, s.app.Answer),
		"assign":             caseAction(s, s.app.Assign),
		"propose":            caseAction(s, s.app.Propose),
		"refer":              caseAction(s, s.app.Refer),
		"referral-result":    caseAction(s, s.app.ReferralResult),
		"merge":              caseAction(s, s.app.Merge),
		"decline":            caseAction(s, s.app.Decline),
		"accept":             caseAction(s, s.app.Accept),
		"return":             caseAction(s, s.app.Return),
		"extension-request":  caseAction(s, s.app.RequestExtension),
		"extension-decision": caseAction(s, s.app.DecideExtension),
		"reply":              s.reply, // api_attachments.go: JSON, or multipart with its files
		"deliveries":         caseAction(s, s.app.Deliver),
		"callback":           caseAction(s, s.app.Callback),
		"rehandle":           caseAction(s, s.app.Rehandle),
		"explain":            caseAction(s, s.app.Explain),
		"close":              caseAction(s, s.app.Close),
		"archive":            caseAction(s, s.app.Archive),
		"supervise":          caseAction(s, s.app.Supervise),
	} {
		mux.HandleFunc("POST /api/v1/cases/{id}/"+name, s.api(h))
	}
	mux.HandleFunc("GET /api/v1/proposals/{id}", s.api(s.getProposal))
	mux.HandleFunc("POST /api/v1/proposals/{id}/reply", s.api(s.replyProposal))
	mux.HandleFunc("POST /api/v1/proposals/{id}/complex", s.api(staffJSON(s, http.StatusOK, s.markProposalComplex)))
	mux.HandleFunc("POST /api/v1/proposals/{id}/unit", s.api(staffJSON(s, http.StatusOK, s.setProposalUnit)))
	s.pointsRoutes(mux)

	s.accountRoutes(mux)
	s.auditRoutes(mux)
	s.notifyRoutes(mux)
	s.operatorRoutes(mux)
	s.supervisionRoutes(mux)
	s.stationRoutes(mux)
	s.receptionRoutes(mux)
	s.rosterRoutes(mux)
	s.appointmentRoutes(mux)
	s.importRoutes(mux)
	s.dutiesRoutes(mux)
	s.publicationRoutes(mux) // confirming public text (api_publication.go)
	s.signinRoutes(mux)      // api_signin.go: two-factor, sign-in policy
	s.statsRoutes(mux)       // api_stats.go: statistics dashboard
	s.exportRoutes(mux)      // api_export.go: lists as Excel workbooks
	s.topicsRoutes(mux)      // api_topics.go: hot topics, analysis opinions and reports
	s.dupsRoutes(mux)        // api_dups.go: likely duplicate cases
	s.documentsRoutes(mux)   // api_documents.go: official documents, their numbers, seals and verification
	s.attachmentsRoutes(mux) // api_attachments.go: reply letters, photos after repair, intake scans
	s.exchangeRoutes(mux)    // api_exchange.go: 12345 and cross-deployment exchange
	s.levelsRoutes(mux)      // api_levels.go: cases moved between levels of congress
	s.ssoRoutes(mux)         // api_sso.go: single sign-on settings and staff links
	mux.HandleFunc("/api/", s.api(func(w http.ResponseWriter, r *http.Request) error {
		return zhitong.Errorf(zhitong.ENOTFOUND, "接口不存在：%s %s", r.Method, r.URL.Path)
	}))
}

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhitong.Errorf(zhitong.ENOTFOUND, "编号“%s”不存在", r.PathValue(name))
	}
	return id, nil
}

// caseAction adapts one lifecycle operation of internal/app to a POST route:
// decode the input, run the step, answer with the case as the caller now sees it.
func caseAction[T any](s *Server, op func(context.Context, zhitong.Principal, int64, T) (*zhitong.Case, error)) handler {
	return withIDBody(s, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, in T) error {
		c, err := op(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		return s.writeCase(w, r, p, c, http.StatusOK)
	})
}

// withIDBody is the prologue of an operation on the object {id} of the
// path with a strict JSON input: a signed-in caller (a citizen gets 401
// before anything is read), the id, the body decoded into In.
func withIDBody[In any](s *Server, fn func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, in In) error) handler {
	return withID(s, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
		var in In
		if err := decode(w, r, &in); err != nil {
			return err
		}
		return fn(w, r, p, id, in)
	})
}

// withID is withIDBody without the body (a multipart upload reads its own).
func withID(s *Server, fn func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.staff(r)
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		return fn(w, r, p, id)
	}
}

// staffIDBody answers an operation on {id} with a JSON input as JSON with status.
func staffIDBody[In, Out any](s *Server, status int, op func(r *http.Request, p zhitong.Principal, id int64, in In) (Out, error)) handler {
	return withIDBody(s, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64, in In) error {
		v, err := op(r, p, id, in)
		if err != nil {
			return err
		}
		writeJSON(w, status, v)
		return nil
	})
}

// staffBody is staffIDBody for an operation that names no object in its path.
func staffBody[In, Out any](s *Server, status int, op func(r *http.Request, p zhitong.Principal, in In) (Out, error)) handler {
	return staffJSON(s, status, func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (Out, error) {
		var in In
		if err := decode(w, r, &in); err != nil {
			var zero Out
			return zero, err
		}
		return op(r, p, in)
	})
}

func (s *Server) writeCase(w http.ResponseWriter, r *http.Request, p zhitong.Principal, c *zhitong.Case, status int) error {
	v, err := s.app.Get(r.Context(), p, c.ID)
	if err != nil {
		// The caller may act without seeing the whole case (an integration
		// submitting, say); answer with what identifies it.
		writeJSON(w, status, map[string]any{"id": c.ID, "code": c.Code, "status": c.Status,
			"status_label": zhitong.Label(zhitong.Statuses, c.Status), "version": c.Version})
		return nil
	}
	writeJSON(w, status, v)
	return nil
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) error {
	p, err := s.principal(r)
	if err != nil {
		return err
	}
	var in app.IntakeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.app.Submit(r.Context(), p, in)
	if err != nil {
		return err
	}
	out := map[string]any{"id": c.ID, "code": c.Code, "status": c.Status,
		"status_label": zhitong.Label(zhitong.Statuses, c.Status), "track_url": "/api/v1/track/" + c.Code}
	// What the citizen is told (docs/duplicates.md): similar issues of the
	// area already being handled, without personal data. A hint: the case
	// is stored whatever happens here. Integrations importing in bulk are
	// not told (nobody reads it, and each look-up scores up to 300 cases).
	var similar []dups.PublicMatch
	if !p.Staff() {
		if similar, err = dups.New(s.app).ForSubmitted(r.Context(), c); err != nil {
			s.log.Warn("similar issues after a submission", "case", c.ID, "err", err)
		}
	}
	out["similar"], out["similar_message"] = nonNil(similar), dups.Notice(len(similar))
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) intake(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in app.IntakeInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	c, err := s.app.Intake(r.Context(), p, in)
	if err != nil {
		return err
	}
	v, err := s.app.Get(r.Context(), p, c.ID)
	if err != nil {
		return s.writeCase(w, r, p, c, http.StatusCreated) // an integration: answered as a submission
	}
	// The likely duplicates of the case just taken in, for the roles that
	// may merge (docs/duplicates.md); a hint: the case is stored.
	similar, err := dups.New(s.app).ForIntake(r.Context(), p, c.ID)
	if err != nil {
		s.log.Warn("duplicates after an intake", "case", c.ID, "err", err)
	}
	writeJSON(w, http.StatusCreated, struct {
		*app.CaseView
		Similar []dups.Match `json:"similar"`
	}{v, nonNil(similar)})
	return nil
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.app.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

type revealRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) reveal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in revealRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	sub, err := s.app.Reveal(r.Context(), p, id, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"anonymous": sub.Anonymous, "name": sub.Name, "phone": sub.Phone, "id_card": sub.IDCard, "address": sub.Address})
	return nil
}

// Page is the envelope of every paginated list.
type Page[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page,omitempty"` // absent from the lists paged by cursor alone
	PerPage int `json:"per_page"`
	// More says Total stopped counting: there are more than Total-1 rows.
	More bool `json:"more,omitempty"`
	// SortedNewest (the case list only): a search sorted by deadline or
	// last update that found more hits than it counts orders only its
	// newest SortedNewest hits (app.CasePage).
	SortedNewest int `json:"sorted_newest,omitempty"`
	// Next and Prev are cursors for ?after= and ?before=: the neighbouring pages.
	Next string `json:"next,omitempty"`
	Prev string `json:"prev,omitempty"`
}

// caseList reads the case list's filters, the cases behind a dashboard
// figure (stat=…) or a hot topic (topic=…) among them: the list and its
// export hold the same cases.
func (s *Server) caseList(r *http.Request, p zhitong.Principal) (app.ListInput, error) {
	in, err := caseListInput(r.URL.Query())
	if err != nil {
		return in, err
	}
	_, err = topics.Scope(r.Context(), s.app, p, r.URL.Query(), &in)
	return in, err
}

// cursorInput reads the paging of a list paged by cursor alone
// (app.PageInput): after or before, and per_page. Such a list has no page
// numbers; page is refused rather than ignored.
func cursorInput(q url.Values) (app.PageInput, error) {
	in := app.PageInput{After: q.Get("after"), Before: q.Get("before")}
	if v := q.Get("page"); v != "" && v != "1" {
		return in, zhitong.Invalid("page", "此列表按游标翻页：请用上一页返回的 next（after=）或 prev（before=），不支持 page")
	}
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > app.MaxPerPage {
			return in, zhitong.Invalid("per_page", "per_page 应为 1 到 %d 的整数", app.MaxPerPage)
		}
		in.PerPage = n
	}
	return in, nil
}

// cursorPage is the envelope of a page of a list paged by cursor.
func cursorPage[T any](pg app.KeysetPage[T], in app.PageInput) Page[T] {
	return Page[T]{Items: pg.Items, Total: pg.Total, PerPage: cmp.Or(in.PerPage, 20), More: pg.More, Next: pg.Next, Prev: pg.Prev}
}

func (s *Server) listCases(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := s.caseList(r, p)
	if err != nil {
		return err
	}
	pg, err := s.app.ListPage(r.Context(), p, in)
	if err != nil {
		return err
	}
	if pg.Items == nil {
		pg.Items = []app.CaseSummary{}
	}
	writeJSON(w, http.StatusOK, Page[app.CaseSummary]{Items: pg.Items, Total: pg.Total, Page: in.Page, PerPage: in.PerPage,
		More: pg.More, SortedNewest: pg.SortedNewest, Next: pg.Next, Prev: pg.Prev})
	return nil
}

// caseListInput reads the case list's filters from an API query: the list
// and its export take the same ones.
func caseListInput(q url.Values) (app.ListInput, error) {
	var err error
	in := app.ListInput{Category: q.Get("category"), Region: q.Get("region"), Channel: zhitong.Channel(q.Get("channel")),
		From: q.Get("from"), To: q.Get("to"), Query: q.Get("q"), Phone: q.Get("phone"), Sort: q.Get("sort")}
	if v := q.Get("status"); v != "" {
		for _, st := range strings.Split(v, ",") {
			in.Status = append(in.Status, zhitong.Status(st))
		}
	}
	ints := []struct {
		name string
		dst  *int64
	}{{"station_id", &in.Station}, {"unit_id", &in.Unit}}
	for _, f := range ints {
		if v := q.Get(f.name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n <= 0 {
				return in, zhitong.Invalid(f.name, "%s 应为正整数", f.name)
			}
			*f.dst = n
		}
	}
	if in.Page, in.PerPage, err = pageParams(q.Get("page"), q.Get("per_page")); err != nil {
		return in, err
	}
	in.After, in.Before = q.Get("after"), q.Get("before")
	switch q.Get("overdue") {
	case "", "false", "0":
	case "true", "1":
		in.Overdue = true
	default:
		return in, zhitong.Invalid("overdue", "overdue 应为 true 或 false")
	}
	return in, nil
}

// pageParams reads a list's page and per_page: per_page 1 to 100, and a
// page within the first store.ListCountCap rows (a list counts no further;
// the case list's cursors go on).
func pageParams(page, perPage string) (int, int, error) {
	p, pp := 1, 20
	if perPage != "" {
		n, err := strconv.Atoi(perPage)
		if err != nil || n < 1 || n > 100 {
			return 0, 0, zhitong.Invalid("per_page", "per_page 应为 1 到 100 的整数")
		}
		pp = n
	}
	if page != "" {
		n, err := strconv.Atoi(page)
		if err != nil || n < 1 {
			return 0, 0, zhitong.Invalid("page", "page 应为 1 以上的整数")
		}
		if last := app.MaxPage(pp, false); n > last {
			return 0, 0, zhitong.Invalid("page", "page 不能超过 %d（每页 %d 条时只逐页列出前 %d 条），请缩小范围或用 after 游标", last, pp, last*pp)
		}
		p = n
	}
	return p, pp, nil
}

func (s *Server) track(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) evaluate(w http.ResponseWriter, r *http.Request) error {
	var in app.EvaluateInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if in.Reached != nil {
		return zhitong.Invalid("reached", "未知字段“reached”")
	}
	if _, err := s.app.Evaluate(r.Context(), r.PathValue("code"), in); err != nil {
		return err
	}
	return s.track(w, r)
}

func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	prop, err := s.app.Proposal(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, prop)
	return nil
}

func (s *Server) replyProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.ReplyInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	prop, err := s.app.ReplyProposal(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, prop)
	return nil
}

func (s *Server) markProposalComplex(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.ProposalView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.ComplexInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.MarkProposalComplex(r.Context(), p, id, in)
}

func (s *Server) setProposalUnit(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.ProposalView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in app.ProposalUnitInput
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.SetProposalUnit(r.Context(), p, id, in)
}
