package web

import (
	"net/http"
	"net/url"
	"strings"

	"zhitong"
	"zhitong/internal/app"
)

// The report to voters (述职): a printable page drafted from the record,
// with the narrative and the voters' review (评议) staff store for it.

type workReportData struct {
	View         *app.VoterReportView
	Deputy       zhitong.Deputy
	Refs         *workRefs
	Me           zhitong.Principal
	Error, Field string
	Form         url.Values
}

// Editable reports whether the person may store the narrative and review.
func (d *workReportData) Editable() bool {
	return d.Me.Role == zhitong.RoleCommittee || d.Me.Role == zhitong.RoleStationHead || d.Me.Role == zhitong.RoleOfficer
}

// V is the typed value of a field, or the stored one.
func (d *workReportData) V(key string) string { return d.Form.Get(key) }

// KindLabel names a record's kind.
func (d *workReportData) KindLabel(r *zhitong.DutyRecord) string {
	return (&workDutyData{}).KindLabel(r)
}

// EventLabel names a point event.
func (d *workReportData) EventLabel(e zhitong.PointEvent) string {
	return zhitong.Label(zhitong.PointEvents, e)
}

// SourceLink is the workbench page of a ledger entry's source, "" if none:
// a case, or the duty records of that kind and day.
func (d *workReportData) SourceLink(e app.ReportPoint) string {
	kind, id, _ := strings.Cut(e.Source, ":")
	switch kind {
	case "case":
		return "/work/cases/" + id
	case "record":
		rk := zhitong.RecordActivity
		switch e.Event {
		case zhitong.PointVisit:
			rk = zhitong.RecordReception
		case zhitong.PointMediation:
			rk = zhitong.RecordMediation
		}
		return "/work/duty?" + url.Values{"kind": {string(rk)}, "from": {e.Day}, "to": {e.Day}}.Encode()
	}
	return ""
}

// Percent renders a rate.
func (d *workReportData) Percent(f float64) int { return int(f*100 + 0.5) }

func (h *Handler) workReport(w http.ResponseWriter, r *http.Request) error {
	return h.workReportPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) workReportPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, ferr error) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workID(r.PathValue("id"), "id", "代表")
	if err != nil || id == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	q := r.URL.Query()
	if form != nil {
		q = form
	}
	d := &workReportData{Me: p}
	if d.View, err = h.app.VoterReport(r.Context(), p, id, q.Get("from"), q.Get("to")); err != nil {
		return err
	}
	sc := d.View.Scorecard
	if d.Refs, err = h.loadWorkRefs(r.Context(), p, ""); err != nil {
		return err
	}
	d.Deputy = zhitong.Deputy{ID: id, Name: sc.Name, StationID: sc.StationID}
	rep := d.View.Report
	d.Form = url.Values{"from": {sc.From}, "to": {sc.To}, "narrative": {rep.Narrative}, "present": {itoa(rep.Present)},
		"satisfied": {itoa(rep.Satisfied)}, "basic": {itoa(rep.Basic)}, "unsatisfied": {itoa(rep.Unsatisfied)}}
	if ferr != nil {
		d.Form, d.Error, d.Field = form, zhitong.ErrorMessage(ferr), zhitong.ErrorField(ferr)
	}
	return h.render(w, r, status, "work_report", sc.Name+" 履职情况报告（"+sc.From+" 至 "+sc.To+"）", d)
}

func itoa(n int) string { return workItoa(int64(n)) }

// workDeputyPost reads a form posted about deputy {id} by signed-in staff.
func (h *Handler) workDeputyPost(w http.ResponseWriter, r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, 0, err
	}
	if err := workParseForm(w, r); err != nil {
		return p, 0, err
	}
	id, err := workID(r.PathValue("id"), "id", "代表")
	if err != nil || id == 0 {
		return p, 0, zhitong.Errorf(zhitong.ENOTFOUND, "代表不存在")
	}
	return p, id, nil
}

func (h *Handler) workReportSave(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workDeputyPost(w, r)
	if err != nil {
		return err
	}
	f := r.PostForm
	in := app.VoterReportInput{From: f.Get("from"), To: f.Get("to"), Narrative: f.Get("narrative")}
	for _, n := range []struct {
		key, label string
		to         *int
	}{{"present", "到会人数", &in.Present}, {"satisfied", "满意票", &in.Satisfied}, {"basic", "基本满意票", &in.Basic}, {"unsatisfied", "不满意票", &in.Unsatisfied}} {
		if *n.to, err = workInt(f.Get(n.key), n.key, n.label); err != nil {
			break
		}
	}
	if err == nil {
		_, err = h.app.SaveVoterReport(r.Context(), p, id, in)
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return h.workReportPage(w, r, http.StatusBadRequest, f, err)
	} else if err != nil {
		return err
	}
	h.flash(r, "已保存述职报告和评议结果")
	http.Redirect(w, r, "/work/deputies/"+r.PathValue("id")+"/report?"+url.Values{"from": {in.From}, "to": {in.To}}.Encode(), http.StatusSeeOther)
	return nil
}
