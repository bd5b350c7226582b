package server

import (
	"context"
	"net/http"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
)

// supervisionRoutes serves deadlines and escalation: the deadline policy,
// the supervision list and its letters, bulletins, call-backs and follow-ups.
func (s *Server) supervisionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/deadline-policy", s.api(s.getPolicy))
	mux.HandleFunc("PUT /api/v1/deadline-policy", s.api(s.putPolicy))
	mux.HandleFunc("GET /api/v1/supervision", s.api(s.supervisionList))
	mux.HandleFunc("GET /api/v1/supervision/proposals", s.api(s.supervisionProposals))
	mux.HandleFunc("GET /api/v1/supervision/letters/{id}", s.api(s.getLetter))
	mux.HandleFunc("GET /api/v1/bulletins", s.api(s.listBulletins))
	mux.HandleFunc("GET /api/v1/bulletins/{id}", s.api(s.getBulletin))
	mux.HandleFunc("POST /api/v1/bulletins/{id}/publish", s.api(s.publishBulletin))
	mux.HandleFunc("GET /api/v1/callbacks", s.api(s.listCallbacks))
	mux.HandleFunc("GET /api/v1/follow-ups", s.api(s.listFollowUps))
	mux.HandleFunc("POST /api/v1/follow-ups/{id}", s.api(s.recordFollowUp))
}

func (s *Server) getPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	pol, err := s.app.Policy(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pol)
	return nil
}

func (s *Server) putPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in app.Policy
	if err := decode(w, r, &in); err != nil {
		return err
	}
	pol, err := s.app.SetPolicy(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, pol)
	return nil
}

func (s *Server) supervisionItems(r *http.Request, q url.Values) ([]app.SupervisionItem, int, app.SupervisionListInput, error) {
	p, err := s.staff(r)
	if err != nil {
		return nil, 0, app.SupervisionListInput{}, err
	}
	in, err := app.ParseSupervisionQuery(q)
	if err != nil {
		return nil, 0, in, err
	}
	items, total, err := s.app.SupervisionList(r.Context(), p, in)
	return items, total, in, err
}

func (s *Server) supervisionList(w http.ResponseWriter, r *http.Request) error {
	items, total, in, err := s.supervisionItems(r, r.URL.Query())
	if err != nil {
		return err
	}
	if items == nil {
		items = []app.SupervisionItem{}
	}
	page, per := max(in.Page, 1), in.PerPage
	if per == 0 {
		per = 20
	}
	writeJSON(w, http.StatusOK, Page[app.SupervisionItem]{Items: items, Total: total, Page: page, PerPage: per})
	return nil
}

func (s *Server) supervisionProposals(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := app.ParseSupervisionQuery(r.URL.Query())
	if err != nil {
		return err
	}
	list, err := itemsOf(s.app.ProposalSupervisionList(r.Context(), p, in))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) getLetter(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	l, err := s.app.Letter(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, l)
	return nil
}

func (s *Server) listBulletins(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := cursorInput(r.URL.Query())
	if err != nil {
		return err
	}
	pg, err := s.app.Bulletins(r.Context(), p, app.BulletinsInput{PageInput: in, Region: r.URL.Query().Get("region")})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cursorPage(pg, in))
	return nil
}

func (s *Server) getBulletin(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinOp(w, r, s.app.Bulletin)
}

func (s *Server) publishBulletin(w http.ResponseWriter, r *http.Request) error {
	return s.bulletinOp(w, r, s.app.PublishBulletin)
}

func (s *Server) bulletinOp(w http.ResponseWriter, r *http.Request, op func(ctx context.Context, p zhitong.Principal, id int64) (*app.BulletinView, error)) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := op(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) listCallbacks(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := cursorInput(r.URL.Query())
	if err != nil {
		return err
	}
	pg, err := s.app.Callbacks(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cursorPage(pg, in))
	return nil
}

func (s *Server) listFollowUps(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := cursorInput(r.URL.Query())
	if err != nil {
		return err
	}
	pg, err := s.app.FollowUps(r.Context(), p, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cursorPage(pg, in))
	return nil
}

func (s *Server) recordFollowUp(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in app.FollowUpInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	f, err := s.app.RecordFollowUp(r.Context(), p, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}
