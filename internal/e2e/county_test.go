package e2e_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/sheets"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// The county the proof sets up: 龙南市, not the demo's 定南县 (360728).
const (
	county     = "360783"
	countyTown = "360783101" // 武当镇
	newPass    = "Test-Passw0rd"
)

// TestRealCountyFromEmpty is issue #10's proof: from an empty database
// without --demo, a county other than the demo's is set up on the first-run
// page, its reference data and staff imported from .xlsx files, a station
// and its reception days configured, and one case driven through the whole
// loop to archive — in the browser only.
func TestRealCountyFromEmpty(t *testing.T) {
	s := &site{Env: testserver.StartEmpty(t), t: t}

	// 1. The first-run page sets up 龙南市 and shows the initial passwords once.
	committee := s.person("county-committee", desktopWidth)
	initial := committee.setUp(county, "龙南")

	// 2. Both set-up accounts sign in and change their password as forced.
	committee.firstSignIn("gongwei", initial["gongwei"])
	secadmin := s.person("county-secadmin", desktopWidth)
	secadmin.firstSignIn("anquan", initial["anquan"])

	// 3. The committee imports units, stations and deputies; the security
	// administrator imports the staff accounts.
	committee.importSheet("units", "已导入：新增 2、更新 0、不变 0",
		row{"单位名称": "龙南市交通运输局", "单位类型": "部门", "所在区划代码": county, "联系人": "赖明", "联系电话": "13907970011"},
		row{"单位名称": "武当镇人民政府", "单位类型": "乡镇（街道）", "所在区划代码": countyTown, "联系人": "钟华", "联系电话": "13907970012"})
	committee.importSheet("stations", "已导入：新增 1、更新 0、不变 0",
		row{"联络站名称": "武当镇人大代表联络站", "类型": "固定联络站", "所在区划代码": countyTown, "地址": "武当镇圩镇中心街 8 号",
			"开放时间": "工作日 8:30-17:30", "公开电话": "0797-3521234"})
	committee.importSheet("deputies", "已导入：新增 1、更新 0、不变 0",
		row{"姓名": "钟文华", "代表层级": "县、乡镇", "所属区划代码": countyTown, "原选区": "武当镇第一选区",
			"进站联络站": "武当镇人大代表联络站", "短信手机号": "13907970013"})
	staff := secadmin.importSheet("users", "已导入：新增 2、更新 0、不变 0",
		row{"用户名": "lnganshi", "姓名": "廖干事", "角色": "联络员", "管辖区划代码": county, "所在联络站": "武当镇人大代表联络站"},
		row{"用户名": "lnjiaotong", "姓名": "交通局经办人", "角色": "承办单位", "管辖区划代码": county, "所属单位": "龙南市交通运输局"})
	station := s.stationNamed("武当镇人大代表联络站")
	unit := s.unitNamed("龙南市交通运输局")

	// 4. The committee configures the station and its reception days.
	committee.configureStation(station)

	// 5. One case through the whole loop to archive.
	officer := s.person("county-officer", desktopWidth)
	officer.firstSignIn("lnganshi", staff["lnganshi"])
	unitP := s.person("county-unit", desktopWidth)
	unitP.firstSignIn("lnjiaotong", staff["lnjiaotong"])
	citizen := s.person("county-citizen", phoneWidth)
	code := citizen.submitCase(station)
	c := s.caseByCode(code)
	if !strings.HasPrefix(c.RegionCode, county) {
		t.Errorf("case %s is in region %q, want within %s", code, c.RegionCode, county)
	}
	caseURL := fmt.Sprintf("/work/cases/%d", c.ID)
	officer.registerAndAssign(code, unit)
	unitP.acceptAndReply(caseURL, "已修复武当镇圩镇至岗上村道路坑洼 12 处")
	citizen.evaluateSatisfied(code, "已修复武当镇圩镇至岗上村道路坑洼 12 处")
	officer.closeAndArchive(caseURL)

	// 6. Every page each person's navigation offers opens on this deployment.
	for _, who := range []*person{committee, secadmin, officer, unitP, citizen} {
		who.everyNavPageOpens()
	}

	got := testkit.Must(store.GetCaseByCode(t.Context(), s.App.DB(), code))(t)
	if got.Status != zhitong.StatusArchived {
		t.Errorf("after the loop the case is %s, want archived", got.Status)
	}
}

// setUp searches the first-run page for the county by name, chooses code,
// completes the form and returns the initial passwords by username.
func (p *person) setUp(code, name string) map[string]string {
	p.t.Helper()
	p.visit("/")
	p.shot("county-00-empty-home")
	p.clickLink("初始设置")
	p.fill("#q", name)
	p.click(`form.search button[type=submit]`)
	p.clickLink("江西省赣州市龙南市")
	p.waitText("#region-hint", "已选：江西省赣州市龙南市")
	if got := run(p, chromedp.Evaluate[string](`document.querySelector("#region").value`)); got != code {
		p.t.Fatalf("setup chose region %q, want %s", got, code)
	}
	p.fill("#secadmin", "anquan", "#committee", "gongwei")
	p.shot("county-01-setup-form")
	p.click(`form[method=post] button[type=submit]`)
	p.waitText("main", "初始设置已完成")
	p.shot("county-02-setup-done")
	pw := p.passwords()
	// Set-up is done: the page is gone.
	p.visit("/setup")
	if loc := run(p, chromedp.Location()); !strings.HasSuffix(loc, "/login") {
		p.t.Errorf("/setup after set-up went to %s, want /login", loc)
	}
	return pw
}

// passwords reads a table of usernames and initial passwords shown once.
func (p *person) passwords() map[string]string {
	p.t.Helper()
	rows := run(p, chromedp.Evaluate[[][]string](`[...document.querySelectorAll("tr")].filter(r => r.querySelector("samp")).map(r => [r.querySelector('td[data-label="用户名"]').innerText.trim(), r.querySelector("samp").innerText.trim()])`))
	out := map[string]string{}
	for _, r := range rows {
		out[r[0]] = r[1]
	}
	if len(out) == 0 {
		p.t.Fatalf("%s: no initial passwords shown", p.name)
	}
	return out
}

// firstSignIn signs in with an initial password, is sent to change it and
// does, then reaches the workbench.
func (p *person) firstSignIn(username, password string) {
	p.t.Helper()
	if password == "" {
		p.t.Fatalf("%s: no initial password for %s", p.name, username)
	}
	p.visit("/login")
	p.fill("#username", username, "#password", password)
	p.click(`form button[type=submit]`)
	p.waitText("main", "请先设置您自己的密码")
	p.fill("#old_password", password, "#new_password", newPass, "#confirm", newPass)
	p.click(`form[action="/account/password"] button[type=submit]`)
	p.waitText("main", "密码已修改")
	p.visit("/work")
	p.waitText("header", "退出")
	if strings.HasSuffix(run(p, chromedp.Location()), "/account/two-factor") {
		p.enrol(username)
		p.visit("/work")
	}
	if loc := run(p, chromedp.Location()); !strings.HasSuffix(loc, "/work") {
		p.t.Fatalf("%s: after changing the password /work went to %s", p.name, loc)
	}
}

// row is one line of an import sheet, cells by the template's headers.
type row map[string]string

// importSheet writes an .xlsx with kind's template headers and rows, as a
// county office fills it in, uploads it on /work/import, checks the report
// and returns any initial passwords shown.
func (p *person) importSheet(kind, report string, rows ...row) map[string]string {
	p.t.Helper()
	spec, err := sheets.Kind(kind)
	if err != nil {
		p.t.Fatal(err)
	}
	header := spec.Headers()
	lines := make([][]string, len(rows))
	for i, r := range rows {
		for _, h := range header {
			lines[i] = append(lines[i], r[h])
		}
	}
	file := filepath.Join(p.t.TempDir(), kind+".xlsx")
	if err := os.WriteFile(file, testkit.Workbook(p.t, header, lines...), 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.visit("/work/import")
	p.do(chromedp.SetUploadFiles(chromedp.CSS("#file-"+kind), []string{file}))
	p.click("#import-" + kind + " button")
	p.waitText("main", report)
	p.shot("county-03-import-" + kind)
	if kind != "users" {
		return nil
	}
	return p.passwords()
}

// configureStation checks the imported deputy and officer are on the
// station, gives it a theme and notice and a weekly reception day, and
// checks the public station page shows them.
func (p *person) configureStation(id int64) {
	p.t.Helper()
	page := fmt.Sprintf("/work/stations/%d", id)
	p.visit(page)
	p.waitText("#deputies", "钟文华")
	p.waitText("#staff", "廖干事")
	p.fill("#st-theme", "红色武当")
	p.click(`#basics button[type=submit]`)
	p.waitText(".flash", "已保存基本信息")
	p.fill("#st-notice", "每周三上午有代表在站接待，欢迎来反映")
	p.click(`#bulletin button[type=submit]`)
	p.waitText(".flash", "已保存公示栏内容")
	p.visit(page + "/reception")
	p.fill("#rc-w-nth", "0", "#rc-w-day", "3")
	p.click(`form[action$="/rules/weekday"] button[type=submit]`)
	p.waitText(".flash", "已添加接待日规则：每周三")
	p.waitText("main", "2026-12-02") // a Wednesday among the next 60 days' reception days
	p.shot("county-04-reception")
	citizen := p.site.person("county-visitor", phoneWidth)
	citizen.visit(fmt.Sprintf("/stations/%d", id))
	citizen.waitText("main", "12月2日")
	citizen.waitText("main", "红色武当")
	citizen.waitText("main", "每周三上午有代表在站接待")
	citizen.noHorizontalScroll()
	citizen.shot("county-04-station-page")
}

// submitCase submits a case on a phone at the portal, choosing the new
// county's town and station, and returns the tracking code.
func (p *person) submitCase(station int64) string {
	p.t.Helper()
	p.visit("/")
	p.waitText("main", "武当镇人大代表联络站")
	p.visit("/submit")
	p.noHorizontalScroll()
	// The hints speak of this county's towns, not the demo's.
	if hint := p.text("#place-hint"); !strings.Contains(hint, "龙南镇") {
		p.t.Errorf("the place hint on a 龙南市 deployment reads %q", hint)
	}
	p.fill("#category", "roads", "#body", "武当镇圩镇到岗上村的道路坑洼很多，雨天积水，电动车经常摔倒",
		"#place", "武当镇岗上村路口", "#region", countyTown, "#station", fmt.Sprint(station), "#name", "钟丽", "#phone", "13979701234")
	p.check("#privacy")
	p.shot("county-05-citizen-submit")
	p.click(`form button[type=submit]`)
	p.waitText("main", "提交成功")
	code := strings.TrimSpace(p.text(".portal-code"))
	if len(code) != 14 {
		p.t.Fatalf("tracking code shown = %q", code)
	}
	return code
}

func (s *site) stationNamed(name string) int64 {
	s.t.Helper()
	for _, st := range testkit.Must(store.ListStations(s.t.Context(), s.App.DB(), county))(s.t) {
		if st.Name == name {
			return st.ID
		}
	}
	s.t.Fatalf("no station %s after the import", name)
	return 0
}

func (s *site) unitNamed(name string) int64 {
	s.t.Helper()
	for _, u := range testkit.Must(store.ListUnits(s.t.Context(), s.App.DB(), county))(s.t) {
		if u.Name == name {
			return u.ID
		}
	}
	s.t.Fatalf("no unit %s after the import", name)
	return 0
}

// registerAndAssign finds the new case in the officer's queue, registers
// it and assigns it to unit.
func (p *person) registerAndAssign(code string, unit int64) {
	p.t.Helper()
	p.visit("/work/cases?status=submitted")
	p.clickLink(code)
	p.waitText(".wb-status", "待登记")
	p.act("register", "#act-register-category", "roads")
	p.waitText(".wb-status", "待分流")
	p.act("assign", "#act-assign-lead", fmt.Sprint(unit))
	p.waitText(".wb-status", "已交办")
}

// acceptAndReply is the unit finding the case to accept on its workbench,
// accepting it and replying with both feedback deliveries.
func (p *person) acceptAndReply(caseURL, text string) {
	p.t.Helper()
	p.visit("/work")
	p.waitText("main", "待签收")
	p.visit(caseURL)
	p.act("accept")
	p.waitText(".wb-status", "办理中")
	p.reply(text)
	p.shot("county-06-unit-replied")
}

// evaluateSatisfied is the citizen reading the reply by tracking code on
// the phone and rating it satisfied.
func (p *person) evaluateSatisfied(code, reply string) {
	p.t.Helper()
	p.visit("/track/" + code)
	p.waitText("main", reply)
	p.noHorizontalScroll()
	p.check(`input[name=rating][value=satisfied]`)
	p.click(`.portal-evaluate button[type=submit]`)
	p.waitText("main", "您的评价：满意")
	p.shot("county-07-citizen-satisfied")
}

// closeAndArchive is the officer closing the evaluated case and archiving it.
func (p *person) closeAndArchive(caseURL string) {
	p.t.Helper()
	p.visit(caseURL)
	p.waitText(".wb-status", "已评价")
	p.act("close")
	p.waitText(".wb-status", "已办结")
	p.act("archive")
	p.waitText(".wb-status", "已归档")
	p.shot("county-08-officer-archived")
}

// everyNavPageOpens visits every link of the header's navigation and of
// the start page's content (the workbench for staff, the home page for the
// citizen) and fails on an error page.
func (p *person) everyNavPageOpens() {
	p.t.Helper()
	p.visit("/work")
	if strings.Contains(run(p, chromedp.Location()), "/login") {
		p.visit("/")
	}
	links := run(p, chromedp.Evaluate[[]string](`[...new Set([...document.querySelectorAll("header a[href^='/'], main a[href^='/']")].map(a => a.getAttribute("href")))]`))
	for _, link := range links {
		if link == "/logout" || strings.HasSuffix(strings.SplitN(link, "?", 2)[0], ".xlsx") {
			continue
		}
		p.visit(link)
		if body := p.text("main"); strings.Contains(body, "错误代码") {
			p.shot("failed-nav-" + p.name)
			p.t.Errorf("%s: %s shows an error page:\n%s", p.name, link, body)
		}
	}
}
