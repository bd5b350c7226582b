package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/stats"
	"zhitong/internal/topics"
)

// topicsRoutes serve the analysis group's pages (民意研判, docs/analysis.md):
// hot topics, opinions and the committee's decisions, analysis reports.
func (h *Handler) topicsRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /work/topics", h.page(h.workTopics))
	mux.HandleFunc("POST /work/topics/opinion", h.page(h.workTopicOpinion))
	mux.HandleFunc("POST /work/topics/proposal", h.page(h.workTopicProposal))
	mux.HandleFunc("GET /work/analysis", h.page(h.workAnalysis))
	mux.HandleFunc("POST /work/analysis/opinions", h.page(h.workCaseOpinion))
	mux.HandleFunc("POST /work/analysis/opinions/{id}/decision", h.page(h.workOpinionDecision))
	mux.HandleFunc("GET /work/analysis/reports/new", h.page(h.workAnalysisReportNew))
	mux.HandleFunc("POST /work/analysis/reports", h.page(h.workAnalysisReportCreate))
	mux.HandleFunc("GET /work/analysis/reports/{id}", h.page(h.workAnalysisReportView))
	mux.HandleFunc("POST /work/analysis/reports/{id}", h.page(h.workAnalysisReportSave))
	mux.HandleFunc("GET /work/analysis/reports/{id}/export.xlsx", h.page(h.workAnalysisReportExport))
}

func (h *Handler) topics() *topics.Service { return topics.New(h.app) }

type workTopicsData struct {
	H         *topics.Hot
	Form      url.Values
	Query     string // the period and slice, for the forms
	Error     string
	F         *workForm // the opinion or proposal form that came back with an error
	Periods   []zhitong.Named[string]
	Slices    []zhitong.Named[string]
	Proposals []zhitong.Named[string]
	Analyst   bool
	Committee bool
}

// topicFormFields are the fields of each form of the analysis pages, so
// that an error about none of them is shown at the top of its form.
var topicFormFields = map[string][]string{
	"opinion":  {"topic", "proposal", "text"},
	"proposal": {"topic", "title", "body"},
	"case":     {"case_id", "proposal", "text"},
	"decide":   {"reason"},
	"report":   {"title", "body"},
}

// topicForm is a form of the analysis pages: empty, or as posted with fail
// shown next to its field when it came back.
func topicForm(section string, posted url.Values, fail error) *workForm {
	f := &workForm{Form: url.Values{}, Section: section, fields: topicFormFields}
	f.refill(fail, posted)
	return f
}

// formFailure reports whether err is shown in the form that caused it (bad
// input, or a conflict with the record's state) and with which status;
// other errors go to the error page.
func formFailure(err error) (int, bool) {
	switch zhitong.ErrorCode(err) {
	case zhitong.EINVALID:
		return http.StatusBadRequest, true
	case zhitong.ECONFLICT:
		return http.StatusConflict, true
	}
	return 0, false
}

func (h *Handler) workTopics(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderTopics(w, r, p, r.URL.Query(), topicForm("", nil, nil), http.StatusOK)
}

// renderTopics shows the hot topics of the period and slice q, with f.
func (h *Handler) renderTopics(w http.ResponseWriter, r *http.Request, p zhitong.Principal, q url.Values, f *workForm, status int) error {
	d := workTopicsData{Form: q, F: f, Periods: stats.Periods, Slices: stats.Slices, Proposals: topics.Proposals,
		Analyst: p.Role == zhitong.RoleAnalyst, Committee: p.Role == zhitong.RoleCommittee}
	var err error
	if d.H, err = h.topics().Topics(r.Context(), p, q); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, status = zhitong.ErrorMessage(err), http.StatusBadRequest
	} else {
		v := d.H.Period.Values()
		if d.H.Slice != "" {
			v.Set("slice", d.H.Slice)
			v.Set("key", d.H.Key)
		}
		d.Form, d.Query = v, v.Encode()
	}
	return h.render(w, r, status, "work_topics", workFormTitle("热点分析", f.err()), d)
}

// topicQuery is the period and slice a topics form was posted from.
func topicQuery(r *http.Request) (url.Values, error) {
	v, err := url.ParseQuery(r.PostFormValue("query"))
	if err != nil {
		return nil, zhitong.Invalid("query", "热点参数不正确")
	}
	return v, nil
}

func (h *Handler) workTopicOpinion(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	q, err := topicQuery(r)
	if err != nil {
		return err
	}
	in := topics.OpinionInput{Topic: r.PostFormValue("topic"), Period: r.PostFormValue("period"), Proposal: r.PostFormValue("proposal"), Text: r.PostFormValue("text")}
	if _, err := h.topics().Record(r.Context(), p, in); err != nil {
		if status, ok := formFailure(err); ok {
			return h.renderTopics(w, r, p, q, topicForm("opinion", r.PostForm, err), status)
		}
		return err
	}
	h.flash(r, "已提出研判意见，等待代表工委决定")
	http.Redirect(w, r, "/work/analysis", http.StatusSeeOther)
	return nil
}

func (h *Handler) workTopicProposal(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	q, err := topicQuery(r)
	if err != nil {
		return err
	}
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("topic", r.PostFormValue("topic"))
	res, err := h.topics().ToProposal(r.Context(), p, v, topics.ProposalInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
		if status, ok := formFailure(err); ok {
			return h.renderTopics(w, r, p, q, topicForm("proposal", r.PostForm, err), status)
		}
		return err
	}
	h.flash(r, "已转为代表建议，带入 "+strconv.Itoa(len(res.Carried))+" 件案件；"+strconv.Itoa(len(res.Skipped))+" 件已交办或办结，未带入")
	http.Redirect(w, r, "/work/proposals/"+strconv.FormatInt(res.ProposalID, 10), http.StatusSeeOther)
	return nil
}

type workAnalysisData struct {
	Opinions  []*topics.Opinion
	Reports   []*topics.Report
	States    []zhitong.Named[string]
	Proposals []zhitong.Named[string]
	State     string
	F         *workForm // the case opinion form, or a decision ("decide" with Form "id"), that came back
	Analyst   bool
	Committee bool
}

// Deciding reports whether the decision form of opinion id came back with an error.
func (d *workAnalysisData) Deciding(id int64) bool {
	return d.F.At("decide") && d.F.V("id") == strconv.FormatInt(id, 10)
}

func (h *Handler) workAnalysis(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	return h.renderAnalysis(w, r, p, r.URL.Query().Get("state"), topicForm("", nil, nil), http.StatusOK)
}

func (h *Handler) renderAnalysis(w http.ResponseWriter, r *http.Request, p zhitong.Principal, state string, f *workForm, status int) error {
	d := workAnalysisData{States: topics.States, Proposals: topics.Proposals, State: state, F: f,
		Analyst: p.Role == zhitong.RoleAnalyst, Committee: p.Role == zhitong.RoleCommittee}
	var err error
	if d.Opinions, err = h.topics().Opinions(r.Context(), p, d.State); err != nil {
		return err
	}
	if d.Reports, err = h.topics().Reports(r.Context(), p); err != nil {
		return err
	}
	return h.render(w, r, status, "work_analysis", workFormTitle("民意研判", f.err()), &d)
}

// fromCase is the case whose page posted an analysis form (from=case and
// its case id), 0 when the analysis page did.
func fromCase(r *http.Request, id int64) int64 {
	if r.PostFormValue("from") == "case" {
		return id
	}
	return 0
}

// afterAnalysis answers an analysis form: on success the page it came from
// with msg; on a failure shown in the form, that page again with the form as
// posted (the case page's analysis section, or the analysis page).
func (h *Handler) afterAnalysis(w http.ResponseWriter, r *http.Request, p zhitong.Principal, caseID int64, section string, err error, msg string) error {
	if err != nil {
		status, ok := formFailure(err)
		if !ok {
			return err
		}
		f := topicForm(section, r.PostForm, err)
		if caseID != 0 {
			d, lerr := h.loadWorkCase(r.Context(), p, caseID, nil)
			if lerr != nil {
				return lerr
			}
			if d.Analysis == nil { // a case the caller has nothing to do with any more: the refusal still shows
				d.Analysis = &workCaseAnalysis{CaseID: caseID, Proposals: topics.Proposals, States: topics.States}
			}
			d.Analysis.F = f
			return h.render(w, r, status, "work_case", workCaseTitle(d.V), d)
		}
		return h.renderAnalysis(w, r, p, "", f, status)
	}
	h.flash(r, msg)
	to := "/work/analysis"
	if caseID != 0 {
		to = "/work/cases/" + strconv.FormatInt(caseID, 10) + "#an-h"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

func (h *Handler) workCaseOpinion(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.PostFormValue("case_id")), "#"), 10, 64)
	if id <= 0 {
		err = zhitong.Invalid("case_id", "请填写案件编号（数字）")
	} else {
		_, err = h.topics().Record(r.Context(), p, topics.OpinionInput{CaseID: id, Proposal: r.PostFormValue("proposal"), Text: r.PostFormValue("text")})
	}
	caseID := fromCase(r, id)
	if caseID != 0 && zhitong.ErrorField(err) == "case_id" {
		return err // the case page of a case the caller may not act on: not shown again
	}
	return h.afterAnalysis(w, r, p, caseID, "case", err, "已提出研判意见，等待代表工委决定")
}

func formID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, zhitong.Errorf(zhitong.ENOTFOUND, "编号“%s”不存在", r.PathValue("id"))
	}
	return id, nil
}

func (h *Handler) workOpinionDecision(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	id, err := formID(r)
	if err != nil {
		return err
	}
	o, err := h.topics().Opinion(r.Context(), p, id)
	if err != nil {
		return err
	}
	r.PostForm.Set("id", strconv.FormatInt(id, 10))
	decided, err := h.topics().Decide(r.Context(), p, id, topics.DecideInput{Accept: r.PostFormValue("accept") == "1", Reason: r.PostFormValue("reason")})
	msg := ""
	if err == nil {
		msg = "研判意见" + zhitong.Label(topics.States, decided.State)
	}
	caseID := fromCase(r, o.CaseID)
	return h.afterAnalysis(w, r, p, caseID, "decide", err, msg)
}

type workAnalysisReportData struct {
	R     *topics.Report
	Query string
	F     *workForm // the edit form as posted, when it came back with an error
}

func (h *Handler) workAnalysisReportNew(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	rep, err := h.topics().Draft(r.Context(), p, r.URL.Query())
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_analysis_report", "研判报告（草稿）", workAnalysisReportData{R: rep, F: topicForm("", nil, nil)})
}

// saveAnalysisReport saves the posted report (id 0: a new one) and shows it,
// or shows the form again as posted with the error next to its field.
func (h *Handler) saveAnalysisReport(w http.ResponseWriter, r *http.Request, p zhitong.Principal, id int64) error {
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	in := topics.ReportInput{Version: version, Period: r.PostFormValue("period"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}
	rep, err := h.topics().SaveReport(r.Context(), p, id, in)
	if err != nil {
		status, ok := formFailure(err)
		if !ok {
			return err
		}
		f := topicForm("report", r.PostForm, err)
		shown := &topics.Report{Period: in.Period}
		if id != 0 {
			if shown, err = h.topics().GetReport(r.Context(), p, id); err != nil {
				return err
			}
		}
		return h.render(w, r, status, "work_analysis_report", workFormTitle("研判报告", f.err()), workAnalysisReportData{R: shown, F: f})
	}
	h.flash(r, "研判报告已保存")
	http.Redirect(w, r, "/work/analysis/reports/"+strconv.FormatInt(rep.ID, 10), http.StatusSeeOther)
	return nil
}

func (h *Handler) workAnalysisReportCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	return h.saveAnalysisReport(w, r, p, 0)
}

func (h *Handler) workAnalysisReportView(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := formID(r)
	if err != nil {
		return err
	}
	rep, err := h.topics().GetReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_analysis_report", rep.Title, workAnalysisReportData{R: rep, F: topicForm("", nil, nil)})
}

func (h *Handler) workAnalysisReportSave(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	id, err := formID(r)
	if err != nil {
		return err
	}
	return h.saveAnalysisReport(w, r, p, id)
}

func (h *Handler) workAnalysisReportExport(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	id, err := formID(r)
	if err != nil {
		return err
	}
	f, err := h.topics().ExportReport(r.Context(), p, id)
	if err != nil {
		return err
	}
	return f.Serve(w)
}

// workCaseAnalysis is the analysis group's part of a case page (研判):
// the opinions on the case, the analysis group's form while the citizen
// is unsatisfied, and the committee's decision on pending opinions.
type workCaseAnalysis struct {
	CaseID    int64
	Opinions  []*topics.Opinion
	Record    bool // the analysis group may record an opinion now
	Decide    bool // the committee decides pending opinions
	F         *workForm
	Proposals []zhitong.Named[string]
	States    []zhitong.Named[string]
}

// Deciding reports whether the decision form of opinion id came back with an error.
func (a *workCaseAnalysis) Deciding(id int64) bool {
	return a.F.At("decide") && a.F.V("id") == strconv.FormatInt(id, 10)
}

// caseAnalysis builds the case page's analysis part for p, nil when p has
// nothing to see or do there.
func (h *Handler) caseAnalysis(ctx context.Context, p zhitong.Principal, v *app.CaseView) (*workCaseAnalysis, error) {
	ops, err := h.topics().CaseOpinions(ctx, p, v.ID)
	if err != nil {
		return nil, err
	}
	a := &workCaseAnalysis{CaseID: v.ID, Opinions: ops, F: topicForm("", nil, nil), Proposals: topics.Proposals, States: topics.States,
		Record: p.Role == zhitong.RoleAnalyst && v.Status == zhitong.StatusUnsatisfied,
		Decide: p.Role == zhitong.RoleCommittee && p.StationID == 0}
	if len(ops) == 0 && !a.Record {
		return nil, nil
	}
	return a, nil
}

func init() {
	funcs["label"] = func(list []zhitong.Named[string], v string) string { return zhitong.Label(list, v) }
}
