package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/store"
)

// TestDocumentPrintView: the document page links the layout's stylesheet
// (the red mark and rule, the page size), which scales pages to a phone's
// width; the public verification page gives the date in Chinese and wraps
// the SM3 digest.
func TestDocumentPrintView(t *testing.T) {
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
	m := docLink.FindStringSubmatch(committee.get(caseURL(id)).raw)
	if m == nil {
		t.Fatal("no 交办函 on the case page")
	}
	doc := committee.get("/work/documents/" + m[1])
	wantStatus(t, doc, http.StatusOK)
	benchHas(t, doc, `<link rel="stylesheet" href="/static/documents.css">`)
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(b.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	status, css := get("/static/documents.css")
	if status != http.StatusOK {
		t.Fatalf("documents.css: %d", status)
	}
	for _, rule := range []string{"text.gw-red", ".gw-rule.gw-red", "fill: #f00", "stroke: #f00", "max-width: 100%", "height: auto", "overflow-wrap: anywhere"} {
		if !strings.Contains(css, rule) {
			t.Errorf("documents.css lacks %q", rule)
		}
	}
	code := regexp.MustCompile(`href="/verify/([0-9A-Z]{10})"`).FindStringSubmatch(doc.raw)
	if code == nil {
		t.Fatal("no verification code")
	}
	status, page := get("/verify/" + code[1])
	if status != http.StatusOK {
		t.Fatalf("verify: %d", status)
	}
	date := b.app.Now().In(zhitong.China).Format("2006年1月2日")
	for _, want := range []string{`<link rel="stylesheet" href="/static/documents.css">`, "<dd>" + date + "</dd>", `class="wrap-anywhere"`} {
		if !strings.Contains(page, want) {
			t.Errorf("verify page lacks %q:\n%s", want, page)
		}
	}
}
