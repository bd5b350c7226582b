package web

import (
	"net/http"
	"net/url"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// The page of one duty record: what it says, who entered and corrected it,
// and — for staff covering it, or the deputy who entered it within 30 days
// — a correction form (更正) and a void form (作废), each with a reason.

func (h *Handler) workDutyRecord(w http.ResponseWriter, r *http.Request) error {
	return h.workDutyRecordPage(w, r, http.StatusOK, nil, nil)
}

// workDutyRecordPage renders record {id}; form and err are a refused
// correction or void to show again.
func (h *Handler) workDutyRecordPage(w http.ResponseWriter, r *http.Request, status int, form url.Values, err error) error {
	p, rf, perr := h.workDutyStaff(r)
	if perr != nil {
		return perr
	}
	id, perr := workID(r.PathValue("id"), "id", "履职记录")
	if perr != nil || id == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "履职记录不存在")
	}
	rec, perr := h.app.Record(r.Context(), p, id)
	if perr != nil {
		return perr
	}
	if form == nil {
		form = workRecordForm(rec)
	}
	d := &workDutyData{Refs: rf, Me: p, Form: form, Kind: string(rec.Kind), Record: rec, MayCorrect: h.app.MayCorrect(r.Context(), p, rec)}
	if err != nil {
		d.Error, d.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
	}
	title := zhitong.Label(zhitong.RecordKinds, rec.Kind) + " " + rec.Day
	return h.render(w, r, status, "work_duty_record", title, d)
}

// workRecordForm is a record as the correction form's values.
func workRecordForm(rec *zhitong.DutyRecord) url.Values {
	f := url.Values{"kind": {string(rec.Kind)}, "activity": {rec.Activity}, "day": {rec.Day}, "title": {rec.Title},
		"visitors": {strconv.Itoa(rec.Visitors)}, "answered": {rec.Answered}, "result": {rec.Result}, "others": {rec.Others}}
	if rec.StationID != 0 {
		f.Set("station_id", workItoa(rec.StationID))
	}
	for _, id := range rec.DeputyIDs {
		f.Add("deputy_id", workItoa(id))
	}
	return f
}

func (h *Handler) workDutyUpdate(w http.ResponseWriter, r *http.Request) error {
	return h.workDutyCorrect(w, r, "已更正履职记录", func(p zhitong.Principal, id int64, f url.Values) error {
		in, err := workRecordFields(f)
		if err != nil {
			return err
		}
		_, err = h.app.UpdateRecord(r.Context(), p, id, app.RecordEdit{Activity: in.Activity, Day: in.Day, StationID: in.StationID, Title: in.Title,
			Visitors: in.Visitors, Answered: in.Answered, Result: in.Result, Others: in.Others, DeputyIDs: in.DeputyIDs, Reason: in.Reason})
		return err
	})
}

func (h *Handler) workDutyVoid(w http.ResponseWriter, r *http.Request) error {
	return h.workDutyCorrect(w, r, "已作废履职记录，积分和统计已随之更新", func(p zhitong.Principal, id int64, f url.Values) error {
		_, err := h.app.VoidRecord(r.Context(), p, id, f.Get("void_reason"))
		if zhitong.ErrorField(err) == "reason" {
			err = &zhitong.Error{Code: zhitong.EINVALID, Field: "void_reason", Message: zhitong.ErrorMessage(err)}
		}
		return err
	})
}

// workDutyCorrect runs a correction or void posted to /work/duty/{id}…,
// showing a refused one again on the record's page.
func (h *Handler) workDutyCorrect(w http.ResponseWriter, r *http.Request, done string, op func(zhitong.Principal, int64, url.Values) error) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	id, err := workID(r.PathValue("id"), "id", "履职记录")
	if err != nil || id == 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "履职记录不存在")
	}
	if err := op(p, id, r.PostForm); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		return h.workDutyRecordPage(w, r, http.StatusBadRequest, r.PostForm, err)
	}
	h.flash(r, done)
	http.Redirect(w, r, "/work/duty/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
