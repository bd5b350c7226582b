package zhitong_test

import (
	"os"
	"regexp"
	"testing"

	"zhitong"
)

// TestLifecycleDiagram keeps docs/lifecycle.md honest: its arrows are exactly
// the lifecycle's edges.
func TestLifecycleDiagram(t *testing.T) {
	doc, err := os.ReadFile("docs/lifecycle.md")
	if err != nil {
		t.Fatal(err)
	}
	arrow := regexp.MustCompile(`(?m)^\s+(\w+) --> (\w+) : (\w+)$`)
	inDoc := map[zhitong.Edge]bool{}
	for _, m := range arrow.FindAllStringSubmatch(string(doc), -1) {
		inDoc[zhitong.Edge{From: zhitong.Status(m[1]), To: zhitong.Status(m[2]), Action: zhitong.Action(m[3])}] = true
	}
	for _, e := range zhitong.Edges() {
		if !inDoc[e] {
			t.Errorf("docs/lifecycle.md lacks %s --> %s : %s", e.From, e.To, e.Action)
		}
		delete(inDoc, e)
	}
	for e := range inDoc {
		t.Errorf("docs/lifecycle.md has %s --> %s : %s, which the code does not allow", e.From, e.To, e.Action)
	}
}

func TestCanDo(t *testing.T) {
	tests := []struct {
		status zhitong.Status
		action zhitong.Action
		ok     bool
	}{
		{zhitong.StatusSubmitted, zhitong.ActionRegister, true},
		{zhitong.StatusRegistered, zhitong.ActionRegister, false},
		{zhitong.StatusRegistered, zhitong.ActionAssign, true},
		{zhitong.StatusReturned, zhitong.ActionAssign, true},
		{zhitong.StatusAssigned, zhitong.ActionReply, false},
		{zhitong.StatusInProgress, zhitong.ActionReply, true},
		{zhitong.StatusReplied, zhitong.ActionEvaluate, true},
		{zhitong.StatusEvaluated, zhitong.ActionEvaluate, false},
		{zhitong.StatusUnsatisfied, zhitong.ActionRehandle, true},
		{zhitong.StatusClosed, zhitong.ActionArchive, true},
		{zhitong.StatusArchived, zhitong.ActionClose, false},
		{zhitong.StatusDeclined, zhitong.ActionAssign, false},
	}
	for _, tt := range tests {
		err := tt.status.CanDo(tt.action)
		if (err == nil) != tt.ok {
			t.Errorf("%s from %s: err=%v, want ok=%v", tt.action, tt.status, err, tt.ok)
		}
		if err != nil && zhitong.ErrorCode(err) != zhitong.ECONFLICT {
			t.Errorf("%s from %s: code %s, want conflict", tt.action, tt.status, zhitong.ErrorCode(err))
		}
	}
}

func TestSees(t *testing.T) {
	county := zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: "360728"}
	station := zhitong.Principal{Role: zhitong.RoleStationHead, RegionCode: "360728", StationID: 7}
	unit := zhitong.Principal{Role: zhitong.RoleUnit, UnitID: 3}
	deputy := zhitong.Principal{Role: zhitong.RoleDeputy, DeputyID: 5}
	inTown := zhitong.Scope{RegionCode: "360728100", StationID: 7, DeputyID: 5, UnitIDs: []int64{3}}
	elsewhere := zhitong.Scope{RegionCode: "360727100", StationID: 8, DeputyID: 6, UnitIDs: []int64{4}}
	for _, p := range []zhitong.Principal{county, station, unit, deputy} {
		if !p.Sees(inTown) {
			t.Errorf("%s does not see a case in its jurisdiction", p.Role)
		}
		if p.Sees(elsewhere) {
			t.Errorf("%s sees a case outside its jurisdiction", p.Role)
		}
	}
	if err := county.Authorize(zhitong.ActionAccept, inTown); zhitong.ErrorCode(err) != zhitong.EFORBIDDEN {
		t.Errorf("committee may accept for a unit: %v", err)
	}
	sys := zhitong.Principal{Role: zhitong.RoleSysAdmin}
	if sys.May(zhitong.ActionView) {
		t.Error("the system administrator must not read cases (三员分立)")
	}
}
