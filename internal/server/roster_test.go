package server_test

import (
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestRosterAPI drives the roster through the real HTTP stack: generate,
// read, edit, check in, swap, mark no-shows and excuse, validating every
// answer against roster.json.
func TestRosterAPI(t *testing.T) {
	pc := pointsCaller{t: t, d: servedOpenAPI(t)}
	e := newEnv(t)
	f := e.f
	day := func(n int) string { return testkit.Start.AddDate(0, 0, n).Format(time.DateOnly) }
	second := &zhitong.Deputy{Name: "李代表", Levels: []string{"township"}, RegionCode: f.Town, StationID: f.Station}
	err := e.app.DB().Write(ctx, func(tx *store.Tx) error {
		if err := tx.InsertDeputy(ctx, second); err != nil {
			return err
		}
		return tx.ReplaceReceptionRules(ctx, f.Station, []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidayKeep}}, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	st := "/api/v1/stations/" + itoa(f.Station)
	officer := e.login(f.In[zhitong.RoleOfficer], "ro-officer")
	outsider := e.login(f.Out[zhitong.RoleOfficer], "ro-outsider")
	first := e.login(f.In[zhitong.RoleDeputy], "ro-deputy")
	other := e.login(zhitong.Principal{Role: zhitong.RoleDeputy, RegionCode: f.Town, DeputyID: second.ID}, "ro-deputy2")

	pc.call(outsider, "POST", "/api/v1/stations/{id}/roster", st+"/roster", map[string]any{"from": day(0), "to": day(28)}, 403)
	pc.call(officer, "POST", "/api/v1/stations/{id}/roster", st+"/roster", map[string]any{"from": day(0), "to": day(28), "per_day": 5}, 400)
	plan := pc.call(officer, "POST", "/api/v1/stations/{id}/roster", st+"/roster", map[string]any{"from": day(0), "to": day(28)}, 200)
	if num(plan, "planned") != 5 || num(plan, "days") != 5 {
		t.Fatalf("plan = %v", plan)
	}
	roster := pc.call(officer, "GET", "/api/v1/stations/{id}/roster", st+"/roster?from="+day(0)+"&to="+day(28), nil, 200)
	days := roster["items"].([]any)
	if len(days) != 5 {
		t.Fatalf("roster = %v", roster)
	}
	duty := func(i int) map[string]any {
		return days[i].(map[string]any)["duties"].([]any)[0].(map[string]any)
	}
	pc.call(outsider, "GET", "/api/v1/stations/{id}/roster", st+"/roster?from="+day(0)+"&to="+day(28), nil, 403)
	pc.call(first, "GET", "/api/v1/stations/{id}/roster", st+"/roster?from="+day(0)+"&to="+day(28), nil, 200)

	// Today's deputy checks in from the phone; the other one may not.
	today := duty(0)
	me, them := first, other
	if int64(num(today, "deputy_id")) == second.ID {
		me, them = other, first
	}
	path := "/api/v1/duties/" + itoa(int64(num(today, "id")))
	pc.call(them, "POST", "/api/v1/duties/{id}/check-in", path+"/check-in", map[string]any{}, 403)
	got := pc.call(me, "POST", "/api/v1/duties/{id}/check-in", path+"/check-in", map[string]any{"lat": 24.78, "lng": 115.03}, 200)
	if got["status"] != zhitong.DutyCheckedIn || got["lat"] != 24.78 {
		t.Fatalf("check-in = %v", got)
	}
	pc.call(me, "POST", "/api/v1/duties/{id}/check-in", path+"/check-in", map[string]any{}, 409)
	visit := pc.call(them, "POST", "/api/v1/stations/{id}/check-in", st+"/check-in", map[string]any{}, 201)
	if visit["status"] != zhitong.DutyCheckedIn {
		t.Fatalf("visit = %v", visit)
	}

	// Edits by hand.
	pc.call(officer, "POST", "/api/v1/stations/{id}/duties", st+"/duties", map[string]any{"deputy_id": second.ID, "day": day(1)}, 400)
	added := pc.call(officer, "POST", "/api/v1/stations/{id}/duties", st+"/duties", map[string]any{"deputy_id": f.Deputy, "day": day(35)}, 201)
	pc.call(outsider, "DELETE", "/api/v1/duties/{id}", "/api/v1/duties/"+itoa(int64(num(added, "id"))), nil, 403)
	if code := officer.do("DELETE", "/api/v1/duties/"+itoa(int64(num(added, "id"))), nil, nil); code != 204 {
		t.Fatalf("delete = %d", code)
	}

	// A swap: the deputy of week one exchanges with week two's; approval moves them.
	d1, d2 := duty(1), duty(2)
	asker := first
	if int64(num(d1, "deputy_id")) == second.ID {
		asker = other
	}
	swap := pc.call(asker, "POST", "/api/v1/swaps", "/api/v1/swaps", map[string]any{"duty_id": num(d1, "id"), "kind": "exchange", "target_duty_id": num(d2, "id"), "reason": "出差"}, 201)
	pc.call(asker, "POST", "/api/v1/swaps", "/api/v1/swaps", map[string]any{"duty_id": num(d1, "id"), "kind": "exchange", "target_duty_id": num(d2, "id")}, 409)
	list := pc.call(officer, "GET", "/api/v1/swaps", "/api/v1/swaps?status=pending", nil, 200)
	if len(list["items"].([]any)) != 1 {
		t.Fatalf("pending = %v", list)
	}
	sw := "/api/v1/swaps/" + itoa(int64(num(swap, "id")))
	pc.call(asker, "POST", "/api/v1/swaps/{id}/approve", sw+"/approve", map[string]any{}, 403)
	pc.call(outsider, "POST", "/api/v1/swaps/{id}/approve", sw+"/approve", map[string]any{}, 403)
	done := pc.call(officer, "POST", "/api/v1/swaps/{id}/approve", sw+"/approve", map[string]any{"note": "同意"}, 200)
	if done["status"] != zhitong.SwapApproved {
		t.Fatalf("approved = %v", done)
	}
	pc.call(officer, "POST", "/api/v1/swaps/{id}/reject", sw+"/reject", map[string]any{}, 409)
	mine := pc.call(asker, "GET", "/api/v1/me/duties", "/api/v1/me/duties", nil, 200)
	up := mine["upcoming"].([]any)
	if len(up) == 0 || up[0].(map[string]any)["day"] != d2["day"] {
		t.Fatalf("after the exchange the asker's next duty is %v, want %v", up, d2["day"])
	}
	pc.call(officer, "GET", "/api/v1/me/duties", "/api/v1/me/duties", nil, 403)

	// Two weeks on, week one's duty was missed: a no-show, then excused.
	e.clock.Set(testkit.Start.AddDate(0, 0, 8))
	if n := testkit.Must(e.app.MarkNoShows(ctx))(t); n != 1 {
		t.Fatalf("no-shows = %d", n)
	}
	missed := "/api/v1/duties/" + itoa(int64(num(d1, "id")))
	pc.call(officer, "POST", "/api/v1/duties/{id}/excuse", missed+"/excuse", map[string]any{"reason": ""}, 400)
	ex := pc.call(officer, "POST", "/api/v1/duties/{id}/excuse", missed+"/excuse", map[string]any{"reason": "参加县人代会培训"}, 200)
	if ex["status"] != zhitong.DutyExcused {
		t.Fatalf("excused = %v", ex)
	}
	pc.call(officer, "POST", "/api/v1/duties/{id}/excuse", missed+"/excuse", map[string]any{"reason": "再次"}, 409)
}
