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
}

func (h *Handler) workProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	v, err := h.app.Proposal(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_proposal", "代表建议 #"+strconv.FormatInt(id, 10), workProposalData{V: v, Committee: p.Role == zhitong.RoleCommittee})
}

// workProposalComplex marks a proposal complex; a refused reason shows the
// page again with what was typed.
func (h *Handler) workProposalComplex(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	reason := r.PostFormValue("reason")
	_, err = h.app.MarkProposalComplex(r.Context(), p, id, app.ComplexInput{Reason: reason})
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT {
		v, verr := h.app.Proposal(r.Context(), p, id)
		if verr != nil {
			return verr
		}
		d := workProposalData{V: v, Committee: p.Role == zhitong.RoleCommittee, Reason: reason, Error: zhitong.ErrorMessage(err)}
		return h.render(w, r, http.StatusBadRequest, "work_proposal", "代表建议 #"+strconv.FormatInt(id, 10), d)
	}
	if err != nil {
		return err
	}
	h.flash(r, "已改为复杂建议，办理期限已延长")
	http.Redirect(w, r, "/work/proposals/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
