package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestBatchAssignForm: on a deployment made by init, the committee ticks
// registered cases in the case list and assigns them to one unit with the
// 批量交办 form: one 交办函 lists them all. A refused batch (one case
// already assigned) shows the list again with the message, the ticks and
// the choices kept, and assigns nothing.
func TestBatchAssignForm(t *testing.T) {
	b, staff := freshBench(t, true)
	ctx := t.Context()
	committee := staff[zhitong.RoleCommittee]
	u := testkit.Must(store.GetUserByName(ctx, b.app.DB(), "t_committee"))(t)
	p := zhitong.Principal{UserID: u.ID, Name: u.DisplayName, Role: zhitong.RoleCommittee, RegionCode: "360783"}
	var unit int64
	var category string
	if err := b.app.DB().QueryRow(ctx, `SELECT id FROM units WHERE name = '龙南市交通运输局'`).Scan(&unit); err != nil {
		t.Fatal(err)
	}
	if err := b.app.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&category); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, body := range []string{"东门桥头路灯不亮", "南街排水沟堵塞", "北环路井盖松动"} {
		c := testkit.Must(b.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: "360783100", Name: "李四", Phone: "13800001111"}))(t)
		testkit.Must(b.app.Register(ctx, p, c.ID, app.RegisterInput{CategoryCode: category, Title: body}))(t)
		ids = append(ids, strconv.FormatInt(c.ID, 10))
	}
	list := committee.get("/work/cases?status=registered")
	wantStatus(t, list, http.StatusOK)
	benchHas(t, list, "批量交办", `id="batch-assign"`, `form="batch-assign" name="case_id" value="`+ids[0]+`"`)
	// One case already assigned: the whole batch is refused.
	first, _ := strconv.ParseInt(ids[0], 10, 64)
	testkit.Must(b.app.Assign(ctx, p, first, app.AssignInput{LeadUnit: unit, Days: 5}))(t)
	docs := func() int {
		var n int
		if err := b.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM documents`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := docs()
	bad := committee.post("/work/cases/batch-assign?status=registered", url.Values{"case_id": ids, "lead_unit_id": {strconv.FormatInt(unit, 10)}, "days": {"8"}, "note": {"请抓紧办理"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "未交办：案件 #"+ids[0], `value="请抓紧办理"`, `value="8"`)
	if !regexp.MustCompile(`name="case_id" value="` + ids[1] + `"[^>]* checked`).MatchString(bad.raw) {
		t.Errorf("the ticks are lost:\n%s", bad.body)
	}
	if docs() != before {
		t.Fatalf("a refused batch issued a document")
	}
	ok := committee.post("/work/cases/batch-assign?status=registered", url.Values{"case_id": ids[1:], "lead_unit_id": {strconv.FormatInt(unit, 10)}, "days": {"8"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已批量交办 2 件案件", "关于交办群众意见建议的函", "共 2 件", "南街排水沟堵塞", "北环路井盖松动")
	if !strings.Contains(ok.url, "/work/documents/") || docs() != before+1 {
		t.Errorf("after the batch: at %s, %d documents (was %d)", ok.url, docs(), before)
	}
}
