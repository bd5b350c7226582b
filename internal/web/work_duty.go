package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// The duty-record pages (履职记录): a list, and one form for receptions,
// mediations and activities that a deputy can fill in on a phone.

// workDutyCaseSlots is how many new cases the form offers; more are
// registered through the intake form and linked by tracking code.
const workDutyCaseSlots = 3

type workDutyData struct {
	Refs         *workRefs
	Records      []*zhitong.DutyRecord
	Kind         string
	Form         url.Values
	Error, Field string
	Me           zhitong.Principal
	Slots        []int
	Record       *zhitong.DutyRecord // the record page's record
	MayCorrect   bool                // whether Me may correct or void it
}

// V is the typed value of a field.
func (d *workDutyData) V(key string) string { return d.Form.Get(key) }

// Bad reports whether the error is about this field.
func (d *workDutyData) Bad(key string) bool { return d.Error != "" && strings.HasPrefix(d.Field, key) }

// Has reports whether a multi-valued field holds v.
func (d *workDutyData) Has(key, v string) bool { return slices.Contains(d.Form[key], v) }

// Slot is the name of field key of new case i.
func (d *workDutyData) Slot(i int, key string) string { return "c" + strconv.Itoa(i) + "_" + key }

// ID formats an id for a form value.
func (d *workDutyData) ID(n int64) string { return workItoa(n) }

// Kinds lists the record kinds.
func (d *workDutyData) Kinds() []zhitong.Named[zhitong.RecordKind] { return zhitong.RecordKinds }

// Activities lists the activity kinds.
func (d *workDutyData) Activities() []zhitong.Named[string] { return zhitong.ActivityKinds }

// KindLabel names a record kind, with the activity kind for activities.
func (d *workDutyData) KindLabel(r *zhitong.DutyRecord) string {
	if r.Kind == zhitong.RecordActivity {
		return zhitong.Label(zhitong.ActivityKinds, r.Activity)
	}
	return zhitong.Label(zhitong.RecordKinds, r.Kind)
}

// Deputies names a record's deputies.
func (d *workDutyData) Deputies(ids []int64) string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = d.Refs.Deputy(id)
	}
	return strings.Join(names, "、")
}

// Deputy reports whether the form is filled in by a deputy.
func (d *workDutyData) Deputy() bool { return d.Me.Role == zhitong.RoleDeputy }

func (h *Handler) workDutyStaff(r *http.Request) (zhitong.Principal, *workRefs, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, nil, err
	}
	if p.Role == zhitong.RoleUnit || !p.May(zhitong.ActionView) {
		return p, nil, zhitong.Errorf(zhitong.EFORBIDDEN, "您的角色（%s）无权查看履职记录", zhitong.Label(zhitong.Roles, p.Role))
	}
	rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
	return p, rf, err
}

func (h *Handler) workDuty(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workDutyStaff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := &workDutyData{Refs: rf, Me: p, Form: q, Kind: q.Get("kind")}
	recs, err := h.app.Records(r.Context(), p, app.RecordQuery{Kind: zhitong.RecordKind(d.Kind), From: q.Get("from"), To: q.Get("to"), Limit: 200})
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, d.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
	}
	d.Records = recs
	return h.render(w, r, http.StatusOK, "work_duty", "履职记录", d)
}

func (h *Handler) workDutyForm(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workDutyStaff(r)
	if err != nil {
		return err
	}
	kind := r.URL.Query().Get("kind")
	if !zhitong.Valid(zhitong.RecordKinds, zhitong.RecordKind(kind)) {
		kind = string(zhitong.RecordReception)
	}
	form := url.Values{"kind": {kind}, "day": {h.workToday()}}
	if p.StationID != 0 {
		form.Set("station_id", workItoa(p.StationID))
	} else if p.Role == zhitong.RoleDeputy {
		form.Set("station_id", workItoa(rf.deputyStation(p.DeputyID)))
	}
	d := &workDutyData{Refs: rf, Me: p, Form: form, Kind: kind, Slots: workDutySlots()}
	return h.render(w, r, http.StatusOK, "work_duty_form", "登记"+zhitong.Label(zhitong.RecordKinds, zhitong.RecordKind(kind)), d)
}

func workDutySlots() []int {
	s := make([]int, workDutyCaseSlots)
	for i := range s {
		s[i] = i
	}
	return s
}

func (h *Handler) workDutyCreate(w http.ResponseWriter, r *http.Request) error {
	p, rf, err := h.workDutyStaff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	f := r.PostForm
	rec, err := h.workDutySave(r, p, f)
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d := &workDutyData{Refs: rf, Me: p, Form: f, Kind: f.Get("kind"), Slots: workDutySlots(), Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)}
		return h.render(w, r, http.StatusBadRequest, "work_duty_form", "登记履职记录（请修改后重新提交）", d)
	}
	h.flash(r, "已保存"+zhitong.Label(zhitong.RecordKinds, rec.Kind)+"，关联意见建议 "+strconv.Itoa(len(rec.CaseIDs))+" 件")
	http.Redirect(w, r, "/work/duty", http.StatusSeeOther)
	return nil
}

// workRecordFields reads the fields a new record and a correction share.
func workRecordFields(f url.Values) (app.RecordInput, error) {
	in := app.RecordInput{Kind: zhitong.RecordKind(f.Get("kind")), Activity: f.Get("activity"), Day: f.Get("day"), Title: f.Get("title"),
		Answered: f.Get("answered"), Result: f.Get("result"), Others: f.Get("others"), Reason: f.Get("reason")}
	var err error
	if in.StationID, err = workID(f.Get("station_id"), "station_id", "联络站"); err != nil {
		return in, err
	}
	if in.Visitors, err = workInt(f.Get("visitors"), "visitors", "接待人次"); err != nil {
		return in, err
	}
	for _, v := range f["deputy_id"] {
		id, err := workID(v, "deputy_ids", "代表")
		if err != nil {
			return in, err
		}
		if id != 0 {
			in.DeputyIDs = append(in.DeputyIDs, id)
		}
	}
	return in, nil
}

// workDutySave reads the form into a RecordInput and saves it.
func (h *Handler) workDutySave(r *http.Request, p zhitong.Principal, f url.Values) (*zhitong.DutyRecord, error) {
	in, err := workRecordFields(f)
	if err != nil {
		return nil, err
	}
	in.LinkCases = strings.FieldsFunc(f.Get("link_cases"), func(r rune) bool { return r == ',' || r == '，' || r == ' ' || r == '\n' || r == '\r' || r == '、' })
	for i := range workDutyCaseSlots {
		slot := func(k string) string { return f.Get("c" + strconv.Itoa(i) + "_" + k) }
		if strings.TrimSpace(slot("body")) == "" {
			continue
		}
		in.Cases = append(in.Cases, app.IntakeInput{Body: slot("body"), CategoryCode: slot("category"), Anonymous: slot("name") == "" && slot("phone") == "",
			Name: strings.TrimSpace(slot("name")), Phone: strings.TrimSpace(slot("phone")), Answer: slot("answer")})
	}
	return h.app.CreateRecord(r.Context(), p, in)
}

// Ordinal counts a slot from one.
func (d *workDutyData) Ordinal(i int) int { return i + 1 }
