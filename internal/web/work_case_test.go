package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

// The loop through the forms: an officer registers and assigns, the lead unit
// accepts and replies with dual feedback, the officer calls back and closes.
func TestCaseLoopThroughForms(t *testing.T) {
	b := newBench(t)
	id := b.submitOnline("历市镇建设路有个大坑，晚上骑车很危险")
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	unit := b.login(b.f.In[zhitong.RoleUnit], "jiaotong")

	pg := officer.get(caseURL(id))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已受理，待登记", `action="/work/cases/`+itoa64(id)+`/register"`, `name="version" value="1"`, "张*", "139****5678")
	benchLacks(t, pg, "13912345678", `/accept"`)

	pg = officer.act(id, "register", url.Values{"category": {"roads"}, "station_id": {itoa64(b.f.Station)}, "deputy_id": {itoa64(b.f.Deputy)}, "place": {"建设路 12 号"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已登记分类，等待分流", "已登记，待分流", "建设路 12 号", "刘代表")

	pg = officer.act(id, "assign", url.Values{"lead_unit_id": {itoa64(b.f.Lead)}, "co_unit_ids": {itoa64(b.f.Co)}, "days": {"5"}, "note": {"请实地查看"}})
	benchHas(t, pg, "已交办，办理时限开始计算", "县交通运输局（主办，待签收）", "历市镇人民政府（协办，待签收）", "还剩 5 个工作日")
	if v := b.view(id); v.Status != zhitong.StatusAssigned || v.DueDate == "" {
		t.Fatalf("after assign: %s due %q", v.Status, v.DueDate)
	}

	// The unit may accept but not yet reply, and never assign.
	pg = unit.get(caseURL(id))
	benchHas(t, pg, `/accept"`, `/return"`, `/request_extension"`)
	benchLacks(t, pg, `/reply"`, `/assign"`, `/register"`, "查看完整个人信息")
	pg = unit.act(id, "accept", nil)
	benchHas(t, pg, "已签收", "办理中", `/reply"`)

	pg = unit.act(id, "reply", url.Values{"outcome": {"A"}, "text": {"已安排施工队于本周填平并设置警示标志。"},
		"congress_channel": {"written"}, "citizen_channel": {"phone"}})
	benchHas(t, pg, "已答复", "A类 已解决", "反馈人大（书面答复", "反馈群众（电话告知")
	if v := b.view(id); v.Status != zhitong.StatusReplied || !v.DualFeedback || !v.Solved {
		t.Fatalf("after reply: %s dual=%v solved=%v", v.Status, v.DualFeedback, v.Solved)
	}

	pg = officer.act(id, "callback", url.Values{"reached": {"1"}, "rating": {"satisfied"}, "comment": {"很快就修好了"}})
	benchHas(t, pg, "已记录回访", "已评价", "满意")
	pg = officer.act(id, "close", nil)
	benchHas(t, pg, "已办结")
	pg = officer.act(id, "archive", nil)
	benchHas(t, pg, "已归档", "当前没有您可以执行的操作")
}

func TestActionsFollowPermission(t *testing.T) {
	b := newBench(t)
	id := b.intake("村口水渠堵塞，下雨就淹", 0)
	unit := b.login(b.f.In[zhitong.RoleUnit], "danwei")
	analyst := b.login(b.f.In[zhitong.RoleAnalyst], "yanpan")
	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "longnan")

	// The unit cannot see a case never assigned to it at all.
	wantStatus(t, unit.get(caseURL(id)), http.StatusForbidden)

	pg := analyst.get(caseURL(id))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "当前没有您可以执行的操作")
	benchLacks(t, pg, `/assign"`, `/decline"`, "查看完整个人信息")

	// Forged posts get the 403 page, whatever the form holds.
	for _, tc := range []struct {
		who    *staffer
		action string
		form   url.Values
	}{
		{analyst, "assign", url.Values{"lead_unit_id": {itoa64(b.f.Lead)}}},
		{analyst, "assign", url.Values{}},
		{analyst, "decline", url.Values{"text": {"不属于职责范围"}}},
		{unit, "register", url.Values{"category": {"roads"}}},
		{unit, "supervise", url.Values{"kind": {"phone"}, "note": {"催"}}},
		{outsider, "assign", url.Values{"lead_unit_id": {itoa64(b.f.Lead)}}},
	} {
		pg := tc.who.act(id, tc.action, tc.form)
		wantStatus(t, pg, http.StatusForbidden)
		benchHas(t, pg, "无权访问")
	}
	wantStatus(t, analyst.post(caseURL(id)+"/reveal", url.Values{"reason": {"好奇"}}), http.StatusForbidden)
	wantStatus(t, b.login(b.f.In[zhitong.RoleOfficer], "ganshi").act(id, "no_such_step", nil), http.StatusNotFound)
	if v := b.view(id); v.Status != zhitong.StatusRegistered || v.Version != 1 {
		t.Fatalf("a refused post changed the case: %s v%d", v.Status, v.Version)
	}
}

func TestFormErrorKeepsInput(t *testing.T) {
	b := newBench(t)
	id := b.intake("县道 S321 沿线路灯不亮", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	pg := officer.act(id, "assign", url.Values{"co_unit_ids": {itoa64(b.f.Co)}, "days": {"7"}, "note": {"请尽快排查线路故障"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "请选择主办单位", "请尽快排查线路故障", `name="days" type="number" min="1" max="130" inputmode="numeric" value="7"`,
		`id="act-assign" open`, `aria-invalid="true"`)
	benchHas(t, pg, `value="`+itoa64(b.f.Co)+`" checked`)

	// A reply in class C needs its planned date; the typed text stays.
	b.assign(id, 10)
	b.accept(id)
	unit := b.login(b.f.In[zhitong.RoleUnit], "danwei")
	pg = unit.act(id, "reply", url.Values{"outcome": {"C"}, "text": {"已列入明年城乡照明改造计划。"}, "citizen_channel": {"sms"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "C 类（列入计划）须填写计划完成日期", "已列入明年城乡照明改造计划。", `value="C" required checked`, `value="sms" selected`)

	// With htmx the same page comes back as 200, so that htmx swaps it in.
	pg = unit.hx(http.MethodPost, caseURL(id)+"/reply", "main", url.Values{"version": {"3"}, "outcome": {"D"}, "text": {"资金暂不具备条件。"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "请填写暂不能解决的原因")
	benchLacks(t, pg, "<html")
}

func TestRefusedStepShowsWhy(t *testing.T) {
	b := newBench(t)
	id := b.intake("幼儿园门口接送时段拥堵", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	// Someone else assigned it while this page was open.
	stale := url.Values{"version": {"1"}, "lead_unit_id": {itoa64(b.f.Lead)}}
	b.assign(id, 10)
	pg := officer.act(id, "assign", stale)
	wantStatus(t, pg, http.StatusConflict)
	benchHas(t, pg, "操作未完成：案件已被他人修改", "已交办")

	// A step the status does not allow.
	pg = officer.act(id, "register", url.Values{"category": {"roads"}})
	wantStatus(t, pg, http.StatusConflict)
	benchHas(t, pg, "不能执行“登记分类”")
}

func TestRevealAsksForReason(t *testing.T) {
	b := newBench(t)
	id := b.intake("楼下烧烤店油烟扰民", 0)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")

	pg := officer.get(caseURL(id))
	benchHas(t, pg, "李*", "138****1111", "查看完整个人信息")
	benchLacks(t, pg, "13800001111")

	pg = officer.post(caseURL(id)+"/reveal", url.Values{"reason": {""}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "查看原因")
	benchLacks(t, pg, "13800001111")

	pg = officer.post(caseURL(id)+"/reveal", url.Values{"reason": {"电话回访需要联系方式"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "13800001111", "李四", "已记入审计日志")
	if pg.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("revealed page may be cached: %q", pg.header.Get("Cache-Control"))
	}
	// Shown once: the case page is masked again.
	benchLacks(t, officer.get(caseURL(id)), "13800001111")
}

func TestHTMXActionSwapsInPlace(t *testing.T) {
	b := newBench(t)
	id := b.intake("河道垃圾堆积发臭", 0)
	b.assign(id, 10)
	unit := b.login(b.f.In[zhitong.RoleUnit], "danwei")
	pg := unit.hx(http.MethodPost, caseURL(id)+"/accept", "main", url.Values{"version": {"2"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已签收", "办理中")
	benchLacks(t, pg, "<html")

	// A refused step is swapped in too, with its reason.
	pg = unit.hx(http.MethodPost, caseURL(id)+"/accept", "main", url.Values{"version": {"3"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "操作未完成")
	pg = unit.hx(http.MethodPost, caseURL(id)+"/assign", "main", url.Values{"version": {"3"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "无权执行")
	if pg.header.Get("HX-Retarget") != "#main" {
		t.Fatalf("HX-Retarget = %q", pg.header.Get("HX-Retarget"))
	}
}

func TestCasePageShowsPhotosToStaffInJurisdiction(t *testing.T) {
	b := newBench(t)
	c := testkit.Must(b.app.SubmitWithPhotos(t.Context(), app.IntakeInput{Body: "建设路井盖缺失，夜里很危险", StationID: b.f.Station, Anonymous: true},
		[]app.PhotoInput{{Name: "井盖.jpg", Data: gpsJPEG(t)}}, false))(t)
	atts := testkit.Must(b.app.Attachments(t.Context(), b.f.In[zhitong.RoleOfficer], c.ID))(t)
	if len(atts) != 1 {
		t.Fatalf("case has %d photos", len(atts))
	}
	photo := caseURL(c.ID) + "/photos/" + itoa64(atts[0].ID)

	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	benchHas(t, officer.get(caseURL(c.ID)), `href="`+photo+`"`, `src="`+photo+`?size=thumb"`)
	if th := officer.get(photo + "?size=thumb"); th.status != http.StatusOK || th.header.Get("Content-Type") != "image/jpeg" || hasExif([]byte(th.raw)) {
		t.Errorf("thumbnail: %d %q exif=%v", th.status, th.header.Get("Content-Type"), hasExif([]byte(th.raw)))
	}
	pg := officer.get(photo)
	wantStatus(t, pg, http.StatusOK)
	if pg.header.Get("Content-Type") != "image/jpeg" || pg.header.Get("X-Content-Type-Options") != "nosniff" || hasExif([]byte(pg.raw)) {
		t.Errorf("photo served as %q nosniff=%q exif=%v", pg.header.Get("Content-Type"), pg.header.Get("X-Content-Type-Options"), hasExif([]byte(pg.raw)))
	}

	outsider := b.login(b.f.Out[zhitong.RoleOfficer], "waixian")
	wantStatus(t, outsider.get(photo), http.StatusForbidden)
	wantStatus(t, officer.get(caseURL(c.ID)+"/photos/999999"), http.StatusNotFound)
}
