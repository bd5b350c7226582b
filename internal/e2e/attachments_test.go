package e2e_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/attachments"
	"zhitong/internal/testkit"
)

// TestReplyPhotoReachesTheCitizen: the lead unit, on a phone, replies with
// a photo after the repair taken with the form's camera input and left
// marked public; the citizen sees it on the tracking page.
func TestReplyPhotoReachesTheCitizen(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleUnit], "jiaotong")
	ctx, officer, lead := t.Context(), f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := testkit.Must(s.App.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路中段井盖缺失，夜里很危险", StationID: f.Station,
		Name: "李明", Phone: "13979705678"}))(t)
	c = testkit.Must(s.App.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(t)
	c = testkit.Must(s.App.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	testkit.Must(s.App.Accept(ctx, lead, c.ID, app.TextInput{}))(t)

	unit := s.person("unit", phoneWidth)
	unit.login("jiaotong")
	unit.visit(fmt.Sprintf("/work/cases/%d", c.ID))
	unit.do(chromedp.WaitVisible(chromedp.CSS("#act-reply > summary")))
	if !run(unit, chromedp.Evaluate[bool](`document.querySelector("#act-reply").open`)) {
		unit.click("#act-reply > summary")
	}
	unit.fill(`#act-reply input[name=outcome][value=A]`, checked, "#act-reply-text", "已补装井盖并加固，附整改后照片")
	unit.waitTrue("photos after repair are public by default", `document.querySelector("#act-reply input[name=public_reply_photo]").checked`)
	unit.do(chromedp.SetUploadFiles(chromedp.CSS("#act-reply-photos"), []string{photo(t)}))
	unit.noHorizontalScroll()
	unit.shot("attachments-01-unit-reply-with-photo")
	unit.click("#act-reply button[type=submit]")
	unit.waitText(".wb-status", "已答复")
	unit.waitText("main", "路灯.jpg") // the case page lists the file

	list := testkit.Must(attachments.New(s.App).List(ctx, officer, c.ID))(t)
	if len(list) != 1 || list[0].Kind != attachments.KindReplyPhoto || !list[0].Public {
		t.Fatalf("attachments = %+v", list)
	}

	citizen := s.person("citizen", phoneWidth)
	citizen.visit("/track/" + c.Code)
	citizen.waitText("main", "办理情况照片和材料")
	citizen.waitTrue("the photo after repair shows to the citizen",
		`(document.querySelector(".portal-files img") || {}).naturalWidth === 64`)
	citizen.noHorizontalScroll()
	citizen.shot("attachments-02-citizen-sees-photo")
}
