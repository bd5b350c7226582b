package e2e_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestTablesOnAPhone opens the public bulletin, the case list and the
// rankings on a 360-px phone: nothing scrolls sideways, and every table's
// rows are cards whose cells show their column's name.
func TestTablesOnAPhone(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	ctx := t.Context()
	officer := f.In[zhitong.RoleOfficer]
	for i, body := range []string{
		"历市镇胜利路与建设路交叉口的红绿灯在早高峰时段经常失灵，行人和电动车抢行，存在很大安全隐患，希望尽快检修并增派交警疏导",
		"老城区菜市场周边占道经营严重，早晚高峰车辆无法通行",
		"村里的自来水管网老化，夏天经常停水",
	} {
		c := testkit.Must(s.App.Intake(ctx, officer, app.IntakeInput{Body: body, CategoryCode: "roads", StationID: f.Station,
			DeputyID: f.Deputy, Anonymous: true}))(t)
		if i < 2 {
			testkit.Must(s.App.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead, Days: 5}))(t)
		}
	}
	now := s.App.Now().In(zhitong.China)
	start := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	b := testkit.Must(s.App.GenerateBulletin(ctx, "monthly", start, start.AddDate(0, 1, -1)))(t)
	testkit.Must(s.App.PublishBulletin(ctx, f.In[zhitong.RoleCommittee], b.ID))(t)
	s.account(f.In[zhitong.RoleCommittee], "weiyuan")

	citizen := s.person("citizen", phoneWidth)
	citizen.visit(fmt.Sprintf("/bulletins/%d", b.ID))
	citizen.fitsWithLabels("交办")
	citizen.shot("40-bulletin-phone")

	staff := s.person("committee-phone", phoneWidth)
	staff.login("weiyuan")
	for _, pg := range []struct{ path, label, shot string }{
		{"/work/cases", "分类", "41-cases-phone"},
		{"/work/points", "积分", "42-rankings-phone"},
		{fmt.Sprintf("/work/bulletins/%d", b.ID), "满意率", "44-bulletin-work-phone"},
	} {
		staff.visit(pg.path)
		staff.fitsWithLabels(pg.label)
		staff.shot(pg.shot)
	}

	// The security administrator's lists, on a phone too.
	s.account(zhitong.Principal{Name: "安全管理员", Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "anquan")
	testkit.Must2(s.App.AddToken(ctx, app.System, "12345热线", zhitong.RoleIntegration, f.County))(t)
	admin := s.person("secadmin-phone", phoneWidth)
	admin.login("anquan")
	for _, pg := range []struct{ path, label, shot string }{
		{"/work/accounts", "角色", "45-accounts-phone"},
		{"/work/tokens", "最近使用", "46-tokens-phone"},
	} {
		admin.visit(pg.path)
		admin.fitsWithLabels(pg.label)
		admin.shot(pg.shot)
	}
}

// fitsWithLabels checks the page is no wider than the phone and that the
// table cells labelled label are visible cards showing "label：" before
// their value, with the header row hidden.
func (p *person) fitsWithLabels(label string) {
	p.t.Helper()
	if w := run(p, evalInt(`document.scrollingElement.scrollWidth`)); w > phoneWidth {
		p.shot("too-wide-" + p.name)
		p.t.Errorf("%s: page is %d px wide on a %d-px phone", p.name, w, phoneWidth)
	}
	js := fmt.Sprintf(`(() => {
	  const cells = [...document.querySelectorAll('table.rtable td[data-label=%q]')];
	  if (!cells.length) return 'no cell labelled %s';
	  for (const td of cells) {
	    const r = td.getBoundingClientRect();
	    if (r.width === 0 || r.right > %d) return 'cell ' + td.innerText + ' is ' + r.width + ' px wide, right edge at ' + r.right;
	    const before = getComputedStyle(td, '::before').content;
	    if (!before.includes(%q)) return 'cell ' + td.innerText + ' shows no label: ' + before;
	    if (getComputedStyle(td).display !== 'block') return 'cell is not stacked: ' + getComputedStyle(td).display;
	  }
	  for (const th of document.querySelectorAll('table.rtable > thead')) {
	    if (th.getBoundingClientRect().width > 1) return 'the header row is still shown';
	  }
	  return '';
	})()`, label, label, phoneWidth, label)
	if msg := run(p, evalString(js)); msg != "" {
		p.shot("labels-" + p.name)
		p.t.Errorf("%s: %s", p.name, msg)
	}
}

// TestScheduleOnAPhone: the system administrator pastes next year's
// holiday schedule on a phone, previews it and saves it; the status board,
// the form and the preview pass the accessibility audit and fit the screen.
func TestScheduleOnAPhone(t *testing.T) {
	s := newSite(t)
	s.account(s.Fixture.In[zhitong.RoleSysAdmin], "xitong")
	admin := s.person("sysadmin-phone", phoneWidth)
	admin.login("xitong")
	audit := func(path string) {
		t.Helper()
		for _, problem := range run(admin, chromedp.Evaluate[[]string](auditJS)) {
			t.Errorf("%s: %s", path, problem)
		}
		admin.fitsWithLabels("状态")
	}
	admin.visit("/work")
	audit("/work")
	admin.shot("45-sysadmin-home-phone")
	admin.clickLink("导入或查看节假日安排")
	admin.waitText("h1", "节假日安排")
	admin.fill("#cal-text", "2028-01-01 休 元旦\n2028-01-26 至 2028-02-01 休 春节\n2028-02-05 班 春节调休")
	admin.click(`form[action="/work/calendar/preview"] button[type=submit]`)
	admin.waitText("main", "预览：2028 年节假日安排（尚未保存）")
	for _, problem := range run(admin, chromedp.Evaluate[[]string](auditJS)) {
		t.Errorf("preview: %s", problem)
	}
	admin.fitsWithLabels("工作日")
	admin.shot("46-schedule-preview-phone")
	admin.click(`form[action="/work/calendar"] button[type=submit]`)
	admin.waitText("main", "已保存 2028 年节假日安排")
	if due, prov := testkit.Must2(s.App.AddWorkdays("2028-01-25", 1))(t); due != "2028-02-02" || prov {
		t.Errorf("after saving 2028 in the browser: %s %v", due, prov)
	}
}
