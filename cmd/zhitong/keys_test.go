package main

import (
	"bufio"
	"bytes"
	"io/fs"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong/internal/testkit"
)

// TestServersStartTogetherOnAFreshDatabase: three `zhitong serve` processes
// started at the same moment on a new database (no `zhitong migrate`
// first) all come up: migrations, the key check and the holiday seeding
// each run under a lock. On PostgreSQL this is the failure; on
// SQLite the same test holds.
func TestServersStartTogetherOnAFreshDatabase(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	const n = 3
	cmds := make([]*exec.Cmd, n)
	errs := make([]*bytes.Buffer, n)
	up := make(chan int, n)
	down := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		cmd := zhitongCmd(t, dir, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		errs[i] = &bytes.Buffer{}
		cmd.Stderr = errs[i]
		cmds[i] = cmd
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if listening.MatchString(sc.Text()) {
					up <- i
				}
			}
			down <- i
		}()
	}
	for i := range n {
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
		wg.Wait()
	})
	deadline := time.After(90 * time.Second)
	for got := 0; got < n; {
		select {
		case <-up:
			got++
		case i := <-down:
			t.Fatalf("server %d exited at start-up:\n%s", i, errs[i])
		case <-deadline:
			t.Fatalf("only %d of %d servers came up", got, n)
		}
	}
	for i := range n {
		if strings.Contains(errs[i].String(), "已生成个人信息加密密钥") {
			t.Errorf("server %d created a key file though ZHITONG_KEY was set", i)
		}
	}
}

// TestAnotherKeyRefusesToStart: a database set up under one key refuses
// `serve`, `audit verify` and `sweep` given another key, or run from
// another directory without one, and none of them leaves a key file.
func TestAnotherKeyRefusesToStart(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	if out, err := zhitongCmd(t, dir, "init", "--region", "360783", "--db", dsn).CombinedOutput(); err != nil {
		t.Fatalf("init: %v\n%s", err, out)
	}
	other := t.TempDir()
	for _, args := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"audit", "verify"}, {"sweep"}, {"user", "list"}, {"migrate"}} {
		cmd := zhitongCmd(t, other, append(args, "--db", dsn)...)
		cmd.Env = append(cmd.Env, "ZHITONG_KEY="+strings.Repeat("ab", 32))
		out, err := cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "密钥与数据库不符") || !strings.Contains(string(out), "ZHITONG_KEY") {
			t.Errorf("%v with another key: %v\n%s", args, err, out)
		}
		if args[0] == "migrate" || args[0] == "serve" {
			continue
		}
		// Without any key, from another directory: refused, no stray file.
		cmd = zhitongCmd(t, other, append(args, "--db", dsn)...)
		cmd.Env = append(cmd.Env, "ZHITONG_KEY_IGNORED=1")
		cmd.Env = withoutKey(cmd.Env)
		out, err = cmd.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "未找到该数据库的密钥") {
			t.Errorf("%v without a key: %v\n%s", args, err, out)
		}
	}
	if !strings.HasPrefix(dsn, "postgres") {
		other = filepath.Dir(dsn) // and none beside the SQLite file either
	}
	if matches, _ := filepathGlob(other); len(matches) > 0 {
		t.Errorf("key files left in another directory: %v", matches)
	}
}

func withoutKey(env []string) []string {
	out := env[:0:0]
	for _, e := range env {
		if !strings.HasPrefix(e, "ZHITONG_KEY=") && !strings.HasPrefix(e, "ZHITONG_OLD_KEY=") {
			out = append(out, e)
		}
	}
	return out
}

// filepathGlob lists key files anywhere under dir.
func filepathGlob(dir string) ([]string, error) {
	var found []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".key") {
			found = append(found, p)
		}
		return err
	})
	return found, err
}
