package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// workBatch is the 批量交办 form under the case list: the cases ticked in
// the list (case_id), one lead unit, one deadline, one note. Refused, the
// list is shown again with the ticks, the choices and the message.
type workBatch struct {
	Picked      map[int64]bool
	Unit, Days  string
	Note, Error string
	Field       string
}

// Checked reports whether case id was ticked.
func (b *workBatch) Checked(id int64) bool { return b.Picked[id] }

// Assignable reports whether the row can be ticked for a batch assignment.
func (c workCaseRow) Assignable() bool { return c.Status.CanDo(zhitong.ActionAssign) == nil }

// workBatchAssign assigns the ticked cases to one unit in one transaction
// (app.AssignBatch): one 交办函 for them all. The list's filters come back
// in the form's query (back), so a refusal shows the same page.
func (h *Handler) workBatchAssign(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return zhitong.Invalid("case_ids", "表单无效")
	}
	f := r.PostForm
	b := &workBatch{Picked: map[int64]bool{}, Unit: f.Get("lead_unit_id"), Days: f.Get("days"), Note: f.Get("note")}
	in := app.BatchAssignInput{Note: b.Note}
	in.LeadUnit, _ = strconv.ParseInt(b.Unit, 10, 64)
	for _, v := range f["case_id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			b.Error, b.Field = "所选案件编号“"+v+"”无效", "case_ids"
			break
		}
		b.Picked[id] = true
		in.CaseIDs = append(in.CaseIDs, id)
	}
	if b.Days != "" && b.Error == "" {
		if in.Days, err = strconv.Atoi(b.Days); err != nil {
			b.Error, b.Field = "办理时限应为工作日数", "days"
		}
	}
	var cases []*zhitong.Case
	if b.Error == "" {
		cases, err = h.app.AssignBatch(r.Context(), p, in)
		switch zhitong.ErrorCode(err) {
		case "":
		case zhitong.EINVALID, zhitong.ECONFLICT:
			b.Error, b.Field = zhitong.ErrorMessage(err), zhitong.ErrorField(err)
		default:
			return err
		}
	}
	// Refused, the list is shown with the filters it had (the form's own query).
	if b.Error != "" {
		return h.renderCases(w, r, b)
	}
	msg := "已批量交办 " + strconv.Itoa(len(cases)) + " 件案件"
	if d, err := h.documents().AssignLetter(r.Context(), p, cases[0].ID); err == nil {
		return h.toDocument(w, r, msg+"，签发交办函 "+d.Number, d.ID)
	} else if zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return err
	}
	h.flash(r, msg)
	http.Redirect(w, r, "/work/cases?"+r.URL.RawQuery, http.StatusSeeOther)
	return nil
}
