package e2e_test

import (
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestStatsDashboardInBrowser: the committee's statistics dashboard draws
// its ECharts charts (SVG) beside their tables on a desktop, and on a
// 360-px phone nothing scrolls sideways and the tables are labelled cards.
func TestStatsDashboardInBrowser(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	ctx := t.Context()
	officer := f.In[zhitong.RoleOfficer]
	for i, body := range []string{"建设路路灯不亮，晚上出行不便", "菜市场周边占道经营严重", "村里的自来水管网老化，经常停水"} {
		c := testkit.Must(s.App.Intake(ctx, officer, app.IntakeInput{Body: body, CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		if i < 2 {
			testkit.Must(s.App.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead, Days: 5}))(t)
		}
	}
	s.account(f.In[zhitong.RoleCommittee], "weiyuan")

	desk := s.person("stats-desktop", desktopWidth)
	desk.login("weiyuan")
	desk.visit("/work/stats?slice=unit")
	desk.waitTrue("the charts are drawn", `document.querySelectorAll('[data-chart][data-drawn] svg').length >= 2`)
	desk.waitTrue("the trend chart has its table", `!!document.querySelector('table.rtable[data-table="trend"] td[data-label]')`)
	desk.waitTrue("the comparison has its table", `!!document.querySelector('table.rtable[data-table="compare"] td[data-label]')`)
	desk.shot("60-stats-desktop")

	phone := s.person("stats-phone", phoneWidth)
	phone.login("weiyuan")
	phone.visit("/work/stats?slice=unit")
	phone.waitTrue("the chart is drawn on a phone", `document.querySelectorAll('[data-chart][data-drawn] svg').length >= 1`)
	phone.fitsWithLabels("本期")
	phone.shot("61-stats-phone")
}
