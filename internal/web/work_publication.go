package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/publication"
)

// publicationRoutes are the pages where staff confirm the masked public
// text of replied cases before the results board shows it
// (internal/publication, docs/publication.md).
func (h *Handler) publicationRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/publication", h.page(h.workPublicationQueue))
	mux.HandleFunc("GET /work/cases/{id}/publication", h.page(h.workPublication))
	mux.HandleFunc("POST /work/cases/{id}/publication", h.page(h.workPublicationConfirm))
	mux.HandleFunc("POST /work/cases/{id}/publication/withdraw", h.page(h.workPublicationWithdraw))
}

func (h *Handler) publication() *publication.Service { return publication.New(h.app) }

func (h *Handler) workPublicationQueue(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	items, err := h.publication().Queue(r.Context(), p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_publication_queue", "公示确认", items)
}

// publicationData is the side-by-side page: the draft, the text in the
// form (the masked draft, or what staff typed) and the error under its field.
type publicationData struct {
	Draft          *publication.Draft
	Title, Summary string
	Error, Field   string
}

func (h *Handler) pathCase(r *http.Request) (zhitong.Principal, int64, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, 0, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return p, 0, zhitong.Errorf(zhitong.ENOTFOUND, "案件“%s”不存在", r.PathValue("id"))
	}
	return p, id, nil
}

func (h *Handler) workPublication(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.pathCase(r)
	if err != nil {
		return err
	}
	d, err := h.publication().Draft(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := publicationData{Draft: d, Title: d.MaskedTitle, Summary: d.MaskedSummary}
	if d.Status == publication.StatusConfirmed {
		data.Title, data.Summary = d.Confirmed.Title, d.Confirmed.Summary
	}
	return h.render(w, r, http.StatusOK, "work_publication", "公示确认 "+d.Code, data)
}

func (h *Handler) workPublicationConfirm(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.pathCase(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	reply, _ := strconv.ParseInt(r.PostFormValue("reply_id"), 10, 64)
	in := publication.ConfirmInput{ReplyID: reply, Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary")}
	d, err := h.publication().Confirm(r.Context(), p, id, in)
	if err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID || d == nil {
			return err
		}
		// Shown again with the typed text masked once more, for another
		// look before confirming.
		data := publicationData{Draft: d, Title: d.MaskedTitle, Summary: d.MaskedSummary, Error: zhitong.ErrorMessage(err), Field: zhitong.ErrorField(err)}
		if data.Field == "" {
			data.Field = "form"
		}
		return h.render(w, r, http.StatusBadRequest, "work_publication", "公示确认 "+d.Code, data)
	}
	h.flash(r, "已确认，办理结果已在门户公示："+d.Confirmed.Title)
	http.Redirect(w, r, "/work/publication", http.StatusSeeOther)
	return nil
}

func (h *Handler) workPublicationWithdraw(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.pathCase(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	if err := h.publication().Withdraw(r.Context(), p, id, r.PostFormValue("reason")); err != nil {
		return err
	}
	h.flash(r, "已撤下公示")
	http.Redirect(w, r, "/work/cases/"+strconv.FormatInt(id, 10)+"/publication", http.StatusSeeOther)
	return nil
}
