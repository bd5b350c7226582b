package server_test

import (
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/testkit"
)

// oaCall sends a request and checks the answer's status and body against
// the OpenAPI document's schema for that operation; it returns the answer
// when it is an object.
func oaCall(t *testing.T, d *oaDoc, c *client, method, tmpl, path string, body any, want int) map[string]any {
	t.Helper()
	var got any
	code := c.do(method, path, body, &got)
	if code != want {
		t.Fatalf("%s %s = %d, want %d: %v", method, path, code, want, got)
	}
	resp, ok := d.operation(method, tmpl)["responses"].(map[string]any)[strconv.Itoa(code)]
	if !ok {
		t.Errorf("%s %s: status %d is not documented", method, tmpl, code)
		return nil
	}
	r, _ := d.resolve(resp).(map[string]any)
	schema := oaJSONSchema(r)
	if schema == nil {
		if got != nil {
			t.Errorf("%s %s: %d documented without a body, got %v", method, tmpl, code, got)
		}
		return nil
	}
	for _, msg := range d.validate("", schema, got) {
		t.Errorf("%s %s → %d: %s", method, tmpl, code, msg)
	}
	m, _ := got.(map[string]any)
	return m
}

// The station and deputy answers speak snake_case, as documented: the lists
// with every region and station, the phone, retiring, the deputy's phone.
func TestStationAndDeputyAnswersAreSnakeCase(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	committee := e.login(f.In[zhitong.RoleCommittee], "sc-committee")
	outCommittee := e.login(f.Out[zhitong.RoleCommittee], "sc-out-committee")
	head := e.login(f.In[zhitong.RoleStationHead], "sc-head")
	citizen := e.anonymous()
	st := "/api/v1/stations/" + itoa(f.Station)
	dep := "/api/v1/deputies/" + itoa(f.Deputy)

	oaCall(t, d, head, "PATCH", "/api/v1/stations/{id}", st, map[string]any{"phone": "0797-4281234", "hours": "每周三上午"}, 200)
	var bad apiError
	if code := head.do("PATCH", st, map[string]any{"phone": "4281234"}, &bad); code != 400 || bad.Error.Field != "phone" {
		t.Errorf("bad phone: %d %+v", code, bad)
	}
	if code := outCommittee.do("PATCH", st, map[string]any{"phone": "13979701234"}, &bad); code != 403 {
		t.Errorf("another county's committee edits: %d", code)
	}
	oaCall(t, d, committee, "PATCH", "/api/v1/deputies/{id}", dep, map[string]any{"phone": "13979702222", "constituency": "历市镇第一选区"}, 200)
	if code := outCommittee.do("PATCH", dep, map[string]any{"station_ids": []int64{f.OtherStation}}, &bad); code != 403 {
		t.Errorf("another county's committee edits the deputy: %d", code)
	}
	if code := committee.do("PATCH", dep, map[string]any{"station_ids": []int64{f.Station, f.OtherStation}}, &bad); code != 400 || bad.Error.Field != "station_ids" {
		t.Errorf("posting to another county's station: %d %+v", code, bad)
	}

	list := oaCall(t, d, citizen, "GET", "/api/v1/stations", "/api/v1/stations?region="+f.County, nil, 200)
	items, _ := list["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("stations = %v", list)
	}
	item := items[0].(map[string]any)
	for _, k := range []string{"ID", "RegionCode", "Name"} {
		if _, ok := item[k]; ok {
			t.Errorf("station list still answers %q: %v", k, item)
		}
	}
	if item["phone"] != "0797-4281234" || item["region"] != f.Town || len(item["regions"].([]any)) != 1 {
		t.Errorf("station item = %v", item)
	}
	list = oaCall(t, d, citizen, "GET", "/api/v1/deputies", "/api/v1/deputies?region="+f.County, nil, 200)
	ditem := list["items"].([]any)[0].(map[string]any)
	if _, ok := ditem["ID"]; ok || ditem["constituency"] != "历市镇第一选区" || len(ditem["station_ids"].([]any)) != 1 {
		t.Errorf("deputy item = %v", ditem)
	}
	if _, ok := ditem["phone_masked"]; ok {
		t.Errorf("the public list shows the deputy's phone: %v", ditem)
	}
	prof := oaCall(t, d, committee, "GET", "/api/v1/deputies/{id}", dep, nil, 200)
	if prof["phone_masked"] != "139****2222" {
		t.Errorf("staff profile = %v", prof)
	}
	if pub := oaCall(t, d, citizen, "GET", "/api/v1/deputies/{id}", dep, nil, 200); pub["phone_masked"] != nil {
		t.Errorf("public profile shows the phone: %v", pub)
	}
	rev := oaCall(t, d, committee, "POST", "/api/v1/deputies/{id}/phone/reveal", dep+"/phone/reveal", nil, 200)
	if rev["phone"] != "13979702222" {
		t.Errorf("reveal = %v", rev)
	}
	oaCall(t, d, outCommittee, "POST", "/api/v1/deputies/{id}/phone/reveal", dep+"/phone/reveal", nil, 403)
	oaCall(t, d, citizen, "POST", "/api/v1/deputies/{id}/phone/reveal", dep+"/phone/reveal", nil, 401)

	// Retire: another county, a station head: refused; the committee: done.
	oaCall(t, d, outCommittee, "POST", "/api/v1/stations/{id}/retire", st+"/retire", nil, 403)
	oaCall(t, d, head, "POST", "/api/v1/stations/{id}/retire", st+"/retire", nil, 403)
	res := oaCall(t, d, committee, "POST", "/api/v1/stations/{id}/retire", st+"/retire", nil, 200)
	if sp, _ := res["station"].(map[string]any); sp["retired"] != true {
		t.Errorf("retire = %v", res)
	}
	oaCall(t, d, committee, "POST", "/api/v1/stations/{id}/retire", st+"/retire", nil, 409)
	oaCall(t, d, citizen, "GET", "/api/v1/stations/{id}", st, nil, 404)
	if list := oaCall(t, d, citizen, "GET", "/api/v1/stations", "/api/v1/stations?region="+f.County, nil, 200); len(list["items"].([]any)) != 0 {
		t.Errorf("the retired station is still listed: %v", list)
	}
	if sp := oaCall(t, d, committee, "GET", "/api/v1/stations/{id}", st, nil, 200); sp["retired"] != true || sp["retired_at"] == "" {
		t.Errorf("staff view of the retired station = %v", sp)
	}
	oaCall(t, d, committee, "POST", "/api/v1/stations/{id}/restore", st+"/restore", nil, 200)
	testkit.Must(e.app.PublicStationProfile(ctx, f.Station))(t)
}
