package server

import (
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// appointmentRoutes serves appointments (预约接待, docs/appointments.md):
// citizens see the open slots, book, look a booking up and cancel it with
// its code; deputies and staff list bookings and mark them; staff edit a
// station's booking settings.
func (s *Server) appointmentRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/stations/{id}/appointment-slots", s.api(s.appointmentSlots))
	mux.HandleFunc("GET /api/v1/stations/{id}/appointment-settings", s.api(s.appointmentSettings))
	mux.HandleFunc("PUT /api/v1/stations/{id}/appointment-settings", s.api(staffJSON(s, http.StatusOK, s.putAppointmentSettings)))
	mux.HandleFunc("POST /api/v1/appointments", s.api(s.book))
	mux.HandleFunc("GET /api/v1/appointments", s.api(staffJSON(s, http.StatusOK, s.listAppointments)))
	mux.HandleFunc("GET /api/v1/appointments/{code}", s.api(s.getAppointment))
	mux.HandleFunc("POST /api/v1/appointments/{code}/cancel", s.api(s.cancelAppointment))
	mux.HandleFunc("POST /api/v1/appointments/{id}/attended", s.api(staffJSON(s, http.StatusOK, s.markAppointment(zhitong.AppointmentAttended))))
	mux.HandleFunc("POST /api/v1/appointments/{id}/no-show", s.api(staffJSON(s, http.StatusOK, s.markAppointment(zhitong.AppointmentNoShow))))
	mux.HandleFunc("POST /api/v1/appointments/{id}/reassign", s.api(staffJSON(s, http.StatusOK, s.reassignAppointment)))
}

// reassignRequest is the body of POST /api/v1/appointments/{id}/reassign.
type reassignRequest struct {
	DeputyID int64 `json:"deputy_id"`
}

func (s *Server) reassignAppointment(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.AppointmentView, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	var in reassignRequest
	if err := decode(w, r, &in); err != nil {
		return nil, err
	}
	return s.app.ReassignAppointment(r.Context(), p, id, in.DeputyID)
}

func (s *Server) appointmentSlots(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	slots, err := itemsOf(s.app.AppointmentSlots(r.Context(), id, r.URL.Query().Get("from"), r.URL.Query().Get("to")))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, slots)
	return nil
}

func (s *Server) appointmentSettings(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	set, err := s.app.AppointmentSettings(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, set)
	return nil
}

func (s *Server) putAppointmentSettings(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (zhitong.AppointmentSettings, error) {
	var in zhitong.AppointmentSettings
	id, err := pathID(r, "id")
	if err != nil {
		return in, err
	}
	if err := decode(w, r, &in); err != nil {
		return in, err
	}
	return s.app.SetAppointmentSettings(r.Context(), p, id, in)
}

func (s *Server) book(w http.ResponseWriter, r *http.Request) error {
	var in app.BookingInput
	if err := decode(w, r, &in); err != nil {
		return err
	}
	v, err := s.app.Book(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) getAppointment(w http.ResponseWriter, r *http.Request) error {
	v, err := s.app.AppointmentByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// cancelRequest cancels a booking: a citizen proves it is theirs with the
// last four digits of the phone; staff (signed in) give a reason instead.
type cancelRequest struct {
	PhoneLast4 string `json:"phone_last4"`
	Reason     string `json:"reason"`
}

func (s *Server) cancelAppointment(w http.ResponseWriter, r *http.Request) error {
	p, err := s.principal(r)
	if err != nil {
		return err
	}
	var in cancelRequest
	if err := decode(w, r, &in); err != nil {
		return err
	}
	var v *app.AppointmentView
	if p.Staff() {
		found, err := s.app.AppointmentByCode(r.Context(), r.PathValue("code"))
		if err != nil {
			return err
		}
		v, err = s.app.StaffCancelAppointment(r.Context(), p, found.ID, in.Reason)
		if err != nil {
			return err
		}
	} else if v, err = s.app.CancelAppointment(r.Context(), r.PathValue("code"), in.PhoneLast4); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

func (s *Server) listAppointments(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (items[*app.AppointmentView], error) {
	in, err := appointmentQuery(r.URL.Query())
	if err != nil {
		return items[*app.AppointmentView]{}, err
	}
	return itemsOf(s.app.Appointments(r.Context(), p, in))
}

// appointmentQuery reads the bookings list's filters (the list and its export).
func appointmentQuery(q url.Values) (app.AppointmentQuery, error) {
	in := app.AppointmentQuery{From: q.Get("from"), To: q.Get("to"), Status: zhitong.AppointmentStatus(q.Get("status"))}
	for name, dst := range map[string]*int64{"station_id": &in.StationID, "deputy_id": &in.DeputyID} {
		if v := q.Get(name); v != "" {
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				return in, zhitong.Invalid(name, "编号“%s”无效", v)
			}
			*dst = id
		}
	}
	return in, nil
}

func (s *Server) markAppointment(status zhitong.AppointmentStatus) func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.AppointmentView, error) {
	return func(w http.ResponseWriter, r *http.Request, p zhitong.Principal) (*app.AppointmentView, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return nil, err
		}
		return s.app.MarkAppointment(r.Context(), p, id, status)
	}
}
