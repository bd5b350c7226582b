package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/documents"
	"zhitong/internal/testkit"
	"zhitong/internal/topics"
)

// TestDocumentsCommands: after `init`, the organisation's public key
// exports as PEM; `verify` refuses an unknown number and a file without a
// seal with a plain statement of why, and says how to call it.
func TestDocumentsCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn, key := testkit.DSN(t), filepath.Join(dir, "zhitong.key")
	run := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append(args, "--db", dsn, "--key-file", key))
		return code, out.String() + errs.String()
	}
	if code, out := run("init", "--region", "360783"); code != 0 {
		t.Fatalf("init: %d %s", code, out)
	}
	pemFile := filepath.Join(dir, "key.pem")
	if code, out := run("documents", "key", "export", "--out", pemFile); code != 0 || !strings.Contains(out, "龙南市人大常委会") {
		t.Fatalf("key export: %d %s", code, out)
	}
	pemText := testkit.Must(os.ReadFile(pemFile))(t)
	if _, err := documents.ParsePublicPEM(string(pemText)); err != nil {
		t.Fatalf("exported key: %v\n%s", err, pemText)
	}
	// Exported twice: the same key (made once, at set-up).
	if code, out := run("documents", "key", "export"); code != 0 || out != string(pemText) {
		t.Errorf("second export differs: %d %s", code, out)
	}
	if code, out := run("verify", "龙人大交〔2026〕9号"); code == 0 || !strings.Contains(out, "文号“龙人大交〔2026〕9号”不存在") {
		t.Errorf("unknown number: %d %s", code, out)
	}
	if code, out := run("verify", "ABCDEFGH23"); code == 0 || !strings.Contains(out, "不存在") {
		t.Errorf("unknown code: %d %s", code, out)
	}
	plain := filepath.Join(dir, "plain.pdf")
	testkit.Must(0, os.WriteFile(plain, []byte("%PDF-1.7\n%%EOF\n"), 0o600))(t)
	if code, out := run("verify", plain, "--key", pemFile); code == 0 || !strings.Contains(out, "没有民意直通电子印章") {
		t.Errorf("unsealed file: %d %s", code, out)
	}
	if code, out := run("verify"); code == 0 || !strings.Contains(out, "用法") {
		t.Errorf("no argument: %d %s", code, out)
	}

	// A real document: the committee issues a 研判报告; its PDF (set by
	// layout, sealed) passes `verify` against the database and offline with
	// the exported key, and fails both once one byte is changed.
	d := dbFlags{db: dsn, keyFile: key}
	env := Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
	a, closeDB := testkit.Must2(d.open(ctx, env, nil))(t)
	committee := zhitong.Principal{UserID: 1, Role: zhitong.RoleCommittee, RegionCode: "360783", Name: "代表工委"}
	rep := testkit.Must(topics.New(a).SaveReport(ctx, committee, 0, topics.ReportInput{Period: "本月", Title: "十二月民意研判报告",
		Body: "一、总体情况\n本月受理群众意见建议 12 件，路灯、积水问题较集中。"}))(t)
	svc := documents.New(a)
	doc := testkit.Must(svc.IssueReport(ctx, committee, rep.ID))(t)
	pdf, _ := testkit.Must2(svc.PDF(ctx, committee, doc.ID))(t)
	closeDB()
	file := filepath.Join(dir, "report.pdf")
	testkit.Must(0, os.WriteFile(file, pdf, 0o600))(t)
	if code, out := run("verify", file); code != 0 || !strings.Contains(out, "真实："+doc.Number) || !strings.Contains(out, doc.Code) {
		t.Errorf("verify the issued PDF: %d %s", code, out)
	}
	if code, out := run("verify", file, "--key", pemFile); code != 0 || !strings.Contains(out, "真实："+doc.Number) {
		t.Errorf("verify the issued PDF offline: %d %s", code, out)
	}
	tampered := append([]byte(nil), pdf...)
	tampered[len(tampered)/2] ^= 1
	bad := filepath.Join(dir, "tampered.pdf")
	testkit.Must(0, os.WriteFile(bad, tampered, 0o600))(t)
	if code, out := run("verify", bad); code == 0 || !strings.Contains(out, "核验未通过") {
		t.Errorf("verify a PDF changed by one byte: %d %s", code, out)
	}
	if code, out := run("verify", bad, "--key", pemFile); code == 0 || !strings.Contains(out, "核验未通过") {
		t.Errorf("verify a PDF changed by one byte offline: %d %s", code, out)
	}

	// Without --db, in a directory with no database: a check creates
	// nothing (no zhitong-data, no key). The PDF's seal is checked from the
	// file alone, the issuer's key not confirmed; a number or code needs
	// the database, and says so.
	empty := t.TempDir()
	t.Chdir(empty)
	bare := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		return Run(ctx, env, args), out.String() + errs.String()
	}
	if code, out := bare("verify", file); code == 0 || !strings.Contains(out, "电子签章完整："+doc.Number) || !strings.Contains(out, "未找到数据库") || strings.Contains(out, "密钥 ") {
		t.Errorf("verify the PDF without a database: %d %s", code, out)
	}
	if code, out := bare("verify", bad); code == 0 || !strings.Contains(out, "核验未通过") {
		t.Errorf("verify the tampered PDF without a database: %d %s", code, out)
	}
	if code, out := bare("verify", file, "--key", pemFile); code != 0 || !strings.Contains(out, "真实："+doc.Number) {
		t.Errorf("verify offline with --key: %d %s", code, out)
	}
	for _, what := range []string{doc.Number, doc.Code} {
		if code, out := bare("verify", what); code == 0 || !strings.Contains(out, "未找到数据库") {
			t.Errorf("verify %s without a database: %d %s", what, code, out)
		}
	}
	if left := testkit.Must(os.ReadDir(empty))(t); len(left) != 0 {
		t.Errorf("verify created %v in the current directory", left)
	}
}
