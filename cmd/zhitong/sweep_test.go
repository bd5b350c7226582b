package main

import (
	"strings"
	"testing"

	"zhitong/internal/testkit"
)

// TestSweepCommandIsIdempotent runs `zhitong sweep` twice as of one day:
// the first run makes the last week's and month's bulletins, the second nothing.
func TestSweepCommandIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	if out, err := run(t, dir, "migrate", "--db", dsn); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	first, err := run(t, dir, "sweep", "--db", dsn, "--at", "2025-12-08")
	if err != nil || !strings.Contains(first, "生成通报 2 份") {
		t.Fatalf("first sweep: %v\n%s", err, first)
	}
	second, err := run(t, dir, "sweep", "--db", dsn, "--at", "2025-12-08")
	if err != nil || !strings.Contains(second, "督办动作 0 项") || !strings.Contains(second, "生成通报 0 份") {
		t.Fatalf("second sweep: %v\n%s", err, second)
	}
	if out, err := run(t, dir, "sweep", "--db", dsn, "--at", "7 December"); err == nil {
		t.Fatalf("a bad --at was accepted:\n%s", out)
	}
}
