package documents_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/documents"
	"zhitong/internal/documents/layout"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

// isoDate is a date written 2026-12-28 (or 2026-1-8) standing alone: not a
// run of digits and hyphens inside a longer code (a tracking code such as
// LN-2026-12-ABCD stays a code).
var isoDate = regexp.MustCompile(`(?:^|[^0-9A-Za-z-])\d{4}-\d{1,2}-\d{1,2}(?:$|[^0-9A-Za-z-])`)

// docText is every string a document prints.
func docText(d layout.Doc) string {
	var b strings.Builder
	layout.MapText(d, func(s string, _ bool) string { b.WriteString(s); b.WriteString("\n"); return s })
	return b.String()
}

// TestDatesAreChinese issues one document of every kind — 交办函, 督办函 by
// hand and by escalation (zhitong sweep), 答复函, 通报, 研判报告, 述职报告 —
// and finds no date written 2026-12-28 in any title or body: a 公文 writes
// 2026年12月28日.
func TestDatesAreChinese(t *testing.T) {
	w := newWorld(t)
	late := w.assigned(t, "幸福路路灯不亮")
	replied, unitP, replyID := w.replied(t, "小区下水道堵塞", "已于本周疏通。")
	testkit.Must(w.svc.IssueReply(ctx, unitP, documents.ReplyInput{CaseID: replied.ID, ReplyID: replyID}))(t)
	testkit.Must(w.a.Supervise(ctx, w.committee, late.ID, app.SuperviseInput{Kind: "letter", Note: "x"}))(t)
	// Past the deadline: the sweep's escalation letter, then one by hand.
	for day := 1; day <= 25 && count(t, w.a, `SELECT COUNT(*) FROM supervision_letters WHERE case_id = ?`, late.ID) < 2; day++ {
		w.clock.Set(time.Date(2026, 12, 7+day, 2, 0, 0, 0, time.UTC))
		testkit.Must(w.a.SweepOnce(ctx))(t)
	}
	testkit.Must(w.a.Supervise(ctx, w.committee, late.ID, app.SuperviseInput{Kind: "letter", Note: "请于 2027-01-15 前办结"}))(t)
	now := w.a.Now()
	bul := testkit.Must(w.a.GenerateBulletin(ctx, "monthly", now.AddDate(0, 0, -30), now))(t)
	testkit.Must(w.svc.IssueBulletin(ctx, w.committee, bul.ID))(t)
	rep := testkit.Must(topics.New(w.a).SaveReport(ctx, w.committee, 0, topics.ReportInput{Period: "本月", Title: "十二月民意研判报告",
		Body: "一、总体情况\n本月受理意见建议 2 件。"}))(t)
	testkit.Must(w.svc.IssueReport(ctx, w.committee, rep.ID))(t)
	var dep int64
	err := w.a.DB().Write(ctx, func(tx *store.Tx) error {
		d := &zhitong.Deputy{Name: "李代表", Levels: []string{"county"}, RegionCode: w.town}
		err := tx.InsertDeputy(ctx, d)
		dep = d.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	testkit.Must(w.a.SaveVoterReport(ctx, w.committee, dep, app.VoterReportInput{From: "2026-01-01", To: "2026-12-07",
		Narrative: "本年度参加联络站接待 6 次。", Present: 40, Satisfied: 35, Basic: 4, Unsatisfied: 1}))(t)
	duty := testkit.Must(w.svc.IssueDutyReport(ctx, w.committee, documents.DutyReportInput{Deputy: dep, From: "2026-01-01", To: "2026-12-07"}))(t)
	if want := "李代表代表履职情况报告（2026年1月1日至2026年12月7日）"; duty.Title != want {
		t.Errorf("述职报告 title %q, want %q", duty.Title, want)
	}

	kinds := map[string]int{}
	escalated := false
	for _, d := range testkit.Must(w.svc.List(ctx, w.committee, documents.Query{}))(t) {
		kinds[d.Kind]++
		doc := testkit.Must(d.Doc())(t)
		text := docText(doc)
		if m := isoDate.FindString(text); m != "" {
			t.Errorf("%s %s prints the date %q:\n%s", d.Kind, d.Number, strings.TrimSpace(m), text)
		}
		if d.Kind == "supervise" && strings.Contains(text, "已逾期") && !strings.Contains(text, "督办事项") {
			escalated = true
			if !regexp.MustCompile(`办理期限为\d{4}年\d{1,2}月\d{1,2}日，截至\d{4}年\d{1,2}月\d{1,2}日已逾期`).MatchString(text) {
				t.Errorf("the escalation letter's dates: %s", text)
			}
		}
	}
	if !escalated || fmt.Sprint(kinds) != "map[assign:2 bulletin:1 duty_report:1 reply:1 report:1 supervise:3]" {
		t.Errorf("documents issued %v (escalation letter %v), want every kind", kinds, escalated)
	}
}
