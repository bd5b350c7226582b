package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/cli"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// The test binary doubles as the zhitong command, so end-to-end tests run
// the real program as a child process without a separate build.
func TestMain(m *testing.M) {
	if args := os.Getenv("ZHITONG_TEST_MAIN_ARGS"); args != "" {
		os.Exit(runChild(strings.Split(args, "\x1f")))
	}
	os.Exit(m.Run())
}

// runChild runs the program; ZHITONG_TEST_CLOCK_OFFSET (a duration) shifts
// its clock, so a test can start a server "on" a chosen day while time
// still runs (leases, retries). The offset is a test seam of this binary
// only: the real zhitong reads the system clock.
func runChild(args []string) int {
	s := os.Getenv("ZHITONG_TEST_CLOCK_OFFSET")
	if s == "" {
		return cli.Main(args)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ZHITONG_TEST_CLOCK_OFFSET:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := cli.Env{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv, Clock: shiftedClock(d)}
	return cli.Run(ctx, env, args)
}

// shiftedClock is the system clock moved by a fixed offset.
type shiftedClock time.Duration

func (c shiftedClock) Now() time.Time { return time.Now().Add(time.Duration(c)) }

// zhitong returns a command running the program with args.
func zhitongCmd(t *testing.T, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "ZHITONG_TEST_MAIN_ARGS="+strings.Join(args, "\x1f"), "ZHITONG_KEY="+fmt.Sprintf("%x", testkit.Key))
	return cmd
}

var listening = regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/`)

// startServer starts `zhitong serve`, with env added to its environment,
// and returns its base URL and the process.
func startServer(t *testing.T, dir, dsn string, env ...string) (string, *exec.Cmd) {
	t.Helper()
	cmd := zhitongCmd(t, dir, "serve", "--addr", "127.0.0.1:0", "--db", dsn)
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				urls <- "http://" + m[1]
			}
		}
	}()
	select {
	case u := <-urls:
		return u, cmd
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil
}

func seedRegion(t *testing.T, dsn string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		return tx.UpsertRegion(ctx, zhitong.Region{Code: "360728", Name: "定南县", Level: 3})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAcknowledgedSubmissionsSurviveKill submits cases from many clients,
// kills the server with SIGKILL while submissions are in flight, restarts it
// and checks that every acknowledged case is there.
func TestAcknowledgedSubmissionsSurviveKill(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	seedRegion(t, dsn)
	base, cmd := startServer(t, dir, dsn)

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"body":"第%d号客户端第%d条：小区门口路面破损","region":"360728","anonymous":true}`, w, i)
				resp, err := client.Post(base+"/api/v1/submissions", "application/json", strings.NewReader(body))
				if err != nil {
					return // the server is gone
				}
				var out struct{ Code string }
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if err == nil && resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, out.Code)
					mu.Unlock()
				}
			}
		}()
	}
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()

	base, _ = startServer(t, dir, dsn)
	mu.Lock()
	defer mu.Unlock()
	for _, code := range acked {
		resp, err := client.Get(base + "/api/v1/track/" + code)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("acknowledged case %s is gone after kill -9 (%d)", code, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged submissions checked after kill -9", len(acked))
	// The audit entries of the groups cut short went with their cases; the
	// chain links whole across the kill.
	if out, err := run(t, dir, "audit", "verify", "--db", dsn); err != nil || !strings.Contains(out, "完好") {
		t.Errorf("audit verify after kill -9: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "zhitong-data")); err == nil && !store.IsPostgres(dsn) {
		t.Log("data directory created in the working directory")
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	out, err := zhitongCmd(t, t.TempDir(), "help").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"serve", "migrate", "demo", "user", "token", "audit", "backup", "help"} {
		if !strings.Contains(string(out), "  "+c) {
			t.Errorf("help does not mention %s:\n%s", c, out)
		}
	}
}
