package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// The walk-in desk names likely duplicates of the case just taken in; the
// case page lists them and merges in one click.
func TestDuplicatesOnTheWorkbench(t *testing.T) {
	b := newBench(t)
	first := testkit.Must(b.app.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。",
		RegionCode: b.f.Town, Name: "王小明", Phone: "139 0797 1234"}))(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	pg := officer.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {itoa64(b.f.Station)}, "category": {"roads"},
		"body": {"渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。"}, "anonymous": {"1"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "疑似重复", first.Code)
	m := benchCode.FindStringSubmatch(pg.raw)
	if m == nil {
		t.Fatalf("no tracking code:\n%s", pg.body)
	}
	id := testkit.Must(b.app.CaseIDByCode(t.Context(), b.f.In[zhitong.RoleOfficer], m[1]))(t)
	pg = officer.get("/work/cases/" + itoa64(id))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "疑似重复案件", `name="into_case_id" value="`+itoa64(first.ID)+`"`, "合并到 "+first.Code)
	v := testkit.Must(b.app.Get(t.Context(), b.f.In[zhitong.RoleOfficer], id))(t)
	officer.post("/work/cases/"+itoa64(id)+"/merge", url.Values{"version": {itoa(int64(v.Version))}, "into_case_id": {itoa64(first.ID)}, "note": {"疑似重复，合并办理"}})
	if v := testkit.Must(b.app.Get(t.Context(), b.f.In[zhitong.RoleOfficer], id))(t); v.Status != zhitong.StatusMerged || v.MergedInto != first.ID {
		t.Fatalf("after one-click merge: %s into %d", v.Status, v.MergedInto)
	}
}

// A citizen may look for similar issues before submitting: the notice
// shows status and area, never another citizen's data, and the form keeps
// what was typed; submitting still works.
func TestPortalSimilarIssues(t *testing.T) {
	p := newPortal(t)
	testkit.Must(p.app.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。",
		RegionCode: p.f.Town, Name: "李小红", Phone: "138 0797 5678"}))(t)
	form := p.validForm()
	form.Set("body", "渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。")
	form.Set("check", "similar")
	pg := p.submit(form)
	if pg.status != http.StatusOK || !strings.Contains(pg.body, "已有类似问题正在办理") || !strings.Contains(pg.body, "一滩水") {
		t.Fatalf("check: %d\n%s", pg.status, pg.body)
	}
	for _, leak := range []string{"李小红", "5678", "农商银行门口有个大坑"} {
		if strings.Contains(pg.body, leak) {
			t.Fatalf("similar notice leaks %q", leak)
		}
	}
	form.Del("check")
	pg = p.submit(form)
	trackingCode(t, pg)
}
