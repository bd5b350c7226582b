package cli

import (
	"bytes"
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestImportCommand runs zhitong import and export in-process on a seeded
// database: template, dry run, import, export and re-import, a region limit.
func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	dsn, dir := testkit.DSN(t), t.TempDir()
	key := filepath.Join(dir, "zhitong.key")
	// The command uses the key the database was written with (the audit
	// key is sealed under it).
	if err := os.WriteFile(key, []byte(hex.EncodeToString(testkit.Key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := testkit.Must(store.Open(ctx, dsn))(t)
	defer db.Close()
	testkit.Must(db.Migrate(ctx))(t)
	testkit.Seed(t, testkit.AppOn(t, db, testkit.NewClock(testkit.Start)))
	count := func() int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM units`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	run := func(args ...string) (int, string, []byte) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		if args[0] != "import" || args[1] != "template" {
			args = append(args, "--db", dsn, "--key-file", key)
		}
		code := Run(ctx, env, args)
		return code, out.String() + errs.String(), out.Bytes()
	}
	file := func(name string, data []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	code, _, tpl := run("import", "template", "units")
	if code != 0 || !bytes.HasPrefix(tpl, []byte("PK")) {
		t.Fatalf("template: exit %d", code)
	}
	units := file("units.xlsx", tpl)
	before := count()
	if code, out, _ := run("import", "units", units, "--dry-run"); code != 0 || !strings.Contains(out, "试运行通过，将新增 1") || count() != before {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	if code, out, _ := run("import", "units", units, "--region", "360727"); code != 1 || !strings.Contains(out, "第 2 行「所在区划代码」“360728”") ||
		!strings.Contains(out, "没有写入任何数据") || count() != before {
		t.Fatalf("outside the region: exit %d\n%s", code, out)
	}
	if code, out, _ := run("import", "units", "--region", "360728", units); code != 0 || !strings.Contains(out, "第 2 行 县水利局：新增") || count() != before+1 {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	var actor string
	if err := db.QueryRow(ctx, `SELECT actor FROM audit_log WHERE action = 'unit.create' ORDER BY seq DESC LIMIT 1`).Scan(&actor); err != nil || actor != "system" {
		t.Fatalf("audit actor %q %v", actor, err)
	}
	code, out, exported := run("export", "units")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	if code, out, _ := run("import", "units", file("export.xlsx", exported)); code != 0 || !strings.Contains(out, "新增 0、更新 0、不变 4") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}
	if code, out, _ := run("import", "units", file("bad.xlsx", []byte("名称,类型\n"))); code != 1 || !strings.Contains(out, "不是 Excel") {
		t.Fatalf("bad file: exit %d\n%s", code, out)
	}
	if code, out, _ := run("import", "things", units); code != 1 || !strings.Contains(out, "没有“things”这种导入") {
		t.Fatalf("unknown kind: exit %d\n%s", code, out)
	}
}

func TestProgressBar(t *testing.T) {
	var buf bytes.Buffer
	b := &progressBar{w: &buf, label: "导入"}
	for i := 1; i <= 200; i++ {
		b.update(i, 200)
	}
	out := buf.String()
	if strings.Count(out, "\r") != 100 || !strings.HasSuffix(out, "100% 200/200\n") || !strings.Contains(out, " 50% 100/200") {
		t.Fatalf("progress:\n%q", out)
	}
}
