package server_test

import (
	"reflect"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestUnitDutiesAPI drives the lead unit's phone look-up and the
// co-handling opinions over HTTP, each answer checked against the document.
func TestUnitDutiesAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	for name, typ := range map[string]reflect.Type{"CitizenPhone": reflect.TypeFor[app.CitizenPhone](),
		"CoOpinion": reflect.TypeFor[app.CoOpinion](), "CoOpinionInput": reflect.TypeFor[app.CoOpinionInput]()} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	lead := e.login(f.In[zhitong.RoleUnit], "du-lead")
	co := e.login(f.CoUnit(), "du-co")
	outsider := e.login(f.Out[zhitong.RoleUnit], "du-out")
	officer := e.login(f.In[zhitong.RoleOfficer], "du-officer")
	o := f.In[zhitong.RoleOfficer]
	c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "历市镇菜市场门口积水，摊贩占道", RegionCode: f.Town, Name: "李四", Phone: "13879701234"}))(t)
	c = testkit.Must(e.app.Register(ctx, o, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	c = testkit.Must(e.app.Assign(ctx, o, c.ID, app.AssignInput{LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	id := itoa(c.ID)
	const phonePath, opPath = "/api/v1/cases/{id}/citizen-phone", "/api/v1/cases/{id}/co-opinions"

	view := oaCheck(t, d, lead, "GET", "/api/v1/cases/{id}", "/api/v1/cases/"+id, nil, 200)
	if !hasJSONAction(view, "reveal_phone") || hasJSONAction(view, "co_opinion") {
		t.Errorf("lead's actions = %v", view["actions"])
	}
	if view := oaCheck(t, d, co, "GET", "/api/v1/cases/{id}", "/api/v1/cases/"+id, nil, 200); !hasJSONAction(view, "co_opinion") || hasJSONAction(view, "reveal_phone") {
		t.Errorf("co-unit's actions = %v", view["actions"])
	}

	oaCheck(t, d, lead, "POST", phonePath, "/api/v1/cases/"+id+"/citizen-phone", map[string]any{"reason": ""}, 400)
	oaCheck(t, d, co, "POST", phonePath, "/api/v1/cases/"+id+"/citizen-phone", map[string]any{"reason": "电话答复"}, 403)
	oaCheck(t, d, outsider, "POST", phonePath, "/api/v1/cases/"+id+"/citizen-phone", map[string]any{"reason": "电话答复"}, 403)
	got := oaCheck(t, d, lead, "POST", phonePath, "/api/v1/cases/"+id+"/citizen-phone", map[string]any{"reason": "电话答复"}, 200)
	if got["phone"] != "13879701234" || got["name"] != "李四" {
		t.Errorf("revealed = %v", got)
	}

	oaCheck(t, d, co, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "好"}, 400)
	oaCheck(t, d, lead, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "主办单位不能提交协办意见"}, 403)
	oaCheck(t, d, outsider, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "外县单位的意见"}, 403)
	op := oaCheck(t, d, co, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "镇政府负责清理占道摊贩", "agrees": true}, 200)
	if op["revisions"] != 1.0 || op["agrees"] != true || op["unit_id"] != float64(f.Co) {
		t.Errorf("opinion = %v", op)
	}
	list := oaCheck(t, d, officer, "GET", opPath, "/api/v1/cases/"+id+"/co-opinions", nil, 200)
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Errorf("list = %v", list)
	}
	oaCheck(t, d, outsider, "GET", opPath, "/api/v1/cases/"+id+"/co-opinions", nil, 403)
	view = oaCheck(t, d, lead, "GET", "/api/v1/cases/{id}", "/api/v1/cases/"+id, nil, 200)
	if ops, _ := view["co_opinions"].([]any); len(ops) != 1 {
		t.Errorf("case view co_opinions = %v", view["co_opinions"])
	}

	// After the lead unit's reply neither is possible.
	testkit.Must(e.app.Accept(ctx, f.In[zhitong.RoleUnit], c.ID, app.TextInput{}))(t)
	testkit.Must(e.app.Reply(ctx, f.In[zhitong.RoleUnit], c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已清理积水并规范摊点"}))(t)
	oaCheck(t, d, co, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "补充意见"}, 409)
	oaCheck(t, d, lead, "POST", phonePath, "/api/v1/cases/"+id+"/citizen-phone", map[string]any{"reason": "电话答复"}, 409)
	// Unknown fields are refused, as everywhere in the API.
	oaCheck(t, d, co, "POST", opPath, "/api/v1/cases/"+id+"/co-opinions", map[string]any{"text": "补充意见", "unit_id": 1}, 400)
}

func hasJSONAction(view map[string]any, act string) bool {
	list, _ := view["actions"].([]any)
	for _, a := range list {
		if a == act {
			return true
		}
	}
	return false
}
