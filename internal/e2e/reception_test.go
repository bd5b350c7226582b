package e2e_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"zhitong"
	"zhitong/internal/store"
)

// TestReceptionEditorInBrowser adds a market-day rule and a moved day
// through the editor's forms, then checks the editor, the station page and
// the home page for accessibility with the tables filled.
func TestReceptionEditorInBrowser(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleOfficer], "rc-ganshi")
	if err := s.App.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.PutDuty(t.Context(), &store.Duty{StationID: f.Station, DeputyID: f.Deputy, Day: "2026-11-29", Status: "planned"})
	}); err != nil {
		t.Fatal(err)
	}
	officer := s.person("rc-officer", desktopWidth)
	officer.login("rc-ganshi")
	editor := fmt.Sprintf("/work/stations/%d/reception", f.Station)
	officer.visit(editor)
	officer.fill("#rc-l-preset", "147", "#rc-lunar-hol", "keep")
	officer.click(`form[action$="/rules/lunar"] button[type=submit]`)
	officer.waitText("main", "逢农历一、四、七，节假日照常")
	// 2026-12-02 is 十月廿四: move it to the 3rd.
	// Date inputs take their value directly: typed keys follow the browser's locale.
	officer.do(chromedp.SetValue(chromedp.CSS("#rc-e-day"), "2026-12-02"), chromedp.SetValue(chromedp.CSS("#rc-e-to"), "2026-12-03"))
	officer.fill("#rc-e-action", "move", "#rc-e-note", "县人代会")
	officer.click(`form[action$="/exceptions"] button[type=submit]`)
	officer.waitText("main", "由12月2日调整")
	citizen := s.person("rc-citizen", phoneWidth)
	for _, who := range []struct {
		p    *person
		path string
		want string
	}{{officer, editor, "刘代表"}, {citizen, fmt.Sprintf("/stations/%d", f.Station), "十月廿一"}, {citizen, "/", "本周值班代表：刘代表"}} {
		who.p.visit(who.path)
		who.p.waitText("main", who.want)
		for _, problem := range run(who.p, chromedp.Evaluate[[]string](auditJS)) {
			t.Errorf("%s: %s", who.path, problem)
		}
	}
}
