package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestNotificationsDeliveredOnceAcrossKill submits cases with phone numbers
// while the outbox job sends their acknowledgements through the file log
// driver, kills the server with SIGKILL, restarts it, and checks that every
// acknowledged case is there and its SMS was sent exactly once.
func TestNotificationsDeliveredOnceAcrossKill(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	seedRegion(t, dsn)
	smsLog := filepath.Join(dir, "sms.log")
	env := []string{"ZHITONG_SMS_LOG_FILE=" + smsLog, "ZHITONG_OUTBOX_EVERY=200ms", "ZHITONG_JOBS_POLL=50ms",
		"ZHITONG_OUTBOX_LEASE=1s", "ZHITONG_QUIET_HOURS=off"}
	t0 := time.Now()
	base, cmd := startServer(t, dir, dsn, env...)
	t.Logf("started in %v", time.Since(t0))

	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	stop := make(chan struct{})
	client := &http.Client{Timeout: 10 * time.Second}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf(`{"body":"第%d号客户端第%d条：路灯不亮","region":"360728","name":"王小明","phone":"139%08d"}`, w, i, w*10000+i)
				resp, err := client.Post(base+"/api/v1/submissions", "application/json", strings.NewReader(body))
				if err != nil {
					return
				}
				var out struct{ Code string }
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if err == nil && resp.StatusCode == http.StatusCreated {
					mu.Lock()
					acked = append(acked, out.Code)
					mu.Unlock()
				}
				time.Sleep(40 * time.Millisecond)
			}
		}()
	}
	// Kill once some messages went out and more are queued behind them.
	waitUntil(t, 60*time.Second, func() bool {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		return n >= 60 && len(logKeys(t, smsLog)) >= 10
	})
	t.Logf("killing at %v", time.Since(t0))
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	close(stop)
	wg.Wait()
	before := len(logKeys(t, smsLog))

	startServer(t, dir, dsn, env...)
	mu.Lock()
	codes := append([]string(nil), acked...)
	mu.Unlock()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	waitUntil(t, 90*time.Second, func() bool { return pendingSMS(t, db) == 0 })
	t.Logf("all delivered at %v", time.Since(t0))
	keys := logKeys(t, smsLog)
	for k, n := range keys {
		if n != 1 {
			t.Errorf("SMS %s sent %d times", k, n)
		}
	}
	for _, code := range codes {
		n := ackRow(t, db, code)
		if n.status != "sent" || keys[n.key] != 1 {
			t.Errorf("acknowledged case %s: SMS %q is %q and in the log %d times", code, n.key, n.status, keys[n.key])
		}
	}
	t.Logf("%d acknowledged cases; %d SMS before the kill, %d after restart, each once", len(codes), before, len(keys))
}

func waitUntil(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	waitEvery(t, d, 50*time.Millisecond, cond)
}

// waitEvery polls cond every period until it holds, for at most d; a
// short period acts on an event before the next one.
func waitEvery(t *testing.T, d, period time.Duration, cond func() bool) {
	t.Helper()
	end := time.Now().Add(d)
	for !cond() {
		if time.Now().After(end) {
			t.Fatal("timed out")
		}
		time.Sleep(period)
	}
}

// logKeys counts the log driver's lines per idempotency key.
func logKeys(t *testing.T, path string) map[string]int {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if i := strings.Index(line, " key="); i >= 0 {
			k, err := strconv.Unquote(line[i+5:])
			if err != nil {
				t.Fatalf("bad log line %q", line)
			}
			out[k]++
		}
	}
	return out
}

func pendingSMS(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM notifications WHERE channel = 'sms' AND status NOT IN ('sent', 'skipped', 'failed')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// notice is an outbox row's delivery state.
type notice struct {
	key, status, lastError string
	attempts               int
}

// ackRow returns the acknowledgement SMS of the case with code.
func ackRow(t *testing.T, db *store.DB, code string) notice {
	t.Helper()
	var n notice
	err := db.QueryRow(context.Background(), `SELECT n.key, n.status, n.last_error, n.attempts FROM notifications n JOIN cases c ON c.id = n.case_id
 WHERE c.code = ? AND n.template = 'case.acknowledged'`, code).Scan(&n.key, &n.status, &n.lastError, &n.attempts)
	if err != nil {
		t.Fatalf("case %s: %v", code, err)
	}
	return n
}

// submitOne submits a case with phone through the API and returns its code.
func submitOne(t *testing.T, base, phone string) string {
	t.Helper()
	body := `{"body":"小区门口路灯不亮","region":"360728","phone":"` + phone + `"}`
	resp, err := http.Post(base+"/api/v1/submissions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Code string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusCreated || out.Code == "" {
		t.Fatalf("submission answered %d (%v)", resp.StatusCode, err)
	}
	return out.Code
}

// TestServeStopsJobsCleanly stops the server with SIGTERM: it exits 0, and
// a server started right after it delivers at once, because the stopped one
// resigned River's leadership instead of leaving a lease to run out.
func TestServeStopsJobsCleanly(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	seedRegion(t, dsn)
	smsLog := filepath.Join(dir, "sms.log")
	env := []string{"ZHITONG_SMS_LOG_FILE=" + smsLog, "ZHITONG_OUTBOX_EVERY=200ms", "ZHITONG_JOBS_POLL=50ms", "ZHITONG_QUIET_HOURS=off"}
	base, cmd := startServer(t, dir, dsn, env...)
	submitOne(t, base, "13907970001")
	waitUntil(t, 30*time.Second, func() bool { return len(logKeys(t, smsLog)) == 1 })
	t0 := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	t.Logf("stopped in %v", time.Since(t0))

	base, _ = startServer(t, dir, dsn, env...)
	t0 = time.Now()
	submitOne(t, base, "13907970002")
	waitUntil(t, 12*time.Second, func() bool { return len(logKeys(t, smsLog)) == 2 })
	t.Logf("first SMS after a clean restart in %v", time.Since(t0))
}
