package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// unsatisfiedCase takes a case to "unsatisfied": replied, and the citizen
// said on the callback that the problem is not solved.
func (b *bench) unsatisfiedCase(body string) int64 {
	b.t.Helper()
	ctx, officer := b.t.Context(), b.f.In[zhitong.RoleOfficer]
	id := b.intake(body, 0)
	c := testkit.Must(b.app.Assign(ctx, officer, id, app.AssignInput{LeadUnit: b.f.Lead}))(b.t)
	c = testkit.Must(b.app.Accept(ctx, b.f.In[zhitong.RoleUnit], c.ID, app.TextInput{}))(b.t)
	c = testkit.Must(b.app.Reply(ctx, b.f.In[zhitong.RoleUnit], c.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在安排维修"}))(b.t)
	testkit.Must(b.app.Callback(ctx, officer, c.ID, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是没修"}))(b.t)
	return id
}

// The analysis group records an opinion from the case page of an
// unsatisfied case; the committee decides there. Bad input comes back in
// the form, marked, with what was typed.
func TestCaseAnalysisOpinion(t *testing.T) {
	b := newBench(t)
	id := b.unsatisfiedCase("村口路灯坏了两个月")
	other := b.intake("菜市场门口占道经营", 0)
	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	benchLacks(t, analyst.get(caseURL(other)), "提出研判意见")
	pg := analyst.get(caseURL(id))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "研判意见", `name="from" value="case"`, "提出研判意见")

	pg = analyst.post("/work/analysis/opinions", url.Values{"from": {"case"}, "case_id": {itoa64(id)}, "proposal": {"rehandle"}, "text": {"太短"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "村口路灯坏了两个月", "至少 5 个字", `aria-invalid="true" aria-describedby="an-rec-err"`, ">太短</textarea>")
	pg = analyst.post("/work/analysis/opinions", url.Values{"from": {"case"}, "case_id": {itoa64(id)}, "proposal": {"dismiss"}, "text": {"答复没有解决问题，应当重新办理"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "研判建议应为", "答复没有解决问题，应当重新办理")
	pg = analyst.post("/work/analysis/opinions", url.Values{"from": {"case"}, "case_id": {itoa64(id)}, "proposal": {"rehandle"}, "text": {"答复没有解决问题，应当重新办理"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已提出研判意见", "待决定", "答复没有解决问题，应当重新办理")
	if pg.url != b.srv.URL+caseURL(id)+"#an-h" {
		t.Errorf("after recording: %s", pg.url)
	}
	// A case that is not unsatisfied: refused in the form, nothing written.
	pg = analyst.post("/work/analysis/opinions", url.Values{"from": {"case"}, "case_id": {itoa64(other)}, "proposal": {"rehandle"}, "text": {"应当重新办理这件事"}})
	wantStatus(t, pg, http.StatusConflict)
	benchHas(t, pg, "只能对群众不满意")

	pg = committee.get(caseURL(id))
	benchHas(t, pg, "采纳（重办）", "不采纳理由")
	op := regexp.MustCompile(`/work/analysis/opinions/(\d+)/decision`).FindString(pg.raw)
	pg = committee.post(op, url.Values{"from": {"case"}, "reason": {" "}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "不采纳时请写明理由", `aria-invalid="true"`, "村口路灯坏了两个月")
	pg = committee.post(op, url.Values{"from": {"case"}, "accept": {"1"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "研判意见已采纳", "已采纳")
	if v := b.view(id); v.Status == zhitong.StatusUnsatisfied || v.Round != 2 {
		t.Fatalf("after the committee accepted re-handling: %s round %d", v.Status, v.Round)
	}
	// The opinion is not offered again: the case moved on.
	benchLacks(t, analyst.get(caseURL(id)), "提出研判意见</button>")
}

// Every form of the analysis pages comes back with the field marked and
// what was typed kept, instead of an error page.
func TestAnalysisFormsComeBack(t *testing.T) {
	b := newBench(t)
	for _, body := range []string{"小区路灯不亮", "村口路灯不亮了", "路灯坏了没人修"} {
		b.intake(body, 0) // registered: a proposal may carry them
	}
	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	for _, c := range []struct {
		who    *staffer
		path   string
		form   url.Values
		status int
		want   []string
	}{
		{analyst, "/work/topics/opinion", url.Values{"query": {"period=month"}, "topic": {"路灯"}, "period": {"本月"}, "proposal": {"rehandle"}, "text": {"太短"}},
			400, []string{"热点分析", "至少 5 个字", `aria-describedby="tp-op-err" autofocus>太短</textarea>`}},
		{analyst, "/work/topics/opinion", url.Values{"query": {"period=month"}, "topic": {"路"}, "period": {"本月"}, "proposal": {"explain"}, "text": {"路灯问题集中，建议统一排查"}},
			400, []string{"热点词", `aria-invalid="true" aria-describedby="tp-op-err"`, "路灯问题集中，建议统一排查", `<option value="explain" selected>`}},
		{committee, "/work/topics/proposal", url.Values{"query": {"period=month"}, "topic": {"路灯"}, "title": {""}, "body": {"建议统一排查路灯"}},
			400, []string{"把热点转为代表建议", `aria-describedby="tp-pr-err"`, ">建议统一排查路灯</textarea>"}},
		{analyst, "/work/analysis/opinions", url.Values{"case_id": {"abc"}, "proposal": {"explain"}, "text": {"已向群众说明原因"}},
			400, []string{"请填写案件编号", `value="abc" aria-invalid="true"`, ">已向群众说明原因</textarea>", `<option value="explain" selected>`}},
		{analyst, "/work/analysis/reports", url.Values{"period": {"本月"}, "title": {""}, "body": {"一、总体情况\n路灯问题集中。"}},
			400, []string{"标题", `aria-describedby="ar-err"`, "路灯问题集中。</textarea>"}},
	} {
		pg := c.who.post(c.path, c.form)
		if pg.status != c.status {
			t.Errorf("%s %v: %d, want %d\n%s", c.path, c.form, pg.status, c.status, pg.body)
			continue
		}
		benchHas(t, pg, c.want...)
	}
}
