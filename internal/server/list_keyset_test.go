package server_test

import (
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// cursorPage is the envelope of a list paged by cursor, with the item
// key named by field.
type cursorPage struct {
	Items   []map[string]any `json:"items"`
	Total   int              `json:"total"`
	PerPage int              `json:"per_page"`
	More    bool             `json:"more"`
	Next    string           `json:"next"`
	Prev    string           `json:"prev"`
}

// walkCursor reads path (a list paged by cursor) two rows a page, forward
// by next to the end and back by prev to the start, and returns the
// values of field in the order read forward. Every page but the first has
// a prev, every page but the last a next, and the walk back meets the
// same rows in reverse.
func walkCursor(t *testing.T, c *client, path, field string) []any {
	t.Helper()
	sep := "?"
	if slices.Contains([]byte(path), '?') {
		sep = "&"
	}
	get := func(q string) cursorPage {
		t.Helper()
		var pg cursorPage
		if got := c.do("GET", path+sep+"per_page=2"+q, nil, &pg); got != 200 || len(pg.Items) > 2 {
			t.Fatalf("GET %s%s: %d %+v", path, q, got, pg)
		}
		return pg
	}
	var fwd [][]any
	pg := get("")
	if pg.Prev != "" {
		t.Fatalf("%s: the first page has a prev", path)
	}
	for {
		var ids []any
		for _, it := range pg.Items {
			ids = append(ids, it[field])
		}
		fwd = append(fwd, ids)
		if pg.Next == "" {
			break
		}
		if pg = get("&after=" + pg.Next); pg.Prev == "" {
			t.Fatalf("%s: a page after a cursor has no prev", path)
		}
	}
	for i := len(fwd) - 2; i >= 0; i-- {
		pg = get("&before=" + pg.Prev)
		var ids []any
		for _, it := range pg.Items {
			ids = append(ids, it[field])
		}
		if fmt.Sprint(ids) != fmt.Sprint(fwd[i]) {
			t.Fatalf("%s: page %d read back is %v, forward it was %v", path, i+1, ids, fwd[i])
		}
		if (pg.Prev != "") != (i > 0) {
			t.Fatalf("%s: page %d read back has prev %q", path, i+1, pg.Prev)
		}
	}
	var all []any
	for _, ids := range fwd {
		all = append(all, ids...)
	}
	return all
}

// badPaging asks path for pages it must refuse: 400 invalid on the field.
func badPaging(t *testing.T, c *client, path string, foreign string) {
	t.Helper()
	for _, tt := range []struct{ query, field string }{
		{"per_page=0", "per_page"},
		{"per_page=101", "per_page"},
		{"per_page=x", "per_page"},
		{"page=2", "page"},
		{"after=%21%21", "after"},
		{"before=YzEAeA", "before"},
		{"after=" + foreign, "after"},
		{"after=" + foreign + "&before=" + foreign, "after"},
	} {
		var out apiError
		if got := c.do("GET", path+"?"+tt.query, nil, &out); got != 400 || out.Error.Code != zhitong.EINVALID || out.Error.Field != tt.field {
			t.Errorf("%s?%s: %d %+v, want 400 invalid on %s", path, tt.query, got, out.Error, tt.field)
		}
	}
}

// TestTaskQueuesPageByCursor: the call-back and follow-up queues list
// every open task of the jurisdiction once, oldest due first (ties by
// id), two a page, forward and back; closed tasks and bad paging stay out.
func TestTaskQueuesPageByCursor(t *testing.T) {
	e := newEnv(t)
	var cases []*zhitong.Case
	for range 5 {
		cases = append(cases, e.prepare(zhitong.StatusReplied))
	}
	due := []string{"2020-01-03", "2020-01-01", "2020-01-02", "2020-01-01", "2020-01-05"}
	var cbIDs, fuIDs []int64
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		for i, c := range cases {
			if _, err := tx.InsertCallbackTask(ctx, &store.CallbackTask{CaseID: c.ID, Round: c.Round, DueDate: due[i], CreatedAt: time.Now()}); err != nil {
				return err
			}
			var reply int64
			if err := tx.QueryRow(ctx, `SELECT id FROM replies WHERE case_id = ?`, c.ID).Scan(&reply); err != nil {
				return err
			}
			if _, err := tx.InsertFollowUp(ctx, &store.FollowUp{CaseID: c.ID, ReplyID: reply, DueDate: due[i], CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `UPDATE callback_tasks SET state = 'done' WHERE case_id = ?`, cases[4].ID)
		return err
	}))(t)
	rows := func(table string, out *[]int64) {
		r := testkit.Must(e.app.DB().Query(ctx, `SELECT id FROM `+table+` WHERE state = 'open' ORDER BY due_date, id`))(t)
		defer r.Close()
		for r.Next() {
			var id int64
			testkit.Must(0, r.Scan(&id))(t)
			*out = append(*out, id)
		}
	}
	rows("callback_tasks", &cbIDs)
	rows("follow_ups", &fuIDs)
	officer := e.login(e.f.In[zhitong.RoleOfficer], "ganshi")
	for _, tt := range []struct {
		path, field string
		want        []int64
	}{{"/api/v1/callbacks", "task_id", cbIDs}, {"/api/v1/follow-ups", "follow_up_id", fuIDs}} {
		got := walkCursor(t, officer, tt.path, tt.field)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s walked %v, want %v", tt.path, got, tt.want)
		}
		var first cursorPage
		officer.do("GET", tt.path+"?per_page=1", nil, &first)
		if first.Total != len(tt.want) || first.More {
			t.Errorf("%s total %d more %v, want %d", tt.path, first.Total, first.More, len(tt.want))
		}
	}
	var cb cursorPage
	officer.do("GET", "/api/v1/callbacks?per_page=1", nil, &cb)
	badPaging(t, officer, "/api/v1/follow-ups", cb.Next)
	var fu cursorPage
	officer.do("GET", "/api/v1/follow-ups?per_page=1", nil, &fu)
	badPaging(t, officer, "/api/v1/callbacks", fu.Next)

	// The pages on screen link the same cursors, and refuse a bad one in Chinese.
	for _, tt := range []struct{ path, next string }{{"/work/callbacks", cb.Next}, {"/work/follow-ups", fu.Next}} {
		if code, _, body := officer.page("GET", tt.path+"?after=%21%21", nil); code != 400 || !strings.Contains(body, "翻页位置") {
			t.Errorf("%s with a broken cursor: %d", tt.path, code)
		}
		if code, _, body := officer.page("GET", tt.path+"?after="+tt.next, nil); code != 200 || !strings.Contains(body, `rel="prev"`) {
			t.Errorf("%s after the first row: %d, or no link back", tt.path, code)
		}
	}
}

// ids runs a query of one id column and returns them in order.
func ids(t *testing.T, e *env, query string, args ...any) []int64 {
	t.Helper()
	r := testkit.Must(e.app.DB().Query(ctx, query, args...))(t)
	defer r.Close()
	var out []int64
	for r.Next() {
		var id int64
		testkit.Must(0, r.Scan(&id))(t)
		out = append(out, id)
	}
	return out
}

// TestDeliveriesAndAuditPageByCursor: the operator's deliveries and the
// auditor's log list every row of the jurisdiction once, in order, two a
// page, forward and back, in both orders of the log; bad paging is refused.
func TestDeliveriesAndAuditPageByCursor(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("第%d号：建设路路灯不亮", i), RegionCode: e.f.Town, Phone: "13907971234"}))(t)
	}
	testkit.Must(e.app.DeliverDue(ctx, app.Delivery{SMS: &sms.Log{}, Quiet: app.QuietHours{Off: true}}))(t)
	committee := e.login(e.f.In[zhitong.RoleCommittee], "weiyuanhui")
	want := ids(t, e, `SELECT id FROM notifications WHERE channel <> 'inapp' ORDER BY id DESC`)
	if len(want) < 5 {
		t.Fatalf("%d deliveries", len(want))
	}
	if got := walkCursor(t, committee, "/api/v1/deliveries", "id"); fmt.Sprint(got) != fmt.Sprint(floats(want)) {
		t.Errorf("deliveries walked %v, want %v", got, want)
	}
	auditor := e.login(e.f.In[zhitong.RoleAuditor], "shenji")
	county := e.f.In[zhitong.RoleAuditor].RegionCode
	log := ids(t, e, `SELECT seq FROM audit_log WHERE region LIKE ? OR actor_region LIKE ? ORDER BY seq`, county+"%", county+"%")
	if got := walkCursor(t, auditor, "/api/v1/audit", "seq"); fmt.Sprint(got) != fmt.Sprint(floats(log)) {
		t.Errorf("audit walked %v, want %v", got, log)
	}
	slices.Reverse(log)
	if got := walkCursor(t, auditor, "/api/v1/audit?sort=newest", "seq"); fmt.Sprint(got) != fmt.Sprint(floats(log)) {
		t.Errorf("audit newest first walked %v, want %v", got, log)
	}
	var oldest cursorPage
	auditor.do("GET", "/api/v1/audit?per_page=1", nil, &oldest)
	var dl cursorPage
	committee.do("GET", "/api/v1/deliveries?per_page=1", nil, &dl)
	badPaging(t, auditor, "/api/v1/audit", dl.Next)
	badPaging(t, committee, "/api/v1/deliveries", oldest.Next)
	var out apiError
	if got := auditor.do("GET", "/api/v1/audit?sort=newest&after="+oldest.Next, nil, &out); got != 400 || out.Error.Field != "after" {
		t.Errorf("an oldest-first cursor read newest first: %d %+v", got, out.Error)
	}
	if got := auditor.do("GET", "/api/v1/audit?sort=seq", nil, &out); got != 400 || out.Error.Field != "sort" {
		t.Errorf("sort=seq: %d %+v", got, out.Error)
	}
	for _, path := range []string{"/work/audit", "/work/deliveries"} {
		c := auditor
		if path == "/work/deliveries" {
			c = committee
		}
		if code, _, body := c.page("GET", path+"?after=%21%21", nil); code != 400 || !strings.Contains(body, "翻页位置") {
			t.Errorf("%s with a broken cursor: %d", path, code)
		}
	}
}

func floats(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = float64(id)
	}
	return out
}

// TestAccountsPageByCursor: the security administrator's accounts list
// walks every account of the region once, by username, two a page.
func TestAccountsPageByCursor(t *testing.T) {
	e := newEnv(t)
	sec := e.login(e.f.In[zhitong.RoleSecAdmin], "anquan")
	for _, name := range []string{"b-clerk", "a-clerk", "c-clerk", "ab-clerk"} {
		e.addAccount(name, zhitong.RoleOfficer, e.f.County)
	}
	region := e.f.In[zhitong.RoleSecAdmin].RegionCode
	want := ids(t, e, `SELECT id FROM users WHERE region_code LIKE ? ORDER BY username, id`, region+"%")
	if got := walkCursor(t, sec, "/api/v1/users", "id"); fmt.Sprint(got) != fmt.Sprint(floats(want)) {
		t.Errorf("accounts walked %v, want %v", got, want)
	}
	var first cursorPage
	sec.do("GET", "/api/v1/users?per_page=1", nil, &first)
	if first.Total != len(want) {
		t.Errorf("total %d, want %d", first.Total, len(want))
	}
	badPaging(t, sec, "/api/v1/users", base64.RawURLEncoding.EncodeToString([]byte("c1\x00callbacks\x002020-01-01\x001")))
	if code, _, body := sec.page("GET", "/work/accounts?before=%21%21", nil); code != 400 || !strings.Contains(body, "翻页位置") {
		t.Errorf("accounts page with a broken cursor: %d", code)
	}
}
