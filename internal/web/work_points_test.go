package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func (b *bench) count(table string) int {
	b.t.Helper()
	var n int
	if err := b.app.DB().QueryRow(b.t.Context(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		b.t.Fatal(err)
	}
	return n
}

func TestWorkDutyRecordForm(t *testing.T) {
	b := newBench(t)
	f := b.f
	deputy := b.login(f.In[zhitong.RoleDeputy], "duty-deputy")
	b.receptionOn("2026-11-25")
	form := deputy.get("/work/duty/new?kind=reception")
	wantStatus(t, form, http.StatusOK)
	benchHas(t, form, "登记接待记录", "接待群众人次", "第 1 件", "关联已登记的意见建议")

	post := url.Values{"kind": {"reception"}, "day": {"2026-11-25"}, "station_id": {strconv.FormatInt(f.Station, 10)}, "deputy_id": {strconv.FormatInt(f.Deputy, 10)},
		"visitors": {"5"}, "answered": {"养老保险政策已当场解答"},
		"c0_body": {"村口路灯坏了三个月没人修"}, "c0_category": {"roads"},
		"c1_body": {"短"}, "c1_category": {"roads"}}
	cases, records := b.count("cases"), b.count("duty_records")
	bad := deputy.post("/work/duty/new", post)
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "第 2 件意见建议", "村口路灯坏了三个月没人修")
	if b.count("cases") != cases || b.count("duty_records") != records {
		t.Fatal("a refused form left rows behind")
	}
	post.Set("c1_body", "咨询新农合缴费标准")
	post.Set("c1_answer", "每人每年380元")
	post.Set("c1_category", "consult")
	ok := deputy.post("/work/duty/new", post)
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已保存接待记录，关联意见建议 2 件", "养老保险政策已当场解答", "我的履职报告")
	own := deputy.get("/work/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/report")
	wantStatus(t, own, http.StatusOK)
	benchLacks(t, own, "编辑报告正文与评议结果")
	wantStatus(t, deputy.get("/work/deputies/"+strconv.FormatInt(f.OtherDeputy, 10)+"/report"), http.StatusForbidden)
	if b.count("cases") != cases+2 || b.count("duty_records") != records+1 {
		t.Fatalf("cases %d→%d, records %d→%d", cases, b.count("cases"), records, b.count("duty_records"))
	}

	unit := b.login(f.In[zhitong.RoleUnit], "duty-unit")
	wantStatus(t, unit.get("/work/duty"), http.StatusForbidden)
	outsider := b.login(f.Out[zhitong.RoleOfficer], "duty-outsider")
	benchLacks(t, outsider.get("/work/duty"), "养老保险政策已当场解答")

	// The public scorecard and the results page count the same records.
	citizen := &staffer{b: b, http: &http.Client{}}
	sc := citizen.get("/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/scorecard")
	wantStatus(t, sc, http.StatusOK)
	benchHas(t, sc, "履职成绩单", "接待群众<strong>5</strong>人次", "收集意见建议<strong>2</strong>条")
	wantStatus(t, citizen.get("/deputies/99999/scorecard"), http.StatusNotFound)
	benchHas(t, citizen.get("/results"), "累计进站接待群众5人次，收集各类意见建议"+strconv.Itoa(b.count("cases"))+"条")
}

func TestWorkPointsPages(t *testing.T) {
	b := newBench(t)
	f := b.f
	officer := b.login(f.In[zhitong.RoleOfficer], "pts-officer")
	committee := b.login(f.In[zhitong.RoleCommittee], "pts-committee")
	inactive := officer.get("/work/inactive")
	wantStatus(t, inactive, http.StatusOK)
	benchHas(t, inactive, "约谈提醒", "共 <strong>1</strong> 位代表", "刘代表")
	benchLacks(t, inactive, "陈代表")

	pts := committee.get("/work/points")
	wantStatus(t, pts, http.StatusOK)
	benchHas(t, pts, "代表排名", "刘代表", "进站接待", "按现行规则重算全部积分")
	benchLacks(t, officer.get("/work/points"), "按现行规则重算全部积分")
	bad := committee.post("/work/points/rules/case", url.Values{"points": {"1"}, "cap": {"5"}, "period": {""}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "封顶周期")
	benchHas(t, committee.post("/work/points/rules/case", url.Values{"points": {"2"}, "cap": {"5"}, "period": {"month"}}), "已修改“收集意见建议”的积分规则")
	benchHas(t, committee.post("/work/points/recompute", nil), "已重算 1 位代表的积分台账")
	wantStatus(t, officer.post("/work/points/recompute", nil), http.StatusForbidden)
	benchHas(t, committee.post("/work/points/settings", url.Values{"inactive_days": {"30"}}), "约谈提醒天数已设为 30 天")

	report := "/work/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/report"
	pg := officer.get(report + "?from=2026-01-01&to=2026-11-25")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "刘代表代表履职情况报告", "2026-01-01 至 2026-11-25", "/static/points.css", "编辑报告正文与评议结果")
	tooMany := officer.post(report, url.Values{"from": {"2026-01-01"}, "to": {"2026-11-25"}, "narrative": {"正文"}, "present": {"2"}, "satisfied": {"3"}})
	wantStatus(t, tooMany, http.StatusBadRequest)
	benchHas(t, tooMany, "不能多于到会选民人数")
	saved := officer.post(report, url.Values{"from": {"2026-01-01"}, "to": {"2026-11-25"}, "narrative": {"一年来，本人坚持每月进站接待。"}, "present": {"40"}, "satisfied": {"35"}, "basic": {"4"}, "unsatisfied": {"1"}})
	wantStatus(t, saved, http.StatusOK)
	benchHas(t, saved, "已保存述职报告和评议结果", "一年来，本人坚持每月进站接待。", "到会选民 40 人：满意 35 票，基本满意 4 票，不满意 1 票",
		"已保存的述职报告", "2026-01-01 至 2026-11-25</a>（当前）")
	benchLacks(t, saved, "record:", "case:")
	// A report saved for another period is listed and opens.
	benchHas(t, officer.post(report, url.Values{"from": {"2026-07-01"}, "to": {"2026-09-30"}, "narrative": {""}, "present": {"0"}, "satisfied": {"0"}, "basic": {"0"}, "unsatisfied": {"0"}}),
		"本人刘代表在2026-07-01至2026-09-30期间", "?from=2026-01-01&to=2026-11-25")

	// 约谈提醒: the button on the inactivity list sends and records a reminder.
	remind := officer.post("/work/inactive/"+strconv.FormatInt(f.Deputy, 10)+"/remind", url.Values{"days": {"1"}})
	wantStatus(t, remind, http.StatusOK)
	benchHas(t, remind, "约谈提醒", "发送提醒", "上次提醒")
	benchHas(t, remind, "按档案登记的手机号发短信")
	// Clicked again the same day: nothing sent, the page says when it was.
	again := officer.post("/work/inactive/"+strconv.FormatInt(f.Deputy, 10)+"/remind", url.Values{"days": {"1"}})
	wantStatus(t, again, http.StatusOK)
	benchHas(t, again, "已向刘代表代表发送过约谈提醒，同一天不再重复发送")
	var reminders int
	testkit.Must(0, b.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM deputy_reminders WHERE deputy_id = ?`, f.Deputy).Scan(&reminders))(t)
	if reminders != 1 {
		t.Errorf("two clicks the same day stored %d reminders, want 1", reminders)
	}
	outsider := b.login(f.Out[zhitong.RoleOfficer], "pts-outsider")
	wantStatus(t, outsider.get(report), http.StatusForbidden)
}

// receptionOn makes the days reception days of the fixture's station.
func (b *bench) receptionOn(days ...string) {
	b.t.Helper()
	var rules []zhitong.ReceptionRule
	for _, d := range days {
		rules = append(rules, zhitong.ReceptionRule{Kind: zhitong.RuleDate, Date: d, Holidays: zhitong.HolidayKeep})
	}
	testkit.Must(b.app.SetReceptionRules(b.t.Context(), b.f.In[zhitong.RoleCommittee], b.f.Station, rules, nil))(b.t)
}

// Staff correct and void a record from its page; the deputy sees it but
// may not change a record the office entered.
func TestWorkDutyRecordCorrection(t *testing.T) {
	b := newBench(t)
	f := b.f
	rec := testkit.Must(b.app.CreateRecord(t.Context(), f.In[zhitong.RoleOfficer], app.RecordInput{Kind: zhitong.RecordReception, Day: "2026-11-24",
		StationID: f.Station, Visitors: 12, DeputyIDs: []int64{f.Deputy}}))(t)
	page := "/work/duty/" + strconv.FormatInt(rec.ID, 10)
	officer := b.login(f.In[zhitong.RoleOfficer], "fix-officer")
	list := officer.get("/work/duty")
	benchHas(t, list, `href="`+page+`"`)
	view := officer.get(page)
	wantStatus(t, view, http.StatusOK)
	benchHas(t, view, "更正记录", "更正原因", "作废记录", "作废原因")
	deputy := b.login(f.In[zhitong.RoleDeputy], "fix-deputy")
	own := deputy.get(page)
	wantStatus(t, own, http.StatusOK)
	benchLacks(t, own, "保存更正", "作废原因")

	edit := url.Values{"day": {"2026-11-24"}, "station_id": {strconv.FormatInt(f.Station, 10)}, "deputy_id": {strconv.FormatInt(f.Deputy, 10)}, "visitors": {"5000"},
		"reason": {"按登记簿核对"}}
	bad := officer.post(page, edit)
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "接待群众人次应在 0 到 500 之间")
	edit.Set("visitors", "8")
	fixed := officer.post(page, edit)
	wantStatus(t, fixed, http.StatusOK)
	benchHas(t, fixed, "已更正履职记录", "最近更正")
	if got := testkit.Must(b.app.CountyTotals(t.Context(), f.County))(t); got.Received != 8 {
		t.Fatalf("received after the correction = %d", got.Received)
	}
	wantStatus(t, deputy.post(page+"/void", url.Values{"void_reason": {"重复"}}), http.StatusForbidden)
	wantStatus(t, officer.post(page+"/void", url.Values{"void_reason": {""}}), http.StatusBadRequest)
	voided := officer.post(page+"/void", url.Values{"void_reason": {"与纸质台账重复"}})
	wantStatus(t, voided, http.StatusOK)
	benchHas(t, voided, "已作废履职记录", "已作废", "与纸质台账重复")
	benchLacks(t, voided, "保存更正")
	if got := testkit.Must(b.app.CountyTotals(t.Context(), f.County))(t); got.Received != 0 {
		t.Fatalf("received after the void = %d", got.Received)
	}
	if body := officer.get("/work/duty"); !strings.Contains(body.body, "已作废") {
		t.Fatal("the list does not mark the voided record")
	}
}
