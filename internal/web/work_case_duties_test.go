package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"zhitong"
)

// TestUnitDutiesOnTheCasePage: through the real HTTP stack, the co-handling
// unit gives and amends its opinion, the lead unit sees it beside the reply
// form and looks up the citizen's phone with a reason; the co-handling unit
// never sees the phone.
func TestUnitDutiesOnTheCasePage(t *testing.T) {
	b := newBench(t)
	f := b.f
	lead := b.login(f.In[zhitong.RoleUnit], "duty-lead")
	co := b.login(f.CoUnit(), "duty-co")
	officer := b.login(f.In[zhitong.RoleOfficer], "duty-officer")
	id := b.intake("建设路人行道砖松动，老人容易绊倒", 0)
	b.assign(id, 10)
	b.accept(id)
	const phone = "13800001111"

	pg := co.get(caseURL(id))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "提交协办意见", "同意主办单位的办理意见", `本轮：历市镇人民政府 <span class="badge soon">未提交`)
	benchLacks(t, pg, "查看群众电话", phone)

	if n := total(t, co.get("/work/cases?coop=1")); n != 1 {
		t.Fatalf("待提交协办意见 = %d, want 1", n)
	}
	pg = co.act(id, "co_opinion", url.Values{"text": {" "}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "协办意见至少需要 2 个字")
	pg = co.act(id, "co_opinion", url.Values{"text": {"镇政府已安排人员配合更换人行道砖"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "协办意见已提交", `data-label="意见"`, "镇政府已安排人员配合更换人行道砖", "修改协办意见")
	if n := total(t, co.get("/work/cases?coop=1")); n != 0 {
		t.Fatalf("待提交协办意见 after the opinion = %d, want 0", n)
	}
	pg = co.act(id, "co_opinion", url.Values{"text": {"已完成配合工作，同意主办单位方案"}, "agrees": {"1"}, "finished": {"1"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已完成配合工作，同意主办单位方案", "同意主办单位意见", "协办事项已办结", "修改 2 次")
	pg = co.post(caseURL(id)+"/citizen-phone", url.Values{"reason": {"想联系群众"}})
	wantStatus(t, pg, http.StatusForbidden)
	benchLacks(t, pg, phone)

	pg = lead.get(caseURL(id))
	benchHas(t, pg, "查看群众电话", "协办意见：", `历市镇人民政府 <span class="badge ok">已提交`, "协办单位均已提交意见", "已完成配合工作，同意主办单位方案")
	benchLacks(t, pg, phone)
	pg = lead.post(caseURL(id)+"/citizen-phone", url.Values{"reason": {" "}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "查看原因至少需要 2 个字")
	benchLacks(t, pg, phone)
	pg = lead.post(caseURL(id)+"/citizen-phone", url.Values{"reason": {"电话告知群众办理进展"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, `href="tel:`+phone+`"`, "李四", "主办单位查看群众电话，原因：电话告知群众办理进展")
	if cc := pg.header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("revealed page Cache-Control = %q", cc)
	}
	// Staff see both in the case history; the phone itself appears nowhere else.
	pg = officer.get(caseURL(id))
	benchHas(t, pg, "主办单位查看群众电话", "修改协办意见（同意主办单位意见）（协办事项已办结）")
	benchLacks(t, pg, phone)

	// After the reply the co-handler's form is gone and a hand-made POST is refused.
	b.reply(id)
	pg = co.get(caseURL(id))
	benchLacks(t, pg, `id="act-co_opinion"`)
	pg = co.act(id, "co_opinion", url.Values{"text": {"再补充一句"}})
	wantStatus(t, pg, http.StatusConflict)
	pg = lead.post(caseURL(id)+"/citizen-phone", url.Values{"reason": {"电话告知群众办理进展"}})
	wantStatus(t, pg, http.StatusConflict)
	benchLacks(t, pg, phone)
}
