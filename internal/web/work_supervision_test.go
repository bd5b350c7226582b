package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestSupervisionPages takes a case overdue by two weeks and one with a C
// reply through a sweep, then reads every supervision page the way staff
// and citizens would.
func TestSupervisionPages(t *testing.T) {
	b := newBench(t)
	ctx := t.Context()
	officer := b.login(b.f.In[zhitong.RoleOfficer], "s-officer")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "s-committee")
	late := b.intake("菜市场门口道路坑洼积水", 0)
	b.assign(late, 2)
	planned := b.intake("村道需要拓宽硬化", 0)
	b.assign(planned, 10)
	b.accept(planned)
	testkit.Must(b.app.Reply(ctx, b.f.In[zhitong.RoleUnit], planned, app.ReplyInput{Outcome: zhitong.OutcomePlanned, Text: "已列入明年村道硬化计划",
		PlannedDate: "2026-12-09", Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
	b.clock.Advance(2 * week)
	testkit.Must(b.app.SweepOnce(ctx))(t)
	lateCode, plannedCode := b.view(late).Code, b.view(planned).Code

	q := queues(officer.get("/work"))
	if q["督办清单"] != 1 || q["待回访"] != 1 || q["待跟踪问效"] != 1 {
		t.Errorf("home queues = %v", q)
	}
	// The counts keep to the jurisdiction (counted in SQL, not by reading every task).
	if q := queues(b.login(b.f.Out[zhitong.RoleOfficer], "s-out-home").get("/work")); q["督办清单"] != 0 || q["待回访"] != 0 || q["待跟踪问效"] != 0 {
		t.Errorf("another county's home queues = %v", q)
	}
	benchHas(t, officer.get("/work/cases?overdue=1"), lateCode, "红牌督办")
	pg := officer.get(caseURL(late))
	benchHas(t, pg, "督办情况", "人大督〔2026〕1号", "列入督办清单", "红牌督办")

	pg = officer.get("/work/supervision?level=red")
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, lateCode, "县交通运输局", "列入督办清单")
	benchLacks(t, pg, plannedCode)
	benchHas(t, officer.get("/work/supervision?level=orange"), "督办等级应为")
	benchLacks(t, b.login(b.f.Out[zhitong.RoleOfficer], "s-outsider").get("/work/supervision"), lateCode)
	x := officer.get("/work/supervision.xlsx")
	if x.status != 200 || !strings.HasPrefix(x.raw, "PK") || !strings.Contains(x.header.Get("Content-Disposition"), ".xlsx") {
		t.Errorf("export: %d %v", x.status, x.header)
	}
	letter := regexp.MustCompile(`/work/supervision/letters/\d+`).FindString(officer.get(caseURL(late)).raw)
	benchHas(t, officer.get(letter), "督　办　函", "人大督〔2026〕1号", "县交通运输局：", lateCode)

	// Call-backs and follow-ups.
	benchHas(t, officer.get("/work/callbacks"), plannedCode)
	pg = officer.get("/work/follow-ups")
	benchHas(t, pg, plannedCode, "承诺日期 2026-12-09")
	form := regexp.MustCompile(`/work/follow-ups/\d+`).FindString(pg.raw)
	pg = officer.post(form, url.Values{"result": {"progress"}, "note": {"已完成勘测"}, "next_date": {"2020-01-01"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "下次跟踪日期应晚于今天", "已完成勘测")
	pg = officer.post(form, url.Values{"result": {"solved"}, "note": {"已完工"}})
	benchHas(t, pg, "已记录跟踪问效结果", "没有到期的跟踪问效任务")

	// The policy: read-only for an officer, refused input kept, then saved.
	pg = officer.get("/work/policy")
	benchHas(t, pg, "只有代表工委可以修改")
	benchLacks(t, pg, "保存规则")
	pol := url.Values{"kind_consultation": {"2"}, "cat_roads": {"12"}, "pairs": {"complaint roads 7"}, "rehandle_days": {"8"}, "return_days": {"3"},
		"proposal_months": {"3"}, "complex_proposal_months": {"6"}, "letter_after_days": {"2"}, "list_after_days": {"1"},
		"callback_after_days": {"3"}, "callback_max_tries": {"3"}, "follow_up_days": {"30"}, "reminder_days": {"3,1"}, "letter_prefix": {"定人大督"},
		"bulletin_weekly": {"1"}}
	pg = committee.post("/work/policy", pol)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "逾期列入督办清单的天数应在 2 到 60 之间", "complaint roads 7")
	pol.Set("list_after_days", "5")
	benchHas(t, committee.post("/work/policy", pol), "办理时限与督办规则已保存")
	got := testkit.Must(b.app.Policy(ctx, b.f.In[zhitong.RoleOfficer]))(t)
	if got.RehandleDays != 8 || got.LetterPrefix != "定人大督" || got.BulletinMonthly || len(got.Limits) != 3 {
		t.Errorf("saved policy = %+v", got)
	}

	// Bulletins: staff read them; the public only once published, without personal data.
	pg = committee.get("/work/bulletins")
	link := regexp.MustCompile(`/work/bulletins/(\d+)`).FindStringSubmatch(pg.raw)
	if link == nil {
		t.Fatalf("no bulletin listed:\n%s", pg.body)
	}
	benchHas(t, committee.get(link[0]), "按承办单位", "县交通运输局", "在门户公开")
	anon := &staffer{b: b, http: &http.Client{}}
	wantStatus(t, anon.get("/bulletins/"+link[1]), http.StatusNotFound)
	wantStatus(t, officer.post(link[0]+"/publish", nil), http.StatusForbidden)
	benchHas(t, committee.post(link[0]+"/publish", nil), "通报已在门户公开")
	benchHas(t, anon.get("/bulletins"), "办理情况通报")
	pg = anon.get("/bulletins/" + link[1])
	benchHas(t, pg, "县交通运输局", "按乡镇")
	benchLacks(t, pg, "李四", "13800001111", lateCode)
}

// TestAssignFormTakesKind: the kind chosen on the assign form picks the
// deadline from the policy (consultation: 3 working days, not roads' 15).
func TestAssignFormTakesKind(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "k-officer")
	id := b.intake("咨询道路占用审批流程", 0)
	benchHas(t, officer.get(caseURL(id)), "诉求类型", "办理时限规则")
	pg := officer.act(id, "assign", url.Values{"lead_unit_id": {itoa(b.f.Lead)}, "kind": {"rumour"}})
	benchHas(t, pg, "诉求类型应为咨询、求助、投诉或建议")
	officer.act(id, "assign", url.Values{"lead_unit_id": {itoa(b.f.Lead)}, "kind": {"consultation"}})
	if v := b.view(id); v.Status != zhitong.StatusAssigned || v.DueDate != "2026-11-30" || v.Supervision.Kind != zhitong.KindConsultation {
		t.Errorf("assigned: %s due %s kind %s", v.Status, v.DueDate, v.Supervision.Kind)
	}
}
