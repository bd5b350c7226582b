package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/stats"
	"zhitong/internal/stats/measure"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

// figureLink is a count on the dashboard and the case list it opens.
var figureLink = regexp.MustCompile(`href="(/work/cases\?[^"]*)">(\d+)(?: 件答复)?</a>`)

// figureCases lays out a month whose figures count both cases and events:
// a case answered, rated and closed; one rated unsatisfied, re-handled
// (assigned, accepted and replied twice) and rated again; one received
// online and never registered (no category, no unit); one walked in with
// a deputy and assigned only.
func figureCases(b *bench) {
	ctx, t := b.t.Context(), b.t
	officer, lead, committee := b.f.In[zhitong.RoleOfficer], b.f.In[zhitong.RoleUnit], b.f.In[zhitong.RoleCommittee]
	toCitizen := []app.DeliveryInput{{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}
	c1 := b.intake("建设路路灯不亮", 0)
	b.assign(c1, 5)
	b.accept(c1)
	r := testkit.Must(b.app.Reply(ctx, lead, c1, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "路灯已经修好", Deliveries: toCitizen}))(t)
	testkit.Must(b.app.Evaluate(ctx, r.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)

	c2 := b.intake("排水沟堵塞", 0)
	b.assign(c2, 5)
	b.accept(c2)
	testkit.Must(b.app.Reply(ctx, lead, c2, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在组织清淤"}))(t)
	testkit.Must(b.app.Callback(ctx, officer, c2, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是堵"}))(t)
	testkit.Must(b.app.Rehandle(ctx, committee, c2, app.RehandleInput{Note: "责成重办"}))(t)
	testkit.Must(b.app.Reply(ctx, lead, c2, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已经清淤完毕"}))(t)
	testkit.Must(b.app.Callback(ctx, officer, c2, app.EvaluateInput{Rating: zhitong.RatingSatisfied, Comment: "通了"}))(t)

	b.submitOnline("菜市场占道经营")
	c4 := b.intake("村口小桥栏杆松动", b.f.Deputy)
	b.assign(c4, 5)
}

// TestStatsEveryFigureClicksThrough: on the dashboard, unsliced and by
// every slice, each figure — the totals and every row — opens a case list
// of exactly its cases; where the figure counts events (a re-handled
// round, a second rating) the list says how many times it counted how
// many cases. The rows of every slice add up to the total (a 未分类 row
// takes the cases with no category).
func TestStatsEveryFigureClicksThrough(t *testing.T) {
	b := newBench(t)
	figureCases(b)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	events := 0
	for _, slice := range []string{"", "town", "station", "unit", "category", "channel", "deputy", "level"} {
		pg := committee.get("/work/stats?slice=" + slice)
		wantStatus(t, pg, http.StatusOK)
		links := figureLink.FindAllStringSubmatch(pg.raw, -1)
		if len(links) < 10 {
			t.Fatalf("slice %q: %d figure links:\n%s", slice, len(links), pg.body)
		}
		totals := 0
		for _, m := range links {
			href, want := strings.ReplaceAll(m[1], "&amp;", "&"), m[2]
			if !strings.Contains(href, "key=") {
				totals++
			}
			list := committee.get(href)
			wantStatus(t, list, http.StatusOK)
			n := total(t, list)
			if strconv.Itoa(n) == want {
				continue
			}
			note := fmt.Sprintf("本项计 %s 次，涉及 %d 件案件", want, n)
			if !strings.Contains(list.body, note) {
				t.Errorf("slice %q: %s shows %s, its list %d cases and no %q", slice, href, want, n, note)
				continue
			}
			events++
		}
		if slice != "" && totals == 0 {
			t.Errorf("slice %q: no total links", slice)
		}
	}
	if events == 0 {
		t.Error("no figure counted a case twice: the re-handled case should")
	}

	// Every slice's rows add up to the total, count by count (the unit
	// slice counts a co-handling unit's assignment in its own row too).
	ctx := t.Context()
	p := b.f.In[zhitong.RoleCommittee]
	for _, slice := range []string{"town", "station", "unit", "category", "channel", "deputy", "level"} {
		d := testkit.Must(stats.New(b.app).Dashboard(ctx, p, map[string][]string{"slice": {slice}}))(t)
		var sum measure.Counts
		for _, r := range d.Rows {
			sum.Add(r.Counts)
		}
		if slice == "unit" {
			sum.Assigned, sum.AcceptedInTime = d.Total.Assigned, d.Total.AcceptedInTime
		}
		sum.Overdue = d.Total.Overdue // a stock, not summed here
		if d.Total.Received == 0 || sum != d.Total {
			t.Errorf("slice %s: rows add up to %+v, total %+v", slice, sum, d.Total)
		}
	}
	pg := committee.get("/work/stats?slice=category")
	benchHas(t, pg, "（未分类）")
}

// TestStatsKeyOutsideJurisdiction: a row key of another county (its unit,
// station, deputy, township) is refused and never named.
func TestStatsKeyOutsideJurisdiction(t *testing.T) {
	b := newBench(t)
	figureCases(b)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	names := map[string]string{}
	for _, n := range testkit.Must(b.app.Units(t.Context(), b.f.In[zhitong.RoleCommittee], ""))(t) {
		names[strconv.FormatInt(n.ID, 10)] = n.Name
	}
	for slice, key := range map[string]string{"unit": itoa64(b.f.OtherUnit), "station": itoa64(b.f.OtherStation), "deputy": itoa64(b.f.OtherDeputy),
		"town": b.f.OtherCounty + "100", "level": b.f.OtherCounty, "unit ": "999999"} {
		q := "stat=received&slice=" + strings.TrimSpace(slice) + "&key=" + key
		list := committee.get("/work/cases?" + q)
		wantStatus(t, list, http.StatusBadRequest)
		benchHas(t, list, "不在本辖区")
		name := ""
		if slice == "unit" {
			name = names[key] // another county's unit
		}
		if name != "" && strings.Contains(list.body, name) {
			t.Errorf("%s: the list names %q", q, name)
		}
		api := committee.get("/api/v1/stats/cases?" + q)
		if api.status != http.StatusBadRequest || !strings.Contains(api.raw, `"key"`) || (name != "" && strings.Contains(api.raw, name)) {
			t.Errorf("API %s: %d %s", q, api.status, api.raw)
		}
	}
	// Its own unit is named.
	list := committee.get("/work/cases?stat=assigned&slice=unit&key=" + itoa64(b.f.Lead))
	wantStatus(t, list, http.StatusOK)
	benchHas(t, list, names[itoa64(b.f.Lead)])
}

// TestStatsExportButtonKeepsView: the dashboard's 导出 Excel button
// exports the period and slice on screen (its query is not escaped into
// one parameter): a year by category has the 对比 sheet and the year's title.
func TestStatsExportButtonKeepsView(t *testing.T) {
	b := newBench(t)
	figureCases(b)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	year := strconv.Itoa(b.app.Now().In(zhitong.China).Year())
	pg := committee.get("/work/stats?period=year&year=" + year + "&slice=category")
	wantStatus(t, pg, http.StatusOK)
	m := regexp.MustCompile(`href="(/work/stats\.xlsx\?[^"]*)"`).FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no export button:\n%s", pg.body)
	}
	href := strings.ReplaceAll(m[1], "&amp;", "&")
	if !strings.Contains(href, "slice=category") || !strings.Contains(href, "year="+year) {
		t.Fatalf("export button %s", href)
	}
	x := committee.get(href)
	wantStatus(t, x, http.StatusOK)
	book := testkit.Must(excelize.OpenReader(strings.NewReader(x.raw)))(t)
	rows, err := book.GetRows("对比")
	if err != nil || len(rows) < 3 || !strings.Contains(rows[0][0], year+"年") {
		t.Errorf("对比 sheet of %s: %v %v", href, rows, err)
	}
}

// TestCaseExportKeepsFigureAndTopic: the case list opened from a figure or
// a hot topic exports exactly the cases it lists, on the workbench and
// through the API (whose list takes the same stat= and topic= filters).
func TestCaseExportKeepsFigureAndTopic(t *testing.T) {
	b := newBench(t)
	figureCases(b)
	b.intake("建设路路灯又不亮了", 0)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	for _, q := range []string{"stat=received&slice=category&key=roads", "stat=received&slice=category&key=-", "stat=assigned&slice=deputy&key=" + itoa64(b.f.Deputy),
		"stat=evaluated", "topic=路灯"} {
		list := committee.get("/work/cases?" + q)
		wantStatus(t, list, http.StatusOK)
		n := total(t, list)
		if n == 0 || n >= 5 {
			t.Errorf("%s lists %d cases: the filter should narrow the five", q, n)
		}
		for _, path := range []string{"/work/cases.xlsx?", "/api/v1/cases/export?"} {
			x := committee.get(path + q)
			wantStatus(t, x, http.StatusOK)
			if rows := exporttest.Open(t, []byte(x.raw))[0].Rows; len(rows) != n {
				t.Errorf("%s%s exports %d cases, the list shows %d", path, q, len(rows), n)
			}
		}
		api := committee.get("/api/v1/cases?" + q)
		var pg struct{ Total int }
		if err := json.Unmarshal([]byte(api.raw), &pg); err != nil || pg.Total != n {
			t.Errorf("/api/v1/cases?%s: total %d (%v), the list shows %d", q, pg.Total, err, n)
		}
	}
}

// TestTopicsAndAnalysisExport: the hot topics and the analysis opinions
// have their 导出 Excel button; the workbooks hold the page's rows, in the
// shared format (exporttest.Open checks it).
func TestTopicsAndAnalysisExport(t *testing.T) {
	b := newBench(t)
	for i := range 4 {
		b.intake("建设路路灯不亮第"+strconv.Itoa(i)+"次反映", 0)
	}
	id := b.unsatisfiedCase("村口路灯坏了两个月")
	testkit.Must(topics.New(b.app).Record(t.Context(), b.f.In[zhitong.RoleAnalyst], topics.OpinionInput{CaseID: id, Proposal: "rehandle",
		Text: "答复没有解决问题，应当重新办理"}))(t)
	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	year := strconv.Itoa(b.app.Now().In(zhitong.China).Year())
	for page, want := range map[string]string{"/work/topics?period=year&year=" + year: "路灯", "/work/analysis": "案件 " + itoa64(id)} {
		pg := analyst.get(page)
		wantStatus(t, pg, http.StatusOK)
		m := regexp.MustCompile(`href="(/work/(?:topics|analysis)\.xlsx[^"]*)">导出 Excel`).FindStringSubmatch(pg.raw)
		if m == nil {
			t.Fatalf("%s has no 导出 Excel:\n%s", page, pg.body)
		}
		x := analyst.get(strings.ReplaceAll(m[1], "&amp;", "&"))
		wantStatus(t, x, http.StatusOK)
		sheets := exporttest.Open(t, []byte(x.raw))
		if len(sheets[0].Rows) == 0 || !strings.Contains(sheets[0].Rows[0][1], want) {
			t.Errorf("%s: %+v", m[1], sheets[0])
		}
	}
}
