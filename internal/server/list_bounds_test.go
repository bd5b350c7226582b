package server_test

import (
	"fmt"
	"net/url"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestCaseListBounds: GET /api/v1/cases refuses what would make the
// database scan without end (a page past the counted rows, per_page over
// 100, an unknown sort, a broken or foreign cursor) with 400 invalid and
// the field; its next and prev cursors walk the list once each way.
func TestCaseListBounds(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("第%d号：建设路路灯不亮", i), StationID: e.f.Station}))(t)
	}
	officer := e.login(e.f.In[zhitong.RoleOfficer], "ganshi")
	type page struct {
		Items []struct{ ID int64 } `json:"items"`
		Total int                  `json:"total"`
		More  bool                 `json:"more"`
		Next  string               `json:"next"`
		Prev  string               `json:"prev"`
	}
	var first page
	if got := officer.do("GET", "/api/v1/cases?per_page=2", nil, &first); got != 200 || first.Next == "" || first.Prev != "" || first.Total != 5 || first.More {
		t.Fatalf("first page: %d %+v", got, first)
	}
	for _, tt := range []struct{ query, field string }{
		{"page=501", "page"},
		{"page=101&per_page=100", "page"},
		{"page=51&q=" + url.QueryEscape("路灯"), "page"},
		{"page=0", "page"},
		{"per_page=101", "per_page"},
		{"sort=title", "sort"},
		{"after=%21%21", "after"},
		{"before=YzEAeA", "before"},
		{"sort=due&after=" + first.Next, "after"},
	} {
		var out apiError
		if got := officer.do("GET", "/api/v1/cases?"+tt.query, nil, &out); got != 400 || out.Error.Code != zhitong.EINVALID || out.Error.Field != tt.field {
			t.Errorf("?%s: %d %+v, want 400 invalid on %s", tt.query, got, out.Error, tt.field)
		}
	}
	seen := map[int64]int{}
	var ids []int64
	pg := first
	for {
		for _, it := range pg.Items {
			seen[it.ID]++
			ids = append(ids, it.ID)
		}
		if pg.Next == "" {
			break
		}
		next := page{}
		if got := officer.do("GET", "/api/v1/cases?per_page=2&after="+pg.Next, nil, &next); got != 200 {
			t.Fatalf("after: %d", got)
		}
		if next.Prev == "" {
			t.Fatalf("a page after a cursor has no prev")
		}
		pg = next
	}
	if len(ids) != 5 || len(seen) != 5 {
		t.Fatalf("walked %v", ids)
	}
	var back page
	if got := officer.do("GET", "/api/v1/cases?per_page=2&before="+pg.Prev, nil, &back); got != 200 || len(back.Items) != 2 || back.Items[1].ID != ids[3] {
		t.Fatalf("before the last page: %d %+v, want ending with %d", got, back, ids[3])
	}
}
