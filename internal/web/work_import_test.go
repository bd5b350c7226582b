package web_test

import (
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/sheets"
	"zhitong/internal/testkit"
)

// importFile posts a workbook to an import form as the browser does.
func (s *staffer) importFile(path string, data []byte, dry bool) benchPage {
	s.b.t.Helper()
	if dry {
		path += "?dry_run=1"
	}
	return s.upload(path, "file", "名单.xlsx", data)
}

func unitsBook(t *testing.T, rows ...[]string) []byte {
	t.Helper()
	spec, _ := sheets.Kind("units")
	return testkit.Workbook(t, spec.Headers(), rows...)
}

// TestImportPages drives the import through the real server: the page, the
// template, a dry run with problems, an import, the export re-imported.
func TestImportPages(t *testing.T) {
	b := newBench(t)
	c := b.login(b.f.In[zhitong.RoleCommittee], "gongwei")
	pg := c.get("/work/import")
	benchHas(t, pg, "承办单位", "联络站", "人大代表", "下载导入模板", `action="/work/import/units"`)
	if strings.Contains(pg.body, "员工账号") {
		t.Fatal("the committee is offered the staff accounts import")
	}
	tpl := c.get("/work/import/stations/template.xlsx")
	if tpl.status != 200 || tpl.header.Get("Content-Type") != sheets.ContentType || !strings.HasPrefix(tpl.raw, "PK") {
		t.Fatalf("template: %d %s", tpl.status, tpl.header.Get("Content-Type"))
	}
	units := func() int {
		var n int
		b.app.DB().QueryRow(t.Context(), `SELECT COUNT(*) FROM units`).Scan(&n)
		return n
	}
	before := units()
	pg = c.importFile("/work/import/units", unitsBook(t, []string{"县水利局", "部门", "360728"}, []string{"县住建局", "部门", "999"}), false)
	if pg.status != 400 {
		t.Fatalf("problems: status %d", pg.status)
	}
	benchHas(t, pg, "1 处问题，没有写入任何数据", "第 3 行", "所在区划代码", "999", "行政区划“999”不存在")
	pg = c.importFile("/work/import/units", unitsBook(t, []string{"县水利局", "部门", "360728"}), true)
	benchHas(t, pg, "检查通过（未写入）：将新增 1")
	if units() != before {
		t.Fatal("a dry run wrote")
	}
	pg = c.importFile("/work/import/units", unitsBook(t, []string{"县水利局", "部门", "360728"}), false)
	benchHas(t, pg, "已导入：新增 1、更新 0、不变 0", "县水利局")
	if units() != before+1 {
		t.Fatal("the import wrote nothing")
	}
	exp := c.get("/work/import/units/export.xlsx")
	pg = c.importFile("/work/import/units", []byte(exp.raw), false)
	benchHas(t, pg, "新增 0、更新 0、不变 3")

	pg = c.importFile("/work/import/units", []byte("名称,类型\n县水利局,县直部门\n"), false)
	if pg.status != 400 {
		t.Fatalf("not a workbook: %d", pg.status)
	}
	benchHas(t, pg, "这不是 Excel（.xlsx）文件", `id="file-units-error"`)
	if pg = c.importFile("/work/import/users", unitsBook(t), false); pg.status != 403 {
		t.Fatalf("the committee imported accounts: %d", pg.status)
	}
	if pg = c.get("/work/import/users/export.xlsx"); pg.status != 403 {
		t.Fatalf("the committee exported accounts: %d", pg.status)
	}
	officer := b.login(b.f.In[zhitong.RoleOfficer], "ganshi")
	if pg = officer.get("/work/import"); pg.status != 403 {
		t.Fatalf("an officer sees the import page: %d", pg.status)
	}
	sec := b.login(b.f.In[zhitong.RoleSecAdmin], "anquan")
	benchHas(t, sec.get("/work/import"), "员工账号", `action="/work/import/users"`)
}
