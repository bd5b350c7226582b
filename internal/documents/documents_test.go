package documents_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/documents"
	"zhitong/internal/documents/layout"
	"zhitong/internal/hooks"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

var ctx = context.Background()

// world is a deployment set up without --demo (龙南市), with one unit and
// the committee's principal; documents are issued on assignment.
type world struct {
	a         *app.App
	clock     *testkit.Clock
	svc       *documents.Service
	committee zhitong.Principal
	town      string
	unit      int64
	category  string
	org       zhitong.Organisation
}

func newWorld(t *testing.T) *world {
	t.Helper()
	a, clock := testkit.MustApp(t)
	clock.Set(time.Date(2026, 12, 7, 2, 0, 0, 0, time.UTC))
	res := testkit.SetUp(t, a, "360783")
	w := &world{a: a, clock: clock, svc: documents.New(a).WithBase("https://zt.example.gov.cn"), org: res.Organisation}
	w.committee = testkit.Principal(t, a, res, zhitong.RoleCommittee)
	if err := a.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = '360783' ORDER BY code LIMIT 1`).Scan(&w.town); err != nil {
		t.Fatal(err)
	}
	if err := a.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&w.category); err != nil {
		t.Fatal(err)
	}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		u := &zhitong.Unit{Name: "龙南市住房和城乡建设局", Kind: "department", RegionCode: "360783"}
		if err := tx.InsertUnit(ctx, u); err != nil {
			return err
		}
		w.unit = u.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hooks.Install(a, "https://zt.example.gov.cn")
	return w
}

// registered submits and registers a case, ready to be assigned.
func (w *world) registered(t *testing.T, body string) *zhitong.Case {
	t.Helper()
	c := testkit.Must(w.a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: body, RegionCode: w.town, Name: "王小明", Phone: "139 0797 1234", Place: "建设路"}))(t)
	return testkit.Must(w.a.Register(ctx, w.committee, c.ID, app.RegisterInput{CategoryCode: w.category, Title: body}))(t)
}

func (w *world) assigned(t *testing.T, body string) *zhitong.Case {
	t.Helper()
	c := w.registered(t, body)
	return testkit.Must(w.a.Assign(ctx, w.committee, c.ID, app.AssignInput{LeadUnit: w.unit, Days: 10}))(t)
}

// replied assigns a case, and its unit accepts it and replies with text:
// the case, the unit's principal and the reply's id.
func (w *world) replied(t *testing.T, body, text string) (*zhitong.Case, zhitong.Principal, int64) {
	t.Helper()
	c := w.assigned(t, body)
	unitP := zhitong.Principal{UserID: 77, Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: w.unit, Name: "住建局经办人"}
	testkit.Must(w.a.Accept(ctx, unitP, c.ID, app.TextInput{}))(t)
	testkit.Must(w.a.Reply(ctx, unitP, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: text,
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}}}))(t)
	var replyID int64
	if err := w.a.DB().QueryRow(ctx, `SELECT id FROM replies WHERE case_id = ?`, c.ID).Scan(&replyID); err != nil {
		t.Fatal(err)
	}
	return c, unitP, replyID
}

func count(t *testing.T, a *app.App, q string, args ...any) int {
	t.Helper()
	var n int
	if err := a.DB().QueryRow(ctx, q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAssignIssuesTheLetter(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "小区路灯不亮已经一周")
	docs := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)
	if len(docs) != 1 {
		t.Fatalf("documents of the case = %d, want 1 (the 交办函)", len(docs))
	}
	d := docs[0]
	if d.Kind != "assign" || d.Number != "龙人大交〔2026〕1号" {
		t.Errorf("kind %q number %q, want assign 龙人大交〔2026〕1号", d.Kind, d.Number)
	}
	doc := testkit.Must(d.Doc())(t)
	all := doc.Title + doc.Addressee + fmt.Sprint(doc.Body)
	for _, want := range []string{"龙南市住房和城乡建设局", c.Code, "10 个工作日", "答复函"} {
		if !strings.Contains(all, want) {
			t.Errorf("交办函 lacks %q: %s", want, all)
		}
	}
	for _, personal := range []string{"王小明", "0797", "1234"} {
		if strings.Contains(all, personal) {
			t.Errorf("交办函 shows personal data %q", personal)
		}
	}
	if doc.Verify == nil || doc.Verify.URL != "https://zt.example.gov.cn/verify/"+d.Code {
		t.Errorf("verify = %+v", doc.Verify)
	}
	v := testkit.Must(w.svc.Verify(ctx, strings.ToLower(d.Code)))(t)
	if !v.Genuine || v.Number != d.Number || v.Issuer != w.org.CommitteeName || v.Date != "2026-12-07" || v.SM3 != d.SM3 {
		t.Errorf("verdict = %+v", v)
	}
	if n := count(t, w.a, `SELECT COUNT(*) FROM audit_log WHERE action = 'document.issue'`); n != 1 {
		t.Errorf("document.issue audit entries = %d", n)
	}
	// The unit it is addressed to sees it; another unit does not.
	unitP := zhitong.Principal{UserID: 77, Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: w.unit, Name: "unit"}
	testkit.Must(w.svc.Get(ctx, unitP, d.ID))(t)
	unitP.UnitID = w.unit + 100
	testkit.WantCode(t, testkit.Err(w.svc.Get(ctx, unitP, d.ID)), zhitong.ENOTFOUND)
	other := w.committee
	other.RegionCode = "360727"
	testkit.WantCode(t, testkit.Err(w.svc.Get(ctx, other, d.ID)), zhitong.ENOTFOUND)
	if got := testkit.Must(w.svc.List(ctx, other, documents.Query{}))(t); len(got) != 0 {
		t.Errorf("another county lists %d documents", len(got))
	}
}

func TestUnknownAndTampered(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "排水沟堵塞发臭")
	testkit.WantCode(t, testkit.Err(w.svc.Verify(ctx, "ZZZZZZZZZZ")), zhitong.ENOTFOUND)
	testkit.WantCode(t, testkit.Err(w.svc.VerifyNumber(ctx, "龙人大交〔2026〕99号")), zhitong.ENOTFOUND)
	d := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)[0]
	vs := testkit.Must(w.svc.VerifyNumber(ctx, d.Number))(t)
	if len(vs) != 1 || !vs[0].Genuine {
		t.Fatalf("by number: %+v", vs)
	}
	// Someone edits the stored content: the seal no longer holds.
	if _, err := w.a.DB().Exec(ctx, `UPDATE documents SET content = REPLACE(content, '10 个工作日', '30 个工作日') WHERE id = ?`, d.ID); err != nil {
		t.Fatal(err)
	}
	v := testkit.Must(w.svc.Verify(ctx, d.Code))(t)
	if v.Genuine || !strings.Contains(v.Problem, "摘要不符") {
		t.Errorf("tampered verdict = %+v", v)
	}
}

func TestRefusalsConsumeNoNumber(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "公交站牌损坏")
	before := count(t, w.a, `SELECT COUNT(*) FROM documents`)
	// Twice: the case already has its 交办函 of this round.
	err := testkit.Err(w.svc.IssueAssign(ctx, w.committee, documents.AssignInput{UnitID: w.unit, CaseIDs: []int64{c.ID}}))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(err.Error(), "不能重复签发") {
		t.Errorf("twice: %v", err)
	}
	// Wrong state: registered, not assigned.
	r := w.registered(t, "井盖缺失很危险")
	err = testkit.Err(w.svc.IssueAssign(ctx, w.committee, documents.AssignInput{UnitID: w.unit, CaseIDs: []int64{r.ID}}))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if !strings.Contains(err.Error(), "不在办理中") {
		t.Errorf("wrong state: %v", err)
	}
	// Outside one's jurisdiction.
	other := w.committee
	other.RegionCode = "360727"
	testkit.WantCode(t, testkit.Err(w.svc.IssueAssign(ctx, other, documents.AssignInput{UnitID: w.unit, CaseIDs: []int64{c.ID}})), zhitong.EINVALID)
	// A role that may not assign.
	unitP := zhitong.Principal{UserID: 77, Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: w.unit}
	testkit.WantCode(t, testkit.Err(w.svc.IssueAssign(ctx, unitP, documents.AssignInput{UnitID: w.unit, CaseIDs: []int64{c.ID}})), zhitong.EFORBIDDEN)
	// Bad input.
	testkit.WantCode(t, testkit.Err(w.svc.IssueAssign(ctx, w.committee, documents.AssignInput{UnitID: w.unit})), zhitong.EINVALID)
	if after := count(t, w.a, `SELECT COUNT(*) FROM documents`); after != before {
		t.Errorf("refusals wrote %d documents", after-before)
	}
	// The next issued document takes the next number: none was consumed.
	c2 := w.assigned(t, "垃圾清运不及时")
	d := testkit.Must(w.svc.ForCase(ctx, w.committee, c2.ID))(t)[0]
	if d.Number != "龙人大交〔2026〕2号" {
		t.Errorf("next number = %s, want 龙人大交〔2026〕2号", d.Number)
	}
}

// TestConcurrentNumbering assigns many cases at once (each assignment
// issues its 交办函 in its transaction), with refused issues among them:
// the numbers are exactly 1..N.
func TestConcurrentNumbering(t *testing.T) {
	w := newWorld(t)
	const n = 16
	var cases []*zhitong.Case
	for i := range n {
		cases = append(cases, w.registered(t, fmt.Sprintf("第%d件：道路坑洼", i+1)))
	}
	bad := w.registered(t, "尚未交办的案件")
	var wg sync.WaitGroup
	errs := make(chan error, 2*n)
	for _, c := range cases {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for {
				_, err := w.a.Assign(ctx, w.committee, c.ID, app.AssignInput{LeadUnit: w.unit, Days: 10})
				if zhitong.ErrorCode(err) == zhitong.ECONFLICT && strings.Contains(err.Error(), "版本") {
					continue
				}
				errs <- err
				return
			}
		}()
		go func() {
			defer wg.Done()
			_, err := w.svc.IssueAssign(ctx, w.committee, documents.AssignInput{UnitID: w.unit, CaseIDs: []int64{bad.ID}})
			if err == nil {
				err = errors.New("issued for a case not assigned")
			} else if zhitong.ErrorCode(err) == zhitong.ECONFLICT {
				err = nil
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	rows, err := w.a.DB().Query(ctx, `SELECT seq, number FROM documents WHERE kind = 'assign' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var seqs []int
	for rows.Next() {
		var s int
		var num string
		if err := rows.Scan(&s, &num); err != nil {
			t.Fatal(err)
		}
		if num != fmt.Sprintf("龙人大交〔2026〕%d号", s) {
			t.Errorf("number %s for seq %d", num, s)
		}
		seqs = append(seqs, s)
	}
	sort.Ints(seqs)
	for i, s := range seqs {
		if s != i+1 {
			t.Fatalf("numbers %v, want 1..%d without gap or duplicate", seqs, n)
		}
	}
	if len(seqs) != n {
		t.Fatalf("%d documents, want %d", len(seqs), n)
	}
}

func TestCorrection(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "菜市场占道经营")
	old := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)[0]
	testkit.WantCode(t, testkit.Err(w.svc.Correct(ctx, w.committee, old.ID, documents.CorrectInput{})), zhitong.EINVALID)
	nd := testkit.Must(w.svc.Correct(ctx, w.committee, old.ID, documents.CorrectInput{Reason: "办理时限写错", Body: "请于 15 个工作日内办结。\n特此函告。"}))(t)
	if nd.Supersedes != old.ID || nd.Number != "龙人大交〔2026〕2号" || nd.Code == old.Code {
		t.Errorf("correction = %+v", nd)
	}
	ov := testkit.Must(w.svc.Verify(ctx, old.Code))(t)
	if !ov.Genuine || !ov.Replaced || ov.ReplacedBy != nd.Number {
		t.Errorf("old verdict = %+v", ov)
	}
	nv := testkit.Must(w.svc.Verify(ctx, nd.Code))(t)
	if !nv.Genuine || nv.Replaced || nv.Corrects != old.Number {
		t.Errorf("new verdict = %+v", nv)
	}
	// The old one never changes, and cannot be corrected twice.
	again := testkit.Must(w.svc.Get(ctx, w.committee, old.ID))(t)
	if again.SM3 != old.SM3 || again.Number != old.Number {
		t.Errorf("old document changed")
	}
	testkit.WantCode(t, testkit.Err(w.svc.Correct(ctx, w.committee, old.ID, documents.CorrectInput{Reason: "再改"})), zhitong.ECONFLICT)
	if n := count(t, w.a, `SELECT COUNT(*) FROM audit_log WHERE action = 'document.correct'`); n != 1 {
		t.Errorf("document.correct audit entries = %d", n)
	}
	if docs := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t); len(docs) != 2 {
		t.Errorf("the case lists %d documents, want both versions", len(docs))
	}
}

func TestSupervisionLetterIsADocument(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "路面塌陷很危险")
	testkit.Must(w.a.Supervise(ctx, w.committee, c.ID, app.SuperviseInput{Kind: "letter", Note: "请加快办理"}))(t)
	testkit.Must(w.a.Supervise(ctx, w.committee, c.ID, app.SuperviseInput{Kind: "letter", Note: "再次督办"}))(t)
	var numbers []string
	rows, err := w.a.DB().Query(ctx, `SELECT number FROM supervision_letters ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var s string
		rows.Scan(&s)
		numbers = append(numbers, s)
	}
	rows.Close()
	if strings.Join(numbers, ",") != "龙人大督〔2026〕1号,龙人大督〔2026〕2号" {
		t.Errorf("letter numbers = %v", numbers)
	}
	docs := testkit.Must(w.svc.List(ctx, w.committee, documents.Query{Kind: "supervise"}))(t)
	if len(docs) != 2 || docs[0].Number != "龙人大督〔2026〕2号" {
		t.Fatalf("督办函 documents = %+v", docs)
	}
	if !testkit.Must(w.svc.Verify(ctx, docs[1].Code))(t).Genuine {
		t.Error("督办函 not genuine")
	}
	// Both letters list with their case (the 交办函 too).
	forCase := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)
	if len(forCase) != 3 || len(docs[0].CaseIDs) != 1 || docs[0].CaseIDs[0] != c.ID || len(docs[1].CaseIDs) != 1 {
		t.Errorf("the case lists %d documents; the 督办函 have cases %v and %v", len(forCase), docs[0].CaseIDs, docs[1].CaseIDs)
	}
}

func TestPrefixes(t *testing.T) {
	w := newWorld(t)
	testkit.WantCode(t, w.svc.SetPrefix(ctx, w.committee, "assign", "龙人大督"), zhitong.EINVALID) // the 督办函's
	testkit.WantCode(t, w.svc.SetPrefix(ctx, w.committee, "assign", "龙〔2026〕"), zhitong.EINVALID)
	testkit.WantCode(t, w.svc.SetPrefix(ctx, zhitong.Principal{UserID: 5, Role: zhitong.RoleOfficer, RegionCode: "360783"}, "assign", "X"), zhitong.EFORBIDDEN)
	if err := w.svc.SetPrefix(ctx, w.committee, "assign", "龙人大办交"); err != nil {
		t.Fatal(err)
	}
	c := w.assigned(t, "小区噪音扰民")
	d := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)[0]
	if d.Number != "龙人大办交〔2026〕1号" {
		t.Errorf("number = %s", d.Number)
	}
	_, ps := testkit.Must2(w.svc.Prefixes(ctx, w.committee))(t)
	for _, p := range ps {
		if p.Kind == "assign" && (p.Default || p.Prefix != "龙人大办交") || p.Kind == "reply" && (!p.Default || p.Prefix != "龙人大复") {
			t.Errorf("prefix %+v", p)
		}
	}
}

// TestPDFIsSealed: the PDF a document downloads as is a real PDF set by
// layout, carries its seal, verifies, and fails on a one-byte change.
func TestPDFIsSealed(t *testing.T) {
	w := newWorld(t)
	c := w.assigned(t, "村口路灯不亮")
	d := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)[0]
	pdf, _, err := w.svc.PDF(ctx, w.committee, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdf), "%PDF-") || !strings.Contains(string(pdf), "%ZHITONG-SEAL ") || !strings.Contains(string(pdf), "/FontFile") {
		t.Fatalf("not a sealed PDF with embedded fonts (%d bytes)", len(pdf))
	}
	tr := testkit.Must(documents.OpenPDF(pdf))(t)
	if tr.Number != d.Number || tr.Code != d.Code {
		t.Errorf("seal trailer %+v, want %s %s", tr, d.Number, d.Code)
	}
	again, _, err := w.svc.PDF(ctx, w.committee, d.ID)
	if err != nil || string(again) != string(pdf) {
		t.Fatalf("second download differs (%v)", err)
	}
	v, err := w.svc.VerifyFile(ctx, pdf)
	if err != nil || !v.Genuine || v.Number != d.Number {
		t.Fatalf("verify file: %+v %v", v, err)
	}
	bad := append([]byte(nil), pdf...)
	bad[len(bad)/3] ^= 1
	if _, err := w.svc.VerifyFile(ctx, bad); err == nil || !strings.Contains(err.Error(), "改动") {
		t.Errorf("tampered PDF: %v", err)
	}
}

// TestBulletinAndReport: the committee issues a bulletin and an analysis
// report as documents, once each, in their own series; others may not.
func TestBulletinAndReport(t *testing.T) {
	w := newWorld(t)
	w.assigned(t, "小区门口路灯不亮")
	now := w.a.Now()
	bul := testkit.Must(w.a.GenerateBulletin(ctx, "monthly", now.AddDate(0, 0, -7), now.AddDate(0, 0, 1)))(t)
	officer := zhitong.Principal{UserID: 5, Role: zhitong.RoleOfficer, RegionCode: "360783", Name: "officer"}
	testkit.WantCode(t, testkit.Err(w.svc.IssueBulletin(ctx, officer, bul.ID)), zhitong.EFORBIDDEN)
	other := w.committee
	other.RegionCode = "360727"
	if _, err := w.svc.IssueBulletin(ctx, other, bul.ID); err == nil {
		t.Error("another county's committee issued the bulletin")
	}
	d := testkit.Must(w.svc.IssueBulletin(ctx, w.committee, bul.ID))(t)
	if d.Kind != "bulletin" || d.Number != "龙人大通〔2026〕1号" {
		t.Errorf("bulletin document %s %s", d.Kind, d.Number)
	}
	doc := testkit.Must(d.Doc())(t)
	if !strings.Contains(fmt.Sprint(doc.Body), "龙南市住房和城乡建设局") {
		t.Errorf("bulletin body lacks the unit: %v", doc.Body)
	}
	if text := doc.Title + fmt.Sprint(doc.Body); strings.Contains(text, "2026-") || !strings.Contains(doc.Title, "2026年") || !strings.Contains(fmt.Sprint(doc.Body[0]), "日至2026年") {
		t.Errorf("bulletin dates not in Chinese: %s", text)
	}
	testkit.WantCode(t, testkit.Err(w.svc.IssueBulletin(ctx, w.committee, bul.ID)), zhitong.ECONFLICT)

	rep := testkit.Must(topics.New(w.a).SaveReport(ctx, w.committee, 0, topics.ReportInput{Period: "本月", Title: "十二月民意研判报告",
		Body: "一、总体情况\n本月受理意见建议 1 件。\n（一）路灯\n路灯问题集中。"}))(t)
	rd := testkit.Must(w.svc.IssueReport(ctx, w.committee, rep.ID))(t)
	if rd.Number != "龙人大研〔2026〕1号" || rd.Title != "十二月民意研判报告" {
		t.Errorf("report document %s %s", rd.Number, rd.Title)
	}
	body := testkit.Must(rd.Doc())(t).Body
	if len(body) != 4 || body[0].Kind != layout.Heading1 || body[2].Kind != layout.Heading2 || body[3].Kind != layout.Para {
		t.Errorf("report body blocks: %+v", body)
	}
	testkit.WantCode(t, testkit.Err(w.svc.IssueReport(ctx, w.committee, rep.ID)), zhitong.ECONFLICT)
	testkit.WantCode(t, testkit.Err(w.svc.IssueReport(ctx, other, rep.ID)), zhitong.EINVALID)
}

// TestReplyLetter: the unit that replied issues its 答复函 from the reply
// it recorded, once; another unit may not.
func TestReplyLetter(t *testing.T) {
	w := newWorld(t)
	c, unitP, replyID := w.replied(t, "小区下水道堵塞", "已组织疏通下水道，恢复正常。")
	stranger := unitP
	stranger.UnitID = w.unit + 100
	if _, err := w.svc.IssueReply(ctx, stranger, documents.ReplyInput{CaseID: c.ID, ReplyID: replyID}); err == nil {
		t.Error("another unit issued the reply letter")
	}
	testkit.WantCode(t, testkit.Err(w.svc.IssueReply(ctx, unitP, documents.ReplyInput{CaseID: c.ID, ReplyID: replyID + 99})), zhitong.EINVALID)
	d := testkit.Must(w.svc.IssueReply(ctx, unitP, documents.ReplyInput{CaseID: c.ID, ReplyID: replyID}))(t)
	doc := testkit.Must(d.Doc())(t)
	if doc.Printer != "龙南市住房和城乡建设局" {
		t.Errorf("答复函 printed by %q, want the unit that issued it", doc.Printer)
	}
	if d.Number != "龙人大复〔2026〕1号" || doc.Signer != "龙南市住房和城乡建设局" || doc.Addressee != w.org.CommitteeName ||
		!strings.Contains(fmt.Sprint(doc.Body), "已组织疏通下水道") {
		t.Errorf("答复函 %s: %+v", d.Number, doc)
	}
	err := testkit.Err(w.svc.IssueReply(ctx, unitP, documents.ReplyInput{CaseID: c.ID, ReplyID: replyID}))
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if n := count(t, w.a, `SELECT COUNT(*) FROM documents WHERE kind = 'reply'`); n != 1 {
		t.Errorf("%d reply letters", n)
	}
}

// TestDutyReport: a deputy's saved report to voters (述职) is issued as a
// 述职报告 by the committee or an officer over the deputy, once per period,
// audited; not before it is saved, not by the deputy, not from another
// county; its PDF is sealed.
func TestDutyReport(t *testing.T) {
	w := newWorld(t)
	var dep int64
	err := w.a.DB().Write(ctx, func(tx *store.Tx) error {
		d := &zhitong.Deputy{Name: "李代表", Levels: []string{"county"}, RegionCode: w.town}
		if err := tx.InsertDeputy(ctx, d); err != nil {
			return err
		}
		dep = d.ID
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	in := documents.DutyReportInput{Deputy: dep, From: "2026-01-01", To: "2026-12-31"}
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, w.committee, in)), zhitong.EINVALID) // not saved yet
	testkit.Must(w.a.SaveVoterReport(ctx, w.committee, dep, app.VoterReportInput{From: in.From, To: in.To,
		Narrative: "本年度参加联络站接待 6 次。\n（一）走访群众\n走访群众 20 余户。", Present: 40, Satisfied: 35, Basic: 4, Unsatisfied: 1}))(t)

	deputy := zhitong.Principal{UserID: 9, Role: zhitong.RoleDeputy, RegionCode: w.town, DeputyID: dep, Name: "李代表"}
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, deputy, in)), zhitong.EFORBIDDEN)
	unit := zhitong.Principal{UserID: 8, Role: zhitong.RoleUnit, RegionCode: "360783", UnitID: w.unit}
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, unit, in)), zhitong.EFORBIDDEN)
	other := w.committee
	other.RegionCode = "360727"
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, other, in)), zhitong.EINVALID)
	missing := in
	missing.Deputy = dep + 1000
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, w.committee, missing)), zhitong.EINVALID)
	if n := count(t, w.a, `SELECT COUNT(*) FROM documents WHERE kind = 'duty_report'`); n != 0 {
		t.Fatalf("refusals wrote %d documents", n)
	}

	officer := zhitong.Principal{UserID: 5, Role: zhitong.RoleOfficer, RegionCode: "360783", Name: "联络员"}
	d := testkit.Must(w.svc.IssueDutyReport(ctx, officer, in))(t)
	if d.Kind != "duty_report" || d.Number != "龙人大述〔2026〕1号" || !strings.Contains(d.Title, "李代表") {
		t.Errorf("duty report document %s %s %s", d.Kind, d.Number, d.Title)
	}
	all := fmt.Sprint(testkit.Must(d.Doc())(t).Body)
	for _, want := range []string{"一、履职情况", "走访群众 20 余户", "到会选民 40 人", "满意 35 票"} {
		if !strings.Contains(all, want) {
			t.Errorf("述职报告 lacks %q: %s", want, all)
		}
	}
	if n := count(t, w.a, `SELECT COUNT(*) FROM audit_log WHERE action = 'document.issue' AND object = ?`, fmt.Sprintf("document:%d", d.ID)); n != 1 {
		t.Errorf("document.issue audit entries for the 述职报告 = %d", n)
	}
	testkit.WantCode(t, testkit.Err(w.svc.IssueDutyReport(ctx, w.committee, in)), zhitong.ECONFLICT)
	pdf, _ := testkit.Must2(w.svc.PDF(ctx, w.committee, d.ID))(t)
	if v, err := w.svc.VerifyFile(ctx, pdf); err != nil || !v.Genuine || v.Number != d.Number || v.Kind != "述职报告" {
		t.Errorf("the 述职报告's PDF: %+v %v", v, err)
	}
}

// TestMissingGlyphsAreSubstituted: a case with a character no font has
// (a private-use character; 𠮷 beyond U+FFFF where no installed font has
// it) is assigned, its 交办函 is issued with □(U+E000) in place of the
// character, 𠮷 kept when a font has it, and its PDF renders.
func TestMissingGlyphsAreSubstituted(t *testing.T) {
	if layout.FontsErr() != nil {
		t.Skip("no Chinese fonts installed")
	}
	w := newWorld(t)
	c := w.assigned(t, "𠮷野家门口的路灯不亮\ue000")
	d := testkit.Must(w.svc.ForCase(ctx, w.committee, c.ID))(t)[0]
	doc := testkit.Must(d.Doc())(t)
	if m := layout.Missing(doc); len(m) > 0 {
		t.Errorf("issued document still misses %q", string(m))
	}
	all := fmt.Sprint(doc.Body)
	// 𠮷 prints when an installed font has it (Noto CJK, which CI
	// installs); only a character no font has is replaced.
	ji := "𠮷野家"
	if len(layout.Missing(layout.Doc{Title: "𠮷"})) > 0 {
		ji = "□(U+20BB7)野家"
	} else if os.Getenv("ZHITONG_FONTS") == "required" && strings.Contains(all, "U+20BB7") {
		t.Error("𠮷 was replaced although a font has it")
	}
	if !strings.Contains(all, ji) || !strings.Contains(all, "□(U+E000)") {
		t.Errorf("want %s and □(U+E000): %s", ji, all)
	}
	if _, _, err := w.svc.PDF(ctx, w.committee, d.ID); err != nil {
		t.Fatalf("PDF of the issued document: %v", err)
	}
	if _, _, err := w.svc.HTML(ctx, w.committee, d.ID); err != nil {
		t.Fatalf("HTML of the issued document: %v", err)
	}
	if !testkit.Must(w.svc.Verify(ctx, d.Code))(t).Genuine {
		t.Error("not genuine")
	}
}

// TestConcurrentHandLetters: 20 supervision letters sent by hand at once
// (one to each of 20 cases) all go out, each with its own number and its
// 督办函 document.
func TestConcurrentHandLetters(t *testing.T) {
	w := newWorld(t)
	const n = 20
	cs := make([]*zhitong.Case, n)
	for i := range cs {
		cs[i] = w.assigned(t, fmt.Sprintf("第 %d 处路面塌陷很危险", i+1))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = w.a.Supervise(ctx, w.committee, cs[i].ID, app.SuperviseInput{Kind: "letter", Note: fmt.Sprintf("第 %d 次督办", i+1)})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("letter %d: %v", i, err)
		}
	}
	if got := count(t, w.a, `SELECT COUNT(DISTINCT number) FROM supervision_letters`); got != n {
		t.Errorf("%d distinct letter numbers, want %d", got, n)
	}
	if got := count(t, w.a, `SELECT COUNT(DISTINCT seq) FROM supervision_letters`); got != n {
		t.Errorf("%d distinct letter sequences, want %d", got, n)
	}
	if got := count(t, w.a, `SELECT COUNT(DISTINCT number) FROM documents WHERE kind = 'supervise'`); got != n {
		t.Errorf("%d 督办函 documents, want %d", got, n)
	}
}
