package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"zhitong/internal/testkit"
)

// TestReadOnlyCommandsCreateNothing: audit verify, sweep, export and key
// status run where there is no database leave neither a database nor a key
// file, and say how to name the database.
func TestReadOnlyCommandsCreateNothing(t *testing.T) {
	testkit.NoKeyEnv(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "zhitong-data", "zhitong.db")
	for _, args := range [][]string{{"audit", "verify"}, {"sweep"}, {"export", "units"}, {"key", "status"}, {"restore-drill"}} {
		var out, errs bytes.Buffer
		env := Env{Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(context.Background(), env, append(args, "--db", db))
		if code == 0 || !strings.Contains(errs.String(), "不存在") || !strings.Contains(errs.String(), "--db") {
			t.Errorf("%v: exit %d, %s", args, code, errs.String())
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}
