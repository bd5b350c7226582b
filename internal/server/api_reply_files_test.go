package server_test

import (
	"fmt"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestReplyWithFiles: on a deployment made by init, the lead unit posts its
// reply with its signed letter and a photo in one multipart request: the
// reply and both files are written together (sealed, audited). A bad file,
// a file of an intake kind or an unknown field refuses the whole reply with
// a machine-readable error and nothing written; a JSON reply still works.
func TestReplyWithFiles(t *testing.T) {
	e, committee, town, category, u := initCounty(t, "龙南市城市管理局")
	unitP := zhitong.Principal{Name: "城管局经办人", Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: u.ID}
	unit := e.login(unitP, "reply-unit")
	unitP.UserID = testkit.Must(store.GetUserByName(ctx, e.app.DB(), "reply-unit"))(t).ID
	accepted := func(body string) *zhitong.Case {
		c := testkit.Must(e.app.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: town, Name: "赵六", Phone: "139 0797 8765"}))(t)
		testkit.Must(e.app.Register(ctx, committee, c.ID, app.RegisterInput{CategoryCode: category, Title: body}))(t)
		testkit.Must(e.app.Assign(ctx, committee, c.ID, app.AssignInput{LeadUnit: u.ID, Days: 10}))(t)
		return testkit.Must(e.app.Accept(ctx, unitP, c.ID, app.TextInput{}))(t)
	}
	count := func(q string, args ...any) int {
		var n int
		if err := e.app.DB().QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := accepted("菜市场门口占道经营严重")
	path := fmt.Sprintf("/api/v1/cases/%d/reply", c.ID)
	letter := "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
	fields := map[string]string{"outcome": "A", "text": "已清理占道摊点并设置引导标志。", "public_reply_photo": "1",
		"deliveries": `[{"recipient":"congress","channel":"written"}]`}
	written := func() string {
		return fmt.Sprint(count(`SELECT COUNT(*) FROM replies WHERE case_id = ?`, c.ID), count(`SELECT COUNT(*) FROM attachments WHERE case_id = ?`, c.ID),
			count(`SELECT COUNT(*) FROM audit_log WHERE object = ?`, fmt.Sprintf("case:%d", c.ID)), count(`SELECT version FROM cases WHERE id = ?`, c.ID))
	}
	before := written()
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range fields {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	for _, bad := range []struct {
		name   string
		values map[string]string
		files  [][3]string
		field  string
	}{
		{"text named .jpg", fields, [][3]string{{"reply_letter", "答复函.pdf", letter}, {"reply_photo", "修好了.jpg", "这不是图片"}}, attachments.Field},
		{"cut-off PDF", fields, [][3]string{{"reply_letter", "答复函.pdf", letter[:20]}}, attachments.Field},
		{"intake kind", fields, [][3]string{{"intake_scan", "证明.pdf", letter}}, attachments.Field},
		{"unknown field", with(map[string]string{"remark": "x"}), [][3]string{{"reply_letter", "答复函.pdf", letter}}, "remark"},
		{"bad reply", with(map[string]string{"text": "好"}), [][3]string{{"reply_letter", "答复函.pdf", letter}}, "text"},
	} {
		ct, body := multipartBody(t, bad.values, bad.files...)
		var got apiError
		if code := unit.raw("POST", path, ct, body, &got); code != 400 || got.Error.Code != zhitong.EINVALID || got.Error.Field != bad.field {
			t.Errorf("%s: %d %+v, want 400 invalid on %s", bad.name, code, got, bad.field)
		}
		if after := written(); after != before {
			t.Fatalf("%s: the refused reply wrote something: %s → %s", bad.name, before, after)
		}
	}
	ct, body := multipartBody(t, fields, [3]string{"reply_letter", "答复函.pdf", letter}, [3]string{"reply_photo", "after.jpg", string(tinyJPEG(t))})
	var got map[string]any
	if code := unit.raw("POST", path, ct, body, &got); code != 200 || got["status"] != string(zhitong.StatusReplied) {
		t.Fatalf("multipart reply = %d %v", code, got)
	}
	var list attachmentsAnswer
	if code := unit.do("GET", fmt.Sprintf("/api/v1/cases/%d/attachments", c.ID), nil, &list); code != 200 || len(list.Attachments) != 2 {
		t.Fatalf("attachments after the reply = %d %+v", code, list)
	}
	if a := list.Attachments; a[0].Kind != attachments.KindReplyLetter || a[0].Public || a[1].Kind != attachments.KindReplyPhoto || !a[1].Public || a[1].ContentType != "image/jpeg" {
		t.Errorf("stored %+v", a)
	}
	if n := count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('case.reply', 'case.attach') AND object = ?`, fmt.Sprintf("case:%d", c.ID)); n != 2 {
		t.Errorf("audit entries of the reply and its files = %d, want 2", n)
	}
	if n := count(`SELECT COUNT(*) FROM deliveries WHERE reply_id IN (SELECT id FROM replies WHERE case_id = ?)`, c.ID); n != 1 {
		t.Errorf("deliveries recorded with the reply = %d, want 1", n)
	}
	// A JSON reply, as before.
	c2 := accepted("路边绿化带缺损")
	if code := unit.do("POST", fmt.Sprintf("/api/v1/cases/%d/reply", c2.ID), map[string]any{"outcome": "A", "text": "已补种绿化苗木。"}, &got); code != 200 || got["status"] != string(zhitong.StatusReplied) {
		t.Fatalf("JSON reply = %d %v", code, got)
	}
}
