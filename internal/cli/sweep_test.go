package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/pii"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSweepRefusesTheFuture: `sweep --at` a later day writes nothing and
// says why, unless --force; a past day and later today run.
func TestSweepRefusesTheFuture(t *testing.T) {
	ctx := context.Background()
	dsn, key := testkit.DSN(t), filepath.Join(t.TempDir(), "zhitong.key")
	clock := testkit.NewClock(testkit.Start.Add(-2 * 3600e9)) // Wednesday 2026-11-25, 07:00 China time
	testkit.Must(pii.CreateKeyFile(key))(t)                   // sweep creates neither a key nor a database
	db := testkit.Must(store.Open(ctx, dsn))(t)
	testkit.Must(db.Migrate(ctx))(t)
	db.Close()
	run := func(args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: clock}
		code := Run(ctx, env, append([]string{"sweep", "--db", dsn, "--key-file", key}, args...))
		return code, out.String() + errs.String()
	}
	bulletins := func() int {
		t.Helper()
		db := testkit.Must(store.Open(ctx, dsn))(t)
		defer db.Close()
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM bulletins`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if code, out := run("--at", "2026-11-20"); code != 0 || !strings.Contains(out, "督办巡检完成") {
		t.Fatalf("a past day: exit %d, %s", code, out)
	}
	if code, out := run("--at", "2026-11-25"); code != 0 || strings.Contains(out, "sweep: step") {
		t.Fatalf("today before 09:00 runs as now: exit %d, %s", code, out)
	}
	// --debug says what each step took, and how many items it handled.
	code, out := run("--at", "2026-11-25", "--debug")
	for _, step := range []string{"escalate", "bulletins", "callbacks", "follow-ups", "duty-reminders", "partitions"} {
		if code != 0 || !strings.Contains(out, "sweep: step\" step="+step+" items=") {
			t.Fatalf("sweep --debug: exit %d, no line for step %s:\n%s", code, step, out)
		}
	}
	before := bulletins()
	code, out = run("--at", "2026-12-14")
	if code != 1 || !strings.Contains(out, "日期在未来的记录") || !strings.Contains(out, "--force") || !strings.Contains(out, "dated in the future") {
		t.Fatalf("a later day: exit %d, %s", code, out)
	}
	if n := bulletins(); n != before {
		t.Fatalf("a refused sweep wrote %d bulletins", n-before)
	}
	if code, out := run("--at", "2026-12-14", "--force"); code != 0 {
		t.Fatalf("--force: exit %d, %s", code, out)
	}
	if n := bulletins(); n <= before {
		t.Errorf("--force wrote no bulletin for the weeks up to 2026-12-13 (%d, was %d)", n, before)
	}
}
