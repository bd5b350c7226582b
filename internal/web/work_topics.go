package web

import (
	"net/http"
	"net/url"
	"strconv"

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
	Periods   []zhitong.Named[string]
	Slices    []zhitong.Named[string]
	Proposals []zhitong.Named[string]
	Analyst   bool
	Committee bool
}

func (h *Handler) workTopics(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	d := workTopicsData{Form: q, Periods: stats.Periods, Slices: stats.Slices, Proposals: topics.Proposals,
		Analyst: p.Role == zhitong.RoleAnalyst, Committee: p.Role == zhitong.RoleCommittee}
	status := http.StatusOK
	if d.H, err = h.topics().Topics(r.Context(), p, q); err != nil {
		if zhitong.ErrorCode(err) != zhitong.EINVALID {
			return err
		}
		d.Error, status = zhitong.ErrorMessage(err), http.StatusBadRequest
	} else {
		f := d.H.Period.Values()
		if d.H.Slice != "" {
			f.Set("slice", d.H.Slice)
			f.Set("key", d.H.Key)
		}
		d.Form, d.Query = f, f.Encode()
	}
	return h.render(w, r, status, "work_topics", "热点分析", d)
}

// topicCases limits the case list to a topic's cases (topic=…, from the hot
// topics page), computed by the same code as the topic's count.
func (h *Handler) topicCases(r *http.Request, p zhitong.Principal, filter url.Values, in *app.ListInput, d *workListData) error {
	ids, label, err := h.topics().CaseIDs(r.Context(), p, filter)
	if err != nil {
		return err
	}
	in.OnlyIDs, in.OnlyIDsSet = ids, true
	back := url.Values{}
	for _, k := range []string{"period", "month", "quarter", "year", "start", "end", "slice", "key"} {
		if v := filter.Get(k); v != "" {
			back.Set(k, v)
		}
	}
	d.Stat, d.StatBack = label, "/work/topics?"+back.Encode()
	return nil
}

func (h *Handler) workTopicOpinion(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	in := topics.OpinionInput{Topic: r.PostFormValue("topic"), Period: r.PostFormValue("period"), Proposal: r.PostFormValue("proposal"), Text: r.PostFormValue("text")}
	if _, err := h.topics().Record(r.Context(), p, in); err != nil {
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
	v, err := url.ParseQuery(r.PostFormValue("query"))
	if err != nil {
		return zhitong.Invalid("query", "热点参数不正确")
	}
	v.Set("topic", r.PostFormValue("topic"))
	res, err := h.topics().ToProposal(r.Context(), p, v, topics.ProposalInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
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
	Analyst   bool
	Committee bool
}

func (h *Handler) workAnalysis(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staff(r)
	if err != nil {
		return err
	}
	d := workAnalysisData{States: topics.States, Proposals: topics.Proposals, State: r.URL.Query().Get("state"),
		Analyst: p.Role == zhitong.RoleAnalyst, Committee: p.Role == zhitong.RoleCommittee}
	if d.Opinions, err = h.topics().Opinions(r.Context(), p, d.State); err != nil {
		return err
	}
	if d.Reports, err = h.topics().Reports(r.Context(), p); err != nil {
		return err
	}
	return h.render(w, r, http.StatusOK, "work_analysis", "民意研判", d)
}

func (h *Handler) workCaseOpinion(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(r.PostFormValue("case_id"), 10, 64)
	if id <= 0 {
		return zhitong.Invalid("case_id", "请填写案件编号")
	}
	if _, err := h.topics().Record(r.Context(), p, topics.OpinionInput{CaseID: id, Proposal: r.PostFormValue("proposal"), Text: r.PostFormValue("text")}); err != nil {
		return err
	}
	h.flash(r, "已提出研判意见，等待代表工委决定")
	http.Redirect(w, r, "/work/analysis", http.StatusSeeOther)
	return nil
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
	o, err := h.topics().Decide(r.Context(), p, id, topics.DecideInput{Accept: r.PostFormValue("accept") == "1", Reason: r.PostFormValue("reason")})
	if err != nil {
		return err
	}
	h.flash(r, "研判意见"+zhitong.Label(topics.States, o.State))
	http.Redirect(w, r, "/work/analysis", http.StatusSeeOther)
	return nil
}

type workAnalysisReportData struct {
	R     *topics.Report
	Query string
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
	return h.render(w, r, http.StatusOK, "work_analysis_report", "研判报告（草稿）", workAnalysisReportData{R: rep})
}

func (h *Handler) workAnalysisReportCreate(w http.ResponseWriter, r *http.Request) error {
	p, err := h.staffForm(w, r)
	if err != nil {
		return err
	}
	rep, err := h.topics().SaveReport(r.Context(), p, 0, topics.ReportInput{Period: r.PostFormValue("period"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body")})
	if err != nil {
		return err
	}
	h.flash(r, "研判报告已保存")
	http.Redirect(w, r, "/work/analysis/reports/"+strconv.FormatInt(rep.ID, 10), http.StatusSeeOther)
	return nil
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
	return h.render(w, r, http.StatusOK, "work_analysis_report", rep.Title, workAnalysisReportData{R: rep})
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
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := h.topics().SaveReport(r.Context(), p, id, topics.ReportInput{Version: version, Title: r.PostFormValue("title"), Body: r.PostFormValue("body")}); err != nil {
		return err
	}
	h.flash(r, "研判报告已保存")
	http.Redirect(w, r, "/work/analysis/reports/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
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

func init() {
	funcs["label"] = func(list []zhitong.Named[string], v string) string { return zhitong.Label(list, v) }
}
