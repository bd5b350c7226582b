package server_test

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// TestNotificationAPI drives the notification endpoints over HTTP and checks
// every answer against the OpenAPI document.
func TestNotificationAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	call := func(c *client, method, tmpl, path string, body any, want int) map[string]any {
		t.Helper()
		var got any
		if code := c.do(method, path, body, &got); code != want {
			t.Fatalf("%s %s = %d, want %d: %v", method, path, code, want, got)
		}
		resp, ok := d.operation(method, tmpl)["responses"].(map[string]any)[strconv.Itoa(want)]
		if !ok {
			t.Fatalf("%s %s: status %d is not documented", method, tmpl, want)
		}
		if schema := oaJSONSchema(d.resolve(resp).(map[string]any)); schema != nil {
			for _, msg := range d.validate("", schema, got) {
				t.Errorf("%s %s → %d: %s", method, tmpl, want, msg)
			}
		}
		m, _ := got.(map[string]any)
		return m
	}
	citizen := e.anonymous()
	officer := e.login(f.In[zhitong.RoleOfficer], "n-officer")
	unit := e.login(f.In[zhitong.RoleUnit], "n-unit")
	other := e.login(f.Out[zhitong.RoleUnit], "n-other")
	committee := e.login(f.In[zhitong.RoleCommittee], "n-committee")

	// An assignment puts a notice in the lead unit's workbench.
	c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮，夜间出行不便", RegionCode: f.Town, Phone: "13907971234"}))(t)
	testkit.Must(e.app.Register(ctx, f.In[zhitong.RoleOfficer], c.ID, app.RegisterInput{CategoryCode: "roads", StationID: f.Station}))(t)
	testkit.Must(e.app.Assign(ctx, f.In[zhitong.RoleOfficer], c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	inbox := call(unit, "GET", "/api/v1/notifications", "/api/v1/notifications", nil, 200)
	items, _ := inbox["items"].([]any)
	if len(items) != 1 || inbox["unread"] != float64(1) {
		t.Fatalf("unit inbox = %v", inbox)
	}
	item := items[0].(map[string]any)
	if text, _ := item["text"].(string); !strings.Contains(text, c.Code) || !strings.Contains(text, "新交办") {
		t.Errorf("notice text = %q", text)
	}
	nid := strconv.FormatInt(int64(item["id"].(float64)), 10)
	if got := call(other, "GET", "/api/v1/notifications", "/api/v1/notifications", nil, 200); len(got["items"].([]any)) != 0 {
		t.Errorf("another unit's handler sees %v", got)
	}
	call(other, "POST", "/api/v1/notifications/{id}/read", "/api/v1/notifications/"+nid+"/read", nil, 404)
	call(citizen, "GET", "/api/v1/notifications", "/api/v1/notifications", nil, 401)
	call(unit, "GET", "/api/v1/notifications", "/api/v1/notifications?per_page=0", nil, 400)
	call(unit, "POST", "/api/v1/notifications/{id}/read", "/api/v1/notifications/"+nid+"/read", nil, 204)
	if got := call(unit, "GET", "/api/v1/notifications", "/api/v1/notifications", nil, 200); got["unread"] != float64(0) {
		t.Errorf("unread after read = %v", got["unread"])
	}
	if got := call(unit, "POST", "/api/v1/notifications/read-all", "/api/v1/notifications/read-all", nil, 200); got["changed"] != float64(0) {
		t.Errorf("read-all changed %v", got["changed"])
	}
	call(unit, "PUT", "/api/v1/me/email", "/api/v1/me/email", map[string]string{"email": "x"}, 400)
	call(unit, "PUT", "/api/v1/me/email", "/api/v1/me/email", map[string]string{"email": "jtj@example.cn"}, 204)

	// Templates: committee only, variables checked.
	call(officer, "GET", "/api/v1/notification-templates", "/api/v1/notification-templates", nil, 403)
	var list []map[string]any
	if code := committee.do("GET", "/api/v1/notification-templates", nil, &list); code != 200 || len(list) < 4 {
		t.Fatalf("templates = %d %v", code, list)
	}
	call(committee, "GET", "/api/v1/notification-templates", "/api/v1/notification-templates", nil, 200)
	T := "/api/v1/notification-templates/{name}"
	call(committee, "PUT", T, "/api/v1/notification-templates/case.assigned", map[string]string{"body": "已交{unit}，{nope}"}, 400)
	call(committee, "PUT", T, "/api/v1/notification-templates/nope", map[string]string{"body": "文本"}, 404)
	call(officer, "PUT", T, "/api/v1/notification-templates/case.assigned", map[string]string{"body": "已交{unit}"}, 403)
	got := call(committee, "PUT", T, "/api/v1/notification-templates/case.assigned", map[string]string{"body": "已交{unit}办理，期限{due}。查询码{code}"}, 200)
	if got["edited"] != true || got["body"] != "已交{unit}办理，期限{due}。查询码{code}" {
		t.Errorf("edited template = %v", got)
	}

	// The case's messages to the citizen and their delivery, for staff who see the case.
	N := "/api/v1/cases/{id}/notifications"
	cid := strconv.FormatInt(c.ID, 10)
	var ns []map[string]any
	if code := officer.do("GET", "/api/v1/cases/"+cid+"/notifications", nil, &ns); code != 200 || len(ns) != 2 ||
		ns[0]["template"] != "case.acknowledged" || ns[1]["template"] != "case.assigned" || ns[0]["status"] != "pending" {
		t.Fatalf("case notifications = %d %v", code, ns)
	}
	call(officer, "GET", N, "/api/v1/cases/"+cid+"/notifications", nil, 200)
	call(other, "GET", N, "/api/v1/cases/"+cid+"/notifications", nil, 403)
	call(citizen, "GET", N, "/api/v1/cases/"+cid+"/notifications", nil, 401)
	call(officer, "GET", N, "/api/v1/cases/999999/notifications", nil, 404)

	// Opt-out: by the citizen with the code, by staff with the number.
	O := "/api/v1/track/{code}/sms-optout"
	if got := call(citizen, "POST", O, "/api/v1/track/"+c.Code+"/sms-optout", nil, 200); got["opted_out"] != true {
		t.Errorf("opt-out = %v", got)
	}
	call(citizen, "POST", O, "/api/v1/track/XXXX-XXXX-XXXX/sms-optout", nil, 404)
	call(officer, "POST", "/api/v1/sms-optouts", "/api/v1/sms-optouts", map[string]string{"phone": "13907970002"}, 204)
	call(officer, "POST", "/api/v1/sms-optouts", "/api/v1/sms-optouts", map[string]string{"phone": "12"}, 400)
	call(unit, "POST", "/api/v1/sms-optouts", "/api/v1/sms-optouts", map[string]string{"phone": "13907970002"}, 403)
	call(citizen, "POST", "/api/v1/sms-optouts", "/api/v1/sms-optouts", map[string]string{"phone": "13907970002"}, 401)
}

func TestNotificationSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"InboxItem":            reflect.TypeFor[app.InboxItem](),
		"InboxPage":            reflect.TypeFor[server.InboxPage](),
		"ReadAllAnswer":        reflect.TypeFor[server.ReadAllAnswer](),
		"OptOutAnswer":         reflect.TypeFor[server.OptOutAnswer](),
		"NotificationTemplate": reflect.TypeFor[app.Template](),
		"CaseNotice":           reflect.TypeFor[app.CaseNotice](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	src := sourceStructNames(t, "emailRequest", "templateRequest", "optOutRequest")
	for schema, typ := range map[string]string{"EmailInput": "emailRequest", "TemplateInput": "templateRequest", "OptOutInput": "optOutRequest"} {
		oaSameSet(t, "schema "+schema+" vs "+typ, d.properties(d.schema(schema)), src[typ])
	}
}
