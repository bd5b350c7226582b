package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/audit"
	"zhitong/internal/auditlog"
)

// auditWorkRoutes are the auditor's pages on the audit log (its
// jurisdiction's entries, verification, export for archiving) and the
// two-person requests for security administrator accounts, which the
// security administrators file and a second person decides (docs/audit.md).
func (h *Handler) auditWorkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/audit", h.page(h.workAudit))
	mux.HandleFunc("GET /work/audit/verify", h.page(h.workAuditVerify))
	mux.HandleFunc("GET /work/audit/export", h.page(h.workAuditExport))
	mux.HandleFunc("POST /work/audit/check", h.page(h.workAuditCheck))
	mux.HandleFunc("GET /work/account-requests", h.page(h.workAccountRequests))
	mux.HandleFunc("POST /work/account-requests", h.page(h.workAccountRequestFile))
	mux.HandleFunc("POST /work/account-requests/{id}/{op}", h.page(h.workAccountRequestDecide))
}

// auditor returns the signed-in auditor; anyone else gets the 403 page
// before anything is read.
func (h *Handler) auditor(r *http.Request) (zhitong.Principal, error) {
	p, err := h.staff(r)
	if err != nil {
		return p, err
	}
	if p.Role != zhitong.RoleAuditor {
		return p, zhitong.Errorf(zhitong.EFORBIDDEN, "只有安全审计员可以查看审计日志")
	}
	return p, nil
}

type auditData struct {
	Items                    []audit.Entry
	Object, Action, From, To string
	Pager                    pager
	// Short says the page looked at its window of the log
	// (store.AuditWindow entries) and found fewer entries than a page.
	Short   bool
	Report  *auditlog.Report
	Archive *archiveCheck
}

// archiveCheck is the result of checking an uploaded archive.
type archiveCheck struct {
	OK             bool
	Count          int64
	Range, Problem string
}

// auditPerPage is the audit list's page size.
const auditPerPage = 100

func (h *Handler) workAudit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.auditor(r)
	if err != nil {
		return err
	}
	v := r.URL.Query()
	d := auditData{Object: strings.TrimSpace(v.Get("object")), Action: strings.TrimSpace(v.Get("action")), From: v.Get("from"), To: v.Get("to")}
	q := auditlog.Query{Object: d.Object, Action: d.Action, PageInput: pageInput(r, auditPerPage)}
	rg, err := auditlog.ParseRange(d.From, d.To)
	if err != nil {
		return err
	}
	q.From = rg.From
	if !rg.To.IsZero() {
		q.To = rg.To.AddDate(0, 0, 1)
	}
	pg, err := auditlog.New(h.app).List(r.Context(), p, q)
	if err != nil {
		return err
	}
	d.Items, d.Pager, d.Short = pg.Items, pagerOf(r, pg), len(pg.Items) < auditPerPage && pg.Next != ""
	return h.render(w, r, http.StatusOK, "work_audit", "审计日志", d)
}

func (h *Handler) workAuditVerify(w http.ResponseWriter, r *http.Request) error {
	p, err := h.auditor(r)
	if err != nil {
		return err
	}
	rep, err := auditlog.New(h.app).Verify(r.Context(), p)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_audit", "审计日志校验", auditData{Report: &rep})
}

func (h *Handler) workAuditExport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.auditor(r)
	if err != nil {
		return err
	}
	rg, err := auditlog.ParseRange(r.URL.Query().Get("from"), r.URL.Query().Get("to"))
	if err != nil {
		return err
	}
	name := "audit-" + p.RegionCode
	if !rg.From.IsZero() {
		name += "-" + rg.From.Format("20060102")
	}
	if !rg.To.IsZero() {
		name += "-" + rg.To.Format("20060102")
	}
	w.Header().Set("Content-Type", "application/x-ndjson; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.jsonl"`)
	_, err = auditlog.New(h.app).Export(r.Context(), p, rg, w)
	if err != nil {
		h.log.Error("audit export", "err", err)
	}
	return nil
}

// maxArchive bounds an uploaded archive (about 200 000 entries).
const maxArchive = 128 << 20

func (h *Handler) workAuditCheck(w http.ResponseWriter, r *http.Request) error {
	p, err := h.auditor(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxArchive)
	file, _, err := r.FormFile("archive")
	if err != nil {
		return zhitong.Invalid("archive", "请选择存档文件（不超过 128 MB）")
	}
	defer file.Close()
	hd, n, brk, err := auditlog.New(h.app).VerifyArchive(r.Context(), p, file)
	c := &archiveCheck{OK: err == nil && brk == nil, Count: n}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return zhitong.Invalid("archive", "存档文件超过 128 MB")
	case errors.Is(err, audit.ErrArchive):
		c.Problem = err.Error()
	case err != nil:
		return err
	case brk != nil && brk.Seq > 0:
		c.Problem = "第 " + strconv.FormatInt(brk.Seq, 10) + " 条：" + brk.Reason
	case brk != nil:
		c.Problem = brk.Reason
	}
	c.Range = orAll(hd.From) + " 至 " + orAll(hd.To)
	status := http.StatusOK
	if !c.OK {
		status = http.StatusUnprocessableEntity
	}
	return h.render(w, r, status, "work_audit", "存档校验", auditData{Archive: c})
}

func orAll(s string) string {
	if s == "" {
		return "不限"
	}
	return s
}

// requestsData is the two-person requests page.
type requestsData struct {
	Items      []accounts.Request
	Candidates []accounts.Account // accounts a security administrator may ask to promote, up to accounts.CandidatesShown
	More       bool               // more accounts match than Candidates shows
	Query      string             // the start of the username the candidates are searched by
	Values     map[string]string
	Field      string
	Error      string
	CanFile    bool
}

// V is the value of a field as typed.
func (d requestsData) V(name string) string { return d.Values[name] }

// Msg is the error under field name.
func (d requestsData) Msg(name string) string {
	if d.Field == name {
		return d.Error
	}
	return ""
}

func (h *Handler) requestsPage(w http.ResponseWriter, r *http.Request, p zhitong.Principal, status int, d requestsData) error {
	svc := h.accounts()
	var err error
	if d.Items, err = svc.Requests(r.Context(), p); err != nil {
		return err
	}
	if p.Role == zhitong.RoleSecAdmin {
		d.CanFile, d.Query = true, r.URL.Query().Get("q")
		if d.Candidates, d.More, err = svc.Candidates(r.Context(), p, d.Query); err != nil {
			return err
		}
	}
	return h.render(w, r, status, "work_account_requests", "安全管理员账号申请", d)
}

func (h *Handler) workAccountRequests(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.requestsPage(w, r, p, http.StatusOK, requestsData{Values: map[string]string{"region": p.RegionCode}})
}

func (h *Handler) workAccountRequestFile(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	values := map[string]string{}
	for _, k := range []string{"kind", "username", "display_name", "region", "user_id"} {
		values[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	in := accounts.RequestInput{Kind: values["kind"], Username: values["username"], DisplayName: values["display_name"], Region: values["region"]}
	if values["user_id"] != "" {
		if in.UserID, err = strconv.ParseInt(values["user_id"], 10, 64); err != nil {
			err = zhitong.Invalid("user_id", "请从列表中选择账号")
		}
	}
	if err == nil {
		_, err = h.accounts().File(r.Context(), p, in)
	}
	switch code := zhitong.ErrorCode(err); {
	case err == nil:
		h.flash(r, "申请已提交，等待另一位安全管理员或安全审计员审批")
		http.Redirect(w, r, "/work/account-requests", http.StatusSeeOther)
		return nil
	case code == zhitong.EINVALID || code == zhitong.ECONFLICT:
		status := http.StatusBadRequest
		if code == zhitong.ECONFLICT {
			status = http.StatusConflict
		}
		field := zhitong.ErrorField(err)
		if field == "" {
			field = "form"
		}
		return h.requestsPage(w, r, p, status, requestsData{Values: values, Field: field, Error: zhitong.ErrorMessage(err)})
	default:
		return err
	}
}

func (h *Handler) workAccountRequestDecide(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "申请“%s”不存在", r.PathValue("id"))
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "表单格式不正确")
	}
	svc := h.accounts()
	var d accounts.Decided
	switch r.PathValue("op") {
	case "approve":
		if d, err = svc.Approve(r.Context(), p, id); err != nil {
			return err
		}
		if d.Account != nil && d.Account.Password != "" {
			return h.render(w, r, http.StatusOK, "work_account_secret", "申请已批准",
				accountSecret{Account: d.Account.Account, Password: d.Account.Password, New: true, Approved: true})
		}
		h.flash(r, "已批准：账号 "+d.Request.Username+" 现为安全管理员")
	case "reject":
		if d, err = svc.Reject(r.Context(), p, id, r.PostForm.Get("note")); err != nil {
			return err
		}
		h.flash(r, "已驳回账号 "+d.Request.Username+" 的申请")
	case "cancel":
		if d, err = svc.Cancel(r.Context(), p, id); err != nil {
			return err
		}
		h.flash(r, "已撤回账号 "+d.Request.Username+" 的申请")
	default:
		return zhitong.Errorf(zhitong.ENOTFOUND, "您访问的页面不存在：%s", r.URL.Path)
	}
	http.Redirect(w, r, "/work/account-requests", http.StatusSeeOther)
	return nil
}
