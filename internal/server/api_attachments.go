package server

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/uploads"
)

// attachmentsRoutes attach reply letters, photos after repair and intake
// scans to a case, list and serve them (internal/attachments,
// docs/attachments.md).
func (s *Server) attachmentsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments", s.api(staffIDJSON(s, http.StatusOK, s.listAttachments)))
	mux.HandleFunc("POST /api/v1/cases/{id}/attachments", s.api(staffIDJSON(s, http.StatusCreated, s.addAttachments)))
	mux.HandleFunc("GET /api/v1/cases/{id}/attachments/{attachment}", s.api(withID(s, s.attachmentFile)))
}

// AttachmentList is the answer of GET and POST /api/v1/cases/{id}/attachments.
type AttachmentList struct {
	Attachments []attachments.Attachment `json:"attachments"`
}

// attachmentsRequest is the JSON form of an upload: the files base64-encoded.
type attachmentsRequest struct {
	Files []attachments.Input `json:"files"`
}

func (s *Server) listAttachments(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (AttachmentList, error) {
	list, err := attachments.New(s.app).List(r.Context(), p, id)
	return AttachmentList{Attachments: nonNil(list)}, err
}

// addAttachments takes a multipart form (each file under its kind, public_<kind>
// = 1 to show that kind to the citizen) or a JSON object of base64 files.
// The upload gate bounds how many are read and decoded at once.
func (s *Server) addAttachments(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) (AttachmentList, error) {
	// The case first: no upload is read for a case the caller may not see.
	if _, err := s.app.ViewableCase(r.Context(), s.app.DB(), p, id); err != nil {
		return AttachmentList{}, err
	}
	release, err := s.uploads.Enter(r.Context())
	if err != nil {
		return AttachmentList{}, err
	}
	defer release()
	var files []attachments.Input
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		r.Body = http.MaxBytesReader(w, r.Body, attachments.MaxRequestBytes*4/3)
		var in attachmentsRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return AttachmentList{}, zhitong.Invalid(attachments.Field, "上传的文件合计超过 %d MB", attachments.MaxRequestBytes>>20)
			}
			return AttachmentList{}, zhitong.Invalid(attachments.Field, "JSON 格式不正确：files 应为 [{kind, name, data (base64), public}]")
		}
		files = in.Files
	} else {
		values, form, err := uploads.ReadForm(w, r, attachments.FormLimits)
		if err != nil {
			return AttachmentList{}, err
		}
		if files, err = attachments.FromForm(values, form); err != nil {
			return AttachmentList{}, err
		}
	}
	list, err := attachments.New(s.app).Add(r.Context(), p, id, files)
	return AttachmentList{Attachments: list}, err
}

// attachmentFile serves one attachment's bytes to staff who may view the case.
func (s *Server) attachmentFile(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
	aid, err := pathID(r, "attachment")
	if err != nil {
		return err
	}
	att, err := attachments.New(s.app).Open(r.Context(), p, id, aid)
	if err != nil {
		return err
	}
	return attachments.Serve(w, att, "private, no-store")
}

// replyFields are the reply's fields a multipart reply carries beside its
// files (app.ReplyInput; deliveries as a JSON array).
var replyFields = []string{"version", "outcome", "text", "planned_date", "reason", "public_summary", "deliveries"}

// reply records the lead unit's reply (POST /api/v1/cases/{id}/reply): a
// JSON app.ReplyInput as every step, or a multipart form with the reply's
// fields and its files (reply_letter, reply_photo, public_<kind>=1),
// checked as every attachment and written with the reply in one
// transaction (attachments.Service.Reply): a refused file stores no reply.
func (s *Server) reply(w http.ResponseWriter, r *http.Request) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return caseAction(s, s.app.Reply)(w, r)
	}
	return withID(s, s.replyWithFiles)(w, r)
}

func (s *Server) replyWithFiles(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
	// The case first: no upload is read for a case the caller may not see.
	if _, err := s.app.ViewableCase(r.Context(), s.app.DB(), p, id); err != nil {
		return err
	}
	release, err := s.uploads.Enter(r.Context())
	if err != nil {
		return err
	}
	defer release()
	values, form, err := uploads.ReadForm(w, r, attachments.FormLimits)
	if err != nil {
		return err
	}
	in, err := replyFromForm(values)
	if err != nil {
		return err
	}
	files, err := attachments.FromForm(values, form)
	if err != nil {
		return err
	}
	c, err := attachments.New(s.app).Reply(r.Context(), p, id, in, files)
	if err != nil {
		return err
	}
	return s.writeCase(w, r, p, c, http.StatusOK)
}

// replyFromForm reads the reply's fields of a multipart reply as strictly
// as the JSON body: an unknown field is refused by name.
func replyFromForm(values url.Values) (app.ReplyInput, error) {
	var in app.ReplyInput
	for k := range values {
		if !slices.Contains(replyFields, k) && !strings.HasPrefix(k, "public_") {
			return in, zhitong.Invalid(k, "未知字段“%s”", k)
		}
	}
	if v := values.Get("version"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return in, zhitong.Invalid("version", "字段“version”应为非负整数")
		}
		in.Version = n
	}
	in.Outcome = zhitong.Outcome(values.Get("outcome"))
	in.Text, in.PlannedDate, in.Reason, in.PublicSummary = values.Get("text"), values.Get("planned_date"), values.Get("reason"), values.Get("public_summary")
	if v := values.Get("deliveries"); v != "" {
		dec := json.NewDecoder(strings.NewReader(v))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in.Deliveries); err != nil {
			return in, zhitong.Invalid("deliveries", "字段“deliveries”应为 JSON 数组：[{recipient, channel, …}]")
		}
	}
	return in, nil
}
