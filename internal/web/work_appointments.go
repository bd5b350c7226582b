package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

type workAppointmentsData struct {
	Me       zhitong.Principal
	Refs     *workRefs
	Form     url.Values
	Items    []*app.AppointmentView
	Today    string
	Error    string
	Field    string
	Statuses []zhitong.Named[zhitong.AppointmentStatus]
	Choices  map[int64][]zhitong.DeputyRef // stranded booking → deputies on duty it may go to
}

// V returns a filter's value.
func (d *workAppointmentsData) V(key string) string { return d.Form.Get(key) }

// Staff reports whether the reader manages stations (not a deputy).
func (d *workAppointmentsData) Staff() bool { return d.Me.Role != zhitong.RoleDeputy }

// Stranded counts the bookings whose deputy is no longer on duty that day.
func (d *workAppointmentsData) Stranded() int {
	n := 0
	for _, v := range d.Items {
		if v.Stranded {
			n++
		}
	}
	return n
}

// Due reports whether a booking's day has come, so it can be marked.
func (d *workAppointmentsData) Due(v *app.AppointmentView) bool { return v.Day <= d.Today }

// IntakeURL opens the intake form prefilled from a booking.
func (d *workAppointmentsData) IntakeURL(v *app.AppointmentView) string {
	q := url.Values{"channel": {string(zhitong.ChannelAppointment)}, "station_id": {workItoa(v.StationID)},
		"deputy_id": {workItoa(v.DeputyID)}, "body": {v.Topic}}
	return "/work/intake?" + q.Encode()
}

func (h *Handler) workAppointmentStaff(r *http.Request) (zhitong.Principal, *workRefs, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, nil, err
	}
	if !slices.Contains([]zhitong.Role{zhitong.RoleCommittee, zhitong.RoleStationHead, zhitong.RoleOfficer, zhitong.RoleDeputy}, p.Role) {
		return p, nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看预约接待", zhitong.Label(zhitong.Roles, p.Role))
	}
	rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
	return p, rf, err
}

func (h *Handler) workAppointments(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workAppointmentStaff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if q.Get("from") == "" {
		q.Set("from", h.workToday())
	}
	d := &workAppointmentsData{Me: p, Refs: rf, Form: q, Today: h.workToday(), Statuses: zhitong.AppointmentStatuses}
	in := app.AppointmentQuery{From: q.Get("from"), To: q.Get("to"), Status: zhitong.AppointmentStatus(q.Get("status"))}
	if v := q.Get("station_id"); v != "" {
		if in.StationID, err = workID(v, "station_id", "联络站"); err != nil {
			return err
		}
	}
	if d.Items, err = h.app.Appointments(r.Context(), p, in); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, d.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
	}
	d.Choices = map[int64][]zhitong.DeputyRef{}
	for _, v := range d.Items {
		if v.Stranded && d.Staff() {
			if d.Choices[v.ID], err = h.app.ReassignChoices(r.Context(), p, v.ID); err != nil {
				return err
			}
		}
	}
	return h.render(w, r, http.StatusOK, "work_appointments", "预约接待", d)
}

func (h *Handler) workAppointmentAction(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workID(r.PathValue("id"), "id", "预约")
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	var v *app.AppointmentView
	var msg string
	switch r.PathValue("action") {
	case "attended":
		v, err = h.app.MarkAppointment(r.Context(), p, id, zhitong.AppointmentAttended)
		msg = "已标记为已接待"
	case "no-show":
		v, err = h.app.MarkAppointment(r.Context(), p, id, zhitong.AppointmentNoShow)
		msg = "已标记为未到"
	case "cancel":
		v, err = h.app.StaffCancelAppointment(r.Context(), p, id, r.PostForm.Get("reason"))
		msg = "已取消，并短信告知群众"
	case "reassign":
		var to int64
		if to, err = workID(r.PostForm.Get("deputy_id"), "deputy_id", "代表"); err == nil {
			v, err = h.app.ReassignAppointment(r.Context(), p, id, to)
		}
		if err == nil {
			msg = "已改由" + v.DeputyName + "代表接待，并短信告知群众"
		}
	default:
		return zhitong.Errorf(zhitong.ENOTFOUND, "操作不存在")
	}
	if err != nil {
		return err
	}
	h.flash(r, "预约 "+v.Code+" "+msg)
	back := "/work/appointments"
	if b := r.PostForm.Get("back"); len(b) > 18 && b[:18] == "/work/appointments" {
		back = b
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

type workApptSettingsData struct {
	Station  zhitong.Station
	Stations []zhitong.Station
	Set      zhitong.AppointmentSettings
	Typed    url.Values // what was posted, shown again on error
	Error    string
	Field    string
}

// V returns a field as typed, or as stored when nothing was posted.
func (d *workApptSettingsData) V(key string) string {
	if d.Typed != nil {
		return d.Typed.Get(key)
	}
	switch key {
	case "am_start":
		return d.Set.AMStart
	case "am_end":
		return d.Set.AMEnd
	case "pm_start":
		return d.Set.PMStart
	case "pm_end":
		return d.Set.PMEnd
	case "capacity":
		return strconv.Itoa(d.Set.Capacity)
	case "horizon_days":
		return strconv.Itoa(d.Set.HorizonDays)
	}
	return ""
}

// Bad reports whether the error is about field key.
func (d *workApptSettingsData) Bad(key string) bool { return d.Error != "" && d.Field == key }

func (h *Handler) workApptSettingsStation(r *http.Request, v string) (zhitong.Principal, *workRefs, zhitong.Station, error) {
	p, rf, err := h.workAppointmentStaff(r)
	if err != nil {
		return p, rf, zhitong.Station{}, err
	}
	if p.Role == zhitong.RoleDeputy {
		return p, rf, zhitong.Station{}, zhitong.Errorf(zhitong.EFORBIDDEN, "代表不能修改预约设置")
	}
	if v == "" && p.StationID != 0 {
		v = strconv.FormatInt(p.StationID, 10)
	}
	if v == "" && len(rf.Stations) > 0 {
		v = strconv.FormatInt(rf.Stations[0].ID, 10)
	}
	id, err := workID(v, "station_id", "联络站")
	if err != nil {
		return p, rf, zhitong.Station{}, err
	}
	for _, s := range rf.Stations {
		if s.ID == id && ownStation(p, s) {
			return p, rf, s, nil
		}
	}
	return p, rf, zhitong.Station{}, zhitong.Errorf(zhitong.EFORBIDDEN, "该联络站不在您的管辖范围内")
}

func (h *Handler) workAppointmentSettings(w http.ResponseWriter, r *http.Request) error {
	p, rf, st, err := h.workApptSettingsStation(r, r.URL.Query().Get("station_id"))
	if err != nil {
		return err
	}
	set, err := h.app.AppointmentSettings(r.Context(), st.ID)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_appointment_settings", "预约设置 · "+st.Name,
		&workApptSettingsData{Station: st, Stations: h.settingsStations(p, rf), Set: set})
}

// ownStation keeps a station head to their own station; the reference
// stations are already those of the others' jurisdiction, cross-border ones
// included.
func ownStation(p zhitong.Principal, s zhitong.Station) bool {
	return p.StationID == 0 || p.StationID == s.ID
}

// settingsStations are the stations p may edit the settings of.
func (h *Handler) settingsStations(p zhitong.Principal, rf *workRefs) []zhitong.Station {
	var out []zhitong.Station
	for _, s := range rf.Stations {
		if ownStation(p, s) {
			out = append(out, s)
		}
	}
	return out
}

func (h *Handler) workSaveAppointmentSettings(w http.ResponseWriter, r *http.Request) error {
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	p, rf, st, err := h.workApptSettingsStation(r, f.Get("station_id"))
	if err != nil {
		return err
	}
	set := zhitong.AppointmentSettings{StationID: st.ID, Enabled: f.Get("enabled") == "1", AMStart: f.Get("am_start"), AMEnd: f.Get("am_end"),
		PMStart: f.Get("pm_start"), PMEnd: f.Get("pm_end")}
	d := &workApptSettingsData{Station: st, Stations: h.settingsStations(p, rf), Set: set, Typed: f}
	if set.Capacity, err = workInt(f.Get("capacity"), "capacity", "每时段人数"); err == nil {
		if set.HorizonDays, err = workInt(f.Get("horizon_days"), "horizon_days", "可提前预约天数"); err == nil {
			_, err = h.app.SetAppointmentSettings(r.Context(), p, st.ID, set)
		}
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, d.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
		return h.render(w, r, http.StatusBadRequest, "work_appointment_settings", "预约设置 · "+st.Name, d)
	}
	h.flash(r, st.Name+"的预约设置已保存")
	http.Redirect(w, r, "/work/appointments/settings?station_id="+strconv.FormatInt(st.ID, 10), http.StatusSeeOther)
	return nil
}
