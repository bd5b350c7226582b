package web

import (
	"errors"
	"net/http"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export"
	"zhitong/internal/sheets"
)

// The Excel import pages: one card per kind the staff member may import
// (the committee: units, stations, deputies; the security administrator:
// staff accounts) with its template, its export and an upload form; the
// upload answers with the report. A small script (static/import.js) shows
// the upload's progress and then the report; without it the form posts as usual.

func (h *Handler) importRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/import", h.page(h.workImport))
	mux.HandleFunc("GET /work/import/{kind}/template.xlsx", h.page(h.workImportTemplate))
	mux.HandleFunc("GET /work/import/{kind}/export.xlsx", h.page(h.workImportExport))
	mux.HandleFunc("POST /work/import/{kind}", h.page(h.workImportUpload))
}

type workImportData struct {
	Kinds  []*sheets.Spec
	Kind   string // the kind the error or report is about
	Error  string
	Report *sheets.Report
	MaxMB  int
}

// Changed lists the rows added or updated; Same those left unchanged.
func (d *workImportData) Changed() []sheets.RowResult { return d.rows(true) }

// Same lists the rows left unchanged.
func (d *workImportData) Same() []sheets.RowResult { return d.rows(false) }

func (d *workImportData) rows(changed bool) []sheets.RowResult {
	var out []sheets.RowResult
	for _, r := range d.Report.Rows {
		if (r.Outcome != sheets.Unchanged) == changed {
			out = append(out, r)
		}
	}
	return out
}

// importKinds lists the kinds p may import; none is forbidden.
func importKinds(p zhitong.Principal) ([]*sheets.Spec, error) {
	if !p.Staff() {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "请先登录")
	}
	var out []*sheets.Spec
	for _, k := range sheets.Kinds() {
		if app.MayImport(p, k.Role, k.Label) == nil {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "Excel 导入由代表工委（代表、承办单位、联络站）和安全管理员（员工账号）使用")
	}
	return out, nil
}

func (h *Handler) workImport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	kinds, err := importKinds(p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_import", "Excel 导入", &workImportData{Kinds: kinds, MaxMB: sheets.MaxFileBytes >> 20})
}

// importKind returns the signed-in staff member and the {kind} of the
// path, which they must be allowed to import.
func (h *Handler) importKind(r *http.Request) (zhitong.Principal, *sheets.Spec, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, nil, err
	}
	spec, err := sheets.Kind(r.PathValue("kind"))
	if err != nil {
		return p, nil, zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
	}
	return p, spec, app.MayImport(p, spec.Role, spec.Label)
}

func (h *Handler) workImportTemplate(w http.ResponseWriter, r *http.Request) error {
	_, spec, err := h.importKind(r)
	if err != nil {
		return err
	}
	export.Attachment(w, spec.Label+"导入模板.xlsx", spec.Name+"-template.xlsx")
	return sheets.Template(w, spec.Name)
}

func (h *Handler) workImportExport(w http.ResponseWriter, r *http.Request) error {
	p, spec, err := h.importKind(r)
	if err != nil {
		return err
	}
	export.Attachment(w, spec.Label+"-"+h.app.Now().In(zhitong.China).Format("20060102")+".xlsx", spec.Name+".xlsx")
	return sheets.New(h.app).Export(r.Context(), p, spec.Name, w)
}

func (h *Handler) workImportUpload(w http.ResponseWriter, r *http.Request) error {
	p, spec, err := h.importKind(r)
	if err != nil {
		return err
	}
	kinds, err := importKinds(p)
	if err != nil {
		return err
	}
	d := &workImportData{Kinds: kinds, Kind: spec.Name, MaxMB: sheets.MaxFileBytes >> 20}
	fail := func(err error) error {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error = zhitong.ErrorMessage(err)
		return h.render(w, r, http.StatusBadRequest, "work_import", "Excel 导入", d)
	}
	r.Body = http.MaxBytesReader(w, r.Body, sheets.MaxFileBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return fail(zhitong.Invalid("file", "文件超过 %d MB，请拆分成几个文件分批导入", sheets.MaxFileBytes>>20))
		}
		return fail(zhitong.Invalid("file", "请通过页面上的表单选择 Excel 文件上传"))
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		return fail(zhitong.Invalid("file", "请选择要导入的 Excel（.xlsx）文件"))
	}
	defer file.Close()
	rep, err := sheets.New(h.app).Import(r.Context(), p, spec.Name, file, sheets.Options{DryRun: r.FormValue("dry_run") != ""})
	if err != nil {
		return fail(err)
	}
	d.Report = rep
	status := http.StatusOK
	if !rep.OK() {
		status = http.StatusBadRequest
	}
	return h.render(w, r, status, "work_import_result", spec.Label+"导入结果", d)
}
