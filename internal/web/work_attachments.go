package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/attachments"
	"zhitong/internal/uploads"
)

// attachmentsRoutes serve the reply letters, photos after repair and
// intake scans of a case (internal/attachments): to staff who may view the
// case, and the public ones to whoever holds its tracking code. They are
// uploaded with the reply form (work_actions.go) and the walk-in intake
// form (work_intake.go).
func (h *Handler) attachmentsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/cases/{id}/attachments/{attachment}", h.page(h.workAttachment))
	mux.HandleFunc("GET /track/{code}/attachments/{id}", h.private(h.trackAttachment))
}

func (h *Handler) workAttachment(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	aid, err := strconv.ParseInt(r.PathValue("attachment"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "附件不存在")
	}
	att, err := attachments.New(h.app).Open(r.Context(), p, id, aid)
	if err != nil {
		return err
	}
	return attachments.Serve(w, att, "private, no-store")
}

// trackAttachment serves a public attachment to whoever holds the tracking code.
func (h *Handler) trackAttachment(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "附件不存在")
	}
	att, err := attachments.New(h.app).TrackOpen(r.Context(), r.PathValue("code"), id)
	if err != nil {
		return err
	}
	return attachments.Serve(w, att, "private, max-age=3600")
}

// readUploadForm reads a form with files (enctype multipart/form-data)
// within the attachment limits, once a slot of the upload gate is free,
// and puts its text fields in r.PostForm, so that on a refusal the form is
// shown again with what was typed. release gives the slot back (nil when
// none was taken); err is a refusal of the files (EINVALID on
// attachments.Field) or the gate's ErrBusy.
func (h *Handler) readUploadForm(w http.ResponseWriter, r *http.Request) (files []attachments.Input, release func(), err error) {
	release, err = h.uploads.Enter(r.Context())
	if err != nil {
		return nil, nil, err
	}
	values, form, err := uploads.ReadForm(w, r, attachments.FormLimits)
	r.PostForm = values
	if err != nil {
		return nil, release, err
	}
	files, err = attachments.FromForm(values, form)
	return files, release, err
}

// isMultipart reports whether r carries a form with files.
func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}
