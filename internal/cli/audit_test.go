package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhitong/internal/testkit"
)

// TestAuditCommands: export a period to a file, verify the file, refuse an
// edited one; prune refuses a retention under 180 days and anything younger
// than the retention, and after 200 days archives and prunes the old part.
func TestAuditCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn, key := testkit.DSN(t), filepath.Join(dir, "zhitong.key")
	clock := testkit.NewClock(testkit.Start)
	run := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: clock}
		code := Run(ctx, env, append([]string{args[0], args[1], "--db", dsn, "--key-file", key}, args[2:]...))
		return code, out.String() + errs.String()
	}
	must := func(want string, args ...string) string {
		t.Helper()
		code, out := run(args...)
		if code != 0 || !strings.Contains(out, want) {
			t.Fatalf("zhitong %s: exit %d, %s (want %q)", strings.Join(args, " "), code, out, want)
		}
		return out
	}
	refused := func(want string, args ...string) {
		t.Helper()
		if code, out := run(args...); code == 0 || !strings.Contains(out, want) {
			t.Fatalf("zhitong %s: exit %d, %s (want a refusal with %q)", strings.Join(args, " "), code, out, want)
		}
	}
	must("已创建账号 clerk", "user", "add", "--username", "clerk", "--role", "officer", "--password", "Test-Passw0rd")
	must("完好", "audit", "verify")
	file := filepath.Join(dir, "a.jsonl")
	must("已导出", "audit", "export", "--from", "2026-11-01", "--to", "2026-11-30", file)
	refused("已存在", "audit", "export", file)
	must("存档完好", "audit", "verify", "--archive", file)
	raw := testkit.Must(os.ReadFile(file))(t)
	forged := filepath.Join(dir, "forged.jsonl")
	testkit.Must(0, os.WriteFile(forged, bytes.Replace(raw, []byte("clerk"), []byte("clerc"), 1), 0o600))(t)
	refused("校验不通过", "audit", "verify", "--archive", forged)
	refused("日期“2026-02-30”无效", "audit", "export", "--from", "2026-02-30", filepath.Join(dir, "b.jsonl"))

	old := filepath.Join(dir, "old.jsonl")
	refused("不得少于 180 天", "audit", "prune", "--before", "2026-01-01", "--keep-days", "90", "--archive", old)
	refused("保留期内", "audit", "prune", "--before", "2026-11-01", "--archive", old)
	if _, err := os.Stat(old); err == nil {
		t.Fatal("a refused prune wrote an archive")
	}
	clock.Advance(200 * 24 * time.Hour)
	must("已创建账号 later", "user", "add", "--username", "later", "--role", "officer", "--password", "Test-Passw0rd")
	must("已存档", "audit", "prune", "--before", "2026-12-15", "--archive", old)
	must("存档完好", "audit", "verify", "--archive", old)
	out := must("完好", "audit", "verify")
	if !strings.Contains(out, "已存档并清理") {
		t.Errorf("verify after pruning: %s", out)
	}
}
