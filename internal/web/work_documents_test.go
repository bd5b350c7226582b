package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/documents"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var docLink = regexp.MustCompile(`href="/work/documents/(\d+)">([^<]*〔\d+〕\d+号)</a>`)

// TestDocumentPages: assigning a case issues its 交办函, listed on the case
// page and the documents page (with its Excel); the document page shows
// its verification code and corrects it (a refused correction keeps what
// was typed); the public verification page says the old one was replaced,
// without personal data.
func TestDocumentPages(t *testing.T) {
	b := newBench(t)
	err := b.app.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertOrganisation(t.Context(), zhitong.Organisation{RegionCode: b.f.County, Name: "定南县人大常委会",
			CommitteeName: "定南县人大常委会代表工作委员会", ShortName: "定南人大", CreatedAt: b.app.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	id := b.intake("学校门口的人行道破损严重", 0)
	b.assign(id, 10)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "weiyuanhui")
	pg := committee.get(caseURL(id))
	wantStatus(t, pg, http.StatusOK)
	m := docLink.FindStringSubmatch(pg.raw)
	if m == nil || !strings.HasPrefix(m[2], "定人大交〔") || !strings.HasSuffix(m[2], "〕1号") {
		t.Fatalf("no 交办函 on the case page:\n%s", pg.body)
	}
	benchHas(t, pg, "公文", "交办函", "/work/documents/"+m[1]+"/pdf")
	list := committee.get("/work/documents")
	benchHas(t, list, m[2], `class="rtable"`, `data-label="文号"`, "导出 Excel", "合并签发交办函")
	xl := committee.get("/work/documents.xlsx")
	wantStatus(t, xl, http.StatusOK)
	if !strings.Contains(xl.header.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("export headers %v", xl.header)
	}
	doc := committee.get("/work/documents/" + m[1])
	wantStatus(t, doc, http.StatusOK)
	benchHas(t, doc, "关于交办群众意见建议的函", "定南县人大常委会代表工作委员会", "学校门口的人行道破损严重", "验证码", "更正这份公文")
	code := regexp.MustCompile(`href="/verify/([0-9A-Z]{10})"`).FindStringSubmatch(doc.raw)
	if code == nil {
		t.Fatalf("no verification code:\n%s", doc.body)
	}
	// Twice by hand: refused, the form keeps what was typed.
	again := committee.post("/work/documents/assign", url.Values{"unit_id": {itoa(b.f.Lead)}, "cases": {itoa(id)}})
	wantStatus(t, again, http.StatusBadRequest)
	benchHas(t, again, "未签发：", "不能重复签发")
	bad := committee.post("/work/documents/"+m[1]+"/correct", url.Values{"reason": {""}, "body": {"改过的正文保留"}})
	wantStatus(t, bad, http.StatusBadRequest)
	benchHas(t, bad, "未更正：请写明更正理由", "改过的正文保留")
	ok := committee.post("/work/documents/"+m[1]+"/correct", url.Values{"reason": {"办理时限有误"}, "body": {"请于十五个工作日内办结。"}})
	wantStatus(t, ok, http.StatusOK)
	benchHas(t, ok, "已签发更正版本", "〕2号", "请于十五个工作日内办结。")
	// The public page, without signing in.
	resp, err := http.Get(b.srv.URL + "/verify/" + strings.ToLower(code[1]))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, "真实，但已被更正") || !strings.Contains(page, m[2]) {
		t.Errorf("verify page: %d\n%s", resp.StatusCode, page)
	}
	for _, personal := range []string{"李四", "13800001111", "1111", "人行道破损"} {
		if strings.Contains(page, personal) {
			t.Errorf("the public page shows %q", personal)
		}
	}
	resp, err = http.Get(b.srv.URL + "/verify?code=ZZZZZZZZZZ")
	if err != nil {
		t.Fatal(err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), "不存在") {
		t.Errorf("unknown code: %d", resp.StatusCode)
	}
	// Another county's committee sees none of it.
	out := b.login(b.f.Out[zhitong.RoleCommittee], "longnan")
	wantStatus(t, out.get("/work/documents/"+m[1]), http.StatusNotFound)
	benchLacks(t, out.get("/work/documents"), m[2])
	// The PDF: set by layout, sealed; it verifies, and a one-byte change
	// does not.
	pdf := committee.get("/work/documents/" + m[1] + "/pdf")
	wantStatus(t, pdf, http.StatusOK)
	if ct := pdf.header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("pdf content type %q", ct)
	}
	tr, err := documents.OpenPDF([]byte(pdf.raw))
	if err != nil || tr.Number != m[2] {
		t.Fatalf("the PDF's seal: %+v %v", tr, err)
	}
	svc := documents.New(b.app)
	if v, err := svc.VerifyFile(t.Context(), []byte(pdf.raw)); err != nil || !v.Genuine || v.Number != m[2] {
		t.Errorf("verify the downloaded PDF: %+v %v", v, err)
	}
	broken := []byte(pdf.raw)
	broken[len(broken)/2] ^= 1
	if _, err := svc.VerifyFile(t.Context(), broken); err == nil {
		t.Error("a PDF changed by one byte verifies")
	}
	// Another county's committee may not download it.
	wantStatus(t, out.get("/work/documents/"+m[1]+"/pdf"), http.StatusNotFound)
}

// TestDutyReportDocument: the report page offers to issue a saved report to
// voters as a 述职报告; issued, it opens as a document; issued again, the
// page says why not; the deputy's own view has no such button.
func TestDutyReportDocument(t *testing.T) {
	b := newBench(t)
	err := b.app.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertOrganisation(t.Context(), zhitong.Organisation{RegionCode: b.f.County, Name: "定南县人大常委会",
			CommitteeName: "定南县人大常委会代表工作委员会", ShortName: "定南人大", CreatedAt: b.app.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	officer := b.login(b.f.In[zhitong.RoleOfficer], "dr-officer")
	report := "/work/deputies/" + strconv.FormatInt(b.f.Deputy, 10) + "/report"
	period := url.Values{"from": {"2026-01-01"}, "to": {"2026-11-25"}}
	benchLacks(t, officer.get(report+"?"+period.Encode()), "/work/documents/duty-report") // nothing saved yet
	wantStatus(t, officer.post(report, url.Values{"from": {"2026-01-01"}, "to": {"2026-11-25"}, "narrative": {"一年来，本人坚持每月进站接待。"},
		"present": {"40"}, "satisfied": {"35"}, "basic": {"4"}, "unsatisfied": {"1"}}), http.StatusOK)
	pg := officer.get(report + "?" + period.Encode())
	benchHas(t, pg, `action="/work/documents/duty-report"`, "作为公文签发")
	form := url.Values{"deputy": {strconv.FormatInt(b.f.Deputy, 10)}, "from": {"2026-01-01"}, "to": {"2026-11-25"}}
	issued := officer.post("/work/documents/duty-report", form)
	wantStatus(t, issued, http.StatusOK)
	if !strings.Contains(issued.url, "/work/documents/") {
		t.Fatalf("issuing went to %s", issued.url)
	}
	benchHas(t, issued, "已签发 定人大述〔", "述职报告", "一年来，本人坚持每月进站接待。")
	again := officer.post("/work/documents/duty-report", form)
	benchHas(t, again, "未签发：这一期间的述职报告已签发过")
	// Another county's officer: refused, nothing issued.
	out := b.login(b.f.Out[zhitong.RoleOfficer], "dr-outsider")
	benchHas(t, out.post("/work/documents/duty-report", form), "未签发：代表不存在或不在您的管辖范围内")
	var n int
	testkit.Must(0, b.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM documents WHERE kind = 'duty_report'`).Scan(&n))(t)
	if n != 1 {
		t.Errorf("duty report documents = %d, want 1", n)
	}
}

// TestReplyLetterScan: the signed letter the unit uploaded with its reply
// is listed with the case's documents as its 答复函 (scan) and on the reply,
// and downloads for those who may see the case; the generated 答复函 can
// still be issued, and the page says the scan is the signed original.
func TestReplyLetterScan(t *testing.T) {
	b := newBench(t)
	err := b.app.DB().Write(t.Context(), func(tx *store.Tx) error {
		return tx.InsertOrganisation(t.Context(), zhitong.Organisation{RegionCode: b.f.County, Name: "定南县人大常委会",
			CommitteeName: "定南县人大常委会代表工作委员会", ShortName: "定南人大", CreatedAt: b.app.Now()})
	})
	if err != nil {
		t.Fatal(err)
	}
	id := b.intake("学校门口的人行道破损严重", 0)
	b.assign(id, 10)
	b.accept(id)
	unit := b.login(b.f.In[zhitong.RoleUnit], "scan-unit")
	letter := "%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
	form := url.Values{"version": {strconv.Itoa(b.view(id).Version)}, "outcome": {"A"}, "text": {"已修复人行道破损路面。"}}
	wantStatus(t, unit.uploadForm(caseURL(id)+"/reply", form, [3]string{"reply_letter", "盖章答复函.pdf", letter}), http.StatusOK)

	committee := b.login(b.f.In[zhitong.RoleCommittee], "scan-committee")
	pg := committee.get(caseURL(id))
	benchHas(t, pg, "答复函（单位签章原件扫描件）", "盖章答复函.pdf", "以原件扫描件为准", "由最新答复签发答复函",
		"答复函（单位签章原件扫描件）：")
	scan := regexp.MustCompile(`href="(/work/cases/\d+/attachments/\d+)">下载原件`).FindStringSubmatch(pg.raw)
	if scan == nil {
		t.Fatalf("no download of the scan on the case page")
	}
	if f := committee.get(scan[1]); f.status != http.StatusOK || f.raw != letter || f.header.Get("Content-Type") != "application/pdf" {
		t.Errorf("the scan downloads %d %q", f.status, f.header.Get("Content-Type"))
	}
	benchHas(t, unit.get(caseURL(id)), "答复函（单位签章原件扫描件）", "盖章答复函.pdf")
	out := b.login(b.f.Out[zhitong.RoleCommittee], "scan-outsider")
	if f := out.get(scan[1]); f.status < 400 || strings.Contains(f.raw, "%PDF") {
		t.Errorf("another county downloads the scan: %d", f.status)
	}
	// The generated 答复函 is still issued; both are listed.
	replyID := regexp.MustCompile(`name="reply_id" value="(\d+)"`).FindStringSubmatch(pg.raw)
	if replyID == nil {
		t.Fatal("no 答复函 button")
	}
	issued := committee.post("/work/documents/reply", url.Values{"case_id": {strconv.FormatInt(id, 10)}, "reply_id": {replyID[1]}})
	benchHas(t, issued, "已签发答复函 定人大复〔")
	pg = committee.get(caseURL(id))
	benchHas(t, pg, "答复函（单位签章原件扫描件）", "以原件扫描件为准", "定人大复〔")
	benchLacks(t, pg, "由最新答复签发答复函")
}
