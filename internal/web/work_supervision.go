package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/documents"
)

// supervisionRoutes serves the workbench pages of deadlines and escalation.
func (h *Handler) supervisionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/supervision", h.page(h.workSupervision))
	mux.HandleFunc("GET /work/supervision/letters/{id}", h.page(h.workLetter))
	mux.HandleFunc("GET /work/proposals/{id}", h.page(h.workProposal))
	mux.HandleFunc("POST /work/proposals/{id}/complex", h.page(h.workProposalComplex))
	mux.HandleFunc("POST /work/proposals/{id}/unit", h.page(h.workProposalUnit))
	mux.HandleFunc("GET /work/bulletins", h.page(h.workBulletins))
	mux.HandleFunc("GET /work/bulletins/{id}", h.page(h.workBulletin))
	mux.HandleFunc("POST /work/bulletins/{id}/publish", h.page(h.workPublishBulletin))
	mux.HandleFunc("GET /work/policy", h.page(h.workPolicy))
	mux.HandleFunc("POST /work/policy", h.page(h.workSavePolicy))
	mux.HandleFunc("GET /work/callbacks", h.page(h.workCallbacks))
	mux.HandleFunc("GET /work/follow-ups", h.page(h.workFollowUps))
	mux.HandleFunc("POST /work/follow-ups/{id}", h.page(h.workRecordFollowUp))
}

type workSupervisionData struct {
	Items     []app.SupervisionItem
	Proposals []app.ProposalItem // deputy proposals under supervision
	Total     int
	Filter    url.Values
	Units     []zhitong.Unit
	Levels    []zhitong.Named[zhitong.SupervisionLevel]
	Error     string
	ExportURL string
}

func (h *Handler) workSupervision(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := workSupervisionData{Filter: q, Levels: zhitong.SupervisionLevels, ExportURL: "/work/supervision.xlsx?" + q.Encode()}
	rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
	if err != nil {
		return err
	}
	d.Units = rf.Units
	in, err := app.ParseSupervisionQuery(q)
	if err == nil {
		in.PerPage = 100
		d.Items, d.Total, err = h.app.SupervisionList(r.Context(), p, in)
	}
	if err == nil {
		d.Proposals, err = h.app.ProposalSupervisionList(r.Context(), p, in)
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		d.Error, err = zhitong.ErrorMessage(err), nil
	}
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_supervision", "督办清单", d)
}

func workPathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
	}
	return id, nil
}

// staffID is the prologue of a staff page about the object {id} of its
// path: the signed-in staff member and the id.
func (h *Handler) staffID(r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, 0, err
	}
	id, err := workPathID(r)
	return p, id, err
}

func (h *Handler) workLetter(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workPathID(r)
	if err != nil {
		return err
	}
	l, err := h.app.Letter(r.Context(), p, id)
	if err != nil {
		return err
	}
	// The letter as an official document: sealed, with its verification code.
	doc, err := h.documents().BySource(r.Context(), p, "letter:"+strconv.FormatInt(id, 10))
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_letter", "督办函 "+l.Number, struct {
		*app.LetterView
		Document *documents.Document
	}{l, doc})
}

// The template functions of the supervision pages, added to the shared set
// before any template is parsed.
func init() {
	funcs["percent"] = func(n, of int) string {
		if of == 0 {
			return "—"
		}
		return strconv.FormatFloat(float64(n)*100/float64(of), 'f', 1, 64) + "%"
	}
	funcs["levelLabel"] = func(l zhitong.SupervisionLevel) string { return zhitong.Label(zhitong.SupervisionLevels, l) }
	funcs["kindLabel"] = func(k zhitong.CaseKind) string { return zhitong.Label(zhitong.CaseKinds, k) }
	funcs["splitLines"] = func(s string) []string { return strings.Split(s, "\n") }
	funcs["list"] = func(v ...string) []string { return v }
	funcs["splitPair"] = func(s string) []string { a, b, _ := strings.Cut(s, ":"); return []string{a, b} }
}

// CaseKinds lists the kinds of request for the register and assign forms.
func (d *workCaseData) CaseKinds() []zhitong.Named[zhitong.CaseKind] { return zhitong.CaseKinds }
