package web_test

import (
	"net/url"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestWorkNoticesCountListAndRead(t *testing.T) {
	b := newBench(t)
	unit := b.login(b.f.In[zhitong.RoleUnit], "wn-unit")
	other := b.login(b.f.Out[zhitong.RoleUnit], "wn-other")
	id := b.intake("建设路路灯不亮，夜间出行不便", 0)
	b.assign(id, 0)
	code := b.view(id).Code

	home := unit.get("/work")
	benchHas(t, home, `href="/work/notices">通知`, `1 条未读`)
	pg := unit.get("/work/notices")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "新交办案件", code, "未读", "标为已读")
	benchLacks(t, other.get("/work/notices"), code)
	if strings.Contains(other.get("/work").raw, "条未读") {
		t.Error("another unit's handler sees an unread count")
	}
	rows := testkit.Must(store.Inbox(t.Context(), b.app.DB(), unitUserID(t, b, "wn-unit"), store.Page{Limit: 10}))(t)
	if len(rows) != 1 {
		t.Fatalf("inbox rows = %d", len(rows))
	}
	nid := itoa(rows[0].ID)
	wantStatus(t, other.post("/work/notices/"+nid+"/read", nil), 404)
	pg = unit.post("/work/notices/"+nid+"/read", nil)
	wantStatus(t, pg, 200)
	benchLacks(t, pg, "条未读", "标为已读")

	pg = unit.get(caseURL(id))
	benchHas(t, pg, "/work/cases/"+itoa(id)+"/notices")
	pg = unit.get("/work/cases/" + itoa(id) + "/notices")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "受理告知（群众）", "交办告知（群众）", "待发送")
	wantStatus(t, other.get("/work/cases/"+itoa(id)+"/notices"), 403)

	pg = unit.post("/work/notices/email", url.Values{"email": {"不是邮箱"}})
	wantStatus(t, pg, 400)
	benchHas(t, pg, "邮箱地址格式不正确", "不是邮箱")
	pg = unit.post("/work/notices/email", url.Values{"email": {"jtj@example.cn"}})
	benchHas(t, pg, "通知邮箱已保存", `value="jtj@example.cn"`)
}

func unitUserID(t *testing.T, b *bench, username string) int64 {
	t.Helper()
	u := testkit.Must(store.GetUserByName(t.Context(), b.app.DB(), username))(t)
	return u.ID
}

func TestWorkTemplatesEditedByCommitteeOnly(t *testing.T) {
	b := newBench(t)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "wt-committee")
	officer := b.login(b.f.In[zhitong.RoleOfficer], "wt-officer")
	wantStatus(t, officer.get("/work/templates"), 403)
	pg := committee.get("/work/templates")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "受理告知（群众）", "您反映的问题已受理，查询码{code}")
	pg = committee.post("/work/templates/case.acknowledged", url.Values{"body": {"已受理，编号{number}"}})
	wantStatus(t, pg, 400)
	benchHas(t, pg, "模板中的变量{number}不存在", "已受理，编号{number}")
	pg = committee.post("/work/templates/case.acknowledged", url.Values{"body": {"【定南人大】已受理，查询码{code}"}})
	wantStatus(t, pg, 200)
	benchHas(t, pg, "模板已保存", "【定南人大】已受理，查询码{code}", "已修改", "恢复默认")
	pg = committee.post("/work/templates/case.acknowledged", url.Values{"body": {"x"}, "reset": {"1"}})
	benchLacks(t, pg, "【定南人大】")
}

func TestPortalSMSOptOut(t *testing.T) {
	p := newPortal(t)
	pg := p.submit(p.validForm())
	code := trackingCode(t, pg)
	pg = p.get("/track/" + code)
	mustContain(t, pg, "不再接收短信通知")
	pg = p.postForm("/track/"+code+"/sms-optout", nil)
	if pg.status != 200 || !strings.Contains(pg.url, "/track/"+code) {
		t.Fatalf("opt-out answered %d at %s", pg.status, pg.url)
	}
	mustContain(t, pg, "已退订")
	c := testkit.Must(store.GetCaseByCode(t.Context(), p.app.DB(), code))(t)
	if out := testkit.Must(store.OptedOut(t.Context(), p.app.DB(), c.PhoneIndex))(t); !out {
		t.Error("the phone is not recorded as opted out")
	}
	if pg := p.postForm("/track/XXXX-XXXX-XXXX/sms-optout", nil); pg.status != 404 {
		t.Errorf("unknown code answered %d", pg.status)
	}
}
