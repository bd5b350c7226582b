package server_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/store"
)

func TestReceptionAPI(t *testing.T) {
	pc := pointsCaller{t: t, d: servedOpenAPI(t)}
	e := newEnv(t)
	f := e.f
	// An officer of another township in the same county.
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360728101", Name: "老城镇", ParentCode: f.County, Level: 4})
	}); err != nil {
		t.Fatal(err)
	}
	citizen := e.anonymous()
	officer := e.login(f.In[zhitong.RoleOfficer], "rc-officer")
	head := e.login(f.In[zhitong.RoleStationHead], "rc-head")
	township := e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: "360728101"}, "rc-township")
	deputy := e.login(f.In[zhitong.RoleDeputy], "rc-deputy")

	base := "/api/v1/stations/" + itoa(f.Station)
	rules := base + "/reception-rules"
	days := base + "/reception-days"
	set := map[string]any{
		"rules": []map[string]any{
			{"kind": "weekday", "weekday": 2},
			{"kind": "lunar", "days": []int{1, 4, 7, 11, 14, 17, 21, 24, 27}, "holidays": "keep", "note": "圩日"},
		},
		"exceptions": []map[string]any{{"day": "2026-12-01", "moved_to": "2026-12-03", "note": "县人代会"}},
	}
	pc.call(citizen, "PUT", "/api/v1/stations/{id}/reception-rules", rules, set, 401)
	pc.call(deputy, "PUT", "/api/v1/stations/{id}/reception-rules", rules, set, 403)
	pc.call(township, "PUT", "/api/v1/stations/{id}/reception-rules", rules, set, 403)
	pc.call(officer, "PUT", "/api/v1/stations/{id}/reception-rules", "/api/v1/stations/999999/reception-rules", set, 404)

	// Validation errors carry the code and the field.
	for _, tt := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"rules": []map[string]any{{"kind": "weekday", "weekday": 9}}}, "rules[0].weekday"},
		{map[string]any{"rules": []map[string]any{{"kind": "lunar", "days": []int{31}}}}, "rules[0].days"},
		{map[string]any{"rules": []map[string]any{{"kind": "weekday", "weekday": 2}}, "exceptions": []map[string]any{{"day": "2026-12-02"}}}, "exceptions[0].day"},
	} {
		got := pc.call(officer, "PUT", "/api/v1/stations/{id}/reception-rules", rules, tt.body, 400)
		er, _ := got["error"].(map[string]any)
		if er["code"] != zhitong.EINVALID || er["field"] != tt.field || er["message"] == "" {
			t.Errorf("%v: error %v, want invalid %s", tt.body, er, tt.field)
		}
	}
	pc.call(officer, "PUT", "/api/v1/stations/{id}/reception-rules", rules, map[string]any{"rules": []map[string]any{{"kind": "weekday", "colour": "red"}}}, 400)

	saved := pc.call(head, "PUT", "/api/v1/stations/{id}/reception-rules", rules, set, 200)
	if rs, _ := saved["rules"].([]any); len(rs) != 2 || rs[1].(map[string]any)["text"] != "逢农历一、四、七，节假日照常" {
		t.Errorf("saved %v", saved)
	}
	got := pc.call(citizen, "GET", "/api/v1/stations/{id}/reception-rules", rules, nil, 200)
	if ex, _ := got["exceptions"].([]any); len(ex) != 1 {
		t.Errorf("rules %v", got)
	}

	// Deputies on duty come from the roster; an excused deputy is not on duty.
	second := &zhitong.Deputy{Name: "王代表", Levels: []string{"township"}, RegionCode: f.Town, StationID: f.Station}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertDeputy(ctx, second); err != nil {
			return err
		}
		for _, d := range []store.Duty{{DeputyID: f.Deputy, Day: "2026-11-24", Status: "checked_in"}, {DeputyID: second.ID, Day: "2026-11-24", Status: "excused"},
			{DeputyID: second.ID, Day: "2026-12-03", Status: "planned"}} {
			d.StationID = f.Station
			if err := tx.PutDuty(ctx, &d); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	list := pc.call(citizen, "GET", "/api/v1/stations/{id}/reception-days", days+"?from=2026-11-24&to=2026-12-03", nil, 200)
	type row struct{ day, weekday, lunar, reason, deputies string }
	var rows []row
	for _, it := range list["items"].([]any) {
		m := it.(map[string]any)
		names := ""
		for _, d := range m["deputies"].([]any) {
			names += d.(map[string]any)["name"].(string)
		}
		rows = append(rows, row{m["day"].(string), m["weekday"].(string), m["lunar"].(string), m["reason"].(string), names})
	}
	want := []row{
		{"2026-11-24", "星期二", "十月十六", "每周二", "刘代表"},
		{"2026-11-25", "星期三", "十月十七", "逢农历一、四、七", ""},
		{"2026-11-29", "星期日", "十月廿一", "逢农历一、四、七", ""},
		{"2026-12-02", "星期三", "十月廿四", "逢农历一、四、七", ""},
		{"2026-12-03", "星期四", "十月廿五", "由12月1日调整", "王代表"},
	}
	if len(rows) != len(want) {
		t.Fatalf("days %v, want %v", rows, want)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("day %d = %v, want %v", i, rows[i], want[i])
		}
	}
	// Defaults: today (2026-11-25) to 30 days later.
	def := pc.call(citizen, "GET", "/api/v1/stations/{id}/reception-days", days, nil, 200)
	if def["from"] != "2026-11-25" || def["to"] != "2026-12-25" || len(def["items"].([]any)) < 8 {
		t.Errorf("default range %v..%v, %d days", def["from"], def["to"], len(def["items"].([]any)))
	}
	for _, q := range []string{"?from=2026-13-01", "?from=2026-12-01&to=2026-11-01", "?from=2026-01-01&to=2027-06-01", "?to=tomorrow"} {
		got := pc.call(citizen, "GET", "/api/v1/stations/{id}/reception-days", days+q, nil, 400)
		if er, _ := got["error"].(map[string]any); er["code"] != zhitong.EINVALID {
			t.Errorf("%s: %v", q, got)
		}
	}
	pc.call(citizen, "GET", "/api/v1/stations/{id}/reception-days", "/api/v1/stations/999999/reception-days", nil, 404)
}
