package web

import (
	"context"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
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
	mux.HandleFunc("POST /work/cases/{id}/attachments", h.page(h.workAddAttachments))
	mux.HandleFunc("GET /track/{code}/attachments/{id}", h.private(h.trackAttachment))
}

func (h *Handler) workAttachment(w http.ResponseWriter, r *http.Request) error {
	return h.serveCaseFile(w, r, "attachment", "private, no-store", func(ctx context.Context, p zhitong.Principal, id, file int64) (*app.Attachment, error) {
		return attachments.New(h.app).Open(ctx, p, id, file)
	})
}

// serveCaseFile serves one file of a case, named by the path's param, that
// open returns for the signed-in staff member (who must be able to view
// the case: open checks).
func (h *Handler) serveCaseFile(w http.ResponseWriter, r *http.Request, param, cache string,
	open func(ctx context.Context, p zhitong.Principal, id, file int64) (*app.Attachment, error)) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	file, err := strconv.ParseInt(r.PathValue(param), 10, 64)
	if err != nil {
		return zhitong.Errorf(zhitong.ENOTFOUND, "附件不存在")
	}
	att, err := open(r.Context(), p, id, file)
	if err != nil {
		return err
	}
	return attachments.Serve(w, att, cache)
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

// readFilesForm reads a form that may carry files (enctype
// multipart/form-data, when withFiles) within the attachment limits, once a
// slot of the upload gate is free, and puts its text fields in r.PostForm,
// so that on a refusal the form is shown again with what was typed. Other
// forms are read as workParseForm does. release gives the slot back (call
// it when done); refused is a refusal of the files (EINVALID on
// attachments.Field) to show with the form; err is anything else (the
// gate's ErrBusy).
func (h *Handler) readFilesForm(w http.ResponseWriter, r *http.Request, withFiles bool) (files []attachments.Input, release func(), refused, err error) {
	release = func() {}
	if !withFiles || !isMultipart(r) {
		return nil, release, nil, workParseForm(w, r)
	}
	if release, err = h.uploads.Enter(r.Context()); err != nil {
		return nil, func() {}, nil, err
	}
	values, form, refused := uploads.ReadForm(w, r, attachments.FormLimits)
	r.PostForm = values
	if refused == nil {
		files, refused = attachments.FromForm(values, form)
	}
	if refused != nil && zhitong.ErrorCode(refused) != zhitong.EINVALID {
		return nil, release, nil, refused
	}
	return files, release, refused, nil
}

// isMultipart reports whether r carries a form with files.
func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}

// workAddAttachments adds files to a case later (the case page's 添加附件
// form): all of them or none; a refused file shows the form again with the
// field marked and the public boxes kept; a closed or archived case says so.
func (h *Handler) workAddAttachments(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := workCaseID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	if _, err := h.app.Get(ctx, p, id); err != nil {
		return err // not found, or not in the jurisdiction: nothing is read
	}
	files, release, fileErr, err := h.readFilesForm(w, r, true)
	defer release()
	if err != nil {
		return err
	}
	var added []attachments.Attachment
	if err = fileErr; err == nil {
		added, err = attachments.New(h.app).Add(ctx, p, id, files)
	}
	switch zhitong.ErrorCode(err) {
	case "":
		h.flash(r, "已添加 "+strconv.Itoa(len(added))+" 个附件")
		http.Redirect(w, r, "/work/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return nil
	case zhitong.EINVALID, zhitong.ECONFLICT, zhitong.EFORBIDDEN:
		d, lerr := h.loadWorkCase(ctx, p, id, nil)
		if lerr != nil {
			return lerr
		}
		d.AttachError, d.AttachValues = zhitong.ErrorMessage(err), r.PostForm
		status := http.StatusBadRequest
		if c := zhitong.ErrorCode(err); c == zhitong.ECONFLICT {
			status = http.StatusConflict
		} else if c == zhitong.EFORBIDDEN {
			status = http.StatusForbidden
		}
		return h.render(w, r, status, "work_case", workCaseTitle(d.V), d)
	}
	return err
}
