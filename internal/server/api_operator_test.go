package server_test

import (
	"reflect"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/testkit"
)

// TestOperatorAPI reads the deliveries and the health summary over HTTP and
// checks the answers, the schemas and who may read them.
func TestOperatorAPI(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{"DeliveriesPage": reflect.TypeFor[app.DeliveriesPage](), "DeliveryRow": reflect.TypeFor[app.DeliveryRow](),
		"Health": reflect.TypeFor[app.Health](), "SweepHealth": reflect.TypeFor[app.SweepHealth](), "DeliveryHealth": reflect.TypeFor[app.DeliveryHealth]()} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	var states []string
	for _, s := range app.DeliveryStates {
		states = append(states, s.Value)
	}
	oaSameSet(t, "enum DeliveryState", oaStrings(d.schema("DeliveryState")["enum"]), states)

	e := newEnv(t)
	f := e.f
	c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮，夜间出行不便", RegionCode: f.Town, Phone: "13907971234"}))(t)
	testkit.Must(e.app.DeliverDue(ctx, app.Delivery{SMS: &sms.Log{}, Quiet: app.QuietHours{Off: true}}))(t)
	testkit.Must(e.app.SweepOnce(ctx))(t)

	committee := e.login(f.In[zhitong.RoleCommittee], "op-committee")
	secadmin := e.login(f.In[zhitong.RoleSecAdmin], "op-sec")
	officer := e.login(f.In[zhitong.RoleOfficer], "op-officer")
	const L = "/api/v1/deliveries"
	page := oaCheck(t, d, committee, "GET", L, L+"?state=sent&from=2026-11-25&to=2026-11-25", nil, 200)
	items, _ := page["items"].([]any)
	if len(items) != 1 || page["next"] != nil {
		t.Fatalf("deliveries = %v", page)
	}
	row := items[0].(map[string]any)
	if row["recipient"] != "139****1234" || row["case_id"] != float64(c.ID) || row["state"] != "sent" || row["template"] != "case.acknowledged" {
		t.Errorf("row = %v", row)
	}
	if got := oaCheck(t, d, secadmin, "GET", L, L, nil, 200); len(got["items"].([]any)) != 1 {
		t.Errorf("security administrator sees %v", got)
	}
	oaCheck(t, d, committee, "GET", L, L+"?state=gone", nil, 400)
	oaCheck(t, d, committee, "GET", L, L+"?page=2", nil, 400)
	oaCheck(t, d, committee, "GET", L, L+"?per_page=101", nil, 400)
	oaCheck(t, d, officer, "GET", L, L, nil, 403)
	oaCheck(t, d, e.anonymous(), "GET", L, L, nil, 401)

	const H = "/api/v1/health"
	h := oaCheck(t, d, committee, "GET", H, H, nil, 200)
	sweep, _ := h["sweep"].(map[string]any)
	if h["status"] != "ok" || sweep["last_finished_at"] == nil || sweep["errors"] != float64(0) {
		t.Errorf("health = %v", h)
	}
	oaCheck(t, d, officer, "GET", H, H, nil, 403)
	oaCheck(t, d, e.anonymous(), "GET", H, H, nil, 401)
}
