package web

import (
	"net/http"
	"strconv"

	"zhitong"
	"zhitong/internal/app"
)

// noticeRoutes are the workbench pages of in-app notices (站内通知) and of
// the notification templates (committee), and the citizen's SMS opt-out.
func (h *Handler) noticeRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/notices", h.page(h.workNotices))
	mux.HandleFunc("POST /work/notices/{id}/read", h.page(h.workNoticeRead))
	mux.HandleFunc("POST /work/notices/read-all", h.page(h.workNoticeRead))
	mux.HandleFunc("POST /work/notices/email", h.page(h.workNoticeEmail))
	mux.HandleFunc("GET /work/templates", h.page(h.workTemplates))
	mux.HandleFunc("POST /work/templates/{name}", h.page(h.workTemplateEdit))
	mux.HandleFunc("GET /work/cases/{id}/notices", h.page(h.workCaseNotices))
	mux.HandleFunc("GET /work/deliveries", h.page(h.workDeliveries))
	mux.HandleFunc("POST /track/{code}/sms-optout", h.page(h.portalOptOut))
}

type caseNoticesData struct {
	CaseID  int64
	Notices []app.CaseNotice
	Labels  map[string]string
}

func (h *Handler) workCaseNotices(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "案件不存在")
	}
	ns, err := h.app.CaseNotices(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_case_notices", "短信通知记录", caseNoticesData{CaseID: id, Notices: ns, Labels: app.NoticeStatusLabels})
}

const noticesPerPage = 30

type noticesData struct {
	Items       []app.InboxItem
	Pager       pager
	Email       string
	EmailError  string
	IsCommittee bool
}

func (h *Handler) workNotices(w http.ResponseWriter, r *http.Request) error {
	return h.noticesPage(w, r, http.StatusOK, noticesData{})
}

func (h *Handler) noticesPage(w http.ResponseWriter, r *http.Request, status int, d noticesData) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := noPageNumber(r); err != nil {
		return err
	}
	pg, err := h.app.Inbox(r.Context(), p, pageInput(r, noticesPerPage))
	if err != nil {
		return err
	}
	d.Items = pg.Items
	if r.Method == http.MethodGet { // a form's answer (workNoticeEmail) links no pages of its own address
		d.Pager = pagerOf(r, pg)
	}
	if d.EmailError == "" {
		if d.Email, err = h.app.Email(r.Context(), p); err != nil {
			return err
		}
	}
	d.IsCommittee = p.Role == zhitong.RoleCommittee
	return h.render(w, r, status, "work_notices", "站内通知", d)
}

func (h *Handler) workNoticeRead(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	var id int64
	if s := r.PathValue("id"); s != "" {
		if id, err = strconv.ParseInt(s, 10, 64); err != nil || id <= 0 {
			return zhitong.Errorf(zhitong.ENOTFOUND, "通知不存在")
		}
	}
	if _, err := h.app.MarkRead(r.Context(), p, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/work/notices", http.StatusSeeOther)
	return nil
}

func (h *Handler) workNoticeEmail(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	email := r.PostForm.Get("email")
	if err := h.app.SetEmail(r.Context(), p, email); err != nil {
		if zhitong.ErrorCode(err) == zhitong.EINVALID {
			return h.noticesPage(w, r, http.StatusBadRequest, noticesData{Email: email, EmailError: zhitong.ErrorMessage(err)})
		}
		return err
	}
	h.flash(r, "通知邮箱已保存。")
	http.Redirect(w, r, "/work/notices", http.StatusSeeOther)
	return nil
}

type templatesData struct {
	Templates []app.Template
	Errors    map[string]string // template name → message
	Typed     map[string]string // what was typed, kept on error
}

func (h *Handler) workTemplates(w http.ResponseWriter, r *http.Request) error {
	return h.templatesPage(w, r, http.StatusOK, templatesData{})
}

func (h *Handler) templatesPage(w http.ResponseWriter, r *http.Request, status int, d templatesData) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if d.Templates, err = h.app.Templates(r.Context(), p); err != nil {
		return err
	}
	for i, t := range d.Templates {
		if typed, ok := d.Typed[t.Name]; ok {
			d.Templates[i].Body = typed
		}
	}
	return h.render(w, r, status, "work_templates", "通知模板", d)
}

func (h *Handler) workTemplateEdit(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	if err := workParseForm(w, r); err != nil {
		return err
	}
	name, body := r.PathValue("name"), r.PostForm.Get("body")
	if r.PostForm.Get("reset") != "" {
		body = ""
	}
	if _, err := h.app.EditTemplate(r.Context(), p, name, body); err != nil {
		if zhitong.ErrorCode(err) == zhitong.EINVALID {
			return h.templatesPage(w, r, http.StatusBadRequest, templatesData{Errors: map[string]string{name: zhitong.ErrorMessage(err)},
				Typed: map[string]string{name: body}})
		}
		return err
	}
	h.flash(r, "模板已保存。")
	http.Redirect(w, r, "/work/templates", http.StatusSeeOther)
	return nil
}

func (h *Handler) portalOptOut(w http.ResponseWriter, r *http.Request) error {
	code, ok := app.NormalizeCode(r.PathValue("code"))
	if !ok {
		return zhitong.Errorf(zhitong.ENOTFOUND, "查询码不正确，请核对后重试")
	}
	had, err := h.app.OptOut(r.Context(), code)
	if err != nil {
		return err
	}
	if had {
		h.flash(r, "已退订：此后不再向您的手机号发送短信通知。办理进度仍可在本页查询。")
	} else {
		h.flash(r, "该件没有留手机号，不会收到短信通知。")
	}
	http.Redirect(w, r, "/track/"+code, http.StatusSeeOther)
	return nil
}
