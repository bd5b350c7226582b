package web

import (
	"context"
	"net/http"
	"net/url"

	"zhitong"
	"zhitong/internal/app"
)

// The handling units' duties on the case page (docs/supervision.md): the
// lead unit's look-up of the citizen's phone, and the co-handling units'
// opinions (协办意见) — the form is one of the case page's action forms
// (work_actions.go), the list and the status beside the reply form are here.

// caseDutyRoutes registers the routes of the units' duties.
func (h *Handler) caseDutyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /work/cases/{id}/citizen-phone", h.workPage(h.workRevealPhone))
}

// workCoLine is one co-handling unit of the current round and its opinion,
// nil when it has not given one.
type workCoLine struct {
	Name    string
	State   zhitong.AssignmentState
	Opinion *app.CoOpinion
}

// workUnitDuties is the part of the case page about the units' duties.
type workUnitDuties struct {
	CanRevealPhone bool
	PhoneReason    string
	PhoneError     string
	Phone          *app.CitizenPhone // shown once, after a reveal
	CoLines        []workCoLine
	CoAmend        bool // the caller's unit already gave its opinion this round
}

// CoMissing counts the co-handling units of the round without an opinion.
func (u *workUnitDuties) CoMissing() int {
	n := 0
	for _, l := range u.CoLines {
		if l.Opinion == nil {
			n++
		}
	}
	return n
}

// fillUnitDuties sets the units' duties part of d for p: who co-handles the
// current round and what they said, whether p may look up the phone, and
// the co-opinion form prefilled with p's unit's opinion to amend.
func (d *workCaseData) fillUnitDuties(p zhitong.Principal) {
	v := d.V
	for _, as := range v.Assignments {
		if as.Round != v.Round || as.Lead || as.State == zhitong.AssignmentReturned {
			continue
		}
		line := workCoLine{Name: d.Refs.Unit(as.UnitID), State: as.State}
		for i, o := range v.CoOpinions {
			if o.Round == v.Round && o.UnitID == as.UnitID {
				line.Opinion = &v.CoOpinions[i]
			}
		}
		d.CoLines = append(d.CoLines, line)
	}
	for _, a := range v.Actions {
		if a == zhitong.ActionRevealPhone {
			d.CanRevealPhone = true
		}
	}
	for _, f := range d.Forms {
		if f.Action != zhitong.ActionCoOpinion {
			continue
		}
		f.Label = "提交协办意见"
		for _, o := range v.CoOpinions {
			if o.Round == v.Round && o.UnitID == p.UnitID {
				d.CoAmend, f.Label = true, "修改协办意见"
				if f.Error == "" {
					f.Values = url.Values{"text": {o.Text}}
					if o.Agrees {
						f.Values.Set("agrees", "1")
					}
					if o.Finished {
						f.Values.Set("finished", "1")
					}
				}
			}
		}
	}
}

// workCoOpinion submits the co-opinion form.
func (h *Handler) workCoOpinion(ctx context.Context, p zhitong.Principal, id int64, f url.Values) error {
	_, err := h.app.SubmitCoOpinion(ctx, p, id, app.CoOpinionInput{Text: f.Get("text"), Agrees: f.Get("agrees") == "1", Finished: f.Get("finished") == "1"})
	return err
}

// workRevealPhone shows the citizen's phone to the lead unit's handler,
// once, after a reason; the application checks the assignment, records the
// look-up in the case history and the audit log, and counts it.
func (h *Handler) workRevealPhone(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.workCaseForm(w, r)
	if err != nil {
		return err
	}
	reason := r.PostForm.Get("reason")
	phone, rerr := h.app.RevealPhone(r.Context(), p, id, reason)
	code := zhitong.ErrorCode(rerr)
	if rerr != nil && code != zhitong.EINVALID && code != zhitong.ECONFLICT && code != zhitong.ETOOMANY {
		return rerr
	}
	d, err := h.loadWorkCase(r.Context(), p, id, nil)
	if err != nil {
		return err
	}
	status := http.StatusOK
	switch code {
	case "":
		d.Phone = &phone
	case zhitong.EINVALID:
		d.PhoneReason, d.PhoneError, status = reason, zhitong.ErrorMessage(rerr), http.StatusBadRequest
	case zhitong.ETOOMANY:
		d.PhoneReason, d.PhoneError, status = reason, zhitong.ErrorMessage(rerr), http.StatusTooManyRequests
	default: // the case moved on meanwhile
		d.Conflict, status = zhitong.ErrorMessage(rerr), http.StatusConflict
	}
	return h.renderRevealed(w, r, d, status)
}

// workCaseForm reads a form posted on one case: who posts it, and which case.
func (h *Handler) workCaseForm(w http.ResponseWriter, r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, 0, err
	}
	id, err := workCaseID(r)
	if err != nil {
		return p, 0, err
	}
	return p, id, workParseForm(w, r)
}

// renderRevealed answers a reveal form with the case page, which may hold
// unmasked personal data: never cached.
func (h *Handler) renderRevealed(w http.ResponseWriter, r *http.Request, d *workCaseData, status int) error {
	w.Header().Set("Cache-Control", "no-store")
	return h.render(w, r, workSwapStatus(r, status), "work_case", workCaseTitle(d.V), d)
}
