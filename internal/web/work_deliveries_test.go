package web_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/testkit"
)

// TestWorkDeliveriesByState: committee staff and the administrators reach
// the page from the nav and see masked phones and per-state counts of their
// region; an officer has neither the link nor the page.
func TestWorkDeliveriesByState(t *testing.T) {
	b := newBench(t)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "wd-committee")
	sysadmin := b.login(b.f.In[zhitong.RoleSysAdmin], "wd-sys")
	outside := b.login(b.f.Out[zhitong.RoleCommittee], "wd-out")
	officer := b.login(b.f.In[zhitong.RoleOfficer], "wd-officer")
	id := b.submitOnline("建设路路灯不亮，夜间出行不便")
	testkit.Must(b.app.DeliverDue(t.Context(), app.Delivery{SMS: &sms.Log{}, Quiet: app.QuietHours{Start: 0, End: 23}}))(t)

	benchHas(t, committee.get("/work"), `href="/work/deliveries">发送记录`)
	benchHas(t, sysadmin.get("/work"), `href="/work/deliveries">发送记录`)
	benchLacks(t, officer.get("/work"), `/work/deliveries`)

	pg := committee.get("/work/deliveries")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "（2026-11-25 23:00 发出）", "139****5678", "受理告知（群众）", `href="/work/cases/`+itoa(id)+`"`)
	benchLacks(t, pg, "13912345678")
	pg = committee.get("/work/deliveries?state=failed")
	wantStatus(t, pg, 200)
	benchHas(t, pg, "没有符合条件的发送记录", `aria-current="page">发送失败`)
	pg = committee.get("/work/deliveries?state=held&from=2026-11-25&to=2026-11-25")
	benchHas(t, pg, `夜间暂缓 <span class="badge">1</span>`, `value="2026-11-25"`, "139****5678")
	benchLacks(t, pg, `rel="next"`)
	wantStatus(t, committee.get("/work/deliveries?page=2"), 400)
	wantStatus(t, committee.get("/work/deliveries?from=yesterday"), 400)

	pg = sysadmin.get("/work/deliveries")
	benchHas(t, pg, "139****", "案件 "+itoa(id))
	benchLacks(t, pg, `href="/work/cases/`+itoa(id)+`"`)
	benchHas(t, outside.get("/work/deliveries"), "没有符合条件的发送记录")
	wantStatus(t, officer.get("/work/deliveries"), 403)
}
