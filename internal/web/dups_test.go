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
	if pg.status != http.StatusOK || !strings.Contains(pg.body, "同一乡镇已有类似问题") || !strings.Contains(pg.body, "一滩水") {
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

// While a citizen types, the portal asks /submit/similar: a duplicate gets
// the notice with public progress only; unrelated text, or too little to
// go on, gets nothing. After submitting a duplicate, the done page tells
// the citizen too.
func TestPortalLiveSimilar(t *testing.T) {
	p := newPortal(t)
	testkit.Must(p.app.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。",
		RegionCode: p.f.Town, Name: "李小红", Phone: "138 0797 5678"}))(t)
	dup := "渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。"
	pg := p.postForm("/submit/similar", url.Values{"region": {p.f.Town}, "body": {dup}})
	if pg.status != http.StatusOK || !strings.Contains(pg.body, "同一乡镇已有类似问题") || strings.Contains(pg.body, "<html") {
		t.Fatalf("live look-up: %d\n%s", pg.status, pg.body)
	}
	mustNotContain(t, pg, "李小红", "5678", "农商银行门口有个大坑")
	// By station, as when the citizen came from a station's poster.
	pg = p.postForm("/submit/similar", url.Values{"station": {itoa(p.f.Station)}, "body": {dup}})
	mustContain(t, pg, "同一乡镇已有类似问题")
	// With the township, station and category the form has chosen (they
	// weigh the candidates, docs/duplicates.md "Structured signals").
	pg = p.postForm("/submit/similar", url.Values{"region": {p.f.Town}, "station": {itoa(p.f.Station)}, "category": {"roads"}, "body": {dup}})
	mustContain(t, pg, "同一乡镇已有类似问题")
	for _, form := range []url.Values{
		{"region": {p.f.Town}, "body": {"新园村卫生室经常没人值班，看个小病都要跑到镇上。"}},
		{"region": {p.f.Town}, "body": {""}},
		{"region": {"abc"}, "body": {dup}},
		{"body": {dup}},
		{"region": {p.f.Town}, "station": {"999999"}, "body": {dup}}, // an unknown station: no answer while typing
	} {
		if pg := p.postForm("/submit/similar", form); pg.status != http.StatusOK || strings.TrimSpace(pg.body) != "" {
			t.Fatalf("%v: %d %q", form, pg.status, pg.body)
		}
	}
	// The form carries the look-up and its script.
	mustContain(t, p.get("/submit"), `data-similar="/submit/similar"`, `/static/similar.js`)

	form := p.validForm()
	form.Set("body", dup)
	pg = p.submit(form)
	trackingCode(t, pg)
	mustContain(t, pg, "同一乡镇已有类似问题")
	mustNotContain(t, pg, "李小红", "5678", "农商银行门口有个大坑")
}

// The walk-in desk looks up likely duplicates while the officer types, in
// the officer's jurisdiction and for the chosen station; roles that cannot
// merge are not offered the look-up.
func TestIntakeLiveDuplicates(t *testing.T) {
	b := newBench(t)
	first := testkit.Must(b.app.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。",
		RegionCode: b.f.Town, Name: "王小明", Phone: "139 0797 1234"}))(t)
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	benchHas(t, officer.get("/work/intake"), `data-similar="/work/intake/similar"`)
	pg := officer.post("/work/intake/similar", url.Values{"station_id": {itoa64(b.f.Station)}, "category": {"roads"}, "body": {"渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "疑似重复", first.Code, `/work/cases/`+itoa64(first.ID))
	benchLacks(t, pg, "王小明", "<html")
	pg = officer.post("/work/intake/similar", url.Values{"station_id": {itoa64(b.f.Station)}, "body": {"新园村卫生室经常没人值班"}})
	if wantStatus(t, pg, http.StatusOK); strings.TrimSpace(pg.body) != "" {
		t.Fatalf("unrelated text: %q", pg.body)
	}
	pg = officer.post("/work/intake/similar", url.Values{"station_id": {"999999"}, "body": {"渡江路银行门口路面坑洼"}})
	if pg.status < 400 || pg.status >= 500 {
		t.Fatalf("unknown station: %d", pg.status)
	}
	deputy := b.login(b.f.In[zhitong.RoleDeputy], "daibiao")
	benchLacks(t, deputy.get("/work/intake"), "data-similar")
}

// TestPortalSimilarFinished: a similar issue already finished is shown
// with how it ended (已评价), not as being handled.
func TestPortalSimilarFinished(t *testing.T) {
	p := newPortal(t)
	ctx := t.Context()
	c := testkit.Must(p.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。",
		RegionCode: p.f.Town, Name: "李小红", Phone: "138 0797 5678"}))(t)
	officer, lead := p.f.In[zhitong.RoleOfficer], p.f.In[zhitong.RoleUnit]
	testkit.Must(p.app.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads", Kind: zhitong.KindConsultation}))(t)
	testkit.Must(p.app.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: p.f.Lead}))(t)
	testkit.Must(p.app.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	testkit.Must(p.app.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已经补好路面",
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
	testkit.Must(p.app.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
	pg := p.postForm("/submit/similar", url.Values{"region": {p.f.Town}, "body": {"渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。"}})
	mustContain(t, pg, "同一乡镇已有类似问题", zhitong.Label(zhitong.Statuses, zhitong.StatusEvaluated))
	mustNotContain(t, pg, "正在办理")
}
