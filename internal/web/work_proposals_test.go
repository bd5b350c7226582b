package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/testkit"
)

// TestProposalPages proposes a case from its page with a handling unit,
// reads the deadline on the case and the proposal, lets it run overdue
// into the supervision list, and marks it complex from its page.
func TestProposalPages(t *testing.T) {
	b := newBench(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "p-officer")
	committee := b.login(b.f.In[zhitong.RoleCommittee], "p-committee")
	id := b.intake("建议统筹建设乡镇污水处理设施", 0)
	pg := officer.act(id, "propose", url.Values{"title": {"关于乡镇污水处理的建议"}, "unit_id": {strconv.FormatInt(b.f.Lead, 10)}})
	if pg.status >= 400 {
		t.Fatalf("propose: %d %s", pg.status, pg.raw)
	}
	pid := b.view(id).ProposalID
	purl := "/work/proposals/" + strconv.FormatInt(pid, 10)
	benchHas(t, officer.get(caseURL(id)), purl, "办理期限 2027-02-25", "个工作日")
	pg = officer.get(purl)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "关于乡镇污水处理的建议", "县交通运输局", "2026-11-25", "2027-02-25", "还有 ")
	benchLacks(t, pg, "改为复杂建议</h2>") // officers may not mark it complex

	b.clock.Advance(15 * week)
	testkit.Must(b.app.SweepOnce(t.Context()))(t)
	pg = officer.get("/work/supervision?level=red")
	benchHas(t, pg, purl, "关于乡镇污水处理的建议", "红牌督办", "列入督办清单")
	benchHas(t, officer.get(purl), "红牌督办", "逾期督办函", "人大督〔2027〕")
	benchLacks(t, b.login(b.f.Out[zhitong.RoleCommittee], "p-outsider").get("/work/supervision"), purl)

	pg = committee.post(purl+"/complex", url.Values{"reason": {" "}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "认定理由")
	committee.post(purl+"/complex", url.Values{"reason": {"涉及县财政预算，需跨年度统筹"}})
	pg = committee.get(purl)
	benchHas(t, pg, "2027-05-25（复杂建议）", "改为复杂建议", "涉及县财政预算")
	benchLacks(t, pg, "红牌督办</span></h1>")

	// The committee hands the proposal to another unit, with a reason; an
	// empty reason comes back with the form's error.
	co := strconv.FormatInt(b.f.Co, 10)
	pg = committee.post(purl+"/unit", url.Values{"unit_id": {co}, "reason": {""}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, `id="unit-err"`)
	committee.post(purl+"/unit", url.Values{"unit_id": {co}, "reason": {"污水处理由住建部门牵头"}})
	pg = committee.get(purl)
	benchHas(t, pg, "确定承办单位", "承办单位由“县交通运输局”改为", "污水处理由住建部门牵头")
	benchLacks(t, officer.get(purl), `action="`+purl+`/unit"`)
}
