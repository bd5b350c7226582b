package server_test

import (
	"fmt"
	"regexp"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// TestMovedCaseTakesReceivingPolicy: on a deployment made by `zhitong init
// 3607` and `init --add 360783`, 龙南's committee sets every limit of its
// own policy to 2 working days through the API; the city keeps 13 for a
// complaint. A road case 龙南 files and moves up to the city is assigned by
// the city as a complaint: 13 working days, the city's, not 龙南's 2.
func TestMovedCaseTakesReceivingPolicy(t *testing.T) {
	s := testserver.StartEmpty(t)
	cityRes := testkit.SetUp(t, s.App, "3607")
	lnRes := testkit.Must(setup.New(s.App).Run(ctx, app.System, setup.Input{Region: "360783", Add: true, Via: "test"}))(t)
	e := &env{t: t, app: s.App, clock: s.Clock, srv: s.Server}
	city := e.login(testkit.Principal(t, e.app, cityRes, zhitong.RoleCommittee), "policy-city")
	ln := e.login(testkit.Principal(t, e.app, lnRes, zhitong.RoleCommittee), "policy-longnan")

	var pol map[string]any
	if code := ln.do("GET", "/api/v1/deadline-policy", nil, &pol); code != 200 {
		t.Fatalf("GET policy: %d", code)
	}
	for _, l := range pol["limits"].([]any) {
		l.(map[string]any)["days"] = 2
	}
	if code := ln.do("PUT", "/api/v1/deadline-policy", pol, &pol); code != 200 {
		t.Fatalf("PUT policy: %d %v", code, pol)
	}
	var cityPol map[string]any
	city.do("GET", "/api/v1/deadline-policy", nil, &cityPol)
	if got := fmt.Sprint(cityPol["limits"]); got == fmt.Sprint(pol["limits"]) {
		t.Fatalf("龙南's policy changed the city's: %s", got)
	}

	var town string
	if err := e.app.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = '360783' ORDER BY code LIMIT 1`).Scan(&town); err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if code := ln.do("POST", "/api/v1/cases", map[string]any{"channel": "walk_in", "title": "国道路面塌陷", "body": "国道路面塌陷，请尽快处理。",
		"category": "roads", "region": town, "name": "张三", "phone": "13979701234"}, &c); code != 201 && code != 200 {
		t.Fatalf("intake: %d %v", code, c)
	}
	id := int64(c["id"].(float64))
	var moved map[string]any
	if code := ln.do("POST", fmt.Sprintf("/api/v1/cases/%d/transfer", id), map[string]any{"to": "3607", "reason": "该路段为市管国道",
		"version": c["version"]}, &moved); code != 200 {
		t.Fatalf("transfer: %d %v", code, moved)
	}
	u := &zhitong.Unit{Name: "赣州市交通运输局", Kind: "department", RegionCode: "3607"}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	var as map[string]any
	if code := city.do("POST", fmt.Sprintf("/api/v1/cases/%d/assign", id), map[string]any{"version": moved["version"], "lead_unit_id": u.ID,
		"kind": "complaint"}, &as); code != 200 {
		t.Fatalf("assign: %d %v", code, as)
	}
	if due := dueNote(as); due != "时限 13 个工作日" {
		t.Errorf("the city's assignment of the moved complaint: %q, want the city's 13 working days (龙南's is 2)", due)
	}

	// The same kind of case 龙南 keeps runs under 龙南's own 2 days.
	var kept map[string]any
	ln.do("POST", "/api/v1/cases", map[string]any{"channel": "walk_in", "title": "县道路灯不亮", "body": "县道路灯不亮，请尽快处理。",
		"category": "roads", "region": town, "name": "李四", "phone": "13979704321"}, &kept)
	lu := &zhitong.Unit{Name: "龙南市交通运输局", Kind: "department", RegionCode: "360783"}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, lu) }); err != nil {
		t.Fatal(err)
	}
	if code := ln.do("POST", fmt.Sprintf("/api/v1/cases/%d/assign", int64(kept["id"].(float64))), map[string]any{"version": kept["version"],
		"lead_unit_id": lu.ID, "kind": "complaint"}, &as); code != 200 {
		t.Fatalf("龙南's assign: %d %v", code, as)
	}
	if due := dueNote(as); due != "时限 2 个工作日" {
		t.Errorf("龙南's own complaint: %q, want 龙南's 2 working days", due)
	}
}

// dueNote is the "时限 N 个工作日" of the last assign event of case view v.
func dueNote(v map[string]any) string {
	evs, _ := v["events"].([]any)
	for i := len(evs) - 1; i >= 0; i-- {
		ev := evs[i].(map[string]any)
		if ev["action"] == "assign" {
			if m := dueRe.FindString(ev["note"].(string)); m != "" {
				return m
			}
		}
	}
	return ""
}

var dueRe = regexp.MustCompile(`时限 \d+ 个工作日`)
