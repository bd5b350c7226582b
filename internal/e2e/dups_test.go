package e2e_test

import (
	"fmt"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// The original of the duplicates below, and a paraphrase of it.
const (
	dupOriginal = "渡江路农商银行门口有个大坑，下雨积水，电动车摔了好几次，请修补路面。"
	dupAgain    = "渡江路银行门口路面坑洼，一下雨就是一滩水，骑电动车很危险，希望尽快补坑。"
)

// A citizen writing about a problem already raised in the township is told
// so while typing, with its real status and public progress only, and
// again after submitting.
func TestCitizenSeesSimilarIssue(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	testkit.Must(s.App.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: dupOriginal, RegionCode: f.Town, Name: "李小红", Phone: "138 0797 5678"}))(t)

	citizen := s.person("citizen", phoneWidth)
	citizen.visit("/submit")
	citizen.fill("#region", f.Town, "#body", dupAgain)
	citizen.waitText("#similar-live", "同一乡镇已有类似问题")
	notice := citizen.text("#similar-live")
	for _, leak := range []string{"李小红", "5678", "农商银行门口有个大坑"} {
		if strings.Contains(notice, leak) {
			t.Fatalf("the live notice shows %q:\n%s", leak, notice)
		}
	}
	if !strings.Contains(notice, "已受理，待登记") {
		t.Errorf("the notice lacks the similar issue's progress:\n%s", notice)
	}
	citizen.shot("31-citizen-similar-live")
	citizen.noHorizontalScroll()
	citizen.check(`input[name=anonymous]`)
	citizen.check(`input[name=privacy]`)
	citizen.click(`form[action="/submit"] button.primary`)
	citizen.waitText("main", "提交成功")
	citizen.waitText("main", "同一乡镇已有类似问题")
	citizen.shot("32-citizen-similar-done")
}

// An officer taking in a walk-in sees the likely duplicate while typing,
// and after saving merges the new case into it from its case page.
func TestOfficerMergesDuplicate(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleOfficer], "ganshi")
	first := testkit.Must(s.App.Submit(t.Context(), zhitong.Citizen, app.IntakeInput{Body: dupOriginal, RegionCode: f.Town, Name: "王小明", Phone: "139 0797 1234"}))(t)

	officer := s.person("officer", desktopWidth)
	officer.login("ganshi")
	officer.visit("/work/intake")
	officer.fill("#in-channel", "walk_in", "#in-station", fmt.Sprint(f.Station), "#in-category", "roads", "#in-body", dupAgain)
	officer.waitText("#in-similar", first.Code)
	officer.shot("33-officer-similar-live")
	officer.check(`input[name=anonymous]`)
	officer.click(`form.wb-intake button[type=submit]`)
	officer.waitText(".wb-done", "疑似重复")
	officer.clickLink("案件页")
	officer.waitText("#dup-h", "疑似重复案件")
	officer.click(`form[action$="/merge"] button[type=submit]`)
	officer.waitText(".wb-status", "已合并办理")
	officer.shot("34-officer-merged")
	first2 := testkit.Must(s.App.Get(t.Context(), f.In[zhitong.RoleOfficer], first.ID))(t)
	if first2.Status == zhitong.StatusMerged {
		t.Fatalf("the original was merged instead of the duplicate")
	}
	var merged int
	if err := s.App.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM cases WHERE status = 'merged' AND merged_into = ?`, first.ID).Scan(&merged); err != nil || merged != 1 {
		t.Fatalf("cases merged into the original: %d (%v)", merged, err)
	}
}

// The analysis group records an opinion on an unsatisfied case from its
// page; the committee accepts it there and the case is handled again.
func TestAnalysisOpinionAndDecision(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleAnalyst], "yanpan")
	s.account(f.In[zhitong.RoleCommittee], "gongwei")
	ctx, officer := t.Context(), f.In[zhitong.RoleOfficer]
	c := s.assigned("村口路灯坏了两个月，晚上出门摸黑")
	c = testkit.Must(s.App.Accept(ctx, f.In[zhitong.RoleUnit], c.ID, app.TextInput{}))(t)
	c = testkit.Must(s.App.Reply(ctx, f.In[zhitong.RoleUnit], c.ID, app.ReplyInput{Outcome: zhitong.OutcomeInProgress, Text: "正在安排维修"}))(t)
	testkit.Must(s.App.Callback(ctx, officer, c.ID, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还是没修"}))(t)
	url := fmt.Sprintf("/work/cases/%d", c.ID)

	analyst := s.person("analyst", phoneWidth)
	analyst.login("yanpan")
	analyst.visit(url)
	analyst.waitText("#an-h", "研判意见")
	analyst.noHorizontalScroll()
	// Long enough for the browser's minlength, too short once trimmed:
	// the server's answer comes back in the form.
	analyst.fill("#an-rec-text", "   太短了   ")
	analyst.click(`form[action="/work/analysis/opinions"] button[type=submit]`)
	analyst.waitText("#an", "至少 5 个字")
	if got := run(analyst, evalString(`document.querySelector("#an-rec-text").value`)); strings.TrimSpace(got) != "太短了" {
		t.Errorf("the opinion typed was not kept: %q", got)
	}
	analyst.fill("#an-rec-text", "答复只说正在安排，两个月未修好，应当责成重新办理")
	analyst.click(`form[action="/work/analysis/opinions"] button[type=submit]`)
	analyst.waitText("#an", "待决定")
	analyst.shot("35-analyst-opinion")

	committee := s.person("committee", desktopWidth)
	committee.login("gongwei")
	committee.visit(url)
	committee.waitText("#an", "答复只说正在安排")
	committee.click(`#an form.inline input[name=accept] ~ button`)
	committee.waitText("#an", "已采纳")
	committee.shot("36-committee-accepted")
	if v := testkit.Must(s.App.Get(ctx, officer, c.ID))(t); v.Status == zhitong.StatusUnsatisfied || v.Round != 2 {
		t.Fatalf("after the committee accepted: %s, round %d", v.Status, v.Round)
	}
}

// A hot topic opens exactly its cases, and the committee turns it into a
// deputy proposal carrying them.
func TestHotTopicBecomesProposal(t *testing.T) {
	s := newSite(t)
	f := s.Fixture
	s.account(f.In[zhitong.RoleCommittee], "gongwei")
	for _, body := range []string{"小区路灯不亮", "村口路灯不亮了", "路灯坏了没人修"} {
		testkit.Must(s.App.Intake(t.Context(), f.In[zhitong.RoleOfficer], app.IntakeInput{Body: body, CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
	}
	committee := s.person("committee", desktopWidth)
	committee.login("gongwei")
	committee.visit("/work/topics")
	committee.waitText("main", "最常见的问题")
	committee.click(`a[href*="topic=%E8%B7%AF%E7%81%AF"]`) // 路灯
	committee.waitText("main", "路灯")
	committee.waitTrue("the topic's three cases are listed", `document.querySelectorAll('a[href^="/work/cases/"]').length >= 3`)
	committee.visit("/work/topics")
	committee.fill("#tp-pr-topic", "路灯", "#tp-pr-title", "关于集中整治城乡路灯的建议", "#tp-pr-body", "路灯损坏反映集中，建议统一排查维修")
	committee.click(`#tp-pr-form button[type=submit]`)
	committee.waitText("main", "已转为代表建议")
	committee.waitText("main", "关于集中整治城乡路灯的建议")
	committee.shot("37-topic-proposal")
	var carried int
	if err := s.App.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM cases WHERE proposal_id IS NOT NULL`).Scan(&carried); err != nil || carried != 3 {
		t.Fatalf("cases carried into the proposal: %d (%v)", carried, err)
	}
}
