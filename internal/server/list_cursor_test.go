package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/accounts"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestBulletinsAndNoticesPageByCursor: the bulletins list (staff, API and
// the portal's published ones) and a staff member's in-app notices list
// every row once, newest first, two a page, forward and back; the portal
// shows the published bulletins alone, the inbox its owner's in-app
// notices alone; bad paging is refused (400 invalid on the field, in
// Chinese on screen).
func TestBulletinsAndNoticesPageByCursor(t *testing.T) {
	e := newEnv(t)
	// The committee's (360728) list holds the bulletins of the regions
	// above and below its own, not the one of the county next door.
	ends := []string{"2026-03-31", "2026-01-31", "2026-02-28", "2026-01-31", "2026-04-30", "2026-05-31"}
	regions := []string{"", "36", "3607", "360728", "360728100", "360727"}
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		for i, end := range ends {
			b := &store.Bulletin{Period: "monthly", Start: end[:8] + "01", End: end, RegionCode: regions[i], GeneratedAt: time.Now()}
			if _, err := tx.InsertBulletin(ctx, b); err != nil {
				return err
			}
			if i%2 == 0 {
				if err := tx.PublishBulletin(ctx, b.ID, time.Now()); err != nil {
					return err
				}
			}
		}
		return nil
	}))(t)
	committee := e.login(e.f.In[zhitong.RoleCommittee], "weiyuanhui")
	all := ids(t, e, `SELECT id FROM bulletins WHERE region_code <> '360727' ORDER BY period_end DESC, id DESC`)
	if got := walkCursor(t, committee, "/api/v1/bulletins", "id"); fmt.Sprint(got) != fmt.Sprint(floats(all)) {
		t.Errorf("bulletins walked %v, want %v", got, all)
	}
	var first cursorPage
	committee.do("GET", "/api/v1/bulletins?per_page=1", nil, &first)
	if first.Total != len(all) || first.More {
		t.Errorf("bulletins total %d more %v, want %d", first.Total, first.More, len(all))
	}

	officer := e.login(e.f.In[zhitong.RoleOfficer], "ganshi")
	var me struct {
		ID int64 `json:"id"`
	}
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT id FROM users WHERE username = 'ganshi'`).Scan(&me.ID))(t)
	other := e.addAccount("other-officer", zhitong.RoleOfficer, e.f.County)
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		for i := range 5 {
			for _, n := range []*store.Notification{
				{Key: fmt.Sprintf("mine-%d", i), Template: "case.acknowledged", Channel: "inapp", Recipient: "user", UserID: me.ID},
				{Key: fmt.Sprintf("mail-%d", i), Template: "case.acknowledged", Channel: "email", Recipient: "a@example.cn", UserID: me.ID},
				{Key: fmt.Sprintf("theirs-%d", i), Template: "case.acknowledged", Channel: "inapp", Recipient: "user", UserID: other},
			} {
				n.Vars, n.Status, n.CreatedAt, n.NotBefore = "{}", "sent", time.Now(), time.Now()
				if _, err := tx.InsertNotification(ctx, n); err != nil {
					return err
				}
			}
		}
		return nil
	}))(t)
	mine := ids(t, e, `SELECT id FROM notifications WHERE user_id = ? AND channel = 'inapp' ORDER BY id DESC`, me.ID)
	if len(mine) < 5 {
		t.Fatalf("%d notices", len(mine))
	}
	if got := walkCursor(t, officer, "/api/v1/notifications", "id"); fmt.Sprint(got) != fmt.Sprint(floats(mine)) {
		t.Errorf("notices walked %v, want %v", got, mine)
	}
	var inbox struct {
		Unread int    `json:"unread"`
		Next   string `json:"next"`
	}
	officer.do("GET", "/api/v1/notifications?per_page=1", nil, &inbox)
	if inbox.Unread != len(mine) {
		t.Errorf("unread %d, want %d", inbox.Unread, len(mine))
	}
	badPaging(t, officer, "/api/v1/notifications", first.Next)
	badPaging(t, committee, "/api/v1/bulletins", inbox.Next)

	// On screen: the same cursors, 上一页 after the first page, and a
	// broken cursor or a page number refused in Chinese.
	citizen := e.anonymous()
	for _, tt := range []struct {
		c          *client
		path, next string
	}{{committee, "/work/bulletins", first.Next}, {officer, "/work/notices", inbox.Next}, {citizen, "/bulletins", first.Next}} {
		for _, bad := range []string{"?after=%21%21", "?before=YzEAeA", "?page=2"} {
			if code, _, body := tt.c.page("GET", tt.path+bad, nil); code != 400 || !strings.Contains(body, "页") {
				t.Errorf("%s%s: %d", tt.path, bad, code)
			}
		}
		if code, _, body := tt.c.page("GET", tt.path+"?after="+tt.next, nil); code != 200 || !strings.Contains(body, `rel="prev"`) {
			t.Errorf("%s after the first row: %d, or no link back", tt.path, code)
		}
	}
	// The portal lists the published bulletins alone, newest first.
	published := ids(t, e, `SELECT id FROM bulletins WHERE published ORDER BY period_end DESC, id DESC`)
	pg := testkit.Must(e.app.Bulletins(ctx, zhitong.Citizen, app.BulletinsInput{PageInput: app.PageInput{PerPage: app.MaxPerPage}}))(t)
	var got []int64
	for _, b := range pg.Items {
		got = append(got, b.ID)
	}
	if fmt.Sprint(got) != fmt.Sprint(published) || pg.Total != len(published) {
		t.Errorf("the portal's bulletins %v (total %d), want %v", got, pg.Total, published)
	}
	if _, body := citizenGet(t, citizen, "/bulletins"); strings.Count(body, `href="/bulletins/`) != len(published) {
		t.Errorf("/bulletins links %d bulletins, want %d", strings.Count(body, `href="/bulletins/`), len(published))
	}
}

func citizenGet(t *testing.T, c *client, path string) (int, string) {
	t.Helper()
	code, _, body := c.page("GET", path, nil)
	return code, body
}

// TestTaskQueueCountsAgree: the home's count of 待回访 and 待跟踪问效 is
// the total of the list it links to, counted by one function: a case at a
// station shared with another county but about that county (read through
// the station, not acted on), a case held by another organisation and a
// case moved out of the region after its task opened are in neither, a
// case moved in is in both; past the cap both say 1000+.
func TestTaskQueueCountsAgree(t *testing.T) {
	e := newEnv(t)
	committee := e.f.In[zhitong.RoleCommittee]
	var cases []*zhitong.Case
	for range 5 {
		cases = append(cases, e.prepare(zhitong.StatusReplied))
	}
	replies := map[int64]int64{}
	outside := "441624103" // 和平县下车镇, across the provincial border
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		// The fixture's station also serves a town of another county: a shared station.
		if _, err := tx.Exec(ctx, `INSERT INTO regions (code, name, parent_code, level) VALUES (?, '下车镇', '441624', 4) ON CONFLICT DO NOTHING`, outside); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO station_regions (station_id, region_code) VALUES (?, ?), (?, ?) ON CONFLICT DO NOTHING`,
			e.f.Station, e.f.Town, e.f.Station, outside); err != nil {
			return err
		}
		// Case 3 comes from outside and moves in after its tasks opened.
		if _, err := tx.Exec(ctx, `UPDATE cases SET region_code = ? WHERE id = ?`, outside, cases[3].ID); err != nil {
			return err
		}
		for _, c := range cases {
			if _, err := tx.InsertCallbackTask(ctx, &store.CallbackTask{CaseID: c.ID, Round: c.Round, DueDate: "2020-01-01", CreatedAt: time.Now()}); err != nil {
				return err
			}
			var reply int64
			if err := tx.QueryRow(ctx, `SELECT id FROM replies WHERE case_id = ?`, c.ID).Scan(&reply); err != nil {
				return err
			}
			replies[c.ID] = reply
			if _, err := tx.InsertFollowUp(ctx, &store.FollowUp{CaseID: c.ID, ReplyID: reply, DueDate: "2020-01-01", CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		for _, move := range []struct {
			set  string
			args []any
		}{
			{`region_code = ?`, []any{outside, cases[1].ID}},             // about the other county now: read through the shared station only
			{`held_by = ?`, []any{"441624", cases[2].ID}},                // held by another organisation
			{`region_code = ?`, []any{cases[0].RegionCode, cases[3].ID}}, // moved into the region
		} {
			if _, err := tx.Exec(ctx, `UPDATE cases SET `+move.set+` WHERE id = ?`, move.args...); err != nil {
				return err
			}
		}
		return nil
	}))(t)
	client := e.login(committee, "weiyuanhui")
	agree := func(want int, wantMore bool) {
		t.Helper()
		cb := testkit.Must(e.app.CallbackCount(ctx, committee))(t)
		fu := testkit.Must(e.app.FollowUpCount(ctx, committee))(t)
		for _, q := range []struct {
			path string
			home int
		}{{"/api/v1/callbacks", cb}, {"/api/v1/follow-ups", fu}} {
			var pg cursorPage
			if code := client.do("GET", q.path+"?per_page=1", nil, &pg); code != 200 {
				t.Fatalf("%s: %d", q.path, code)
			}
			if pg.Total != q.home || pg.More != (q.home > store.TaskCountCap) {
				t.Errorf("%s: the list counts %d (more %v), the home %d", q.path, pg.Total, pg.More, q.home)
			}
			if q.home != want || pg.More != wantMore {
				t.Errorf("%s: counted %d (more %v), want %d (more %v)", q.path, q.home, pg.More, want, wantMore)
			}
		}
	}
	// Cases 0, 3 and 4: not the shared station's case about the other
	// county (1), nor the one held elsewhere (2).
	agree(3, false)
	var mismatched int
	testkit.Must(0, e.app.DB().QueryRow(ctx, `SELECT COUNT(*) FROM follow_ups f JOIN cases c ON c.id = f.case_id
 WHERE f.state = 'open' AND f.region_code <> c.region_code`).Scan(&mismatched))(t)
	if mismatched != 0 {
		t.Errorf("%d open follow-ups keep a region their case left", mismatched)
	}
	walked := walkCursor(t, client, "/api/v1/callbacks", "id")
	if len(walked) != 3 {
		t.Errorf("the call-back list walked %d cases, want 3", len(walked))
	}

	// Past the cap: a thousand more follow-ups of case 0, each due on its day.
	testkit.Must(0, e.app.DB().Write(ctx, func(tx *store.Tx) error {
		day := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range store.TaskCountCap {
			if _, err := tx.InsertFollowUp(ctx, &store.FollowUp{CaseID: cases[0].ID, ReplyID: replies[cases[0].ID],
				DueDate: day.AddDate(0, 0, i).Format(time.DateOnly), CreatedAt: time.Now()}); err != nil {
				return err
			}
		}
		return nil
	}))(t)
	fu := testkit.Must(e.app.FollowUpCount(ctx, committee))(t)
	var pg cursorPage
	client.do("GET", "/api/v1/follow-ups?per_page=1", nil, &pg)
	if fu != store.TaskCountCap+1 || pg.Total != fu || !pg.More {
		t.Errorf("past the cap: home %d, list %d (more %v), want %d both", fu, pg.Total, pg.More, store.TaskCountCap+1)
	}
	if code, _, body := client.page("GET", "/work/follow-ups", nil); code != 200 || !strings.Contains(body, fmt.Sprintf("%d+", store.TaskCountCap)) {
		t.Errorf("/work/follow-ups past the cap: %d, no %d+", code, store.TaskCountCap)
	}
}

// TestRequestPageBoundsCandidates: the two-person request page offers at
// most accounts.CandidatesShown accounts to promote, searched by the start
// of the username, never the region's every account; a search it cannot
// run is refused in Chinese.
func TestRequestPageBoundsCandidates(t *testing.T) {
	e := newEnv(t)
	sec := e.login(e.f.In[zhitong.RoleSecAdmin], "anquan")
	for i := range accounts.CandidatesShown + 5 {
		e.addAccount(fmt.Sprintf("cand-%02d", i), zhitong.RoleOfficer, e.f.County)
	}
	options := func(body string) int {
		return strings.Count(body, `<option value="`) - strings.Count(body, `<option value=""`)
	}
	code, _, body := sec.page("GET", "/work/account-requests", nil)
	if code != 200 || options(body) != accounts.CandidatesShown || !strings.Contains(body, "只列出前") {
		t.Errorf("the request page: %d, %d accounts offered, want %d and a hint", code, options(body), accounts.CandidatesShown)
	}
	code, _, body = sec.page("GET", "/work/account-requests?q=cand-5", nil)
	if code != 200 || options(body) != 5 || !strings.Contains(body, "cand-54") || strings.Contains(body, "只列出前") {
		t.Errorf("searched by cand-5: %d, %d accounts offered, want cand-50…54", code, options(body))
	}
	if code, _, body = sec.page("GET", "/work/account-requests?q=%E5%BC%A0", nil); code != 400 || !strings.Contains(body, "用户名的开头") {
		t.Errorf("a search by a Chinese name: %d", code)
	}
	if code, _, _ = sec.page("GET", "/work/account-requests?q="+strings.Repeat("a", 38), nil); code != 400 {
		t.Errorf("a search longer than a username: %d", code)
	}
}
