package server_test

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// pointsCaller calls the API and validates each answer against the schema
// openapi.json documents for its status.
type pointsCaller struct {
	t *testing.T
	d *oaDoc
}

func (pc pointsCaller) call(c *client, method, tmpl, path string, body any, want int) map[string]any {
	pc.t.Helper()
	var got any
	code := c.do(method, path, body, &got)
	if code != want {
		pc.t.Fatalf("%s %s = %d, want %d: %v", method, path, code, want, got)
	}
	resp, ok := pc.d.operation(method, tmpl)["responses"].(map[string]any)[strconv.Itoa(code)]
	if !ok {
		pc.t.Fatalf("%s %s: status %d is not documented", method, tmpl, code)
	}
	r, _ := pc.d.resolve(resp).(map[string]any)
	for _, msg := range pc.d.validate("", oaJSONSchema(r), got) {
		pc.t.Errorf("%s %s → %d: %s", method, tmpl, code, msg)
	}
	m, _ := got.(map[string]any)
	return m
}

func num(m map[string]any, key string) int {
	v, _ := m[key].(float64)
	return int(v)
}

func TestPointsAPI(t *testing.T) {
	pc := pointsCaller{t: t, d: servedOpenAPI(t)}
	e := newEnv(t)
	f := e.f
	today := testkit.Start.Format(time.DateOnly)
	citizen := e.anonymous()
	deputy := e.login(f.In[zhitong.RoleDeputy], "pt-deputy")
	officer := e.login(f.In[zhitong.RoleOfficer], "pt-officer")
	outsider := e.login(f.Out[zhitong.RoleOfficer], "pt-outsider")
	committee := e.login(f.In[zhitong.RoleCommittee], "pt-committee")
	unit := e.login(f.In[zhitong.RoleUnit], "pt-unit")
	receptionToday(t, e)

	reception := map[string]any{"kind": "reception", "day": today, "station_id": f.Station, "visitors": 4, "answered": "低保政策当场解答",
		"cases": []map[string]any{{"body": "村口道路破损严重，雨天积水", "category": "roads", "anonymous": true}}}
	R := "/api/v1/duty-records"
	pc.call(citizen, "POST", R, R, reception, 401)
	staffReception := map[string]any{"deputy_ids": []int64{f.Deputy}}
	for k, v := range reception {
		staffReception[k] = v
	}
	pc.call(outsider, "POST", R, R, staffReception, 403)
	pc.call(unit, "POST", R, R, staffReception, 403)
	pc.call(deputy, "POST", R, R, map[string]any{"kind": "reception", "day": today, "station_id": f.Station, "visitors": 4, "bogus": 1}, 400)
	rec := pc.call(deputy, "POST", R, R, reception, 201)
	if ids, _ := rec["case_ids"].([]any); len(ids) != 1 || num(rec, "visitors") != 4 {
		t.Fatalf("record = %v", rec)
	}
	pc.call(officer, "POST", R, R, map[string]any{"kind": "mediation", "day": today, "title": "邻里排水纠纷", "result": "双方和解",
		"deputy_ids": []int64{f.Deputy}, "others": "村调委会"}, 201)
	list := pc.call(officer, "GET", R, R+"?kind=reception&from="+today, nil, 200)
	if items, _ := list["items"].([]any); len(items) != 1 {
		t.Fatalf("officer lists %d receptions", len(items))
	}
	if items, _ := pc.call(outsider, "GET", R, R, nil, 200)["items"].([]any); len(items) != 0 {
		t.Fatalf("outsider lists %d records", len(items))
	}
	pc.call(officer, "GET", R, R+"?from=2026-02-30", nil, 400)
	recPath := R + "/" + strconv.Itoa(num(rec, "id"))
	pc.call(officer, "GET", R+"/{id}", recPath, nil, 200)
	pc.call(outsider, "GET", R+"/{id}", recPath, nil, 403)
	pc.call(citizen, "GET", R+"/{id}", recPath, nil, 401)

	// A check-in written by the roster feature counts as a visit.
	d := &store.Duty{StationID: f.Station, DeputyID: f.Deputy, Day: testkit.Start.AddDate(0, 0, -3).Format(time.DateOnly), Status: "checked_in"}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.PutDuty(ctx, d) }); err != nil {
		t.Fatal(err)
	}

	// The public scorecard counts exactly what was recorded.
	S := "/api/v1/deputies/{id}/scorecard"
	scPath := "/api/v1/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/scorecard"
	sc := pc.call(citizen, "GET", S, scPath+"?from=2026-01-01&to="+today, nil, 200)
	if num(sc, "visits") != 2 || num(sc, "received") != 4 || num(sc, "cases") != 1 || num(sc, "mediations") != 1 || num(sc, "proposals") != 0 {
		t.Fatalf("scorecard = %v", sc)
	}
	pc.call(citizen, "GET", S, scPath+"?from=2026-12-01&to=2026-01-01", nil, 400)
	pc.call(citizen, "GET", S, "/api/v1/deputies/99999/scorecard", nil, 404)
	tot := pc.call(citizen, "GET", "/api/v1/scorecard/totals", "/api/v1/scorecard/totals?region="+f.County, nil, 200)
	pc.call(citizen, "GET", "/api/v1/scorecard/totals", "/api/v1/scorecard/totals?region=36a", nil, 400)
	if num(tot, "received") != 4 || num(tot, "collected") != 1 {
		t.Fatalf("totals = %v", tot)
	}

	// Rules, recompute, ledger, rankings: committee staff configure.
	pc.call(citizen, "GET", "/api/v1/point-rules", "/api/v1/point-rules", nil, 401)
	rules := pc.call(officer, "GET", "/api/v1/point-rules", "/api/v1/point-rules", nil, 200)
	if items, _ := rules["items"].([]any); len(items) != len(zhitong.PointEvents) {
		t.Fatalf("%d rules, want %d", len(items), len(zhitong.PointEvents))
	}
	PR := "/api/v1/point-rules/{event}"
	pc.call(officer, "PUT", PR, "/api/v1/point-rules/mediation", map[string]any{"points": 4}, 403)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/mediation", map[string]any{"points": 4, "cap": 3}, 400)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/nothing", map[string]any{"points": 4}, 404)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/mediation", map[string]any{"points": 4}, 200)
	pc.call(officer, "POST", "/api/v1/points/recompute", "/api/v1/points/recompute", nil, 403)
	res := pc.call(committee, "POST", "/api/v1/points/recompute", "/api/v1/points/recompute", nil, 200)
	if num(res, "deputies") != 1 || num(res, "points") != num(pc.call(citizen, "GET", S, scPath+"?from=2000-01-01&to="+today, nil, 200), "points") {
		t.Fatalf("recompute = %v", res)
	}
	L := "/api/v1/deputies/{id}/points"
	lPath := "/api/v1/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/points"
	ledger := pc.call(deputy, "GET", L, lPath, nil, 200)
	if items, _ := ledger["items"].([]any); len(items) != 4 { // two visit days, one mediation, one case
		t.Fatalf("ledger = %v", ledger)
	}
	pc.call(outsider, "GET", L, lPath, nil, 403)
	rk := pc.call(officer, "GET", "/api/v1/points/rankings", "/api/v1/points/rankings?from=2026-01-01", nil, 200)
	if deps, _ := rk["deputies"].([]any); len(deps) != 1 {
		t.Fatalf("rankings = %v", rk)
	}
	pc.call(unit, "GET", "/api/v1/points/rankings", "/api/v1/points/rankings", nil, 403)

	// A rule change recomputes every ledger at once: the public scorecard,
	// the ledger and the rankings say the same under rule set version 5.
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/visit", map[string]any{"points": 6}, 200)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/inspection", map[string]any{"points": 3}, 200)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/absence", map[string]any{"points": -5, "cap": -20, "period": "week"}, 200)
	pc.call(committee, "PUT", PR, "/api/v1/point-rules/visit", map[string]any{"points": 6, "cap": -20, "period": "week"}, 400)
	sc = pc.call(citizen, "GET", S, scPath+"?from=2026-01-01&to="+today, nil, 200)
	sum := 0
	for _, it := range pc.call(deputy, "GET", L, lPath+"?from=2026-01-01&to="+today, nil, 200)["items"].([]any) {
		sum += num(it.(map[string]any), "points")
	}
	rk = pc.call(officer, "GET", "/api/v1/points/rankings", "/api/v1/points/rankings?from=2026-01-01&to="+today, nil, 200)
	top := rk["deputies"].([]any)[0].(map[string]any)
	if sum != 2*6+4+1 || num(sc, "points") != sum || num(top, "points") != sum || num(sc, "rules_version") != 5 || num(rk, "rules_version") != 5 {
		t.Fatalf("after visit=6: ledger %d, scorecard %v, rankings %v", sum, sc, rk)
	}

	// The inactivity list and its setting.
	I := "/api/v1/inactive-deputies"
	if items, _ := pc.call(officer, "GET", I, I, nil, 200)["items"].([]any); len(items) != 0 {
		t.Fatalf("active deputy listed: %v", items)
	}
	pc.call(officer, "GET", I, I+"?days=x", nil, 400)
	pc.call(deputy, "GET", I, I, nil, 403)
	pc.call(officer, "PUT", "/api/v1/points/settings", "/api/v1/points/settings", map[string]any{"inactive_days": 30}, 403)
	pc.call(committee, "PUT", "/api/v1/points/settings", "/api/v1/points/settings", map[string]any{"inactive_days": 0}, 400)
	pc.call(committee, "PUT", "/api/v1/points/settings", "/api/v1/points/settings", map[string]any{"inactive_days": 30}, 200)
	e.clock.Advance(40 * 24 * time.Hour)
	if l := pc.call(officer, "GET", I, I, nil, 200); num(l, "days") != 30 || len(l["items"].([]any)) != 1 {
		t.Fatalf("after 40 days = %v", l)
	}
	M := "/api/v1/deputies/{id}/reminders"
	mPath := "/api/v1/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/reminders"
	pc.call(deputy, "POST", M, mPath, map[string]any{}, 403)
	pc.call(outsider, "POST", M, mPath, map[string]any{}, 403)
	pc.call(officer, "POST", M, mPath, map[string]any{"note": "请本周进站", "x": 1}, 400)
	if rem := pc.call(officer, "POST", M, mPath, map[string]any{"note": "请本周进站"}, 201); num(rem, "days") != 40 {
		t.Fatalf("reminder = %v", rem)
	}
	if l := pc.call(officer, "GET", I, I, nil, 200); l["items"].([]any)[0].(map[string]any)["last_reminder"] != e.clock.Now().In(zhitong.China).Format(time.DateOnly) {
		t.Fatalf("list after the reminder = %v", l)
	}
	// A second reminder the same China day is refused (409) and sends nothing.
	sentAt := e.clock.Now().In(zhitong.China).Format("15:04")
	if dup := pc.call(committee, "POST", M, mPath, map[string]any{}, 409); !strings.Contains(fmt.Sprint(dup), "今天 "+sentAt+" 已向") {
		t.Fatalf("second reminder the same day = %v", dup)
	}
	var rows, notices int
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM deputy_reminders WHERE deputy_id = ?`, f.Deputy).Scan(&rows))(t)
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE template = 'deputy.inactive_reminder'`).Scan(&notices))(t)
	if rows != 1 || notices != 1 {
		t.Fatalf("after a second reminder the same day: %d reminders, %d notices; want 1 and 1", rows, notices)
	}

	// The report to voters.
	V := "/api/v1/deputies/{id}/voter-report"
	vPath := "/api/v1/deputies/" + strconv.FormatInt(f.Deputy, 10) + "/voter-report"
	period := "?from=2026-01-01&to=" + today
	draft := pc.call(officer, "GET", V, vPath+period, nil, 200)
	if draft["saved"] != false || !strings.Contains(draft["report"].(map[string]any)["narrative"].(string), "接待群众4人次") {
		t.Fatalf("draft = %v", draft["report"])
	}
	review := map[string]any{"from": "2026-01-01", "to": today, "narrative": "述职正文", "present": 30, "satisfied": 25, "basic": 4, "unsatisfied": 1}
	pc.call(deputy, "PUT", V, vPath, review, 403)
	pc.call(outsider, "PUT", V, vPath, review, 403)
	pc.call(citizen, "PUT", V, vPath, review, 401)
	pc.call(officer, "PUT", V, vPath, map[string]any{"from": "2026-01-01", "to": today, "present": 3, "satisfied": 5}, 400)
	pc.call(officer, "PUT", V, vPath, review, 200)
	if got := pc.call(deputy, "GET", V, vPath+period, nil, 200); got["saved"] != true {
		t.Fatalf("saved report = %v", got)
	}
	var audited int
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('duty_record.create', 'points.rule', 'points.recompute', 'points.inactive_days', 'voter_report.save')`).Scan(&audited))(t)
	if audited != 9 {
		t.Fatalf("%d audit entries for the writes, want 9", audited)
	}
}

func TestPointsSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"DutyRecord":       reflect.TypeFor[zhitong.DutyRecord](),
		"RecordInput":      reflect.TypeFor[app.RecordInput](),
		"PointRule":        reflect.TypeFor[zhitong.PointRule](),
		"RuleInput":        reflect.TypeFor[app.RuleInput](),
		"PointEntry":       reflect.TypeFor[zhitong.PointEntry](),
		"RecomputeResult":  reflect.TypeFor[app.RecomputeResult](),
		"Rankings":         reflect.TypeFor[app.Rankings](),
		"RankRow":          reflect.TypeFor[app.RankRow](),
		"InactiveDeputy":   reflect.TypeFor[app.InactiveDeputy](),
		"InactiveList":     reflect.TypeFor[app.InactiveList](),
		"Scorecard":        reflect.TypeFor[app.Scorecard](),
		"CountyTotals":     reflect.TypeFor[store.CountyTotals](),
		"VoterReport":      reflect.TypeFor[zhitong.VoterReport](),
		"VoterReportView":  reflect.TypeFor[app.VoterReportView](),
		"VoterReportInput": reflect.TypeFor[app.VoterReportInput](),
		"ReportCase":       reflect.TypeFor[app.ReportCase](),
		"ReportPoint":      reflect.TypeFor[app.ReportPoint](),
		"Reminder":         reflect.TypeFor[app.Reminder](),
		"ReminderInput":    reflect.TypeFor[app.ReminderInput](),
		"ReportProposal":   reflect.TypeFor[app.ReportProposal](),
		"RecordEdit":       reflect.TypeFor[app.RecordEdit](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	oaSameSet(t, "enum PointEvent", oaStrings(d.schema("PointEvent")["enum"]), oaValues(zhitong.PointEvents))
	oaSameSet(t, "enum RecordKind", oaStrings(d.schema("RecordKind")["enum"]), oaValues(zhitong.RecordKinds))
	src := sourceStructNames(t, "pointSettings", "recordVoid")
	oaSameSet(t, "schema PointSettings", d.properties(d.schema("PointSettings")), src["pointSettings"])
	oaSameSet(t, "schema RecordVoid", d.properties(d.schema("RecordVoid")), src["recordVoid"])
}

// receptionToday makes today a reception day of the fixture's station, so
// the deputy may record a reception of their own.
func receptionToday(t *testing.T, e *env) {
	t.Helper()
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleDate, Date: e.clock.Now().In(zhitong.China).Format(time.DateOnly), Holidays: zhitong.HolidayKeep}}
	testkit.Must(e.app.SetReceptionRules(ctx, e.f.In[zhitong.RoleCommittee], e.f.Station, rules, nil))(t)
}

// The audit's violations are refused through the API; staff correct and
// void records, and the public numbers follow.
func TestDutyRecordCorrectionAPI(t *testing.T) {
	pc := pointsCaller{t: t, d: servedOpenAPI(t)}
	e := newEnv(t)
	f := e.f
	receptionToday(t, e)
	today := e.clock.Now().In(zhitong.China).Format(time.DateOnly)
	deputy := e.login(f.In[zhitong.RoleDeputy], "rc-deputy")
	officer := e.login(f.In[zhitong.RoleOfficer], "rc-officer")
	outsider := e.login(f.Out[zhitong.RoleOfficer], "rc-outsider")
	citizen := e.anonymous()
	R := "/api/v1/duty-records"
	refused := func(body map[string]any, field string) {
		t.Helper()
		got, _ := pc.call(deputy, "POST", R, R, body, 400)["error"].(map[string]any)
		if got["code"] != "invalid" || got["field"] != field {
			t.Errorf("%v: answer %v, want invalid on %s", body, got, field)
		}
	}
	refused(map[string]any{"kind": "reception", "day": today, "station_id": f.Station, "visitors": 5000}, "visitors")
	refused(map[string]any{"kind": "reception", "day": "2020-01-01", "station_id": f.Station, "visitors": 5}, "day")
	refused(map[string]any{"kind": "reception", "day": today, "station_id": f.OtherStation, "visitors": 5}, "station_id")
	rec := pc.call(deputy, "POST", R, R, map[string]any{"kind": "reception", "day": today, "station_id": f.Station, "visitors": 12}, 201)
	path := R + "/" + strconv.Itoa(num(rec, "id"))
	P, V := R+"/{id}", R+"/{id}/void"
	edit := map[string]any{"day": today, "station_id": f.Station, "visitors": 8, "deputy_ids": []int64{f.Deputy}, "reason": "人次按登记簿核对"}
	pc.call(citizen, "PUT", P, path, edit, 401)
	pc.call(outsider, "PUT", P, path, edit, 403)
	noReason := map[string]any{"day": today, "station_id": f.Station, "visitors": 8, "deputy_ids": []int64{f.Deputy}}
	if got, _ := pc.call(officer, "PUT", P, path, noReason, 400)["error"].(map[string]any); got["field"] != "reason" {
		t.Errorf("no reason: %v", got)
	}
	got := pc.call(officer, "PUT", P, path, edit, 200)
	if num(got, "visitors") != 8 || got["updated_at"] == nil {
		t.Fatalf("corrected = %v", got)
	}
	tot := pc.call(citizen, "GET", "/api/v1/scorecard/totals", "/api/v1/scorecard/totals?region="+f.County, nil, 200)
	if num(tot, "received") != 8 {
		t.Fatalf("totals after the correction = %v", tot)
	}
	pc.call(outsider, "POST", V, path+"/void", map[string]any{"reason": "重复登记"}, 403)
	pc.call(officer, "POST", V, path+"/void", map[string]any{"reason": " "}, 400)
	got = pc.call(officer, "POST", V, path+"/void", map[string]any{"reason": "重复登记"}, 200)
	if got["voided_at"] == nil || got["void_reason"] != "重复登记" {
		t.Fatalf("voided = %v", got)
	}
	pc.call(officer, "POST", V, path+"/void", map[string]any{"reason": "重复登记"}, 409)
	pc.call(deputy, "PUT", P, path, edit, 409)
	pc.call(officer, "POST", V, R+"/99999/void", map[string]any{"reason": "重复登记"}, 404)
	tot = pc.call(citizen, "GET", "/api/v1/scorecard/totals", "/api/v1/scorecard/totals?region="+f.County, nil, 200)
	sc := pc.call(citizen, "GET", "/api/v1/deputies/{id}/scorecard", "/api/v1/deputies/"+strconv.FormatInt(f.Deputy, 10)+"/scorecard", nil, 200)
	if num(tot, "received") != 0 || num(sc, "visits") != 0 || num(sc, "points") != 0 {
		t.Fatalf("after the void: totals %v, scorecard %v", tot, sc)
	}
	list := pc.call(officer, "GET", R, R, nil, 200)
	if items, _ := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["voided_at"] == nil {
		t.Fatalf("the voided record is not listed as voided: %v", list)
	}
}
