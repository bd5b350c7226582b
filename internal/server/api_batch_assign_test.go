package server_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

func TestBatchAssignSchemaMatchesGoType(t *testing.T) {
	d := servedOpenAPI(t)
	oaSameSet(t, "schema BatchAssignInput", d.properties(d.schema("BatchAssignInput")), jsonNames(reflect.TypeFor[app.BatchAssignInput]()))
}

// TestBatchAssignAPI: on a deployment made by init, the committee assigns
// several cases to one unit over the API and gets one 交办函 listing them
// all; an unknown id in the batch is refused on case_ids naming it, with
// nothing written.
func TestBatchAssignAPI(t *testing.T) {
	d := servedOpenAPI(t)
	e, committee, town, category, u := initCounty(t, "龙南市交通运输局")
	c := e.login(committee, "batch-committee")
	var ids []int64
	for i := range 2 {
		cs := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("公交站台破损第%d处", i+1), RegionCode: town, Name: "王五", Phone: "139 0797 4321"}))(t)
		cs = testkit.Must(e.app.Register(ctx, committee, cs.ID, app.RegisterInput{CategoryCode: category, Title: fmt.Sprintf("公交站台破损第%d处", i+1)}))(t)
		ids = append(ids, cs.ID)
	}
	const tmpl = "/api/v1/cases/batch-assign"
	bad := oaCheck(t, d, c, "POST", tmpl, tmpl, map[string]any{"case_ids": append(append([]int64{}, ids...), 999999), "lead_unit_id": u.ID}, 400)
	if e := bad["error"].(map[string]any); e["field"] != "case_ids" || !strings.Contains(e["message"].(string), "#999999") {
		t.Fatalf("bad id: %v", bad)
	}
	var docs int
	if err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM documents`).Scan(&docs); err != nil || docs != 0 {
		t.Fatalf("a refused batch left %d documents (%v)", docs, err)
	}
	got := oaCheck(t, d, c, "POST", tmpl, tmpl, map[string]any{"case_ids": ids, "lead_unit_id": u.ID, "days": 12}, 200)
	items := got["items"].([]any)
	doc, _ := got["document"].(map[string]any)
	if len(items) != 2 || doc == nil || len(doc["case_ids"].([]any)) != 2 || !strings.HasPrefix(doc["number"].(string), "龙人大交〔") {
		t.Fatalf("batch = %v", got)
	}
	for _, it := range items {
		if m := it.(map[string]any); m["status"] != string(zhitong.StatusAssigned) || m["due_days"] != float64(12) {
			t.Errorf("assigned case %v", m)
		}
	}
	if err := e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM documents`).Scan(&docs); err != nil || docs != 1 {
		t.Fatalf("documents after the batch = %d (%v), want 1", docs, err)
	}
}

// initCounty is a server over a deployment made by zhitong init (龙南市),
// with its committee, a township, a category and one unit named unit.
func initCounty(t *testing.T, unit string) (*env, zhitong.Principal, string, string, *zhitong.Unit) {
	t.Helper()
	s := testserver.StartEmpty(t)
	res := testkit.SetUp(t, s.App, "360783")
	e := &env{t: t, app: s.App, clock: s.Clock, srv: s.Server}
	var town, category string
	if err := e.app.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = '360783' ORDER BY code LIMIT 1`).Scan(&town); err != nil {
		t.Fatal(err)
	}
	if err := e.app.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&category); err != nil {
		t.Fatal(err)
	}
	u := &zhitong.Unit{Name: unit, Kind: "department", RegionCode: "360783"}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, u) }); err != nil {
		t.Fatal(err)
	}
	return e, testkit.Principal(t, e.app, res, zhitong.RoleCommittee), town, category, u
}
