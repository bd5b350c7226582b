package server_test

import (
	"net/http"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// oaCheck calls the API and validates the answer against the schema the
// OpenAPI document gives for its status.
func oaCheck(t *testing.T, d *oaDoc, c *client, method, tmpl, path string, body any, want int) map[string]any {
	t.Helper()
	var got any
	if code := c.do(method, path, body, &got); code != want {
		t.Fatalf("%s %s = %d, want %d: %v", method, path, code, want, got)
	}
	resp, ok := d.operation(method, tmpl)["responses"].(map[string]any)[strconv.Itoa(want)]
	if !ok {
		t.Fatalf("%s %s: status %d is not documented", method, tmpl, want)
	}
	r, _ := d.resolve(resp).(map[string]any)
	for _, msg := range d.validate("", oaJSONSchema(r), got) {
		t.Errorf("%s %s → %d: %s", method, tmpl, want, msg)
	}
	m, _ := got.(map[string]any)
	return m
}

func TestSupervisionSchemasMatchGoTypes(t *testing.T) {
	d := servedOpenAPI(t)
	for name, typ := range map[string]reflect.Type{
		"Policy": reflect.TypeFor[app.Policy](), "Limit": reflect.TypeFor[app.Limit](), "SupervisionInfo": reflect.TypeFor[app.SupervisionInfo](),
		"SupervisionEntry": reflect.TypeFor[app.SupervisionEntry](), "LetterRef": reflect.TypeFor[app.LetterRef](),
		"SupervisionItem": reflect.TypeFor[app.SupervisionItem](), "LetterView": reflect.TypeFor[app.LetterView](),
		"BulletinView": reflect.TypeFor[app.BulletinView](), "BulletinRow": reflect.TypeFor[store.BulletinRow](),
		"CallbackItem": reflect.TypeFor[app.CallbackItem](), "FollowUpItem": reflect.TypeFor[app.FollowUpItem](),
		"FollowUpInput": reflect.TypeFor[app.FollowUpInput](),
		"ProposalView":  reflect.TypeFor[app.ProposalView](), "ProposalDeadline": reflect.TypeFor[app.ProposalDeadline](),
		"ProposalItem": reflect.TypeFor[app.ProposalItem](), "ComplexInput": reflect.TypeFor[app.ComplexInput](),
	} {
		oaSameSet(t, "schema "+name+" vs "+typ.String(), d.properties(d.schema(name)), jsonNames(typ))
	}
	oaSameSet(t, "enum CaseKind", oaStrings(d.schema("CaseKind")["enum"]), oaValues(zhitong.CaseKinds))
	oaSameSet(t, "enum SupervisionLevel", oaStrings(d.schema("SupervisionLevel")["enum"]), oaValues(zhitong.SupervisionLevels))
}

// TestSupervisionAPI drives the supervision endpoints over HTTP through a
// case that goes overdue, and checks every answer against the document.
func TestSupervisionAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	officer := e.login(f.In[zhitong.RoleOfficer], "sv-officer")
	committee := e.login(f.In[zhitong.RoleCommittee], "sv-committee")
	outsider := e.login(f.Out[zhitong.RoleCommittee], "sv-outsider")

	pol := oaCheck(t, d, officer, "GET", "/api/v1/deadline-policy", "/api/v1/deadline-policy", nil, 200)
	oaCheck(t, d, officer, "PUT", "/api/v1/deadline-policy", "/api/v1/deadline-policy", pol, 403)
	pol["list_after_days"] = 0.0
	oaCheck(t, d, committee, "PUT", "/api/v1/deadline-policy", "/api/v1/deadline-policy", pol, 400)
	pol["list_after_days"], pol["letter_prefix"] = 3.0, "定人大督"
	if got := oaCheck(t, d, committee, "PUT", "/api/v1/deadline-policy", "/api/v1/deadline-policy", pol, 200); got["list_after_days"] != 3.0 {
		t.Fatalf("policy = %v", got)
	}

	o := f.In[zhitong.RoleOfficer]
	c := testkit.Must(e.app.Intake(ctx, o, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "农贸市场排水沟堵塞发臭", CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	c = testkit.Must(e.app.Assign(ctx, o, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead, Days: 2}))(t)
	e.clock.Set(time.Date(2026, 12, 3, 9, 0, 0, 0, zhitong.China)) // due 11-27; 4 working days overdue
	testkit.Must(e.app.SweepOnce(ctx))(t)

	page := oaCheck(t, d, officer, "GET", "/api/v1/supervision", "/api/v1/supervision?level=red&overdue_days=3", nil, 200)
	items, _ := page["items"].([]any)
	if page["total"] != 1.0 || len(items) != 1 {
		t.Fatalf("supervision list = %v", page)
	}
	item := items[0].(map[string]any)
	last, _ := item["last_action"].(map[string]any)
	if item["code"] != c.Code || item["listed"] != true || last["kind"] != "listed" || item["supervision_level"] != "red" {
		t.Errorf("item = %v", item)
	}
	oaCheck(t, d, officer, "GET", "/api/v1/supervision", "/api/v1/supervision?level=orange", nil, 400)
	if p := oaCheck(t, d, outsider, "GET", "/api/v1/supervision", "/api/v1/supervision", nil, 200); p["total"] != 0.0 {
		t.Errorf("another county sees %v", p["total"])
	}
	view := oaCheck(t, d, officer, "GET", "/api/v1/cases/{id}", "/api/v1/cases/"+itoa(c.ID), nil, 200)
	sup := view["supervision"].(map[string]any)
	letters := sup["letters"].([]any)
	if len(letters) != 1 || sup["level"] != "red" {
		t.Fatalf("case supervision = %v", sup)
	}
	letterID := itoa(int64(letters[0].(map[string]any)["id"].(float64)))
	l := oaCheck(t, d, officer, "GET", "/api/v1/supervision/letters/{id}", "/api/v1/supervision/letters/"+letterID, nil, 200)
	if l["number"] != "定人大督〔2026〕1号" {
		t.Errorf("letter number %v", l["number"])
	}
	oaCheck(t, d, outsider, "GET", "/api/v1/supervision/letters/{id}", "/api/v1/supervision/letters/"+letterID, nil, 403)

	// The Excel export holds the same case.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/supervision/export", nil)
	resp := testkit.Must(officer.http.Do(req))(t)
	defer resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("export = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	x := testkit.Must(excelize.OpenReader(resp.Body))(t)
	rows := testkit.Must(x.GetRows("督办清单"))(t)
	if len(rows) != 3 || rows[2][1] != c.Code || rows[2][6] != "红牌督办" {
		t.Errorf("export rows = %v", rows)
	}

	// Bulletins: list, read, publish once.
	list := oaCheck(t, d, committee, "GET", "/api/v1/bulletins", "/api/v1/bulletins", nil, 200)
	bs := list["items"].([]any)
	if len(bs) == 0 {
		t.Fatal("no bulletins after a sweep")
	}
	bid := itoa(int64(bs[0].(map[string]any)["id"].(float64)))
	oaCheck(t, d, committee, "GET", "/api/v1/bulletins/{id}", "/api/v1/bulletins/"+bid, nil, 200)
	oaCheck(t, d, officer, "POST", "/api/v1/bulletins/{id}/publish", "/api/v1/bulletins/"+bid+"/publish", nil, 403)
	if b := oaCheck(t, d, committee, "POST", "/api/v1/bulletins/{id}/publish", "/api/v1/bulletins/"+bid+"/publish", nil, 200); b["published"] != true {
		t.Errorf("published = %v", b["published"])
	}
	oaCheck(t, d, committee, "POST", "/api/v1/bulletins/{id}/publish", "/api/v1/bulletins/"+bid+"/publish", nil, 409)
	oaCheck(t, d, officer, "GET", "/api/v1/bulletins/{id}", "/api/v1/bulletins/999", nil, 404)

	oaCheck(t, d, officer, "GET", "/api/v1/callbacks", "/api/v1/callbacks", nil, 200)
	oaCheck(t, d, officer, "GET", "/api/v1/follow-ups", "/api/v1/follow-ups", nil, 200)
	oaCheck(t, d, officer, "POST", "/api/v1/follow-ups/{id}", "/api/v1/follow-ups/1", map[string]any{"result": "maybe"}, 400)
	oaCheck(t, d, officer, "POST", "/api/v1/follow-ups/{id}", "/api/v1/follow-ups/1", map[string]any{"result": "solved"}, 404)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestSupervisionPermissions checks each role against the supervision
// endpoints; the expected roles are written by hand.
func TestSupervisionPermissions(t *testing.T) {
	e := newEnv(t)
	readers := map[zhitong.Role]bool{zhitong.RoleCommittee: true, zhitong.RoleStationHead: true, zhitong.RoleOfficer: true, zhitong.RoleDeputy: true,
		zhitong.RoleUnit: true, zhitong.RoleAnalyst: true, zhitong.RoleAuditor: true}
	callers := map[zhitong.Role]bool{zhitong.RoleCommittee: true, zhitong.RoleStationHead: true, zhitong.RoleOfficer: true}
	pol := testkit.Must(e.app.Policy(ctx, e.f.In[zhitong.RoleCommittee]))(t)
	for _, r := range zhitong.Roles {
		if r.Value == zhitong.RoleIntegration {
			continue // tokens only; covered by the staff-auth test
		}
		c := e.login(e.f.In[r.Value], "perm-"+string(r.Value))
		want := func(ok bool, yes int) int {
			if ok {
				return yes
			}
			return http.StatusForbidden
		}
		for _, chk := range []struct {
			method, path string
			body         any
			want         int
		}{
			{"GET", "/api/v1/supervision", nil, want(readers[r.Value], 200)},
			{"GET", "/api/v1/deadline-policy", nil, want(readers[r.Value], 200)},
			{"PUT", "/api/v1/deadline-policy", pol, want(r.Value == zhitong.RoleCommittee, 200)},
			{"GET", "/api/v1/bulletins", nil, want(readers[r.Value], 200)},
			{"GET", "/api/v1/callbacks", nil, want(callers[r.Value], 200)},
			{"GET", "/api/v1/follow-ups", nil, want(callers[r.Value], 200)},
		} {
			var got apiError
			if code := c.do(chk.method, chk.path, chk.body, &got); code != chk.want {
				t.Errorf("%s %s %s = %d %+v, want %d", r.Value, chk.method, chk.path, code, got.Error, chk.want)
			}
		}
	}
	if code := e.anonymous().do("GET", "/api/v1/supervision", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("anonymous GET /api/v1/supervision = %d", code)
	}
}

// TestProposalSupervisionAPI takes a deputy proposal past its due date and
// marks it complex over HTTP, checking every answer against the document.
func TestProposalSupervisionAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e := newEnv(t)
	f := e.f
	officer := e.login(f.In[zhitong.RoleOfficer], "pv-officer")
	committee := e.login(f.In[zhitong.RoleCommittee], "pv-committee")
	outsider := e.login(f.Out[zhitong.RoleCommittee], "pv-outsider")

	o := f.In[zhitong.RoleOfficer]
	c := testkit.Must(e.app.Intake(ctx, o, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "建议统筹建设乡镇污水处理设施", CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	got := oaCheck(t, d, officer, "POST", "/api/v1/cases/{id}/propose", "/api/v1/cases/"+itoa(c.ID)+"/propose",
		map[string]any{"version": c.Version, "title": "关于乡镇污水处理的建议", "unit_id": f.Lead}, 200)
	pid := itoa(int64(got["proposal_id"].(float64)))
	pv := oaCheck(t, d, officer, "GET", "/api/v1/proposals/{id}", "/api/v1/proposals/"+pid, nil, 200)
	dl := pv["deadline"].(map[string]any)
	if pv["due_date"] != "2027-02-25" || pv["unit_id"] != float64(f.Lead) || dl["level"] != "none" || dl["days_left"].(float64) < 50 {
		t.Fatalf("proposal = %v", pv)
	}
	e.clock.Set(time.Date(2027, 3, 10, 9, 0, 0, 0, zhitong.China))
	testkit.Must(e.app.SweepOnce(ctx))(t)
	list := oaCheck(t, d, officer, "GET", "/api/v1/supervision/proposals", "/api/v1/supervision/proposals?level=red", nil, 200)
	items := list["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["listed"] != true || items[0].(map[string]any)["days_left"].(float64) > -5 {
		t.Fatalf("proposal list = %v", list)
	}
	if l := oaCheck(t, d, outsider, "GET", "/api/v1/supervision/proposals", "/api/v1/supervision/proposals", nil, 200); len(l["items"].([]any)) != 0 {
		t.Errorf("another county sees %v", l)
	}
	oaCheck(t, d, officer, "GET", "/api/v1/supervision/proposals", "/api/v1/supervision/proposals?level=orange", nil, 400)
	pv = oaCheck(t, d, officer, "GET", "/api/v1/proposals/{id}", "/api/v1/proposals/"+pid, nil, 200)
	letters := pv["deadline"].(map[string]any)["letters"].([]any)
	if pv["deadline"].(map[string]any)["level"] != "red" || len(letters) != 1 {
		t.Fatalf("overdue proposal = %v", pv["deadline"])
	}
	l := oaCheck(t, d, officer, "GET", "/api/v1/supervision/letters/{id}", "/api/v1/supervision/letters/"+itoa(int64(letters[0].(map[string]any)["id"].(float64))), nil, 200)
	if l["proposal_id"] != pv["id"] {
		t.Errorf("letter = %v", l)
	}

	// The Excel export carries the proposal on its own sheet.
	req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/supervision/export", nil)
	resp := testkit.Must(officer.http.Do(req))(t)
	defer resp.Body.Close()
	x := testkit.Must(excelize.OpenReader(resp.Body))(t)
	rows := testkit.Must(x.GetRows("代表建议"))(t)
	if len(rows) != 3 || rows[2][1] != pid || rows[2][2] != "关于乡镇污水处理的建议" || rows[2][7] != "红牌督办" || rows[2][8] != "是" {
		t.Errorf("proposal sheet = %v", rows)
	}

	unitPath := "/api/v1/proposals/" + pid + "/unit"
	oaCheck(t, d, officer, "POST", "/api/v1/proposals/{id}/unit", unitPath, map[string]any{"unit_id": f.Co, "reason": "改由协办单位牵头"}, 403)
	oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/unit", unitPath, map[string]any{"unit_id": f.Co, "reason": ""}, 400)
	if pv := oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/unit", unitPath, map[string]any{"unit_id": f.Co, "reason": "改由协办单位牵头"}, 200); pv["unit_id"] != float64(f.Co) {
		t.Errorf("unit changed = %v", pv)
	}

	path := "/api/v1/proposals/" + pid + "/complex"
	oaCheck(t, d, officer, "POST", "/api/v1/proposals/{id}/complex", path, map[string]any{"reason": "跨年度"}, 403)
	oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/complex", path, map[string]any{"reason": ""}, 400)
	oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/complex", path, map[string]any{"reason": "跨年度", "days": 1}, 400)
	pv = oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/complex", path, map[string]any{"reason": "涉及县财政预算，需跨年度统筹"}, 200)
	if pv["complex"] != true || pv["due_date"] != "2027-05-25" || pv["deadline"].(map[string]any)["level"] != "none" {
		t.Errorf("complex = %v", pv)
	}
	oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/complex", path, map[string]any{"reason": "再次"}, 409)
	oaCheck(t, d, committee, "POST", "/api/v1/proposals/{id}/complex", "/api/v1/proposals/999/complex", map[string]any{"reason": "x"}, 404)
}
