package e2e_test

import (
	"fmt"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestUnitDutiesInTheBrowser: the co-handling unit gives its opinion from
// the case page, the lead unit sees it beside the reply form and looks up
// the citizen's phone with a reason to answer them (docs/supervision.md).
func TestUnitDutiesInTheBrowser(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleUnit], "zhuban")
	s.account(f.CoUnit(), "xieban")
	ctx, officer := t.Context(), f.In[zhitong.RoleOfficer]
	c := testkit.Must(s.App.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路人行道砖松动，老人容易绊倒", StationID: f.Station,
		Name: "李明", Phone: "13979705678"}))(t)
	c = testkit.Must(s.App.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	testkit.Must(s.App.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead, CoUnits: []int64{f.Co}}))(t)
	caseURL := fmt.Sprintf("/work/cases/%d", c.ID)

	co := s.person("co-unit", desktopWidth)
	co.login("xieban")
	co.visit(caseURL)
	co.act("co_opinion", "#act-co_opinion-text", "镇政府安排人员配合更换人行道砖", `#act-co_opinion input[name=agrees]`, checked)
	co.waitText("#co-h + table", "同意主办单位意见")
	co.shot("duties-01-co-opinion")

	lead := s.person("lead-unit", desktopWidth)
	lead.login("zhuban")
	lead.visit(caseURL)
	lead.act("accept")
	lead.waitText(".wb-status", "办理中")
	lead.waitText("#co-h + table", "镇政府安排人员配合更换人行道砖")
	lead.click("#act-reply > summary")
	lead.waitText("#co-status", "协办单位均已提交意见")
	lead.click("#citizen-phone > summary")
	lead.fill("#phone-reason", "电话告知群众办理进展")
	lead.click("#citizen-phone button[type=submit]")
	lead.waitText("#citizen-phone", "13979705678")
	lead.waitTrue("the phone is a tel: link", `document.querySelector('#citizen-phone a[href="tel:13979705678"]')`)
	lead.waitText(".timeline", "主办单位查看群众电话，原因：电话告知群众办理进展")
	lead.shot("duties-02-lead-phone")
}
