package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhitong"
	"zhitong/internal/documents"
	"zhitong/internal/documents/layout"
	"zhitong/internal/export"
)

// documentsRoutes serves official documents (docs/documents.md): the list
// and its Excel, one document with its print view, PDF and .docx,
// issuing (a batch 交办函, a reply's 答复函), corrections, number prefixes,
// the public key, and the public verification page.
func (h *Handler) documentsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/documents", h.page(h.workDocuments))
	mux.HandleFunc("GET /work/documents.xlsx", h.page(h.workDocumentsExport))
	mux.HandleFunc("POST /work/documents/assign", h.page(h.workIssueAssign))
	mux.HandleFunc("POST /work/documents/reply", h.page(h.workIssueReply))
	mux.HandleFunc("POST /work/documents/bulletin", h.page(h.workIssueSource("bulletin")))
	mux.HandleFunc("POST /work/documents/report", h.page(h.workIssueSource("report")))
	mux.HandleFunc("POST /work/documents/duty-report", h.page(h.workIssueDutyReport))
	mux.HandleFunc("GET /work/documents/{id}", h.page(h.workDocument))
	mux.HandleFunc("GET /work/documents/{id}/pdf", h.page(h.workDocumentFile(true)))
	mux.HandleFunc("GET /work/documents/{id}/docx", h.page(h.workDocumentFile(false)))
	mux.HandleFunc("POST /work/documents/{id}/correct", h.page(h.workCorrectDocument))
	mux.HandleFunc("GET /work/document-prefixes", h.page(h.workDocumentPrefixes))
	mux.HandleFunc("POST /work/document-prefixes", h.page(h.workSetDocumentPrefix))
	mux.HandleFunc("GET /work/document-key.pem", h.page(h.workDocumentKey))
	mux.HandleFunc("GET /verify", h.private(h.verifyForm))
	mux.HandleFunc("GET /verify/{code}", h.private(h.verifyCode))
}

func (h *Handler) documents() *documents.Service {
	return documents.New(h.app).WithBase(h.publicURL)
}

type workDocumentsData struct {
	Items     []*documents.Document
	Kinds     []zhitong.Named[string]
	Kind      string
	Year      string
	Q         string
	Error     string
	Units     []zhitong.Unit
	CanIssue  bool
	ExportURL string
	// The batch 交办函 form, shown again with its error.
	Unit      string
	Cases     string
	FormError string
	FormField string
}

func (h *Handler) workDocuments(w http.ResponseWriter, r *http.Request) error {
	return h.renderDocuments(w, r, http.StatusOK, "", "", "")
}

func (h *Handler) renderDocuments(w http.ResponseWriter, r *http.Request, status int, formErr, field, unit string) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	d := workDocumentsData{Kinds: documents.Kinds, Kind: v.Get("kind"), Year: v.Get("year"), Q: v.Get("q"), CanIssue: p.May(zhitong.ActionAssign),
		ExportURL: "/work/documents.xlsx?" + v.Encode(), FormError: formErr, FormField: field, Unit: unit, Cases: r.PostFormValue("cases")}
	q, err := documentsQuery(v)
	if err == nil {
		d.Items, err = h.documents().List(r.Context(), p, q)
	}
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		d.Error, err = zhitong.ErrorMessage(err), nil
	}
	if err != nil {
		return err
	}
	if d.CanIssue {
		rf, err := h.loadWorkRefs(r.Context(), p, p.RegionCode)
		if err != nil {
			return err
		}
		d.Units = rf.Units
	}
	return h.render(w, r, status, "work_documents", "公文", d)
}

func documentsQuery(v map[string][]string) (documents.Query, error) {
	get := func(k string) string {
		if s := v[k]; len(s) > 0 {
			return strings.TrimSpace(s[0])
		}
		return ""
	}
	q := documents.Query{Kind: get("kind"), Number: get("q")}
	if y := get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > 2100 {
			return q, zhitong.Invalid("year", "年份“%s”无效", y)
		}
		q.Year = n
	}
	return q, nil
}

func (h *Handler) workDocumentsExport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q, err := documentsQuery(r.URL.Query())
	if err != nil {
		return err
	}
	f, err := h.documents().Export(r.Context(), p, q)
	if err != nil {
		return err
	}
	if err := f.Serve(w); err != nil {
		h.log.Error("export", "file", f.ASCII, "err", err)
	}
	return nil
}

// workIssueAssign issues one 交办函 for the cases (查询码 or numbers, one a
// line or separated by spaces/commas) assigned to the chosen unit.
func (h *Handler) workIssueAssign(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	unit := r.PostFormValue("unit_id")
	in := documents.AssignInput{}
	in.UnitID, _ = strconv.ParseInt(unit, 10, 64)
	for _, f := range strings.FieldsFunc(r.PostFormValue("cases"), func(c rune) bool { return c == ',' || c == '，' || c == '、' || c == ' ' || c == '\n' || c == '\r' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			if id, err = h.app.CaseIDByCode(r.Context(), p, f); err != nil {
				return h.renderDocuments(w, r, http.StatusBadRequest, "找不到查询码为“"+f+"”的案件（或不在您的管辖范围内）", "cases", unit)
			}
		}
		in.CaseIDs = append(in.CaseIDs, id)
	}
	d, err := h.documents().IssueAssign(r.Context(), p, in)
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT || code == zhitong.EFORBIDDEN {
		return h.renderDocuments(w, r, http.StatusBadRequest, zhitong.ErrorMessage(err), zhitong.ErrorField(err), unit)
	}
	if err != nil {
		return err
	}
	return h.toDocument(w, r, "已签发交办函 "+d.Number, d.ID)
}

// workIssueReply issues the 答复函 of a reply, from the case page.
func (h *Handler) workIssueReply(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	caseID, _ := strconv.ParseInt(r.PostFormValue("case_id"), 10, 64)
	replyID, _ := strconv.ParseInt(r.PostFormValue("reply_id"), 10, 64)
	d, err := h.documents().IssueReply(r.Context(), p, documents.ReplyInput{CaseID: caseID, ReplyID: replyID})
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT {
		if caseID == 0 {
			return err
		}
		h.flash(r, "未签发答复函："+zhitong.ErrorMessage(err))
		http.Redirect(w, r, "/work/cases/"+strconv.FormatInt(caseID, 10), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.toDocument(w, r, "已签发答复函 "+d.Number, d.ID)
}

type workDocumentData struct {
	D          *documents.Document
	Doc        layout.Doc
	Print      template.HTML // the layout's print view; "" until it is built
	Verdict    *documents.Verdict
	CanCorrect bool
	Reason     string
	Body       string
	Error      string
	Field      string
}

// BodyText is the body as one paragraph a line, for the correction form.
func (d *workDocumentData) BodyText() string {
	var b strings.Builder
	for _, bl := range d.Doc.Body {
		if bl.Kind != layout.Table {
			b.WriteString(bl.Text + "\n")
		}
	}
	return b.String()
}

// Table is the kind of a table block, for the plain view.
func (d *workDocumentData) Table() layout.BlockKind { return layout.Table }

func (h *Handler) workDocument(w http.ResponseWriter, r *http.Request) error {
	return h.renderDocument(w, r, http.StatusOK, nil)
}

func (h *Handler) renderDocument(w http.ResponseWriter, r *http.Request, status int, failed error) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	svc := h.documents()
	print, d, err := svc.HTML(r.Context(), p, id)
	if err != nil {
		return err
	}
	data := &workDocumentData{D: d, Print: print, CanCorrect: p.May(zhitong.ActionAssign) && d.Current()}
	if data.Doc, err = d.Doc(); err != nil {
		return err
	}
	if data.Verdict, err = svc.Verify(r.Context(), d.Code); err != nil {
		return err
	}
	data.Body = data.BodyText()
	if failed != nil {
		data.Error, data.Field = zhitong.ErrorMessage(failed), zhitong.ErrorField(failed)
		data.Reason, data.Body = r.PostFormValue("reason"), r.PostFormValue("body")
	}
	return h.render(w, r, status, "work_document", d.KindLabel+" "+d.Number, data)
}

func (h *Handler) workCorrectDocument(w http.ResponseWriter, r *http.Request) error {
	p, id, err := h.staffID(r)
	if err != nil {
		return err
	}
	nd, err := h.documents().Correct(r.Context(), p, id, documents.CorrectInput{Reason: r.PostFormValue("reason"), Body: r.PostFormValue("body")})
	if code := zhitong.ErrorCode(err); code == zhitong.EINVALID || code == zhitong.ECONFLICT {
		return h.renderDocument(w, r, http.StatusBadRequest, err)
	}
	if err != nil {
		return err
	}
	h.flash(r, "已签发更正版本 "+nd.Number)
	http.Redirect(w, r, "/work/documents/"+strconv.FormatInt(nd.ID, 10), http.StatusSeeOther)
	return nil
}

func (h *Handler) workDocumentFile(pdf bool) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := h.staffID(r)
		if err != nil {
			return err
		}
		f, err := h.documents().Download(r.Context(), p, id, pdf)
		if err != nil {
			return err
		}
		return f.Serve(w)
	}
}

type workPrefixesData struct {
	Org      zhitong.Organisation
	Items    []documents.Prefix
	Kind     string
	Prefix   string
	Error    string
	Verified bool
}

func (h *Handler) workDocumentPrefixes(w http.ResponseWriter, r *http.Request) error {
	return h.renderPrefixes(w, r, http.StatusOK, nil)
}

func (h *Handler) renderPrefixes(w http.ResponseWriter, r *http.Request, status int, failed error) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	org, items, err := h.documents().Prefixes(r.Context(), p)
	if err != nil {
		return err
	}
	d := workPrefixesData{Org: org, Items: items}
	if failed != nil {
		d.Error, d.Kind, d.Prefix = zhitong.ErrorMessage(failed), r.PostFormValue("kind"), r.PostFormValue("prefix")
	}
	return h.render(w, r, status, "work_document_prefixes", "发文字号", d)
}

func (h *Handler) workSetDocumentPrefix(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	err = h.documents().SetPrefix(r.Context(), p, r.PostFormValue("kind"), r.PostFormValue("prefix"))
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return h.renderPrefixes(w, r, http.StatusBadRequest, err)
	}
	if err != nil {
		return err
	}
	h.flash(r, "已保存发文字号前缀")
	http.Redirect(w, r, "/work/document-prefixes", http.StatusSeeOther)
	return nil
}

func (h *Handler) workDocumentKey(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	pemText, org, err := h.documents().PublicKey(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	export.Attachment(w, org.Name+"公文签章公钥.pem", "document-key-"+org.RegionCode+".pem")
	_, err = w.Write([]byte(pemText))
	return err
}

type verifyData struct {
	Code    string
	Verdict *documents.Verdict
	Error   string
}

// ChineseDate is the verdict's 成文日期 as printed: 2026年12月7日.
func (d verifyData) ChineseDate() string {
	if d.Verdict == nil {
		return ""
	}
	t, err := time.Parse(time.DateOnly, d.Verdict.Date)
	if err != nil {
		return d.Verdict.Date
	}
	return t.Format("2006年1月2日")
}

// verifyForm is the public page where a code printed on a document is
// typed in; with ?code= it answers as /verify/{code}.
func (h *Handler) verifyForm(w http.ResponseWriter, r *http.Request) error {
	if code := r.URL.Query().Get("code"); code != "" {
		return h.renderVerify(w, r, code)
	}
	return h.render(w, r, http.StatusOK, "portal_verify", "公文真伪查验", verifyData{})
}

func (h *Handler) verifyCode(w http.ResponseWriter, r *http.Request) error {
	return h.renderVerify(w, r, r.PathValue("code"))
}

func (h *Handler) renderVerify(w http.ResponseWriter, r *http.Request, code string) error {
	d := verifyData{Code: code}
	v, err := h.documents().Verify(r.Context(), code)
	status := http.StatusOK
	switch zhitong.ErrorCode(err) {
	case zhitong.EINVALID, zhitong.ENOTFOUND:
		d.Error, status, err = zhitong.ErrorMessage(err), http.StatusNotFound, nil
	}
	if err != nil {
		return err
	}
	d.Verdict = v
	return h.render(w, r, status, "portal_verify", "公文真伪查验", d)
}

// workIssueSource issues a bulletin or an analysis report as a document,
// from its page; a refusal goes back there with the reason.
func (h *Handler) workIssueSource(kind string) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := h.staff(r)
		if err != nil {
			return err
		}
		id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
		if id <= 0 {
			return zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
		}
		back := "/work/bulletins/" + strconv.FormatInt(id, 10)
		var d *documents.Document
		if kind == "bulletin" {
			d, err = h.documents().IssueBulletin(r.Context(), p, id)
		} else {
			back = "/work/analysis/reports/" + strconv.FormatInt(id, 10)
			d, err = h.documents().IssueReport(r.Context(), p, id)
		}
		if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
			h.flash(r, "未签发："+zhitong.ErrorMessage(err))
			http.Redirect(w, r, back, http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		return h.toDocument(w, r, "已签发 "+d.Number, d.ID)
	}
}

// workIssueDutyReport issues a deputy's saved report to voters (述职报告)
// from the report page; a refusal goes back to it with the reason.
func (h *Handler) workIssueDutyReport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	in := documents.DutyReportInput{From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	in.Deputy, _ = strconv.ParseInt(r.PostFormValue("deputy"), 10, 64)
	if in.Deputy <= 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "页面不存在")
	}
	d, err := h.documents().IssueDutyReport(r.Context(), p, in)
	if c := zhitong.ErrorCode(err); c == zhitong.ECONFLICT || c == zhitong.EINVALID {
		h.flash(r, "未签发："+zhitong.ErrorMessage(err))
		http.Redirect(w, r, "/work/deputies/"+strconv.FormatInt(in.Deputy, 10)+"/report?"+url.Values{"from": {in.From}, "to": {in.To}}.Encode(), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	return h.toDocument(w, r, "已签发 "+d.Number, d.ID)
}

// toDocument says msg and opens the document id just issued.
func (h *Handler) toDocument(w http.ResponseWriter, r *http.Request, msg string, id int64) error {
	h.flash(r, msg)
	http.Redirect(w, r, "/work/documents/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}
