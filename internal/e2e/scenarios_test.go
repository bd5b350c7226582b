package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// A deputy on a reception day registers a visitor from a phone and answers
// on the spot in the same step; the form keeps the station and deputy for
// the next visitor.
func TestWalkInAnsweredOnTheSpot(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleDeputy], "daibiao")
	deputy := s.person("deputy", phoneWidth)
	deputy.login("daibiao")
	deputy.visit("/work/intake")
	deputy.noHorizontalScroll()
	deputy.fill("#in-channel", "walk_in", "#in-station", fmt.Sprint(f.Station), "#in-category", "consult",
		"#in-body", "咨询今年城乡居民医保的缴费标准和截止时间", "#in-answer", "今年个人缴费 400 元，12 月 31 日截止，可在村委会或手机上缴纳。")
	deputy.check(`input[name=anonymous]`)
	deputy.shot("11-deputy-walk-in")
	deputy.click(`form button[type=submit]`)
	deputy.waitText("main", "已登记并当场解答办结")
	code := strings.TrimSpace(deputy.text(".code"))
	deputy.shot("12-deputy-walk-in-done")
	if got := deputy.text("#in-body"); got != "" {
		t.Errorf("the form for the next visitor still holds %q", got)
	}
	if got := run(deputy, evalString(`document.querySelector("#in-channel").value`)); got != "walk_in" {
		t.Errorf("channel for the next visitor = %q, want walk_in remembered", got)
	}

	tv := testkit.Must(s.App.Track(t.Context(), code))(t)
	if tv.Status != zhitong.StatusAnswered || !strings.Contains(tv.Answer, "400 元") {
		t.Fatalf("walk-in %s: status %s answer %q", code, tv.Status, tv.Answer)
	}
	c := s.caseByCode(code)
	if c.DeputyID != f.Deputy || c.Channel != zhitong.ChannelWalkIn {
		t.Errorf("walk-in recorded with deputy %d channel %s, want %d walk_in", c.DeputyID, c.Channel, f.Deputy)
	}
}

// A unit returns a case that is not its remit; the officer sees it back in
// the queue with the reason.
func TestUnitReturnsACase(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleUnit], "jiaotong")
	s.account(f.In[zhitong.RoleOfficer], "ganshi")
	c := s.assigned("小区楼道里的广告贴得到处都是，请清理")

	unit := s.person("unit", desktopWidth)
	unit.login("jiaotong")
	unit.visit(fmt.Sprintf("/work/cases/%d", c.ID))
	unit.act("return", "#act-return-text", "小区楼道卫生属物业和社区管理，不属于交通部门职责")
	unit.waitText(".wb-status", "已退回")
	unit.shot("13-unit-returned")

	officer := s.person("officer", desktopWidth)
	officer.login("ganshi")
	officer.visit(fmt.Sprintf("/work/cases/%d", c.ID))
	officer.waitText("main", "不属于交通部门职责")
	officer.waitText(".wb-status", "已退回")
	if n := run(officer, evalInt(`document.querySelectorAll("#act-assign").length`)); n != 1 {
		t.Errorf("the officer has %d assign forms for the returned case, want 1", n)
	}
}

// People without the right cannot act: a unit outside the case's remit
// gets a Chinese 403 page, and a deputy sees no triage forms.
func TestNoPermissionToAct(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.Out[zhitong.RoleUnit], "longnan")
	s.account(f.In[zhitong.RoleAnalyst], "fenxi")
	c := s.assigned("建设路的井盖缺失，很危险")
	url := fmt.Sprintf("/work/cases/%d", c.ID)

	outsider := s.person("outsider", desktopWidth)
	outsider.login("longnan")
	outsider.visit(url)
	outsider.waitText("main", "无权")
	if title := run(outsider, evalString(`document.title`)); !strings.Contains(title, "403") && !strings.Contains(title, "无权") {
		t.Errorf("403 page title = %q", title)
	}
	outsider.shot("14-outsider-403")

	analyst := s.person("analyst", desktopWidth)
	analyst.login("fenxi")
	analyst.visit(url)
	analyst.waitText("main", "当前没有您可以执行的操作")
	if n := run(analyst, evalInt(`document.querySelectorAll("details.wb-action").length`)); n != 0 {
		t.Errorf("analyst sees %d action forms", n)
	}
	// Even a hand-made form post is refused, and the case is unchanged.
	analyst.do(submitForm(url+"/accept", map[string]string{"version": "0"}))
	analyst.waitText("main", "无权")
	if v := testkit.Must(s.App.Get(t.Context(), f.In[zhitong.RoleOfficer], c.ID))(t); v.Status != zhitong.StatusAssigned {
		t.Errorf("after a refused post the case is %s", v.Status)
	}
}

// A form error shows next to the field in Chinese and keeps what the
// citizen typed.
func TestFormErrorKeepsInput(t *testing.T) {
	s := newSite(t)
	citizen := s.person("citizen", phoneWidth)
	// The poster's link names the station; 大字模式 keeps it, both ways.
	poster := fmt.Sprintf("/submit?station=%d", s.Fixture.Station)
	citizen.visit(poster)
	for _, class := range []string{"elderly", ""} {
		citizen.click(".elderly-toggle")
		// The old page also says 我要反映: wait for the new one, loaded, in the other mode.
		citizen.waitTrue("大字模式 "+class, fmt.Sprintf(`document.readyState === "complete" && document.documentElement.className === %q && document.querySelector("#station")`, class))
		got := run(citizen, evalString(`location.pathname + location.search + " " + document.documentElement.className + " " + document.querySelector("#station").value`))
		if want := fmt.Sprintf("%s %s %d", poster, class, s.Fixture.Station); got != want {
			t.Errorf("after the 大字模式 toggle: %q, want %q", got, want)
		}
	}
	body := "村口的小桥栏杆松动了，孩子们上学天天经过，很危险"
	citizen.fill("#body", body, "#place", "历市镇村口小桥", "#name", "王芳", "#phone", "12345")
	citizen.check("#privacy")
	citizen.fill("#region", s.Fixture.Town)
	citizen.click(`form button[type=submit]`)
	citizen.waitText("#phone-error", "手机")
	citizen.shot("15-citizen-form-error")
	for sel, want := range map[string]string{"#body": body, "#place": "历市镇村口小桥", "#name": "王芳", "#phone": "12345"} {
		if got := run(citizen, evalString(fmt.Sprintf(`document.querySelector(%q).value`, sel))); got != want {
			t.Errorf("after the error %s = %q, want %q kept", sel, got, want)
		}
	}
	if !run(citizen, evalBool(`document.querySelector("#privacy").checked`)) {
		t.Error("the privacy consent was lost")
	}
	if got := run(citizen, evalString(`document.querySelector("#phone").getAttribute("aria-invalid")`)); got != "true" {
		t.Errorf("phone field aria-invalid = %q", got)
	}
	// Corrected, it goes through.
	citizen.fill("#phone", "13979701111")
	citizen.click(`form button[type=submit]`)
	citizen.waitText("main", "提交成功")
}

// assigned brings a new case to the lead unit through the application.
func (s *site) assigned(body string) *zhitong.Case {
	s.t.Helper()
	f := s.Fixture
	c := testkit.Must(s.App.Submit(s.t.Context(), zhitong.Citizen, app.IntakeInput{Body: body, StationID: f.Station, Phone: "13979709999"}))(s.t)
	officer := f.In[zhitong.RoleOfficer]
	testkit.Must(s.App.Register(s.t.Context(), officer, c.ID, app.RegisterInput{CategoryCode: "roads"}))(s.t)
	return testkit.Must(s.App.Assign(s.t.Context(), officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(s.t)
}

// The core forms work without JavaScript: an officer with scripts switched
// off registers and assigns a case through plain form posts.
func TestFormsWorkWithoutJavaScript(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleOfficer], "ganshi")
	c := testkit.Must(s.App.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: "建设路中段路面塌陷，车辆绕行", StationID: f.Station}))(t)

	officer := s.person("officer-nojs", desktopWidth)
	officer.do(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	officer.login("ganshi")
	officer.visit(fmt.Sprintf("/work/cases/%d", c.ID))
	if run(officer, evalBool(`typeof htmx !== "undefined"`)) {
		t.Fatal("scripts still run: the test would not show anything")
	}
	officer.act("register", "#act-register-category", "roads")
	officer.waitText(".wb-status", "待分流")
	officer.act("assign", "#act-assign-lead", fmt.Sprint(f.Lead))
	officer.waitText(".wb-status", "已交办")
	if v := testkit.Must(s.App.Get(t.Context(), f.In[zhitong.RoleOfficer], c.ID))(t); v.Status != zhitong.StatusAssigned {
		t.Errorf("after the plain form posts the case is %s", v.Status)
	}
}
