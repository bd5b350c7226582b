package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// bookForm is what the citizen typed on the booking page, kept on error.
type bookForm struct {
	Slot, Topic, Name, Phone string
	Consent                  bool
}

type bookSlot struct {
	app.Slot
	Value string // deputy_day_period, the radio's value
}

type bookDay struct {
	Day, Weekday string
	Slots        []bookSlot
}

type bookData struct {
	Station   zhitong.Station
	Settings  zhitong.AppointmentSettings
	Days      []bookDay
	Form      bookForm
	Errors    map[string]string
	ErrorList []fieldError
}

// bookOrder is the order of the booking form's fields.
var bookOrder = []string{"slot", "topic", "name", "phone", "consent", "form"}

func slotValue(s app.Slot) string {
	return strconv.FormatInt(s.DeputyID, 10) + "_" + s.Day + "_" + s.Period
}

func (h *Handler) bookPage(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stationFromPath(r)
	if err != nil {
		return err
	}
	return h.renderBook(w, r, http.StatusOK, st, bookForm{}, nil)
}

func (h *Handler) renderBook(w http.ResponseWriter, r *http.Request, status int, st zhitong.Station, f bookForm, errs map[string]string) error {
	ctx := r.Context()
	d := bookData{Station: st, Form: f, Errors: errs}
	var err error
	if d.Settings, err = h.app.AppointmentSettings(ctx, st.ID); err != nil {
		return err
	}
	slots, err := h.app.AppointmentSlots(ctx, st.ID, "", "")
	if err != nil {
		return err
	}
	for _, s := range slots {
		if n := len(d.Days); n == 0 || d.Days[n-1].Day != s.Day {
			d.Days = append(d.Days, bookDay{Day: s.Day, Weekday: s.Weekday})
		}
		day := &d.Days[len(d.Days)-1]
		day.Slots = append(day.Slots, bookSlot{Slot: s, Value: slotValue(s)})
	}
	for _, field := range bookOrder {
		if msg, ok := errs[field]; ok {
			d.ErrorList = append(d.ErrorList, fieldError{field, msg})
		}
	}
	title := "预约代表接待 · " + st.Name
	if len(errs) > 0 {
		title = "预约未成功，请修改后重试 · " + title
	}
	return h.render(w, r, status, "portal_appointment_book", title, d)
}

func (h *Handler) book(w http.ResponseWriter, r *http.Request) error {
	st, err := h.stationFromPath(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFieldBytes)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确，请返回重新填写")
	}
	pf := r.PostForm
	f := bookForm{Slot: pf.Get("slot"), Topic: pf.Get("topic"), Name: pf.Get("name"), Phone: pf.Get("phone"), Consent: pf.Get("consent") == "1"}
	in := app.BookingInput{StationID: st.ID, Topic: f.Topic, Name: f.Name, Phone: f.Phone, Consent: f.Consent}
	if parts := strings.SplitN(f.Slot, "_", 3); len(parts) == 3 {
		in.DeputyID, _ = strconv.ParseInt(parts[0], 10, 64)
		in.Day, in.Period = parts[1], parts[2]
	}
	v, err := h.app.Book(r.Context(), in)
	if err != nil {
		field := zhitong.ErrorField(err)
		if field == "" || zhitong.ErrorCode(err) == zhitong.EINTERNAL {
			return err
		}
		if field == "station_id" {
			field = "form"
		}
		status := map[string]int{zhitong.ECONFLICT: http.StatusConflict, zhitong.ETOOMANY: http.StatusTooManyRequests}[zhitong.ErrorCode(err)]
		if status == 0 {
			status = http.StatusBadRequest
		}
		return h.renderBook(w, r, status, st, f, map[string]string{field: zhitong.ErrorMessage(err)})
	}
	h.kioskRemember(r, v.Code)
	http.Redirect(w, r, "/appointments/"+url.PathEscape(v.Code)+"?new=1", http.StatusSeeOther)
	return nil
}

type appointmentPageData struct {
	View      *app.AppointmentView
	New       bool
	Last4     string
	Error     string
	Cancelled bool
}

func (h *Handler) appointmentPage(w http.ResponseWriter, r *http.Request) error {
	v, err := h.app.AppointmentByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	d := appointmentPageData{View: v, New: r.URL.Query().Get("new") == "1"}
	title := "我的预约"
	if d.New {
		title = "预约成功"
	}
	return h.render(w, r, http.StatusOK, "portal_appointment", title, d)
}

// appointmentLookup sends the code typed on the booking page to its page.
func (h *Handler) appointmentLookup(w http.ResponseWriter, r *http.Request) error {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	if code == "" {
		return zhitong.Invalid("code", "请输入预约码")
	}
	v, err := h.app.AppointmentByCode(r.Context(), code)
	if err != nil {
		return err
	}
	h.kioskRemember(r, v.Code)
	http.Redirect(w, r, "/appointments/"+url.PathEscape(v.Code), http.StatusSeeOther)
	return nil
}

func (h *Handler) cancelAppointment(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFieldBytes)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确，请返回重新填写")
	}
	code, last4 := r.PathValue("code"), r.PostForm.Get("phone_last4")
	v, err := h.app.CancelAppointment(r.Context(), code, last4)
	if err == nil {
		return h.render(w, r, http.StatusOK, "portal_appointment", "预约已取消", appointmentPageData{View: v, Cancelled: true})
	}
	c := zhitong.ErrorCode(err)
	if c != zhitong.EINVALID && c != zhitong.ETOOMANY && c != zhitong.ECONFLICT {
		return err
	}
	cur, lerr := h.app.AppointmentByCode(r.Context(), code)
	if lerr != nil {
		return lerr
	}
	status := map[string]int{zhitong.EINVALID: http.StatusBadRequest, zhitong.ETOOMANY: http.StatusTooManyRequests, zhitong.ECONFLICT: http.StatusConflict}[c]
	return h.render(w, r, status, "portal_appointment", "取消未成功 · 我的预约",
		appointmentPageData{View: cur, Last4: last4, Error: zhitong.ErrorMessage(err)})
}
