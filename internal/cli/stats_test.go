package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/testkit"
)

// TestStatsSettle: `stats settle` runs on an empty database, twice, with
// --rebuild; `stats time` times every view; without "settle" it says how to call it.
func TestStatsSettle(t *testing.T) {
	ctx := context.Background()
	dsn, key := testkit.DSN(t), filepath.Join(t.TempDir(), "zhitong.key")
	run := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(ctx, env, append(args, "--db", dsn, "--key-file", key))
		return code, out.String() + errs.String()
	}
	for _, args := range [][]string{{"stats", "settle"}, {"stats", "settle", "--rebuild"}} {
		if code, out := run(args...); code != 0 || !strings.Contains(out, "统计结算完成") {
			t.Errorf("%v: exit %d, %s", args, code, out)
		}
	}
	// `stats time` computes every view and names the slowest.
	if code, out := run("stats", "time", "--runs", "1"); code != 0 || !strings.Contains(out, "最慢") || !strings.Contains(out, "slice=deputy") {
		t.Errorf("stats time: exit %d, %s", code, out)
	}
	if code, out := run("stats"); code == 0 || !strings.Contains(out, "用法") {
		t.Errorf("stats alone: exit %d, %s", code, out)
	}
}
