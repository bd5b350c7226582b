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
	// Every audit subcommand reads or removes entries only: none makes a
	// key (nor the archive it would write) where there is no database.
	out := t.TempDir()
	for _, args := range [][]string{
		{"audit", "verify", "--db", db, "--archive", filepath.Join(out, "a.jsonl")},
		{"audit", "export", "--db", db, filepath.Join(out, "b.jsonl")},
		{"audit", "prune", "--db", db, "--before", "2026-01-01", "--archive", filepath.Join(out, "c.jsonl")},
	} {
		var stdout, errs bytes.Buffer
		env := Env{Stdout: &stdout, Stderr: &errs, Getenv: func(string) string { return "" }, Clock: testkit.NewClock(testkit.Start)}
		code := Run(context.Background(), env, args)
		if code == 0 || !strings.Contains(errs.String(), "不存在") || !strings.Contains(errs.String(), "--db") {
			t.Errorf("%v: exit %d, %s", args[:2], code, errs.String())
		}
	}
	if entries, _ := os.ReadDir(out); len(entries) > 0 {
		t.Errorf("audit commands left behind: %v", entries)
	}
	if entries, _ := os.ReadDir(dir); len(entries) > 0 {
		t.Errorf("left behind: %v", entries)
	}
}
