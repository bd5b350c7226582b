package e2e_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestWholeLoopInTheBrowser drives the closed loop through the UI only: a
// citizen on a phone submits with a photo, an officer registers and
// assigns, the unit accepts and replies, the citizen is unsatisfied, the
// case is re-handled and replied to again, the citizen is satisfied and the
// officer closes the case.
func TestWholeLoopInTheBrowser(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleOfficer], "ganshi")
	s.account(f.In[zhitong.RoleUnit], "jiaotong")

	// 1. A citizen on a phone submits with a photo.
	citizen := s.person("citizen", phoneWidth)
	citizen.visit("/submit")
	citizen.noHorizontalScroll()
	citizen.fill("#category", "roads", "#body", "建设路中段的路灯坏了半个月，晚上出行很不安全",
		"#place", "历市镇建设路中段", "#station", fmt.Sprint(f.Station), "#name", "李明", "#phone", "13979705678")
	citizen.check("#privacy")
	citizen.do(chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photo(t)}))
	citizen.shot("01-citizen-submit-form")
	citizen.click(`form button[type=submit]`)
	citizen.waitText("main", "提交成功")
	code := strings.TrimSpace(citizen.text(".portal-code"))
	if len(code) != 14 {
		t.Fatalf("tracking code shown = %q", code)
	}
	citizen.shot("02-citizen-tracking-code")
	c := s.caseByCode(code)
	if n := len(testkit.Must(s.App.TrackAttachments(t.Context(), code))(t)); n != 1 {
		t.Errorf("case %s has %d photos, want the 1 uploaded", code, n)
	}

	// 2. An officer finds it in the queue, registers and assigns it.
	officer := s.person("officer", desktopWidth)
	officer.login("ganshi")
	officer.waitText("main", "待登记")
	officer.shot("03-officer-queues")
	officer.visit("/work/cases?status=submitted")
	officer.clickLink(code)
	officer.waitText(".wb-status", "待登记")
	officer.waitTrue("the citizen's photo shows on the case page", `(document.querySelector(".portal-photos img") || {}).naturalWidth === 64`)
	officer.shot("04-officer-case")
	officer.act("register", "#act-register-category", "roads")
	officer.waitText(".wb-status", "待分流")
	officer.act("assign", "#act-assign-lead", fmt.Sprint(f.Lead))
	officer.waitText(".wb-status", "已交办")
	caseURL := fmt.Sprintf("/work/cases/%d", c.ID)

	// 3. The unit accepts and replies, with both feedback deliveries.
	unit := s.person("unit", desktopWidth)
	unit.login("jiaotong")
	unit.waitText("main", "待签收")
	unit.visit(caseURL)
	unit.act("accept")
	unit.waitText(".wb-status", "办理中")
	unit.reply("已更换建设路中段 6 盏路灯，恢复夜间照明")
	unit.shot("05-unit-replied")

	// 4. The citizen reads the reply and is not satisfied.
	citizen.visit("/track/" + code)
	citizen.waitText("main", "已更换建设路中段 6 盏路灯")
	citizen.noHorizontalScroll()
	citizen.shot("06-citizen-track-reply")
	citizen.check(`input[name=rating][value=unsatisfied]`)
	citizen.fill("#comment", "只修了一半，靠近学校那段还是黑的")
	citizen.click(`.portal-evaluate button[type=submit]`)
	citizen.waitText("main", "您的评价：不满意")

	// 5. The officer orders it handled again; the unit replies again.
	officer.visit(caseURL)
	officer.waitText(".wb-status", "不满意")
	officer.act("rehandle", "#act-rehandle-note", "学校路段仍未修复，请全部修复后再答复")
	officer.waitText(".wb-status", "办理中")
	unit.visit(caseURL)
	unit.reply("学校路段 4 盏路灯已全部更换，整条建设路照明恢复")

	// 6. The citizen is satisfied and the officer closes the case.
	citizen.visit("/track/" + code)
	citizen.waitText("main", "学校路段 4 盏路灯已全部更换")
	citizen.check(`input[name=rating][value=satisfied]`)
	citizen.click(`.portal-evaluate button[type=submit]`)
	citizen.waitText("main", "您的评价：满意")
	officer.visit(caseURL)
	officer.waitText(".wb-status", "已评价")
	officer.act("close")
	officer.waitText(".wb-status", "已办结")
	officer.shot("07-officer-closed")

	v := testkit.Must(s.App.Get(t.Context(), f.In[zhitong.RoleOfficer], c.ID))(t)
	if v.Status != zhitong.StatusClosed || v.Round != 2 {
		t.Errorf("after the loop: status %s round %d, want closed in round 2", v.Status, v.Round)
	}
	citizen.visit("/track/" + code)
	citizen.waitText("main", "已办结")
	citizen.shot("08-citizen-closed")
}

// reply fills the unit's reply form: outcome A and both deliveries.
func (p *person) reply(text string) {
	p.t.Helper()
	p.act("reply", `#act-reply input[name=outcome][value=A]`, checked, "#act-reply-text", text,
		"#act-reply-congress", "written", "#act-reply-citizen", "sms")
	p.waitText(".wb-status", "已答复")
}

// clickLink follows the first link whose text contains text.
func (p *person) clickLink(text string) {
	p.t.Helper()
	p.do(chromedp.Click(chromedp.JSPath(fmt.Sprintf(`[...document.querySelectorAll("a")].find(a => a.innerText.includes(%q))`, text)), chromedp.NodeVisible))
	p.do(chromedp.WaitReady(chromedp.CSS("body")))
}

// noHorizontalScroll checks the page fits its viewport's width.
func (p *person) noHorizontalScroll() {
	p.t.Helper()
	wide := run(p, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
	if wide > 0 {
		p.shot("too-wide-" + p.name)
		p.t.Errorf("%s: page is %d px wider than the viewport", p.name, wide)
	}
}

func (s *site) caseByCode(code string) *store.CaseRecord {
	s.t.Helper()
	return testkit.Must(store.GetCaseByCode(s.t.Context(), s.App.DB(), code))(s.t)
}

// photo writes a small JPEG to upload.
func photo(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		for y := range 48 {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "路灯.jpg")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
