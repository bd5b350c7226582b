package server_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func TestAdminAPI(t *testing.T) {
	e := newEnv(t)
	f := e.f
	com := e.login(f.In[zhitong.RoleCommittee], "api-committee")
	other := e.login(f.Out[zhitong.RoleCommittee], "api-other")
	officer := e.login(f.In[zhitong.RoleOfficer], "api-officer")
	citizen := e.anonymous()

	d := servedOpenAPI(t)
	template := regexp.MustCompile(`^(/api/v1/(?:regions|categories))/[^/?]+|^(/api/v1/units)/[^/?]+`)
	type answer = map[string]any
	want := func(c *client, method, path string, body any, status int, code string) answer {
		t.Helper()
		var got answer
		if s := c.do(method, path, body, &got); s != status {
			t.Fatalf("%s %s = %d, want %d: %v", method, path, s, status, got)
		}
		// The answer is what the OpenAPI document says.
		tmpl, _, _ := strings.Cut(path, "?")
		tmpl = template.ReplaceAllStringFunc(tmpl, func(m string) string {
			if strings.HasPrefix(m, "/api/v1/units") {
				return "/api/v1/units/{id}"
			}
			return m[:strings.LastIndex(m, "/")] + "/{code}"
		})
		resp, ok := d.operation(method, tmpl)["responses"].(map[string]any)[strconv.Itoa(status)]
		if !ok {
			t.Errorf("%s %s: status %d is not documented", method, tmpl, status)
		} else if schema := oaJSONSchema(d.resolve(resp).(map[string]any)); schema != nil {
			var raw any = got
			for _, msg := range d.validate("", schema, raw) {
				t.Errorf("%s %s → %d: %s", method, tmpl, status, msg)
			}
		}
		if code != "" {
			if e, _ := got["error"].(map[string]any); e["code"] != code {
				t.Errorf("%s %s: error %v, want %s", method, path, got["error"], code)
			}
		}
		return got
	}

	// Regions.
	park := want(com, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "定南县工业园区", "kind": "industrial_park"}, 201, "")
	if park["code"] != "360728801" || park["parent_code"] != f.County || park["kind"] != "industrial_park" {
		t.Errorf("park = %v", park)
	}
	want(other, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "越界", "kind": "industrial_park"}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "园区", "kind": "farm"}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "园区", "kind": "industrial_park", "extra": 1}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "定南县工业园区", "kind": "industrial_park"}, 409, zhitong.ECONFLICT)
	want(officer, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "园区", "kind": "industrial_park"}, 403, zhitong.EFORBIDDEN)
	want(citizen, "POST", "/api/v1/regions", answer{"parent_code": f.County, "name": "园区", "kind": "industrial_park"}, 401, zhitong.EUNAUTHORIZED)
	want(other, "PATCH", "/api/v1/regions/360728801", answer{"name": "改"}, 403, zhitong.EFORBIDDEN)
	want(com, "PATCH", "/api/v1/regions/360728999", answer{"name": "改"}, 404, zhitong.ENOTFOUND)
	if r := want(com, "PATCH", "/api/v1/regions/360728801", answer{"name": "定南工业园"}, 200, ""); r["name"] != "定南工业园" {
		t.Errorf("renamed = %v", r)
	}
	want(com, "POST", "/api/v1/regions/"+f.Town+"/retire", nil, 409, zhitong.ECONFLICT)
	if r := want(com, "POST", "/api/v1/regions/360728801/retire", nil, 200, ""); r["retired_at"] == nil {
		t.Errorf("retired region without retired_at: %v", r)
	}
	list := want(citizen, "GET", "/api/v1/regions?under="+f.County, nil, 200, "")
	if n := len(list["items"].([]any)); n != 2 { // the county and its town: the retired park is left out
		t.Errorf("active regions: %d, %v", n, list)
	}
	list = want(citizen, "GET", "/api/v1/regions?under="+f.County+"&retired=true", nil, 200, "")
	if n := len(list["items"].([]any)); n != 3 {
		t.Errorf("regions with retired: %d", n)
	}

	// Units.
	u := want(com, "POST", "/api/v1/units", answer{"name": "定南县水利局", "kind": "department", "region_code": f.County, "contact": "王科长", "phone": "13907971234"}, 201, "")
	if u["phone"] != "139****1234" || u["region_code"] != f.County {
		t.Errorf("unit = %v", u)
	}
	uid := strconv.FormatInt(int64(u["id"].(float64)), 10)
	want(com, "POST", "/api/v1/units", answer{"name": "越界", "kind": "department", "region_code": f.County, "parent_id": f.OtherUnit}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/units", answer{"name": "越界二", "kind": "department", "region_code": f.OtherCounty}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/units", answer{"name": "坏电话", "kind": "department", "region_code": f.County, "phone": "123"}, 400, zhitong.EINVALID)
	want(com, "POST", "/api/v1/units", answer{"name": "定南县水利局", "kind": "department", "region_code": f.County}, 409, zhitong.ECONFLICT)
	want(com, "POST", "/api/v1/units", answer{"name": 5}, 400, zhitong.EINVALID)
	want(other, "PATCH", "/api/v1/units/"+uid, answer{"contact": "x"}, 403, zhitong.EFORBIDDEN)
	want(com, "PATCH", "/api/v1/units/99999", answer{"contact": "x"}, 404, zhitong.ENOTFOUND)
	if r := want(com, "PATCH", "/api/v1/units/"+uid, answer{"contact": "李科长"}, 200, ""); r["contact"] != "李科长" || r["phone"] != "139****1234" {
		t.Errorf("patched = %v", r)
	}
	c := testkit.Must(e.app.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "河道垃圾需要清理", CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	testkit.Must(e.app.Assign(ctx, f.In[zhitong.RoleOfficer], c.ID, app.AssignInput{LeadUnit: int64(u["id"].(float64))}))(t)
	want(com, "POST", "/api/v1/units/"+uid+"/retire", nil, 409, zhitong.ECONFLICT)
	want(citizen, "GET", "/api/v1/units", nil, 401, zhitong.EUNAUTHORIZED)
	units := want(other, "GET", "/api/v1/units", nil, 200, "")
	for _, it := range units["items"].([]any) {
		if m := it.(map[string]any); m["name"] == "定南县水利局" && (m["phone"] != "" || m["contact"] != "") {
			t.Errorf("another county sees the contact of 定南's unit: %v", m)
		}
	}

	// Categories.
	want(com, "POST", "/api/v1/categories", answer{"name": "环境卫生", "due_days": 10}, 403, zhitong.EFORBIDDEN)
	want(com, "PATCH", "/api/v1/categories/roads", answer{"default_unit_id": f.OtherUnit}, 400, zhitong.EINVALID)
	want(com, "PATCH", "/api/v1/categories/nope", answer{"default_unit_id": f.Lead}, 404, zhitong.ENOTFOUND)
	if r := want(com, "PATCH", "/api/v1/categories/roads", answer{"default_unit_id": f.Lead}, 200, ""); int64(r["default_unit_id"].(float64)) != f.Lead {
		t.Errorf("category = %v", r)
	}
	sys := e.login(zhitong.Principal{Role: zhitong.RoleSysAdmin}, "api-sys")
	want(sys, "POST", "/api/v1/categories", answer{"name": "环境卫生", "due_days": 61}, 400, zhitong.EINVALID)
	cat := want(sys, "POST", "/api/v1/categories", answer{"code": "env", "name": "环境卫生", "due_days": 10}, 201, "")
	if cat["code"] != "env" || cat["due_days"] != float64(10) {
		t.Errorf("category = %v", cat)
	}
	want(sys, "POST", "/api/v1/categories/env/retire", nil, 200, "")
	cats := want(citizen, "GET", "/api/v1/categories", nil, 200, "")
	for _, it := range cats["items"].([]any) {
		m := it.(map[string]any)
		if m["code"] == "env" {
			t.Error("a retired category is listed")
		}
		if _, ok := m["default_unit_id"]; ok {
			t.Errorf("a citizen sees a default unit: %v", m)
		}
	}
	// The case view names the default lead unit to whoever may assign.
	c2 := testkit.Must(e.app.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Body: "道路坑洼需要修补", CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	var v map[string]any
	if s := officer.do("GET", "/api/v1/cases/"+strconv.FormatInt(c2.ID, 10), nil, &v); s != http.StatusOK || v["default_lead_unit_id"] != float64(f.Lead) {
		t.Errorf("case view: %d, default_lead_unit_id %v, want %d", s, v["default_lead_unit_id"], f.Lead)
	}
}
