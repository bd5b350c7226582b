package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// workProposalData is a deputy proposal's page: its deadline, supervision
// and, for committee staff, the form that marks it complex.
type workProposalData struct {
	V         *app.ProposalView
	Committee bool
	Reason    string
	Error     string
	Form      string         // which form the error belongs to: complex or unit
	Units     []zhitong.Unit // for committee staff: the units a proposal can go to
}

func (h *Handler) workProposal(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	d, err := h.workProposalPage(r, p, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_proposal", "代表建议 #"+strconv.FormatInt(id, 10), d)
}

// workProposalPage loads what the proposal page shows to p.
func (h *Handler) workProposalPage(r *http.Request, p zhitong.Principal, id int64) (workProposalData, error) {
	v, err := h.app.Proposal(r.Context(), p, id)
	if err != nil {
		return workProposalData{}, err
	}
	d := workProposalData{V: v, Committee: p.Role == zhitong.RoleCommittee}
	if d.Committee {
		rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
		if err != nil {
			return d, err
		}
		d.Units = rf.Units
	}
	return d, nil
}

// workProposalComplex marks a proposal complex.
func (h *Handler) workProposalComplex(w http.ResponseWriter, r *http.Request) error {
	return h.workProposalAct(w, r, "complex", "已改为复杂建议，办理期限已延长", func(p zhitong.Principal, id int64, reason string) error {
		_, err := h.app.MarkProposalComplex(r.Context(), p, id, app.ComplexInput{Reason: reason})
		return err
	})
}

// workProposalUnit sets or changes a proposal's handling unit.
func (h *Handler) workProposalUnit(w http.ResponseWriter, r *http.Request) error {
	return h.workProposalAct(w, r, "unit", "承办单位已确定，已通知该单位", func(p zhitong.Principal, id int64, reason string) error {
		unit, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
		_, err := h.app.SetProposalUnit(r.Context(), p, id, app.ProposalUnitInput{UnitID: unit, Reason: reason})
		return err
	})
}

// workProposalAct runs one of the proposal page's forms; a refused input
// shows the page again with the form's error and what was typed.
func (h *Handler) workProposalAct(w http.ResponseWriter, r *http.Request, form, done string, act func(zhitong.Principal, int64, string) error) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	err = act(p, id, reason)
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT {
		d, derr := h.workProposalPage(r, p, id)
		if derr != nil {
			return derr
		}
		d.Reason, d.Error, d.Form = reason, zhitong.ErrorMessage(err), form
		return h.render(w, r, http.StatusBadRequest, "work_proposal", "代表建议 #"+strconv.FormatInt(id, 10), d)
	}
	if err != nil {
		return err
	}
	h.flash(r, done)
	http.Redirect(w, r, "/work/proposals/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
