package server_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// prepare returns a case, visible to every "in" principal of the fixture,
// brought to the given status through the application.
func (e *env) prepare(status zhitong.Status) *zhitong.Case {
	e.t.Helper()
	t, f := e.t, e.f
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]
	c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路路灯不亮，夜间出行不便", StationID: f.Station,
		DeputyID: f.Deputy, Name: "赵六", Phone: "13979701234"}))(t)
	steps := map[zhitong.Status]func(){
		zhitong.StatusRegistered: func() {
			c = testkit.Must(e.app.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
		},
		zhitong.StatusAssigned: func() {
			c = testkit.Must(e.app.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
		},
		zhitong.StatusInProgress: func() { c = testkit.Must(e.app.Accept(ctx, lead, c.ID, app.TextInput{}))(t) },
		zhitong.StatusReplied: func() {
			c = testkit.Must(e.app.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: "A", Text: "路灯已全部修复"}))(t)
		},
		zhitong.StatusUnsatisfied: func() {
			c = testkit.Must(e.app.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied}))(t)
		},
	}
	order := []zhitong.Status{zhitong.StatusRegistered, zhitong.StatusAssigned, zhitong.StatusInProgress, zhitong.StatusReplied, zhitong.StatusUnsatisfied}
	target := status
	switch status {
	case zhitong.StatusEvaluated, zhitong.StatusClosed:
		target = zhitong.StatusReplied
	case zhitong.StatusReferred:
		target = zhitong.StatusRegistered
	case "extension_pending":
		target = zhitong.StatusInProgress
	}
	for _, s := range order {
		if c.Status == target {
			break
		}
		steps[s]()
	}
	switch status {
	case zhitong.StatusEvaluated, zhitong.StatusClosed:
		c = testkit.Must(e.app.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingSatisfied}))(t)
		if status == zhitong.StatusClosed {
			c = testkit.Must(e.app.Close(ctx, committee, c.ID, app.TextInput{}))(t)
		}
	case zhitong.StatusReferred:
		c = testkit.Must(e.app.Refer(ctx, officer, c.ID, app.ReferInput{Destination: "12345热线"}))(t)
	case "extension_pending":
		c = testkit.Must(e.app.RequestExtension(ctx, lead, c.ID, app.ExtensionInput{Days: 3, Reason: "需要协调"}))(t)
	}
	return c
}

// TestPermissionMatrix walks every case endpoint × every role × a case inside
// and outside the role's jurisdiction. The allowed roles are written out
// here by hand, from the domain brief, not read from the code under test.
func TestPermissionMatrix(t *testing.T) {
	if testing.Short() {
		t.Skip("matrix is long")
	}
	e := newEnv(t)
	f := e.f
	triage := "committee station_head officer"
	readers := "committee station_head officer deputy unit analyst auditor integration"
	endpoints := []struct {
		method, action string
		status         zhitong.Status
		body           func(c *zhitong.Case) any
		allowed        string
	}{
		{"GET", "", zhitong.StatusAssigned, nil, readers},
		{"POST", "register", zhitong.StatusSubmitted, func(*zhitong.Case) any { return map[string]any{"category": "roads"} }, triage},
		{"POST", "answer", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"text": "已当场答复政策"} }, triage + " deputy"},
		{"POST", "assign", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"lead_unit_id": f.Lead} }, triage},
		{"POST", "propose", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"title": "关于路灯维护的建议"} }, triage + " deputy"},
		{"POST", "refer", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"destination": "12345热线"} }, triage},
		{"POST", "referral-result", zhitong.StatusReferred, func(*zhitong.Case) any { return map[string]any{"text": "已处理"} }, triage},
		{"POST", "decline", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"text": "不属于受理范围"} }, triage},
		{"POST", "accept", zhitong.StatusAssigned, func(*zhitong.Case) any { return map[string]any{} }, "unit"},
		{"POST", "return", zhitong.StatusAssigned, func(*zhitong.Case) any { return map[string]any{"text": "不属于本单位职责"} }, "unit"},
		{"POST", "extension-request", zhitong.StatusInProgress, func(*zhitong.Case) any { return map[string]any{"days": 5, "reason": "需要协调"} }, "unit"},
		{"POST", "extension-decision", "extension_pending", func(*zhitong.Case) any { return map[string]any{"approve": true} }, "committee officer"},
		{"POST", "reply", zhitong.StatusInProgress, func(*zhitong.Case) any { return map[string]any{"outcome": "A", "text": "问题已经解决完毕"} }, "unit committee"},
		{"POST", "deliveries", zhitong.StatusReplied, func(*zhitong.Case) any { return map[string]any{"recipient": "citizen", "channel": "phone"} }, triage + " unit"},
		{"POST", "callback", zhitong.StatusReplied, func(*zhitong.Case) any { return map[string]any{"rating": "satisfied"} }, triage},
		{"POST", "rehandle", zhitong.StatusUnsatisfied, func(*zhitong.Case) any { return map[string]any{"note": "责成重办"} }, "committee officer"},
		{"POST", "explain", zhitong.StatusUnsatisfied, func(*zhitong.Case) any { return map[string]any{"text": "已当面解释政策原因"} }, "committee officer"},
		{"POST", "close", zhitong.StatusEvaluated, func(*zhitong.Case) any { return map[string]any{} }, triage},
		{"POST", "archive", zhitong.StatusClosed, func(*zhitong.Case) any { return map[string]any{} }, triage},
		{"POST", "supervise", zhitong.StatusAssigned, func(*zhitong.Case) any { return map[string]any{"kind": "phone", "note": "电话催办"} }, "committee officer"},
		{"POST", "reveal", zhitong.StatusRegistered, func(*zhitong.Case) any { return map[string]any{"reason": "回访需要联系电话"} }, triage},
		// The lead unit reaches the citizen; only a co-handling unit gives a
		// co-opinion, and the fixture's unit is the lead: nobody here may.
		{"POST", "citizen-phone", zhitong.StatusAssigned, func(*zhitong.Case) any { return map[string]any{"reason": "电话告知办理结果"} }, "unit"},
		{"GET", "co-opinions", zhitong.StatusAssigned, func(*zhitong.Case) any { return nil }, readers},
		{"POST", "co-opinions", zhitong.StatusAssigned, func(*zhitong.Case) any { return map[string]any{"text": "同意主办单位意见"} }, ""},
	}
	clients := map[string]*client{}
	for _, r := range zhitong.Roles {
		for _, side := range []string{"in", "out"} {
			p := f.In[r.Value]
			if side == "out" {
				p = f.Out[r.Value]
			}
			clients[side+string(r.Value)] = e.login(p, side+"_"+string(r.Value))
		}
	}
	anon := e.anonymous()
	for _, ep := range endpoints {
		allowed := map[string]bool{}
		for _, r := range strings.Fields(ep.allowed) {
			allowed[r] = true
		}
		for _, r := range zhitong.Roles {
			for _, side := range []string{"in", "out"} {
				name := fmt.Sprintf("%s_%s/%s_%s", ep.method, ep.action, side, r.Value)
				t.Run(name, func(t *testing.T) {
					c := e.prepare(ep.status)
					path := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10)
					var body any
					if ep.action != "" {
						path += "/" + ep.action
						body = ep.body(c)
					}
					var out apiError
					got := clients[side+string(r.Value)].do(ep.method, path, body, &out)
					want := 403
					if allowed[string(r.Value)] && side == "in" {
						want = 200
					}
					if got != want {
						t.Fatalf("%s %s as %s (%s): %d %s, want %d", ep.method, path, r.Value, side, got, out.Error.Message, want)
					}
					if want == 403 && (out.Error.Code != "forbidden" || out.Error.Message == "") {
						t.Fatalf("refusal without the error shape: %+v", out)
					}
				})
			}
		}
		t.Run(ep.method+"_"+ep.action+"/citizen", func(t *testing.T) {
			c := e.prepare(ep.status)
			path := "/api/v1/cases/" + strconv.FormatInt(c.ID, 10)
			var body any
			if ep.action != "" {
				path += "/" + ep.action
				body = ep.body(c)
			}
			if got := anon.do(ep.method, path, body, nil); got != 401 {
				t.Fatalf("anonymous %s %s: %d, want 401", ep.method, path, got)
			}
		})
	}

	// Lists filter by jurisdiction: a case inside appears for "in" readers and never for "out".
	c := e.prepare(zhitong.StatusAssigned)
	for _, r := range strings.Fields(readers) {
		for _, side := range []string{"in", "out"} {
			var page struct {
				Items []struct{ ID int64 } `json:"items"`
			}
			if got := clients[side+r].do("GET", "/api/v1/cases?per_page=100", nil, &page); got != 200 {
				t.Fatalf("list as %s %s: %d", side, r, got)
			}
			found := false
			for _, it := range page.Items {
				found = found || it.ID == c.ID
			}
			if found != (side == "in") {
				t.Errorf("list as %s %s: case present=%v", side, r, found)
			}
		}
	}
	for _, r := range []string{"sysadmin", "secadmin"} {
		if got := clients["in"+r].do("GET", "/api/v1/cases", nil, nil); got != 403 {
			t.Errorf("list as %s: %d, want 403", r, got)
		}
	}
}
