package server_test

import (
	"regexp"
	"strconv"
	"testing"

	"zhitong"
)

// snakeKey is the one dialect of every JSON answer (issue #10).
var snakeKey = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// nonSnakeKeys walks a decoded JSON value and returns the path of every
// object key that is not snake_case.
func nonSnakeKeys(path string, v any) []string {
	var bad []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if !snakeKey.MatchString(k) {
				bad = append(bad, path+"."+k)
			}
			bad = append(bad, nonSnakeKeys(path+"."+k, x)...)
		}
	case []any:
		for i, x := range v {
			bad = append(bad, nonSnakeKeys(path+"["+strconv.Itoa(i)+"]", x)...)
		}
	}
	return bad
}

// TestAPIAnswersAreSnakeCase drives a case through assign, extension,
// reply with deliveries and evaluation, and fails on any key of the case
// view, the step answers, the proposal and the audit list that is not
// snake_case; times that have not happened are left out, not the Go zero
// time.
func TestAPIAnswersAreSnakeCase(t *testing.T) {
	e := newEnv(t)
	f := e.f
	citizen := e.anonymous()
	officer := e.login(f.In[zhitong.RoleOfficer], "sc-officer")
	unit := e.login(f.In[zhitong.RoleUnit], "sc-unit")
	committee := e.login(f.In[zhitong.RoleCommittee], "sc-committee")
	auditor := e.login(zhitong.Principal{Role: zhitong.RoleAuditor}, "sc-auditor")

	check := func(c *client, method, path string, body any, want int) map[string]any {
		t.Helper()
		var got map[string]any
		if code := c.do(method, path, body, &got); code != want {
			t.Fatalf("%s %s = %d %v, want %d", method, path, code, got, want)
		}
		for _, k := range nonSnakeKeys(method+" "+path, got) {
			t.Errorf("key not snake_case: %s", k)
		}
		return got
	}
	idOf := func(m map[string]any, key string) string {
		t.Helper()
		v, ok := m[key].(float64)
		if !ok {
			t.Fatalf("no %s in %v", key, m)
		}
		return strconv.FormatInt(int64(v), 10)
	}

	sub := check(citizen, "POST", "/api/v1/submissions", map[string]any{"body": "村口路灯坏了一个多月，晚上出行不便",
		"region": f.Town, "name": "周二", "phone": "13907970002"}, 201)
	code, _ := sub["code"].(string)
	base := "/api/v1/cases/" + idOf(sub, "id")
	v := check(officer, "POST", base+"/register", map[string]any{"category": "roads"}, 200)
	check(officer, "POST", base+"/assign", map[string]any{"lead_unit_id": f.Lead, "co_unit_ids": []int64{f.Co}, "days": 10, "version": v["version"]}, 200)
	check(unit, "POST", base+"/accept", map[string]any{}, 200)
	check(unit, "POST", base+"/extension-request", map[string]any{"days": 3, "reason": "需要协调供电所"}, 200)
	check(committee, "POST", base+"/extension-decision", map[string]any{"approve": true}, 200)
	check(unit, "POST", base+"/reply", map[string]any{"outcome": "A", "text": "已更换路灯",
		"deliveries": []map[string]any{{"recipient": "congress", "channel": "written"}}}, 200)
	check(unit, "POST", base+"/deliveries", map[string]any{"recipient": "citizen", "channel": "sms"}, 200)
	tv := check(citizen, "GET", "/api/v1/track/"+code, nil, 200)
	check(citizen, "POST", "/api/v1/track/"+code+"/evaluation", map[string]any{"rating": "satisfied", "version": tv["version"]}, 200)
	cv := check(officer, "GET", base, nil, 200)

	// Every list of the case page is there, in snake_case.
	for _, list := range []string{"assignments", "extensions", "replies", "evaluations", "events"} {
		if items, _ := cv[list].([]any); len(items) == 0 {
			t.Errorf("case view has no %s: %v", list, cv[list])
		}
	}
	replies, _ := cv["replies"].([]any)
	if len(replies) > 0 {
		if ds, _ := replies[0].(map[string]any)["deliveries"].([]any); len(ds) != 2 {
			t.Errorf("reply deliveries = %v, want 2", ds)
		}
	}
	// The co-handling unit never accepted nor returned: no zero times.
	for _, a := range cv["assignments"].([]any) {
		a := a.(map[string]any)
		if a["case_id"] != cv["id"] || a["unit_id"] == nil {
			t.Errorf("assignment = %v", a)
		}
		if _, ok := a["returned_at"]; ok {
			t.Errorf("assignment never returned has returned_at: %v", a)
		}
		if a["unit_id"] == float64(f.Co) {
			if _, ok := a["accepted_at"]; ok {
				t.Errorf("co-handler never accepted has accepted_at: %v", a)
			}
		}
	}

	// A proposal, the audit list.
	in := check(officer, "POST", "/api/v1/cases", map[string]any{"body": "道路坑洼需要修补", "category": "roads", "region": f.Town, "anonymous": true}, 201)
	b2 := "/api/v1/cases/" + idOf(in, "id")
	check(officer, "POST", b2+"/assign", map[string]any{"lead_unit_id": f.Lead}, 200)
	check(unit, "POST", b2+"/return", map[string]any{"text": "不属于本单位职责"}, 200)
	p := check(officer, "POST", b2+"/propose", map[string]any{"title": "修缮乡村道路", "deputy_id": f.Deputy}, 200)
	check(officer, "GET", "/api/v1/proposals/"+idOf(p, "proposal_id"), nil, 200)

	aud := check(auditor, "GET", "/api/v1/audit?object=case:"+idOf(sub, "id")+"", nil, 200)
	items, _ := aud["items"].([]any)
	if len(items) == 0 {
		t.Fatalf("audit list is empty: %v", aud)
	}
	for _, k := range []string{"seq", "at", "actor", "action", "object", "detail", "prev", "hash"} {
		if _, ok := items[0].(map[string]any)[k]; !ok {
			t.Errorf("audit entry has no %s: %v", k, items[0])
		}
	}
}
