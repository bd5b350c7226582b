package app_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/mail"
	"zhitong/internal/mail/mailtest"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestStaffNoticesInAppAndByEmail(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	smtp := mailtest.Start(t)
	u := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "jtj2", DisplayName: "交通局经办人",
		Role: zhitong.RoleUnit, UnitID: f.Lead, Password: "Zhitong@2026"}))(t)
	handler := zhitong.Principal{UserID: u.ID, Name: u.DisplayName, Role: zhitong.RoleUnit, UnitID: f.Lead}
	testkit.WantCode(t, a.SetEmail(ctx, handler, "not an address"), zhitong.EINVALID)
	testkit.Must(0, a.SetEmail(ctx, handler, "jtj@example.cn"))(t)
	c := submit(t, a, f, "建设路路灯不亮，夜间出行不便")
	testkit.Must(a.Notify(ctx, app.Notice{Key: "case:" + itoa(c.ID) + ":remind", Template: "case.acknowledged", CaseID: c.ID,
		UnitID: f.Lead, Vars: map[string]string{"code": c.Code}}))(t)
	d := app.Delivery{SMS: &recorder{}, Mail: &mail.SMTP{Addr: smtp.Addr, From: "noreply@zhitong.example.cn"}}
	deliver(t, a, d)

	msgs := smtp.Messages()
	if len(msgs) != 1 || msgs[0].To != "jtj@example.cn" || !strings.Contains(msgs[0].Body(), c.Code) {
		t.Fatalf("e-mails = %+v", msgs)
	}
	items := testkit.Must(a.Inbox(ctx, handler, app.PageInput{PerPage: 10}))(t).Items
	if len(items) != 1 || !strings.Contains(items[0].Text, c.Code) || items[0].Read {
		t.Fatalf("inbox = %+v", items)
	}
	if n := testkit.Must(a.UnreadCount(ctx, handler))(t); n != 1 {
		t.Errorf("unread = %d, want 1", n)
	}
	other := f.In[zhitong.RoleUnit]
	if got := testkit.Must(a.Inbox(ctx, other, app.PageInput{PerPage: 10}))(t).Items; len(got) != 0 {
		t.Errorf("another handler sees %d of this handler's notices", len(got))
	}
	_, err := a.MarkRead(ctx, other, items[0].ID)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	if n := testkit.Must(a.MarkRead(ctx, handler, items[0].ID))(t); n != 1 {
		t.Errorf("mark read changed %d rows", n)
	}
	if n := testkit.Must(a.UnreadCount(ctx, handler))(t); n != 0 {
		t.Errorf("unread after marking = %d", n)
	}
	_, err = a.Inbox(ctx, zhitong.Citizen, app.PageInput{})
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), c.ID))(t) {
		if n.Recipient != "citizen" && n.Status != "sent" {
			t.Errorf("staff row %s %s is %s", n.Channel, n.Recipient, n.Status)
		}
	}
}

func TestTemplateEditValidatedAndAudited(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	_, err := a.EditTemplate(ctx, f.In[zhitong.RoleOfficer], "case.acknowledged", "已受理{code}")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = a.EditTemplate(ctx, committee, "case.acknowledged", "已受理{code}，承办单位{unit}")
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.EditTemplate(ctx, committee, "case.acknowledged", "已受理{code")
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = a.EditTemplate(ctx, committee, "no.such", "文本")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	tm := testkit.Must(a.EditTemplate(ctx, committee, "case.acknowledged", "【定南人大】已收到您的意见，查询码{code}。"))(t)
	if !tm.Edited {
		t.Error("edited template not marked edited")
	}
	list := testkit.Must(a.Templates(ctx, committee))(t)
	if list[0].Name != "case.acknowledged" || list[0].Body != tm.Body || list[1].Edited {
		t.Errorf("templates = %+v", list[:2])
	}
	// The edited text is what recipients read.
	c := submit(t, a, f, "建设路路灯不亮")
	acc := testkit.Must(a.AddUser(ctx, app.System, app.UserInput{Username: "lly", DisplayName: "联络员", Role: zhitong.RoleOfficer,
		RegionCode: f.County, Password: "Zhitong@2026"}))(t)
	u := zhitong.Principal{UserID: acc.ID, Name: acc.DisplayName, Role: zhitong.RoleOfficer, RegionCode: f.County}
	testkit.Must(a.Notify(ctx, app.Notice{Key: "k1", Template: "case.acknowledged", CaseID: c.ID, UserIDs: []int64{u.UserID}, Vars: map[string]string{"code": c.Code}}))(t)
	items := testkit.Must(a.Inbox(ctx, u, app.PageInput{PerPage: 10}))(t).Items
	if len(items) != 1 || items[0].Text != "【定南人大】已收到您的意见，查询码"+c.Code+"。" {
		t.Fatalf("inbox = %+v", items)
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("template:case.acknowledged")))(t)
	if len(entries) != 1 || entries[0].Action != "template.edit" {
		t.Fatalf("audit = %+v", entries)
	}
	back := testkit.Must(a.EditTemplate(ctx, committee, "case.acknowledged", ""))(t)
	if back.Edited || !strings.Contains(back.Body, "您反映的问题已受理") {
		t.Errorf("restored = %+v", back)
	}
}
