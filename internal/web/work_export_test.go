package web_test

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/export/exporttest"
)

var exportLinkRE = regexp.MustCompile(`href="([^"]+)"[^>]*>导出 Excel</a>`)

// TestExportLinks follows the "导出 Excel" link of every list page: it keeps
// the page's filters, answers a workbook in the shared format named in
// Chinese, and the case list holds the caller's jurisdiction only.
func TestExportLinks(t *testing.T) {
	b := newBench(t)
	committee := b.login(b.f.In[zhitong.RoleCommittee], "x-committee")
	outsider := b.login(b.f.Out[zhitong.RoleCommittee], "x-outsider")
	id := b.intake("=1+2 村口路灯不亮已经一周了", 0)
	code := b.view(id).Code

	link := func(s *staffer, page string) string {
		t.Helper()
		pg := s.get(page)
		m := exportLinkRE.FindStringSubmatch(pg.raw)
		if pg.status != http.StatusOK || m == nil {
			t.Fatalf("%s: %d, no 导出 Excel link", page, pg.status)
		}
		return html.UnescapeString(m[1])
	}
	open := func(s *staffer, path string) exporttest.Sheet {
		t.Helper()
		x := s.get(path)
		if x.status != http.StatusOK || x.header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Fatalf("%s: %d %s", path, x.status, x.header.Get("Content-Type"))
		}
		if cd := x.header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''") || !strings.Contains(cd, `filename="`) {
			t.Errorf("%s: Content-Disposition %q", path, cd)
		}
		return exporttest.Open(t, []byte(x.raw))[0]
	}

	l := link(committee, "/work/cases?status=registered&page=1&q=")
	if l != "/work/cases.xlsx?status=registered" {
		t.Errorf("case export link %q", l)
	}
	s := open(committee, l)
	codes := s.Column(t, "查询码")
	if i := slices.Index(codes, code); i < 0 || !strings.HasPrefix(s.Column(t, "标题")[i], "'=") {
		t.Errorf("case export %q", s.Rows)
	}
	if slices.Contains(open(outsider, "/work/cases.xlsx").Column(t, "查询码"), code) {
		t.Errorf("another county exported %s", code)
	}
	if s := open(committee, "/work/cases.xlsx?status=closed"); slices.Contains(s.Column(t, "查询码"), code) {
		t.Errorf("the status filter was not applied")
	}
	if pg := committee.get("/work/cases.xlsx?from=2026-13-40"); pg.status != http.StatusBadRequest || !strings.Contains(pg.body, "日期") {
		t.Errorf("bad filter: %d", pg.status)
	}

	for _, page := range []string{"/work/supervision", "/work/points?from=2026-01-01&to=2026-12-31", "/work/roster", "/work/appointments", "/work/deliveries"} {
		open(committee, link(committee, page))
	}
	for _, path := range []string{"/work/bulletins.xlsx", "/work/callbacks.xlsx"} {
		open(committee, path)
	}
	if pg := committee.get("/work/bulletins/999/export.xlsx"); pg.status != http.StatusNotFound {
		t.Errorf("unknown bulletin: %d", pg.status)
	}
}
