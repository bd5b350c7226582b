package sheets_test

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"zhitong"
	"zhitong/internal/sheets"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// importer is who imports each kind in the browser.
func (e *env) importer(kind string) zhitong.Principal {
	if kind == "users" {
		return e.f.In[zhitong.RoleSecAdmin]
	}
	return e.committee()
}

func TestTemplateRoundTrip(t *testing.T) {
	e := newEnv(t)
	for _, spec := range sheets.Kinds() {
		t.Run(spec.Name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := sheets.Template(&buf, spec.Name); err != nil {
				t.Fatal(err)
			}
			f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got := f.GetSheetList(); len(got) != 2 || got[0] != spec.Label || got[1] != "填写说明" {
				t.Fatalf("sheets %v", got)
			}
			rows, err := f.GetRows(spec.Label)
			if err != nil || len(rows) != 2 {
				t.Fatalf("rows %v %v", rows, err)
			}
			if !slices.Equal(rows[0], spec.Headers()) {
				t.Fatalf("headers %v, want %v", rows[0], spec.Headers())
			}
			dvs, err := f.GetDataValidations(spec.Label)
			if err != nil {
				t.Fatal(err)
			}
			lists := 0
			for _, c := range spec.Columns {
				if len(c.Options) > 0 {
					lists++
				}
			}
			if lists == 0 || len(dvs) != lists {
				t.Fatalf("%d drop-down lists, want %d", len(dvs), lists)
			}
			// The example row passes every check on the fixture county.
			rep := e.run(e.importer(spec.Name), spec.Name, buf.Bytes(), true)
			wantCounts(t, rep, 1, 0, 0)
			if rep.Written {
				t.Fatal("a dry run wrote")
			}
		})
	}
}

func TestDryRunListsEveryProblemAndWritesNothing(t *testing.T) {
	e := newEnv(t)
	h := headers(t, "units")
	data := book(t, h,
		[]string{"县水利局", "部门", "360728"},                 // 2: fine
		[]string{"县住建局", "部门", "999999"},                 // 3: unknown region
		[]string{"县教育局", "市直部门", "360728"},               // 4: not an option
		[]string{"", "部门", "360728"},                     // 5: name missing
		[]string{"龙南某局", "部门", "360727"},                 // 6: outside the jurisdiction
		[]string{"县水利局", "部门", "360728"},                 // 7: repeats row 2
		[]string{"龙南市交通运输局", "部门", "360728"},             // 8: exists outside the jurisdiction
		[]string{"县卫健委", "乡镇（街道）", "360728", "", "", ""}, // 9: fine, trailing blanks
	)
	units, audits := e.count("units"), e.count("audit_log")
	for _, dry := range []bool{true, false} {
		rep := e.run(e.committee(), "units", data, dry)
		for _, want := range []struct {
			row           int
			column, cause string
		}{
			{3, "所在区划代码", "999999"}, {4, "单位类型", "应为以下之一"}, {5, "单位名称", "必填"},
			{6, "所在区划代码", "不在您的"}, {7, "单位名称", "与第 2 行重复"}, {8, "单位名称", "不在您的"},
		} {
			if !hasProblem(rep, want.row, want.column, want.cause) {
				t.Errorf("dry=%v: no problem at row %d %s (%s): %v", dry, want.row, want.column, want.cause, rep.Problems)
			}
		}
		if len(rep.Problems) != 6 || rep.Written {
			t.Errorf("dry=%v: %d problems, written %v: %v", dry, len(rep.Problems), rep.Written, rep.Problems)
		}
		if rep.Problems[0].Value != "999999" || !strings.Contains(rep.Problems[0].String(), "第 3 行") {
			t.Errorf("problem %+v reads %s", rep.Problems[0], rep.Problems[0])
		}
	}
	if e.count("units") != units || e.count("audit_log") != audits {
		t.Fatal("a file with problems wrote something")
	}
}

func TestReimportUpdatesByKey(t *testing.T) {
	e := newEnv(t)
	h := headers(t, "units")
	before := e.count("units")
	wantCounts(t, e.run(e.committee(), "units", book(t, h,
		[]string{"县水利局", "部门", "360728"}, []string{"县教育局", "部门", "360728"}), false), 2, 0, 0)
	rep := e.run(e.committee(), "units", book(t, h,
		[]string{"县水利局", "部门", "360728"}, []string{"县教育局", "乡镇（街道）", "360728100"}, []string{"县交通运输局", "部门", "360728"},
		[]string{"县卫健委", "部门", "360728"}), false)
	wantCounts(t, rep, 1, 1, 2)
	if got := rep.Rows[1]; got.Row != 3 || got.Key != "县教育局" || got.Outcome != "updated" {
		t.Fatalf("row result %+v", got)
	}
	if n := e.count("units"); n != before+3 {
		t.Fatalf("%d units, want %d", n, before+3)
	}
	if n := e.audits("unit.create") + e.audits("unit.update"); n != 4 {
		t.Fatalf("%d audited rows, want 4 (one per written row)", n)
	}
}

// TestExportImportChangesNothing fills each kind, exports it and imports
// the export again.
func TestExportImportChangesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// A cross-border station with two regions, listed in code order the other way round.
	must := func(rep *sheets.Report) {
		t.Helper()
		if !rep.OK() || !rep.Written {
			t.Fatalf("problems: %v", rep.Problems)
		}
	}
	if err := e.app.DB().Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360728101", Name: "老城镇", ParentCode: "360728", Level: 4})
	}); err != nil {
		t.Fatal(err)
	}
	must(e.run(e.committee(), "units", book(t, headers(t, "units"), []string{"县水利局", "部门", "360728", "县交通运输局", "王明", "13907970001"},
		[]string{"县水利局河道所", "部门", "360728", "县水利局", "", "0797-4321234"}), false))
	must(e.run(e.committee(), "stations", book(t, headers(t, "stations"),
		[]string{"老城跨区联络站", "跨区域联络站", "360728101", "360728100", "老城路 2 号", "周二", "茶乡", "24.7", "115.03", "0797-4321234"},
		[]string{"岭北联络点", "流动联络点", "360728100", "", "", "", "", "", ""}), false))
	must(e.run(e.committee(), "deputies", book(t, headers(t, "deputies"),
		[]string{"王芳", "县、乡镇", "360728100", "第一选区", "老城跨区联络站、历市镇人大代表联络站", "多走访", "13907970002"},
		[]string{"赵强", "省", "360728", "", "", ""}), false))
	must(e.run(e.f.In[zhitong.RoleSecAdmin], "users", book(t, headers(t, "users"),
		[]string{"wang.f", "王芳", "人大代表", "360728100", "", "", "王芳"},
		[]string{"head1", "李站长", "站长", "360728100", "岭北联络点", "", ""},
		[]string{"unit1", "水利局经办人", "承办单位", "360728", "", "县水利局", ""}), false))
	for _, kind := range []string{"units", "stations", "deputies", "users"} {
		p := e.importer(kind)
		data := e.export(p, kind)
		if cells := cellsOf(t, data); kind == "units" && (strings.Contains(cells, "13907970001") || !strings.Contains(cells, "139****0001")) {
			t.Error("the units export does not mask the contact phone")
		}
		if cells := cellsOf(t, data); kind == "deputies" && strings.Contains(cells, "13907970002") ||
			kind == "stations" && !strings.Contains(cells, "0797-4321234") {
			t.Errorf("%s export: phones wrong:\n%s", kind, cells)
		}
		rep := e.run(p, kind, data, false)
		wantCounts(t, rep, 0, 0, len(rep.Rows))
		if len(rep.Rows) < 2 {
			t.Fatalf("%s: export has %d rows", kind, len(rep.Rows))
		}
	}
}

func TestJurisdiction(t *testing.T) {
	e := newEnv(t)
	out := e.f.Out[zhitong.RoleCommittee] // 龙南市
	// The fixture's station lies in 定南县: not theirs to change.
	rep := e.run(out, "stations", book(t, headers(t, "stations"),
		[]string{"历市镇人大代表联络站", "固定联络站", "360727", "", "", "", "", "", ""},
		[]string{"龙南新站", "固定联络站", "360728100", "", "", "", "", "", ""}), false)
	if !hasProblem(rep, 2, "联络站名称", "不在您的管辖范围内") || !hasProblem(rep, 3, "所在区划代码", "不在您的管辖范围内") || rep.Written {
		t.Fatalf("problems %v", rep.Problems)
	}
	// A deputy may not be posted to another county's station.
	rep = e.run(out, "deputies", book(t, headers(t, "deputies"),
		[]string{"孙明", "县", "360727", "", "历市镇人大代表联络站", ""}), false)
	if !hasProblem(rep, 2, "进站联络站", "不在您的管辖范围内") {
		t.Fatalf("problems %v", rep.Problems)
	}
	// Staff accounts are the security administrator's; units the committee's.
	for _, c := range []struct {
		p    zhitong.Principal
		kind string
	}{{e.committee(), "users"}, {e.f.In[zhitong.RoleOfficer], "units"}, {e.f.In[zhitong.RoleSecAdmin], "deputies"}} {
		_, err := e.s.Import(context.Background(), c.p, c.kind, bytes.NewReader(book(t, headers(t, c.kind))), sheets.Options{})
		testkit.WantCode(t, err, zhitong.EFORBIDDEN)
		testkit.WantCode(t, e.s.Export(context.Background(), c.p, c.kind, &bytes.Buffer{}), zhitong.EFORBIDDEN)
	}
	// The export lists only the importer's own county.
	rep = e.run(out, "units", e.export(out, "units"), true)
	if len(rep.Rows) != 1 || rep.Rows[0].Key != "龙南市交通运输局" {
		t.Fatalf("rows %+v", rep.Rows)
	}
}

func TestBadFiles(t *testing.T) {
	e := newEnv(t)
	h := headers(t, "units")
	wrong := slices.Clone(h)
	wrong[1] = "类别"
	big := append([]byte("PK\x03\x04"), make([]byte, sheets.MaxFileBytes)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "请选择"},
		{"text", []byte("单位名称,单位类型\n县水利局,县直部门\n"), "不是 Excel"},
		{"xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0}, make([]byte, 100)...), ".xls"},
		{"oversize", big, "超过 10 MB"},
		{"malformed", []byte("PK\x03\x04 not really a zip"), "已损坏"},
		{"wrong headers", book(t, wrong, []string{"县水利局", "部门", "360728"}), "第 B 列应为“单位类型”，文件中是“类别”"},
		{"extra column", book(t, append(slices.Clone(h), "备注"), []string{"县水利局", "部门", "360728"}), "多余"},
		{"stations template for units", book(t, headers(t, "stations"), []string{"某站"}), "表头与“承办单位”导入模板不一致"},
		{"no rows", book(t, h), "没有数据行"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.s.Import(context.Background(), e.committee(), "units", bytes.NewReader(c.data), sheets.Options{})
			testkit.WantCode(t, err, zhitong.EINVALID)
			if !strings.Contains(zhitong.ErrorMessage(err), c.want) {
				t.Fatalf("message %q, want %q", zhitong.ErrorMessage(err), c.want)
			}
		})
	}
	rows := make([][]string, sheets.MaxRows+1)
	for i := range rows {
		rows[i] = []string{"单位", "部门", "360728"}
	}
	_, err := e.s.Import(context.Background(), e.committee(), "units", bytes.NewReader(book(t, h, rows...)), sheets.Options{})
	if !strings.Contains(zhitong.ErrorMessage(err), "一次最多导入 20000 行") {
		t.Fatalf("too many rows: %v", err)
	}
}

func TestDeputiesAndUsers(t *testing.T) {
	e := newEnv(t)
	h := headers(t, "deputies")
	rep := e.run(e.committee(), "deputies", book(t, h,
		[]string{"王芳", "县、乡镇", "360728100", "第一选区", "历市镇人大代表联络站", ""},
		[]string{"李雷", "县", "360728100", "", "不存在的站", ""},
		[]string{"韩梅", "区", "360728100", "", "", ""},
		[]string{"刘代表", "县", "360728100", "", "历市镇人大代表联络站", "新的承诺"},
	), true)
	if !hasProblem(rep, 3, "进站联络站", "不存在的站") || !hasProblem(rep, 4, "代表层级", "应为以下之一") || len(rep.Problems) != 2 {
		t.Fatalf("problems %v", rep.Problems)
	}
	rep = e.run(e.committee(), "deputies", book(t, h,
		[]string{"王芳", "县、乡镇", "360728100", "第一选区", "历市镇人大代表联络站", ""},
		[]string{"刘代表", "县", "360728100", "", "历市镇人大代表联络站", "新的承诺"}), false)
	wantCounts(t, rep, 1, 1, 0)
	d, err := store.GetDeputy(context.Background(), e.app.DB(), e.f.Deputy)
	if err != nil || d.Pledge != "新的承诺" {
		t.Fatalf("fixture deputy %+v %v", d, err)
	}

	sec := e.f.In[zhitong.RoleSecAdmin]
	uh := headers(t, "users")
	rep = e.run(sec, "users", book(t, uh,
		[]string{"wang.f", "王芳", "人大代表", "360728100", "", "", "王芳"},
		[]string{"bad name", "某人", "联络员", "360728", "", "", ""},
		[]string{"lnstaff", "某人", "联络员", "360727", "", "", ""},
		[]string{"unit2", "某人", "承办单位", "360728", "", "", ""},
	), false)
	if !hasProblem(rep, 3, "用户名", "英文字母") || !hasProblem(rep, 4, "管辖区划代码", "管辖范围") || !hasProblem(rep, 5, "所属单位", "须指定所属单位") {
		t.Fatalf("problems %v", rep.Problems)
	}
	rep = e.run(sec, "users", book(t, uh, []string{"wang.f", "王芳", "人大代表", "360728100", "", "", "王芳"},
		[]string{"officer2", "周干事", "联络员", "360728", "", "", ""}), false)
	wantCounts(t, rep, 2, 0, 0)
	if len(rep.Passwords) != 2 {
		t.Fatalf("passwords %+v", rep.Passwords)
	}
	u, err := e.app.Login(context.Background(), "officer2", rep.Passwords[1].Password, "test")
	if err != nil || !u.MustChangePassword || u.Role != zhitong.RoleOfficer {
		t.Fatalf("new account %+v %v", u, err)
	}
	rep = e.run(sec, "users", book(t, uh, []string{"wang.f2", "王芳", "人大代表", "360728100", "", "", "王芳"},
		[]string{"officer3", "吴干事", "联络员", "360728", "", "", "王芳"}), true)
	if !hasProblem(rep, 2, "关联代表", "已关联账号 wang.f") || !hasProblem(rep, 3, "关联代表", "只有角色为人大代表") {
		t.Fatalf("problems %v", rep.Problems)
	}
	rep = e.run(sec, "users", book(t, uh, []string{"officer2", "周干事", "委员会", "360728", "", "", ""}), true)
	if !hasProblem(rep, 2, "角色", "应为以下之一") {
		t.Fatalf("problems %v", rep.Problems)
	}
	rep = e.run(sec, "users", book(t, uh, []string{"officer2", "周干事", "代表工委", "360728", "", "", ""}), false)
	wantCounts(t, rep, 0, 1, 0)
	if len(rep.Passwords) != 0 {
		t.Fatal("an updated account got a password")
	}
}

// TestDocsListEveryColumn keeps docs/import.md in step with the specs.
func TestDocsListEveryColumn(t *testing.T) {
	doc, err := os.ReadFile("../../docs/import.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, spec := range sheets.Kinds() {
		head := "### " + spec.Label + " (`" + spec.Name + "`) — key: " + strings.Join(spec.Key, " + ")
		_, section, ok := strings.Cut(string(doc), head)
		if !ok {
			t.Fatalf("docs/import.md has no section %q", head)
		}
		section, _, _ = strings.Cut(section, "\n### ")
		for _, c := range spec.Columns {
			if !strings.Contains(section, "\n| "+c.Header+" |") {
				t.Errorf("docs/import.md, %s: no row for column %s", spec.Label, c.Header)
			}
		}
	}
}

// cellsOf reads the first sheet of a workbook as text.
func cellsOf(t *testing.T, data []byte) string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(strings.Join(r, "\t") + "\n")
	}
	return b.String()
}

// TestNumberCells reads codes and coordinates that Excel stored as numbers.
func TestNumberCells(t *testing.T) {
	e := newEnv(t)
	f := excelize.NewFile()
	defer f.Close()
	header := []any{}
	for _, h := range headers(t, "stations") {
		header = append(header, h)
	}
	row := []any{"老城联络点", "流动联络点", 360728100, "", "", "", "", 24.78, 115.03}
	for i, r := range [][]any{header, row} {
		if err := f.SetSheetRow("Sheet1", "A"+strconv.Itoa(i+1), &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	wantCounts(t, e.run(e.committee(), "stations", buf.Bytes(), false), 1, 0, 0)
	st := testkit.Must(store.ListStations(context.Background(), e.app.DB(), "360728100"))(t)
	if len(st) != 2 || st[1].Name != "老城联络点" || st[1].Lat != 24.78 || st[1].Lng != 115.03 {
		t.Fatalf("stations %+v", st)
	}
}
