package server

import (
	"net/http"

	"zhitong"
	"zhitong/internal/app"
)

// notifyRoutes are the notification endpoints: the caller's in-app notices,
// the message templates (committee), and citizens' SMS opt-out.
func (s *Server) notifyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/notifications", s.api(s.listNotices))
	mux.HandleFunc("POST /api/v1/notifications/{id}/read", s.api(s.readNotice))
	mux.HandleFunc("POST /api/v1/notifications/read-all", s.api(s.readAllNotices))
	mux.HandleFunc("PUT /api/v1/me/email", s.api(s.setEmail))
	mux.HandleFunc("GET /api/v1/notification-templates", s.api(s.listTemplates))
	mux.HandleFunc("PUT /api/v1/notification-templates/{name}", s.api(s.editTemplate))
	mux.HandleFunc("POST /api/v1/track/{code}/sms-optout", s.api(s.optOutByCode))
	mux.HandleFunc("POST /api/v1/sms-optouts", s.api(s.optOutPhone))
	mux.HandleFunc("GET /api/v1/cases/{id}/notifications", s.api(withID(s, s.caseNotices)))
}

func (s *Server) caseNotices(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
	ns, err := s.app.CaseNotices(r.Context(), p, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ns)
	return nil
}

// InboxPage is the answer of GET /api/v1/notifications: a page by cursor
// (no total) and the unread count, up to app.UnreadCap+1 (UnreadMore:
// more than app.UnreadCap).
type InboxPage struct {
	Items      []app.InboxItem `json:"items"`
	Unread     int             `json:"unread"`
	UnreadMore bool            `json:"unread_more,omitempty"`
	PerPage    int             `json:"per_page"`
	Next       string          `json:"next,omitempty"`
	Prev       string          `json:"prev,omitempty"`
}

func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	in, err := cursorInput(r.URL.Query())
	if err != nil {
		return err
	}
	pg, err := s.app.Inbox(r.Context(), p, in)
	if err != nil {
		return err
	}
	n, err := s.app.UnreadCount(r.Context(), p)
	if err != nil {
		return err
	}
	page := cursorPage(pg, in)
	writeJSON(w, http.StatusOK, InboxPage{Items: page.Items, Unread: min(n, app.UnreadCap+1), UnreadMore: n > app.UnreadCap,
		PerPage: page.PerPage, Next: page.Next, Prev: page.Prev})
	return nil
}

func (s *Server) readNotice(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := s.app.MarkRead(r.Context(), p, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ReadAllAnswer is the answer of POST /api/v1/notifications/read-all.
type ReadAllAnswer struct {
	Changed int64 `json:"changed"`
}

func (s *Server) readAllNotices(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	n, err := s.app.MarkRead(r.Context(), p, 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ReadAllAnswer{Changed: n})
	return nil
}

type emailRequest struct {
	Email string `json:"email"`
}

func (s *Server) setEmail(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in emailRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.app.SetEmail(r.Context(), p, in.Email); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	ts, err := s.app.Templates(r.Context(), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ts)
	return nil
}

type templateRequest struct {
	Body string `json:"body"`
}

func (s *Server) editTemplate(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in templateRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := s.app.EditTemplate(r.Context(), p, r.PathValue("name"), in.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, t)
	return nil
}

// OptOutAnswer is the answer of POST /api/v1/track/{code}/sms-optout.
type OptOutAnswer struct {
	OptedOut bool `json:"opted_out"` // false: the case has no phone number
}

func (s *Server) optOutByCode(w http.ResponseWriter, r *http.Request) error {
	had, err := s.app.OptOut(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, OptOutAnswer{OptedOut: had})
	return nil
}

type optOutRequest struct {
	Phone string `json:"phone"`
}

func (s *Server) optOutPhone(w http.ResponseWriter, r *http.Request) error {
	p, err := s.staff(r)
	if err != nil {
		return err
	}
	var in optOutRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	if err := s.app.OptOutPhone(r.Context(), p, in.Phone); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
