package server_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/dups"
	"zhitong/internal/testkit"
)

func TestDuplicatesSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"DuplicateDraft": reflect.TypeFor[dups.Draft](), "DuplicateMatch": reflect.TypeFor[dups.Match](), "PublicDuplicate": reflect.TypeFor[dups.PublicMatch](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
}

// TestDuplicatesAPI: a case's duplicates, the walk-in check, the public
// check without personal data, merge in one more call; answers checked
// against the document.
func TestDuplicatesAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	o := f.In[zhitong.RoleOfficer]
	sub := func(body string) *zhitong.Case {
		return testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234"}))(t)
	}
	first := sub("渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。")
	sub("渡江路从菜市场到汽车站一段路灯不亮，晚上黑漆漆的。")
	second := sub("渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。")
	officer := e.login(o, "dups-officer")
	outsider := e.login(f.Out[zhitong.RoleOfficer], "dups-outsider")
	tmpl, path := "/api/v1/cases/{id}/duplicates", "/api/v1/cases/"+itoa(second.ID)+"/duplicates"

	got := oaCheck(t, d, officer, "GET", tmpl, path, nil, 200)
	list, _ := got["duplicates"].([]any)
	if len(list) != 1 || list[0].(map[string]any)["id"] != float64(first.ID) {
		t.Fatalf("duplicates = %v", got)
	}
	oaCheck(t, d, outsider, "GET", tmpl, path, nil, 403)
	oaCheck(t, d, e.anonymous(), "GET", tmpl, path, nil, 401)

	draft := map[string]any{"region": f.Town, "body": "渡江路农商银行门口路面有坑，电动车摔倒"}
	if got := oaCheck(t, d, officer, "POST", "/api/v1/duplicates", "/api/v1/duplicates", draft, 200); len(got["duplicates"].([]any)) != 2 {
		t.Fatalf("draft duplicates = %v", got)
	}
	oaCheck(t, d, outsider, "POST", "/api/v1/duplicates", "/api/v1/duplicates", draft, 400)
	pub := oaCheck(t, d, e.anonymous(), "POST", "/api/v1/duplicates/public", "/api/v1/duplicates/public", draft, 200)
	if pub["message"] != dups.PublicNotice || len(pub["similar"].([]any)) != 2 {
		t.Fatalf("public = %v", pub)
	}
	oaCheck(t, d, e.anonymous(), "POST", "/api/v1/duplicates/public", "/api/v1/duplicates/public", map[string]any{"region": "x", "body": "y"}, 400)
	// The optional category and station (docs/duplicates.md "Structured signals").
	withSignals := map[string]any{"region": f.Town, "body": "渡江路农商银行门口路面有坑，电动车摔倒", "category": "roads", "station_id": f.Station}
	if got := oaCheck(t, d, officer, "POST", "/api/v1/duplicates", "/api/v1/duplicates", withSignals, 200); len(got["duplicates"].([]any)) != 2 {
		t.Fatalf("draft with signals = %v", got)
	}
	withSignals["station_id"] = 999999
	oaCheck(t, d, e.anonymous(), "POST", "/api/v1/duplicates/public", "/api/v1/duplicates/public", withSignals, 400)
	withSignals["station_id"] = f.OtherStation
	oaCheck(t, d, officer, "POST", "/api/v1/duplicates", "/api/v1/duplicates", withSignals, 400)

	oaCheck(t, d, officer, "POST", "/api/v1/cases/{id}/merge", "/api/v1/cases/"+itoa(second.ID)+"/merge",
		map[string]any{"into_case_id": first.ID, "version": second.Version}, 200)
	if got := oaCheck(t, d, officer, "GET", tmpl, "/api/v1/cases/"+itoa(first.ID)+"/duplicates", nil, 200); len(got["duplicates"].([]any)) != 0 {
		t.Fatalf("after merge = %v", got)
	}

	// Taking a case in answers its likely duplicates; a citizen's
	// submission answers the similar issues, public progress only.
	in := oaCheck(t, d, officer, "POST", "/api/v1/cases", "/api/v1/cases",
		map[string]any{"body": "渡江路农商银行门口路面有坑，电动车摔倒，请修补", "category": "roads", "region": f.Town, "anonymous": true}, 201)
	if sim, _ := in["similar"].([]any); len(sim) != 1 || sim[0].(map[string]any)["id"] != float64(first.ID) { // the other was merged
		t.Fatalf("intake similar = %v", in["similar"])
	}
	if in := oaCheck(t, d, e.login(f.In[zhitong.RoleDeputy], "dups-deputy"), "POST", "/api/v1/cases", "/api/v1/cases",
		map[string]any{"body": "渡江路农商银行门口路面有坑，电动车摔倒，请修补", "category": "roads", "region": f.Town, "anonymous": true}, 201); len(in["similar"].([]any)) != 0 {
		t.Fatalf("a role that cannot merge is shown duplicates: %v", in["similar"])
	}
	s := oaCheck(t, d, e.anonymous(), "POST", "/api/v1/submissions", "/api/v1/submissions",
		map[string]any{"body": "渡江路农商银行门口路面坑坑洼洼，电动车摔倒", "region": f.Town, "name": "赵大", "phone": "137 0797 4321"}, 201)
	if sim, _ := s["similar"].([]any); len(sim) < 1 || s["similar_message"] != dups.PublicNotice {
		t.Fatalf("submission similar = %v", s)
	}
	if raw := fmt.Sprint(s); strings.Contains(raw, "王小明") || strings.Contains(raw, "1234") || strings.Contains(raw, "农商银行门口有个大坑") {
		t.Fatalf("submission answer leaks personal data or unconfirmed text: %s", raw)
	}
	if s := oaCheck(t, d, e.anonymous(), "POST", "/api/v1/submissions", "/api/v1/submissions",
		map[string]any{"body": "新园村卫生室经常没人值班，看个小病都要跑到镇上", "region": f.Town}, 201); len(s["similar"].([]any)) != 0 || s["similar_message"] != "" {
		t.Fatalf("unrelated submission similar = %v", s)
	}
}
