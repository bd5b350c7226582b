package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/testkit"
)

// commandsOn runs one command line at a time ("audit verify" is one
// word of args) on the database dsn, with flags after --db, and returns the
// exit code and what it printed.
func commandsOn(t *testing.T, clock zhitong.Clock, flags ...string) func(dsn string, args ...string) (int, string) {
	return func(dsn string, args ...string) (int, string) {
		t.Helper()
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: clock}
		cmd := append(strings.Fields(args[0]), "--db", dsn)
		code := Run(context.Background(), env, append(append(cmd, flags...), args[1:]...))
		return code, out.String() + errs.String()
	}
}

// TestSeedCommand: `zhitong seed` fills an empty database with progress
// lines, `audit verify` passes after it, a second run adds to it, and a
// database set up by `zhitong init` is refused without --force.
func TestSeedCommand(t *testing.T) {
	key := filepath.Join(t.TempDir(), "zhitong.key")
	clock := testkit.NewClock(testkit.Start)
	run := commandsOn(t, clock, "--key-file", key)
	dsn := testkit.DSN(t)
	if code, out := run(dsn, "seed", "--cases", "60", "--region", "360783"); code != 0 || !strings.Contains(out, "已生成 60 / 60 件") || !strings.Contains(out, "件/秒") {
		t.Fatalf("seed: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "seed", "--cases", "20"); code != 0 || !strings.Contains(out, "已生成 20 / 20 件") {
		t.Fatalf("second seed: exit %d\n%s", code, out)
	}
	if code, out := run(dsn, "audit verify"); code != 0 {
		t.Fatalf("audit verify: exit %d\n%s", code, out)
	}
	real := testkit.DSN(t)
	if code, out := run(real, "init", "--region", "360783"); code != 0 {
		t.Fatalf("init: exit %d\n%s", code, out)
	}
	if code, out := run(real, "seed", "--cases", "10"); code != 1 || !strings.Contains(out, "--force") {
		t.Fatalf("seed on a real deployment: exit %d\n%s", code, out)
	}
	if code, out := run(real, "seed", "--cases", "10", "--force"); code != 0 {
		t.Fatalf("seed --force: exit %d\n%s", code, out)
	}
}
