package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/stats"
	"zhitong/internal/testkit"
)

var statLink = regexp.MustCompile(`href="(/work/cases\?[^"]*stat=received[^"]*)">(\d+)</a>`)

// TestStatsDashboard: the committee's dashboard shows each figure with its
// 口径, a chart with its table, and links whose case lists hold exactly the
// counted cases; the export is a titled workbook; bad input is a Chinese 400.
func TestStatsDashboard(t *testing.T) {
	b := newBench(t)
	for i := range 3 {
		id := b.intake("路灯不亮第"+strconv.Itoa(i)+"件", 0)
		b.assign(id, 5)
		b.accept(id)
		if i > 0 {
			b.reply(id)
		}
	}
	b.submitOnline("菜市场占道经营")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	pg := committee.get("/work/stats")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "统计分析", "按期办结率", "满意和基本满意件数 ÷ 已评价件数", `data-chart="`, `class="rtable`, `data-label="本期"`, "/static/echarts.min.js", "/static/stats.js")
	m := statLink.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no received link on the dashboard:\n%s", pg.body)
	}
	if m[2] != "4" {
		t.Errorf("received %s, want 4", m[2])
	}
	list := committee.get(strings.ReplaceAll(m[1], "&amp;", "&"))
	wantStatus(t, list, http.StatusOK)
	if n := total(t, list); strconv.Itoa(n) != m[2] {
		t.Errorf("the received link lists %d cases, the figure says %s", n, m[2])
	}
	benchHas(t, list, "统计：", "返回统计分析")

	pg = committee.get("/work/stats?slice=unit")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "按承办单位对比", "县交通运输局", `data-table="compare"`)

	for q, msg := range map[string]string{
		"?period=week":   "期间类型",
		"?slice=weather": "未知的切片",
		"?period=custom&start=2020-01-01&end=2026-01-01": "最长 731 天",
		"?period=quarter&quarter=2026Q4":                 "季度",
	} {
		pg := committee.get("/work/stats" + q)
		wantStatus(t, pg, http.StatusBadRequest)
		benchHas(t, pg, msg)
	}
	wantStatus(t, committee.get("/work/cases?stat=nope"), http.StatusBadRequest)

	x := committee.get("/work/stats.xlsx?slice=unit")
	wantStatus(t, x, http.StatusOK)
	if cd := x.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''") || !strings.Contains(cd, "%E7%BB%9F%E8%AE%A1") {
		t.Errorf("Content-Disposition %q", cd)
	}
	// The dashboard's workbook is formatted like every other export
	// (title row, frozen header, A4 landscape, page numbers, no formulas).
	if sheets := exporttest.Open(t, []byte(x.raw)); len(sheets) != 3 {
		t.Errorf("%d sheets, want 汇总, 对比 and 趋势", len(sheets))
	}
	book, err := excelize.OpenReader(strings.NewReader(x.raw))
	if err != nil {
		t.Fatal(err)
	}
	for _, sheet := range []string{"汇总", "对比", "趋势"} {
		rows, err := book.GetRows(sheet)
		if err != nil || len(rows) < 3 || !strings.Contains(rows[0][0], "统计") {
			t.Errorf("sheet %s: %v %v", sheet, rows, err)
		}
	}

	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	wantStatus(t, analyst.get("/work/stats"), http.StatusOK)
	unit := b.login(b.f.In[zhitong.RoleUnit], "danwei")
	wantStatus(t, unit.get("/work/stats"), http.StatusForbidden)
}

// TestPublicStatistics: the portal's statistics page shows the monthly
// figures and no personal data; ECharts is served gzip-compressed.
func TestPublicStatistics(t *testing.T) {
	b := newBench(t)
	b.submitOnline("建设路积水，联系我 13912345678")
	res, err := http.Get(b.srv.URL + "/statistics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/statistics = %d", res.StatusCode)
	}
	raw, _ := io.ReadAll(res.Body)
	body := string(raw)
	for _, want := range []string{"办理情况统计", "按期办结率", "统计口径"} {
		if !strings.Contains(body, want) {
			t.Errorf("public statistics lack %q", want)
		}
	}
	for _, bad := range []string{"13912345678", "张三", "建设路积水"} {
		if strings.Contains(body, bad) {
			t.Errorf("public statistics show %q", bad)
		}
	}
	req, _ := http.NewRequest("GET", b.srv.URL+"/static/echarts.min.js", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	js, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	js.Body.Close()
	if js.StatusCode != 200 || js.Header.Get("Content-Encoding") != "gzip" || js.Header.Get("Cache-Control") == "" {
		t.Errorf("echarts: %d %v", js.StatusCode, js.Header)
	}
}

// TestStatsPendingWhileTheSettleCatchesUp: three months after the first
// case with nothing settled (an import), the dashboard shows the current
// month and says 统计整理中 for the months between, without an Excel button;
// their workbook and the cases behind their figures answer 409; once
// settled, the figures are shown.
func TestStatsPendingWhileTheSettleCatchesUp(t *testing.T) {
	b := newBench(t)
	id := b.intake("村口路灯不亮已经一周", 0)
	b.assign(id, 5)
	first := b.clock.Now()
	b.clock.Set(first.AddDate(0, 3, 0))
	between := first.AddDate(0, 1, 0).Format("2006-01")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	pg := committee.get("/work/stats")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "统计整理中", "尚未整理任何一天", "导出 Excel")
	pg = committee.get("/work/stats?period=month&month=" + between)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "统计整理中", "请稍后刷新")
	if strings.Contains(pg.body, "导出 Excel") || strings.Contains(pg.body, "stat=received") {
		t.Errorf("a pending month offers its workbook or its cases:\n%s", pg.body)
	}
	for _, path := range []string{"/work/stats.xlsx?period=month&month=" + between, "/work/cases?period=month&month=" + between + "&stat=received"} {
		pg = committee.get(path)
		wantStatus(t, pg, http.StatusConflict)
		benchHas(t, pg, "统计整理中")
	}
	testkit.Must(stats.New(b.app).FreezeDue(t.Context()))(t)
	pg = committee.get("/work/stats?period=month&month=" + between)
	wantStatus(t, pg, http.StatusOK)
	if strings.Contains(pg.body, "统计整理中") || !strings.Contains(pg.body, "导出 Excel") {
		t.Errorf("after the settle:\n%s", pg.body)
	}
}
