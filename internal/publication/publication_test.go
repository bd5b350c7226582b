package publication_test

import (
	"context"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/publication"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

// replied submits a case as a citizen (王小明, 139 0797 1234) with body,
// registers it with title, has the lead unit reply with summary, and
// returns its id.
func replied(t *testing.T, a *app.App, f *testkit.Fixture, body, title, summary string) int64 {
	t.Helper()
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234", Place: "历市镇建设路"}))(t)
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: "roads", StationID: f.Station, Title: title}))(t)
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{Version: c.Version, LeadUnit: f.Lead}))(t)
	c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{Version: c.Version}))(t)
	testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "已安排人员修复", PublicSummary: summary}))(t)
	return c.ID
}

func board(t *testing.T, a *app.App) []app.PublicResult {
	t.Helper()
	rows, _ := testkit.Must2(a.PublicResults(ctx, app.ResultsInput{}))(t)
	return rows
}

// Nothing of a replied case is public until staff confirm its masked text;
// what is published is exactly what they confirmed; the confirmation is
// audited; a new reply takes the case off the board until confirmed again.
func TestNothingUnconfirmedIsPublic(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := publication.New(a)
	committee := f.In[zhitong.RoleCommittee]
	id := replied(t, a, f, "王小明反映建设路积水，电话13907971234", "联系人：李小红 139 0797 4321 建设路积水",
		"已疏通，户主回电一三八一二三四五六七八确认")
	if rows := board(t, a); len(rows) != 0 {
		t.Fatalf("board before confirmation: %+v", rows)
	}

	d := testkit.Must(svc.Draft(ctx, committee, id))(t)
	if d.Status != publication.StatusPending || d.Title != "联系人：李小红 139 0797 4321 建设路积水" ||
		d.MaskedTitle != "联系人：李** **** 建设路积水" || d.MaskedSummary != "已疏通，户主回电****确认" {
		t.Fatalf("draft = %+v", d)
	}
	q := testkit.Must(svc.Queue(ctx, committee))(t)
	if len(q) != 1 || q[0].CaseID != id || q[0].Title != d.MaskedTitle || q[0].Status != publication.StatusPending {
		t.Fatalf("queue = %+v", q)
	}

	// Text the masker would still change is refused, and shown masked again.
	bad, err := svc.Confirm(ctx, committee, id, publication.ConfirmInput{ReplyID: d.ReplyID, Title: "建设路积水（李小红反映）", Summary: d.MaskedSummary})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if bad == nil || bad.MaskedTitle != "建设路积水（李**反映）" || zhitong.ErrorField(err) != "title" {
		t.Fatalf("refused draft = %+v, field %q", bad, zhitong.ErrorField(err))
	}
	// A stale reply id is refused: a newer reply is never published unseen.
	_, err = svc.Confirm(ctx, committee, id, publication.ConfirmInput{ReplyID: d.ReplyID + 1000, Title: d.MaskedTitle})
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	_, err = svc.Confirm(ctx, committee, id, publication.ConfirmInput{ReplyID: d.ReplyID, Title: " "})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if rows := board(t, a); len(rows) != 0 {
		t.Fatalf("a refused confirmation published %+v", rows)
	}

	// Staff hide more than the masker did, and confirm.
	ok := testkit.Must(svc.Confirm(ctx, committee, id, publication.ConfirmInput{ReplyID: d.ReplyID, Title: "联系人：* **** 建设路积水", Summary: d.MaskedSummary}))(t)
	if ok.Status != publication.StatusConfirmed || ok.Confirmed.Title != "联系人：* **** 建设路积水" || ok.Confirmed.By != committee.UserID {
		t.Fatalf("confirmed = %+v", ok)
	}
	rows := board(t, a)
	if len(rows) != 1 || rows[0].Title != "联系人：* **** 建设路积水" || rows[0].Summary != "已疏通，户主回电****确认" {
		t.Fatalf("board = %+v", rows)
	}
	if q := testkit.Must(svc.Queue(ctx, committee))(t); len(q) != 0 {
		t.Fatalf("queue after confirmation = %+v", q)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), store.AuditQuery{Object: "case:" + strconv.FormatInt(id, 10)}))(t)
	last := entries[len(entries)-1]
	if last.Action != "case.publish" || !strings.Contains(last.Detail, `"edited":true`) || !strings.Contains(last.Detail, "联系人：* ****") {
		t.Fatalf("last audit entry = %+v", last)
	}

	// Re-handling: the new reply is not public until confirmed again.
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	tr := testkit.Must(a.Track(ctx, d.Code))(t)
	c := testkit.Must(a.Evaluate(ctx, d.Code, app.EvaluateInput{Version: tr.Version, Rating: zhitong.RatingUnsatisfied, Comment: "积水还在"}))(t)
	c = testkit.Must(a.Rehandle(ctx, officer, id, app.RehandleInput{Version: c.Version, Note: "请重新办理"}))(t)
	testkit.Must(a.Reply(ctx, lead, id, app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "已安排人员重新疏通", PublicSummary: "已重新疏通，联系人张三"}))(t)
	if rows := board(t, a); len(rows) != 0 {
		t.Fatalf("board after a new reply: %+v", rows)
	}
	d = testkit.Must(svc.Draft(ctx, committee, id))(t)
	if d.Status != publication.StatusStale || d.MaskedSummary != "已重新疏通，联系人张*" {
		t.Fatalf("draft after a new reply = %+v", d)
	}
	testkit.Must(svc.ConfirmDraft(ctx, committee, id))(t)
	if rows := board(t, a); len(rows) != 1 || rows[0].Summary != "已重新疏通，联系人张*" {
		t.Fatalf("board after the new confirmation: %+v", rows)
	}

	// Withdrawing takes it off the board, with a reason, audited.
	testkit.WantCode(t, svc.Withdraw(ctx, committee, id, " "), zhitong.EINVALID)
	if err := svc.Withdraw(ctx, committee, id, "群众要求不公开"); err != nil {
		t.Fatal(err)
	}
	if rows := board(t, a); len(rows) != 0 {
		t.Fatalf("board after withdrawal: %+v", rows)
	}
	testkit.WantCode(t, svc.Withdraw(ctx, committee, id, "再次撤下"), zhitong.ECONFLICT)
}

// Only committee, station and liaison staff of the case's jurisdiction
// see drafts and confirm; an unreplied case cannot be published.
func TestOnlyStaffOfTheJurisdictionConfirm(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := publication.New(a)
	id := replied(t, a, f, "建设路积水严重，影响出行", "建设路积水", "已疏通")
	d := testkit.Must(svc.Draft(ctx, f.In[zhitong.RoleOfficer], id))(t)
	in := publication.ConfirmInput{ReplyID: d.ReplyID, Title: d.MaskedTitle, Summary: d.MaskedSummary}
	for _, c := range []struct {
		who  zhitong.Principal
		code string
	}{
		{zhitong.Citizen, zhitong.EUNAUTHORIZED},
		{f.In[zhitong.RoleUnit], zhitong.EFORBIDDEN},
		{f.In[zhitong.RoleDeputy], zhitong.EFORBIDDEN},
		{f.In[zhitong.RoleAuditor], zhitong.EFORBIDDEN},
		{f.Out[zhitong.RoleCommittee], zhitong.EFORBIDDEN},
		{f.Out[zhitong.RoleOfficer], zhitong.EFORBIDDEN},
		{f.Out[zhitong.RoleStationHead], zhitong.EFORBIDDEN},
	} {
		_, err := svc.Draft(ctx, c.who, id)
		testkit.WantCode(t, err, c.code)
		_, err = svc.Confirm(ctx, c.who, id, in)
		testkit.WantCode(t, err, c.code)
		testkit.WantCode(t, svc.Withdraw(ctx, c.who, id, "原因"), c.code)
		if q, err := svc.Queue(ctx, c.who); err == nil && len(q) != 0 {
			t.Errorf("%s of %s sees the queue %+v", c.who.Role, c.who.RegionCode, q)
		}
	}
	if rows := board(t, a); len(rows) != 0 {
		t.Fatalf("published by someone not allowed: %+v", rows)
	}
	testkit.Must(svc.Confirm(ctx, f.In[zhitong.RoleStationHead], id, in))(t)
	if rows := board(t, a); len(rows) != 1 {
		t.Fatalf("board = %+v", rows)
	}
	_, err := svc.Draft(ctx, f.In[zhitong.RoleCommittee], 999999)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)

	fresh := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "路灯不亮已经一个月了", RegionCode: f.Town, Anonymous: true}))(t)
	_, err = svc.Draft(ctx, f.In[zhitong.RoleCommittee], fresh.ID)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
}

// A station's, a town's and a category's board read the publication's copy
// of the case's place (migration 103): it is set when staff confirm, and
// follows the case when it moves to another station, town or category,
// so a board never shows a case that left it, nor misses one that came.
func TestBoardsFollowTheCase(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := publication.New(a)
	committee := f.In[zhitong.RoleCommittee]
	id := replied(t, a, f, "建设路路灯不亮", "建设路路灯不亮", "已修复")
	d := testkit.Must(svc.Draft(ctx, committee, id))(t)
	testkit.Must(svc.Confirm(ctx, committee, id, publication.ConfirmInput{ReplyID: d.ReplyID, Title: d.MaskedTitle, Summary: d.MaskedSummary}))(t)

	const otherTown = "360728101"
	testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: otherTown, Name: "老城镇", ParentCode: f.County, Level: 4})
	}))(t)
	boards := func() map[string]int {
		t.Helper()
		out := map[string]int{}
		for name, in := range map[string]app.ResultsInput{
			"station": {Station: f.Station}, "other station": {Station: f.OtherStation},
			"town": {Region: f.Town}, "other town": {Region: otherTown}, "county": {Region: f.County},
			"roads": {Category: "roads"}, "consult": {Category: "consult"}, "town+roads": {Region: f.Town, Category: "roads"},
		} {
			rows, n := testkit.Must2(a.PublicResults(ctx, in))(t)
			if len(rows) != n {
				t.Fatalf("%s board: %d rows, counted %d", name, len(rows), n)
			}
			out[name] = n
		}
		return out
	}
	want := map[string]int{"station": 1, "other station": 0, "town": 1, "other town": 0, "county": 1, "roads": 1, "consult": 0, "town+roads": 1}
	if got := boards(); !maps.Equal(got, want) {
		t.Fatalf("boards after confirming = %v, want %v", got, want)
	}

	testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error {
		c, err := store.GetCase(ctx, tx, id)
		if err != nil {
			return err
		}
		c.StationID, c.RegionCode, c.CategoryCode = f.OtherStation, otherTown, "consult"
		c.Version++
		return tx.UpdateCase(ctx, &c.Case, c.Version-1)
	}))(t)
	want = map[string]int{"station": 0, "other station": 1, "town": 0, "other town": 1, "county": 1, "roads": 0, "consult": 1, "town+roads": 0}
	if got := boards(); !maps.Equal(got, want) {
		t.Fatalf("boards after the case moved = %v, want %v", got, want)
	}
}

// waiting lists the cases whose public text waits, as the queue read them
// before the mark (migration 108): every case whose latest reply has no
// confirmation, oldest reply first.
func waiting(t *testing.T, a *app.App) []int64 {
	t.Helper()
	rows, err := a.DB().Query(ctx, `SELECT r.case_id FROM replies r LEFT JOIN publications pub ON pub.case_id = r.case_id
 WHERE r.id = (SELECT MAX(r2.id) FROM replies r2 WHERE r2.case_id = r.case_id) AND (pub.reply_id IS NULL OR pub.reply_id <> r.id)
 ORDER BY r.at, r.case_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

// The queue reads the cases' mark (cases.publish_wait) and lists the same
// cases as the joins over every reply did, through every path that moves
// a case in or out: a reply, a confirmation, a newer reply, a withdrawal,
// and the backfill of a bulk load.
func TestQueueFollowsEveryPath(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	svc := publication.New(a)
	committee := f.In[zhitong.RoleCommittee]
	same := func(step string, n int) {
		t.Helper()
		want := waiting(t, a)
		q := testkit.Must(svc.Queue(ctx, committee))(t)
		var got []int64
		for _, it := range q {
			got = append(got, it.CaseID)
		}
		if len(got) != n || len(want) != n || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("%s: queue %v, waiting %v, want %d", step, got, want, n)
		}
	}
	var ids []int64
	for i := range 4 {
		ids = append(ids, replied(t, a, f, "建设路积水严重，影响出行"+strconv.Itoa(i), "建设路积水"+strconv.Itoa(i), "已疏通"))
		clock.Advance(time.Hour)
	}
	same("replied", 4)
	for _, id := range ids[:3] {
		testkit.Must(svc.ConfirmDraft(ctx, committee, id))(t)
	}
	same("three confirmed", 1)
	if err := svc.Withdraw(ctx, committee, ids[1], "群众要求不公开"); err != nil {
		t.Fatal(err)
	}
	same("one withdrawn", 2)

	// A newer reply puts a confirmed case back, as stale.
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	code := testkit.Must(svc.Draft(ctx, committee, ids[0]))(t).Code
	tr := testkit.Must(a.Track(ctx, code))(t)
	c := testkit.Must(a.Evaluate(ctx, code, app.EvaluateInput{Version: tr.Version, Rating: zhitong.RatingUnsatisfied, Comment: "积水还在"}))(t)
	c = testkit.Must(a.Rehandle(ctx, officer, ids[0], app.RehandleInput{Version: c.Version, Note: "请重新办理"}))(t)
	testkit.Must(a.Reply(ctx, lead, ids[0], app.ReplyInput{Version: c.Version, Outcome: zhitong.OutcomeSolved, Text: "已重新疏通", PublicSummary: "已重新疏通"}))(t)
	same("a newer reply", 3)
	q := testkit.Must(svc.Queue(ctx, committee))(t)
	if q[2].CaseID != ids[0] || q[2].Status != publication.StatusStale || q[0].Status != publication.StatusPending {
		t.Fatalf("queue = %+v", q)
	}

	// A bulk load writes no mark; the backfill sets it as the migration did.
	if _, err := a.DB().Exec(ctx, `UPDATE cases SET publish_wait = NULL`); err != nil {
		t.Fatal(err)
	}
	if q := testkit.Must(svc.Queue(ctx, committee))(t); len(q) != 0 {
		t.Fatalf("the queue reads something else than the mark: %+v", q)
	}
	if err := store.BackfillPublishWait(ctx, a.DB(), 0); err != nil {
		t.Fatal(err)
	}
	same("backfilled", 3)

	// Confirmed, the queue empties.
	for _, id := range []int64{ids[0], ids[1], ids[3]} {
		testkit.Must(svc.ConfirmDraft(ctx, committee, id))(t)
	}
	same("all confirmed", 0)
}
