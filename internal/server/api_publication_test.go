package server_test

import (
	"reflect"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/publication"
	"zhitong/internal/testkit"
)

func TestPublicationSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"PublicationDraft": reflect.TypeFor[publication.Draft](), "PublicationConfirmed": reflect.TypeFor[publication.Confirmed](),
		"PublicationInput": reflect.TypeFor[publication.ConfirmInput](), "PublicationItem": reflect.TypeFor[publication.Item](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
}

// TestPublicationAPI: the queue, the draft side by side, a refused and an
// accepted confirmation, the results board before and after, jurisdiction
// and withdrawal, each answer checked against the document.
func TestPublicationAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	o, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := testkit.Must(e.app.Intake(ctx, o, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "我叫李四海，住胜利路18号，门口积水",
		CategoryCode: "roads", StationID: f.Station, Name: "李四海", Phone: "13907971234"}))(t)
	c = testkit.Must(e.app.Assign(ctx, o, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
	c = testkit.Must(e.app.Accept(ctx, lead, c.ID, app.TextInput{Version: c.Version}))(t)
	testkit.Must(e.app.Reply(ctx, lead, c.ID, app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "已疏通排水管道",
		PublicSummary: "已疏通，联系电话 139 0797 1234"}))(t)
	officer := e.login(o, "pub-officer")
	outsider := e.login(f.Out[zhitong.RoleCommittee], "pub-outsider")
	unit := e.login(lead, "pub-unit")
	path := "/api/v1/cases/" + itoa(c.ID) + "/publication"
	tmpl := "/api/v1/cases/{id}/publication"

	q := oaCheck(t, d, officer, "GET", "/api/v1/publication", "/api/v1/publication", nil, 200)
	if items, _ := q["items"].([]any); len(items) != 1 {
		t.Fatalf("queue = %v", q)
	}
	if q := oaCheck(t, d, outsider, "GET", "/api/v1/publication", "/api/v1/publication", nil, 200); len(q["items"].([]any)) != 0 {
		t.Fatalf("another county's queue = %v", q)
	}
	oaCheck(t, d, unit, "GET", "/api/v1/publication", "/api/v1/publication", nil, 403)
	oaCheck(t, d, e.anonymous(), "GET", tmpl, path, nil, 401)
	oaCheck(t, d, outsider, "GET", tmpl, path, nil, 403)
	oaCheck(t, d, officer, "GET", tmpl, "/api/v1/cases/999999/publication", nil, 404)

	dr := oaCheck(t, d, officer, "GET", tmpl, path, nil, 200)
	if dr["status"] != "pending" || dr["masked_title"] != "我叫李**，住胜利路**号，门口积水" || dr["masked_summary"] != "已疏通，联系电话 ****" {
		t.Fatalf("draft = %v", dr)
	}
	reply := dr["reply_id"]
	if e := oaCheck(t, d, officer, "PUT", tmpl, path, map[string]any{"reply_id": reply, "title": "李四海反映积水", "summary": ""}, 400); e["error"].(map[string]any)["field"] != "title" {
		t.Fatalf("refusal = %v", e)
	}
	oaCheck(t, d, officer, "PUT", tmpl, path, map[string]any{"reply_id": 1 + reply.(float64), "title": dr["masked_title"]}, 409)
	oaCheck(t, d, officer, "PUT", tmpl, path, map[string]any{"reply_id": reply, "title": "积水", "unknown": 1}, 400)
	oaCheck(t, d, outsider, "PUT", tmpl, path, map[string]any{"reply_id": reply, "title": dr["masked_title"]}, 403)
	if rows, n := testkit.Must2(e.app.PublicResults(ctx, app.ResultsInput{}))(t); n != 0 {
		t.Fatalf("public before confirmation: %+v", rows)
	}

	ok := oaCheck(t, d, officer, "PUT", tmpl, path, map[string]any{"reply_id": reply, "title": dr["masked_title"], "summary": dr["masked_summary"]}, 200)
	if ok["status"] != "confirmed" {
		t.Fatalf("confirmed = %v", ok)
	}
	rows, _ := testkit.Must2(e.app.PublicResults(ctx, app.ResultsInput{}))(t)
	if len(rows) != 1 || rows[0].Title != dr["masked_title"] || rows[0].Summary != "已疏通，联系电话 ****" {
		t.Fatalf("board = %+v", rows)
	}
	oaCheck(t, d, officer, "POST", tmpl+"/withdraw", path+"/withdraw", map[string]any{"reason": ""}, 400)
	oaCheck(t, d, outsider, "POST", tmpl+"/withdraw", path+"/withdraw", map[string]any{"reason": "不公开"}, 403)
	oaCheck(t, d, officer, "POST", tmpl+"/withdraw", path+"/withdraw", map[string]any{"reason": "群众要求不公开"}, 204)
	oaCheck(t, d, officer, "POST", tmpl+"/withdraw", path+"/withdraw", map[string]any{"reason": "群众要求不公开"}, 409)
}
