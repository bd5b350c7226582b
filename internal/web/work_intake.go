package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/crossborder"
	"zhitong/internal/dups"
)

// workIntakeCookie remembers the reception's channel, station and deputy between
// visitors, so that on a busy reception day only the visitor's own fields
// need typing.
const workIntakeCookie = "zt_intake"

// workIntakeDoneKey is where the last saved case waits (in the session) to be
// shown above the next empty form. The tracking code stays out of the URL.
const workIntakeDoneKey = "work_intake_done"

// workIntakeChannels are the channels staff take cases in through.
var workIntakeChannels = []zhitong.Channel{zhitong.ChannelWalkIn, zhitong.ChannelAppointment, zhitong.ChannelBox, zhitong.ChannelMobile, zhitong.ChannelSurvey}

type workSavedCase struct {
	ID       int64
	Code     string
	Answered bool
	// Duplicates are the likely duplicates of the case just taken in
	// (internal/dups), merged from the case page.
	Duplicates []dups.Match
}

type workIntakeData struct {
	Refs   *workRefs
	Form   url.Values
	Error  string            // the summary above the form
	Errors map[string]string // field → its message, shown next to it
	order  []string          // the fields at fault, the first gets the focus
	Done   *workSavedCase
	Me     zhitong.Principal
	// Served: the regions each cross-border station offered serves, for
	// the 问题所属地区 picker (docs/stations.md).
	Served []crossborder.Served
}

// Merger reports whether the signed-in staff member may merge cases: only
// they are shown likely duplicates while typing (dups.go).
func (d *workIntakeData) Merger() bool { return d.Me.Staff() && d.Me.May(zhitong.ActionMerge) }

// workIntakeFields maps the app's field names to the form's, where they differ.
var workIntakeFields = map[string]string{"region": "station_id", "lat": "place"}

// setErrors files each problem err joins next to its field.
func (d *workIntakeData) setErrors(err error) {
	d.Errors = map[string]string{}
	for _, e := range app.Problems(err) {
		field := zhitong.ErrorField(e)
		if f, ok := workIntakeFields[field]; ok {
			field = f
		}
		if _, taken := d.Errors[field]; !taken {
			d.Errors[field] = zhitong.ErrorMessage(e)
			d.order = append(d.order, field)
		}
	}
	d.Error = fmt.Sprintf("有 %d 处需要修改，已在对应栏目下注明：", len(d.order))
}

// workFieldError is one problem in the summary, linking to its field.
type workFieldError struct{ ID, Msg string }

// workIntakeIDs are the form's element IDs by field name.
var workIntakeIDs = map[string]string{"channel": "in-channel", "station_id": "in-station", "deputy_id": "in-deputy", "body": "in-body",
	"category": "in-category", "place": "in-place", "title": "in-title", "anonymous": "in-anonymous", "name": "in-name",
	"phone": "in-phone", "id_card": "in-idcard", "address": "in-address", "answer": "in-answer", attachments.Field: "in-photos"}

// List is the summary of the problems, in form order.
func (d *workIntakeData) List() []workFieldError {
	var out []workFieldError
	for _, f := range d.order {
		id, ok := workIntakeIDs[f]
		if !ok {
			id = "in-body"
		}
		out = append(out, workFieldError{ID: id, Msg: d.Errors[f]})
	}
	return out
}

// Msg is the error next to a field.
func (d *workIntakeData) Msg(key string) string { return d.Errors[key] }

// First reports whether key is the first field at fault, to focus it.
func (d *workIntakeData) First(key string) bool { return len(d.order) > 0 && d.order[0] == key }

// V is the typed (or remembered) value of a field.
func (d *workIntakeData) V(key string) string { return d.Form.Get(key) }

// Bad reports whether an error is about this field.
func (d *workIntakeData) Bad(key string) bool { return d.Errors[key] != "" }

// Channels lists the channels staff register through, with their names.
func (d *workIntakeData) Channels() []zhitong.Named[zhitong.Channel] {
	out := make([]zhitong.Named[zhitong.Channel], len(workIntakeChannels))
	for i, c := range workIntakeChannels {
		out[i] = zhitong.Named[zhitong.Channel]{Value: c, Label: zhitong.Label(zhitong.Channels, c)}
	}
	return out
}

// Deputy reports whether the form is filled in by a deputy, who registers
// only under their own name.
func (d *workIntakeData) Deputy() bool { return d.Me.Role == zhitong.RoleDeputy }

// CanAnswer reports whether the person may close a case as answered on the spot.
func (d *workIntakeData) CanAnswer() bool { return d.Me.May(zhitong.ActionAnswer) }

// ID formats an id for a select's value.
func (d *workIntakeData) ID(n int64) string { return workItoa(n) }

func workItoa(n int64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// workRemembered reads the reception settings from the cookie, falling back on
// the person's own station.
func (h *Handler) workRemembered(r *http.Request, p zhitong.Principal, rf *workRefs) url.Values {
	v := url.Values{"channel": {string(zhitong.ChannelWalkIn)}}
	if c, err := r.Cookie(workIntakeCookie); err == nil {
		if saved, err := url.ParseQuery(c.Value); err == nil {
			for _, k := range []string{"channel", "station_id", "deputy_id"} {
				if x := saved.Get(k); x != "" {
					v.Set(k, x)
				}
			}
		}
	}
	// A link from a booking (/work/appointments) prefills the form.
	for _, k := range []string{"channel", "station_id", "deputy_id", "body"} {
		if x := r.URL.Query().Get(k); x != "" {
			v.Set(k, x)
		}
	}
	if v.Get("station_id") == "" && len(rf.Stations) == 1 {
		v.Set("station_id", workItoa(rf.Stations[0].ID))
	}
	switch {
	case p.Role == zhitong.RoleDeputy:
		v.Set("deputy_id", workItoa(p.DeputyID))
		if v.Get("station_id") == "" {
			v.Set("station_id", workItoa(rf.deputyStation(p.DeputyID)))
		}
	case p.StationID != 0:
		v.Set("station_id", workItoa(p.StationID))
	}
	return v
}

func (h *Handler) workIntakeStaff(r *http.Request) (zhitong.Principal, *workRefs, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, nil, err
	}
	if !p.May(zhitong.ActionIntake) || p.Role == zhitong.RoleIntegration {
		return p, nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权登记来访", zhitong.Label(zhitong.Roles, p.Role))
	}
	rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
	if err != nil {
		return p, nil, err
	}
	if p.StationID != 0 { // a station's staff take cases in for their own station only
		var own []zhitong.Station
		for _, s := range rf.Stations {
			if s.ID == p.StationID {
				own = append(own, s)
			}
		}
		rf.Stations = own
	}
	return p, rf, nil
}

func (h *Handler) workIntakeForm(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workIntakeStaff(r)
	if err != nil {
		return err
	}
	d := &workIntakeData{Refs: rf, Form: h.workRemembered(r, p, rf), Me: p}
	if d.Served, err = crossborder.New(h.app).ServedRegions(r.Context(), rf.Stations); err != nil {
		return err
	}
	if s := h.sessions.PopString(r.Context(), workIntakeDoneKey); s != "" {
		parts := strings.SplitN(s, "|", 3)
		if len(parts) == 3 {
			id, _ := strconv.ParseInt(parts[0], 10, 64)
			d.Done = &workSavedCase{ID: id, Code: parts[1], Answered: parts[2] == string(zhitong.StatusAnswered)}
			if !d.Done.Answered && p.May(zhitong.ActionMerge) {
				d.Done.Duplicates, _ = dups.New(h.app).ForCase(r.Context(), p, id) // a hint: the page stands without it
			}
		}
	}
	return h.render(w, r, http.StatusOK, "work_intake", "来访登记", d)
}

func (h *Handler) workIntake(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workIntakeStaff(r)
	if err != nil {
		return err
	}
	// The form may carry the visit's photos and scanned papers: read within
	// the attachment limits, through the upload gate.
	files, release, fileErr, err := h.readFilesForm(w, r, true)
	defer release()
	if err != nil {
		return err
	}
	f := r.PostForm
	in := app.IntakeInput{Channel: zhitong.Channel(f.Get("channel")), Title: f.Get("title"), Body: f.Get("body"),
		CategoryCode: f.Get("category"), Place: f.Get("place"), Anonymous: f.Get("anonymous") == "1",
		Name: strings.TrimSpace(f.Get("name")), Phone: strings.TrimSpace(f.Get("phone")), IDCard: strings.TrimSpace(f.Get("id_card")),
		Address: strings.TrimSpace(f.Get("address")), Answer: f.Get("answer"), RegionCode: strings.TrimSpace(f.Get("region"))}
	c, err := (*zhitong.Case)(nil), fileErr
	if err == nil {
		c, err = h.workIntakeCase(r, p, in, f, files)
	}
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d := &workIntakeData{Refs: rf, Form: f, Me: p}
		d.setErrors(err)
		if d.Served, err = crossborder.New(h.app).ServedRegions(r.Context(), rf.Stations); err != nil {
			return err
		}
		return h.render(w, r, http.StatusBadRequest, "work_intake", "来访登记（请修改后重新提交）", d)
	}
	keep := url.Values{}
	for _, k := range []string{"channel", "station_id", "deputy_id"} {
		if x := f.Get(k); x != "" {
			keep.Set(k, x)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: workIntakeCookie, Value: keep.Encode(), Path: "/work", MaxAge: 30 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if f.Get("back") == "home" {
		msg := "已登记，查询码 " + c.Code
		if c.Status == zhitong.StatusAnswered {
			msg = "已当场解答并办结，查询码 " + c.Code
		}
		h.flash(r, msg)
		http.Redirect(w, r, "/work", http.StatusSeeOther)
		return nil
	}
	h.sessions.Put(r.Context(), workIntakeDoneKey, strconv.FormatInt(c.ID, 10)+"|"+c.Code+"|"+string(c.Status))
	http.Redirect(w, r, "/work/intake", http.StatusSeeOther)
	return nil
}

// workIntakeCase reads the station and deputy selects and takes the case
// in, with its files in the same transaction.
func (h *Handler) workIntakeCase(r *http.Request, p zhitong.Principal, in app.IntakeInput, f url.Values, files []attachments.Input) (*zhitong.Case, error) {
	var err error
	if in.StationID, err = workID(f.Get("station_id"), "station_id", "联络站"); err != nil {
		return nil, err
	}
	if in.DeputyID, err = workID(f.Get("deputy_id"), "deputy_id", "代表"); err != nil {
		return nil, err
	}
	if in.StationID == 0 && p.StationID == 0 {
		return nil, zhitong.Invalid("station_id", "请选择接待的联络站")
	}
	return attachments.New(h.app).Intake(r.Context(), p, in, files)
}
