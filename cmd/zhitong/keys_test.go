package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/keys"
	"zhitong/internal/pii"
	"zhitong/internal/testkit"
)

// TestServersStartTogetherOnAFreshDatabase: three `zhitong serve` processes
// started at the same moment on a new database (no `zhitong migrate`
// first) all come up: migrations, the key check and the holiday seeding
// each run under a lock. On PostgreSQL this is the failure; on
// SQLite the same test holds.
func TestServersStartTogetherOnAFreshDatabase(t *testing.T) {
	t.Run("ZHITONG_KEY", func(t *testing.T) { startTogether(t, true) })
	// No key anywhere, one directory: one server creates the key file, the
	// others read it (under the lock), none is refused.
	t.Run("no key", func(t *testing.T) { startTogether(t, false) })
}

func startTogether(t *testing.T, withKey bool) {
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
		if !withKey {
			cmd.Env = withoutKey(cmd.Env)
		}
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
	created := 0
	for i := range n {
		if strings.Contains(errs[i].String(), "已生成个人信息加密密钥") {
			created++
		}
	}
	if want := map[bool]int{true: 0, false: 1}[withKey]; created != want {
		t.Errorf("%d servers created a key file, want %d", created, want)
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

// TestKeyRotateSurvivesKill follows docs/operations.md: a server restarted
// with the new key (ZHITONG_KEY) and the old one (ZHITONG_OLD_KEY) moves
// the database to the new key; `zhitong key rotate` is killed with SIGKILL
// mid-way; run again, it takes up where it stopped and finishes; every
// sealed value then opens under the new key alone, none lost.
func TestKeyRotateSurvivesKill(t *testing.T) {
	const n = 1500
	ctx := context.Background()
	dir, dsn := t.TempDir(), testkit.DSN(t)
	db := openDB(t, dsn)
	testkit.Must(db.Migrate(ctx))(t)
	keyA := filepath.Join(t.TempDir(), "a.key")
	if err := os.WriteFile(keyA, []byte(fmt.Sprintf("%x\n", testkit.Key)), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv(pii.KeyEnv, "")
	os.Unsetenv(pii.KeyEnv)
	testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyA}))(t)
	a := testkit.AppOn(t, db, zhitong.SystemClock{})
	f := testkit.Seed(t, a)
	// Eight submitters at once: one at a time, each waiting for its own
	// commit, this took minutes on PostgreSQL.
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if _, err := a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "村口的路灯坏了很久了", StationID: f.Station,
					Name: "王小明", Phone: fmt.Sprintf("1390797%04d", i), Address: "历市镇某村3组"}); err != nil {
					t.Errorf("submit %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	before := testkit.Must(keys.Verify(ctx, db, a.Sealer(), true))(t)
	keyB := filepath.Join(t.TempDir(), "b.key")
	if out, err := zhitongCmd(t, dir, "key", "generate", "--out", keyB).CombinedOutput(); err != nil {
		t.Fatalf("key generate: %v\n%s", err, out)
	}
	bothFiles := []string{"--key-file", keyB, "--old-key-file", keyA}
	// A server on the old key alone, running when the rotation begins.
	oldSrv := zhitongCmd(t, dir, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
	oldSrv.Env = append(oldSrv.Env, "ZHITONG_KEY_WATCH=200ms")
	oldErr, oldDone := startListening(t, oldSrv)

	// The server (new key + old key) begins the rotation and keeps serving.
	cmd := zhitongCmd(t, dir, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", dsn}, bothFiles...)...)
	cmd.Env = withoutKey(cmd.Env)
	serverErr, _ := startListening(t, cmd)
	if !strings.Contains(serverErr.String(), "开始轮换") {
		t.Errorf("the server did not say it began the rotation:\n%s", serverErr.String())
	}
	// The old-key server notices and stops rather than seal under the old key.
	select {
	case err := <-oldDone:
		if err == nil || !strings.Contains(oldErr.String(), "数据库已换用另一把密钥") {
			t.Errorf("the old-key server: %v\n%s", err, oldErr.String())
		}
	case <-time.After(30 * time.Second):
		t.Error("the old-key server still runs after the database moved to the new key")
	}

	rotate := zhitongCmd(t, dir, append([]string{"key", "rotate", "--db", dsn}, bothFiles...)...)
	rotate.Env = withoutKey(rotate.Env)
	rout, err := rotate.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := rotate.Start(); err != nil {
		t.Fatal(err)
	}
	rsc := bufio.NewScanner(rout)
	rsc.Scan() // opt-outs done
	rsc.Scan() // cases.name_enc done: kill it in the middle of cases.phone_enc
	rotate.Process.Signal(syscall.SIGKILL)
	rotate.Wait()
	if _, prev := testkit.Must2(keys.Check(ctx, db))(t); prev == "" {
		t.Fatal("the rotation finished before the kill: make the test's database larger")
	}

	again := zhitongCmd(t, dir, append([]string{"key", "rotate", "--db", dsn}, bothFiles...)...)
	again.Env = withoutKey(again.Env)
	res, err := again.CombinedOutput()
	if err != nil || !strings.Contains(string(res), "接续上次中断的轮换：cases.phone_enc") || !strings.Contains(string(res), "密钥轮换完成") {
		t.Fatalf("rotate after the kill: %v\n%s", err, res)
	}
	t.Logf("%s", res)
	sealerB := testkit.Must(keys.Open(ctx, db, keys.Source{KeyFile: keyB}))(t).Sealer
	after := testkit.Must(keys.Verify(ctx, db, sealerB, true))(t)
	if after.Failed != 0 || after.Opened != before.Opened {
		t.Fatalf("after the rotation %d of %d values open under the new key (%d fail, first %s)", after.Opened, before.Opened, after.Failed, after.First)
	}
	// The old key alone no longer starts anything.
	old := zhitongCmd(t, dir, "audit", "verify", "--db", dsn, "--key-file", keyA)
	old.Env = withoutKey(old.Env)
	if res, err := old.CombinedOutput(); err == nil || !strings.Contains(string(res), "密钥与数据库不符") {
		t.Errorf("the old key after the rotation: %v\n%s", err, res)
	}
}

// startListening starts a server process and waits until it listens; it
// returns its standard error and a channel that gets its exit.
func startListening(t *testing.T, cmd *exec.Cmd) (*syncBuffer, <-chan error) {
	t.Helper()
	var stderr syncBuffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(out)
	if !sc.Scan() || !listening.MatchString(sc.Text()) {
		t.Fatalf("%v did not start:\n%s", cmd.Args, stderr.String())
	}
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
		}
		done <- cmd.Wait()
	}()
	return &stderr, done
}

// syncBuffer is a bytes.Buffer a process writes while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
