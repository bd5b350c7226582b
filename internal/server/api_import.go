package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/sheets"
)

// importRoutes serves the Excel import: the template and the export of each
// kind, and the import itself, which answers with the report: when a row
// has a problem nothing is written, and the report says so and lists them all.
func (s *Server) importRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/import/{kind}/template", s.api(s.importTemplate))
	mux.HandleFunc("GET /api/v1/import/{kind}/export", s.api(s.importExport))
	mux.HandleFunc("POST /api/v1/import/{kind}", s.api(s.importSheet))
}

// importKind returns the caller and the {kind} of the path, which they must be allowed to import.
func (s *Server) importKind(r *http.Request) (zhitong.Principal, *sheets.Spec, error) {
	p, err := s.staff(r)
	if err != nil {
		return p, nil, err
	}
	spec, err := sheets.Kind(r.PathValue("kind"))
	if err != nil {
		return p, nil, err
	}
	return p, spec, app.MayImport(p, spec.Role, spec.Label)
}

func (s *Server) importTemplate(w http.ResponseWriter, r *http.Request) error {
	_, spec, err := s.importKind(r)
	if err != nil {
		return err
	}
	export.Attachment(w, spec.Label+"导入模板.xlsx", spec.Name+"-template.xlsx")
	return sheets.Template(w, spec.Name)
}

func (s *Server) importExport(w http.ResponseWriter, r *http.Request) error {
	p, spec, err := s.importKind(r)
	if err != nil {
		return err
	}
	export.Attachment(w, spec.Label+"-"+s.app.Now().In(zhitong.China).Format("20060102")+".xlsx", spec.Name+".xlsx")
	return sheets.New(s.app).Export(r.Context(), p, spec.Name, w)
}

// importSheet takes the workbook as the raw body, as the "file" part of a
// multipart form, or base64-encoded in JSON ({"file": "…"}); ?dry_run=true checks without writing.
func (s *Server) importSheet(w http.ResponseWriter, r *http.Request) error {
	p, spec, err := s.importKind(r)
	if err != nil {
		return err
	}
	dry := false
	if v := r.URL.Query().Get("dry_run"); v != "" {
		if dry, err = strconv.ParseBool(v); err != nil {
			return zhitong.Invalid("dry_run", "dry_run 应为 true 或 false")
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, sheets.MaxFileBytes*4/3+1<<20) // base64 in JSON
	var body io.Reader = r.Body
	switch mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
	case "application/json":
		var in importRequest
		dec := json.NewDecoder(r.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return zhitong.Invalid("file", "JSON 格式不正确：file 应为 base64 编码的 .xlsx 文件，且不超过 %d MB", sheets.MaxFileBytes>>20)
		}
		body = bytes.NewReader(in.File)
	case "multipart/form-data":
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return zhitong.Invalid("file", "文件超过 %d MB，请拆分成几个文件分批导入", sheets.MaxFileBytes>>20)
			}
			return zhitong.Invalid("file", "表单格式不正确")
		}
		defer r.MultipartForm.RemoveAll()
		f, _, err := r.FormFile("file")
		if err != nil {
			return zhitong.Invalid("file", "请在表单的 file 字段上传 Excel（.xlsx）文件")
		}
		defer f.Close()
		body = f
	}
	rep, err := sheets.New(s.app).Import(r.Context(), p, spec.Name, body, sheets.Options{DryRun: dry})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rep)
	return nil
}

// importRequest is the JSON form of an import: the workbook, base64-encoded.
type importRequest struct {
	File []byte `json:"file"`
}
