package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhitong"
)

var topicLink = regexp.MustCompile(`href="(/work/cases\?[^"]*topic=[^"]*)">(\d+)</a>`)

// TestTopicsPages: the hot topics page lists a topic whose link opens
// exactly its cases; the analysis group records an opinion on it, the
// committee rejects it; a report is drafted, saved, printed and exported.
func TestTopicsPages(t *testing.T) {
	b := newBench(t)
	for _, body := range []string{"小区路灯不亮", "村口路灯不亮了", "路灯坏了没人修", "菜市场占道经营"} {
		b.submitOnline(body)
	}
	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	pg := analyst.get("/work/topics")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "热点分析", "最常见的问题", "路灯", "双比例 z 检验", `class="rtable`, `data-label="本期件数"`, "对热点提出研判意见")
	m := topicLink.FindStringSubmatch(pg.raw)
	if m == nil || m[2] != "3" {
		t.Fatalf("no topic link with 3 cases:\n%s", pg.body)
	}
	list := committee.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	wantStatus(t, list, http.StatusOK)
	if n := total(t, list); n != 3 {
		t.Errorf("the topic lists %d cases, want 3", n)
	}
	wantStatus(t, analyst.get("/work/topics?slice=weather"), http.StatusBadRequest)
	pg = analyst.post("/work/topics/opinion", url.Values{"topic": {"路灯"}, "period": {"本月"}, "proposal": {"rehandle"}, "text": {"路灯问题集中，建议统一排查"}})
	wantStatus(t, pg, http.StatusOK)
	pg = committee.get("/work/analysis")
	benchHas(t, pg, "民意研判", "热点“路灯”", "待决定", "不采纳")
	op := regexp.MustCompile(`/work/analysis/opinions/(\d+)/decision`).FindStringSubmatch(pg.raw)
	if op == nil {
		t.Fatalf("no decision form:\n%s", pg.body)
	}
	pg = committee.post(op[0], url.Values{"reason": {"已列入专项整治"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, committee.get("/work/analysis"), "未采纳：已列入专项整治")
	// A report.
	pg = analyst.get("/work/analysis/reports/new")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "民意研判报告", "二、主要问题", "“路灯”：3 件", "data-print")
	pg = analyst.post("/work/analysis/reports", url.Values{"period": {"本月"}, "title": {"十二月民意研判报告"}, "body": {"一、总体情况\n路灯问题集中。"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "十二月民意研判报告", "路灯问题集中", "导出 Excel")
	x := regexp.MustCompile(`/work/analysis/reports/\d+/export.xlsx`).FindString(pg.raw)
	xl := committee.get(x)
	wantStatus(t, xl, http.StatusOK)
	if !strings.Contains(xl.header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("export headers %v", xl.header)
	}
}
