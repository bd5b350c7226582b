package main

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func run(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	out, err := zhitongCmd(t, dir, args...).CombinedOutput()
	return string(out), err
}

// TestServeDemoTwice starts the server with demo data twice on one database
// and checks that the second start loads nothing again.
func TestServeDemoTwice(t *testing.T) {
	dir := t.TempDir()
	dsn := testkit.DSN(t)
	count := func() int {
		db, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n int
		if err := db.QueryRow(context.Background(), `SELECT (SELECT COUNT(*) FROM cases) + (SELECT COUNT(*) FROM stations) + (SELECT COUNT(*) FROM users)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var counts []int
	for range 2 {
		out, err := run(t, dir, "demo", "--db", dsn)
		if err != nil {
			t.Fatalf("demo: %v\n%s", err, out)
		}
		if !strings.Contains(out, "gongwei") {
			t.Fatalf("demo accounts not printed:\n%s", out)
		}
		counts = append(counts, count())
	}
	if counts[0] == 0 || counts[0] != counts[1] {
		t.Fatalf("rows after first and second demo load: %v", counts)
	}
	base, _ := startServer(t, dir, dsn)
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz = %d", resp.StatusCode)
	}
}

// TestAuditVerifyFindsTampering alters one audit row behind the
// application's back and expects `zhitong audit verify` to name it.
func TestAuditVerifyFindsTampering(t *testing.T) {
	if testkit.Postgres() {
		t.Skip("tampering is done on the SQLite file")
	}
	dir := t.TempDir()
	dsn := filepath.Join(dir, "z.db")
	if out, err := run(t, dir, "demo", "--db", dsn); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err := run(t, dir, "audit", "verify", "--db", dsn)
	if err != nil || !strings.Contains(out, "完好") {
		t.Fatalf("verify on an intact log: %v\n%s", err, out)
	}
	raw, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET detail = '{"forged":true}' WHERE seq = 7`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	out, err = run(t, dir, "audit", "verify", "--db", dsn)
	if err == nil || !strings.Contains(out, "第 7 条") {
		t.Fatalf("verify after tampering with entry 7: %v\n%s", err, out)
	}
}

func TestTokenAddAndBackup(t *testing.T) {
	dir := t.TempDir()
	dsn := filepath.Join(dir, "z.db")
	seedRegion(t, dsn)
	out, err := run(t, dir, "token", "add", "--db", dsn, "--name", "12345热线", "--role", "integration", "--region", "360728")
	if err != nil || !strings.HasPrefix(strings.TrimSpace(out), "zt_") {
		t.Fatalf("token add: %v\n%s", err, out)
	}
	if out, err := run(t, dir, "token", "add", "--db", dsn, "--name", "x", "--role", "nonsense"); err == nil {
		t.Fatalf("token with an unknown role accepted:\n%s", out)
	}
	backupPath := filepath.Join(dir, "backup.db")
	if out, err := run(t, dir, "backup", "--db", dsn, "--out", backupPath); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	db, err := store.Open(context.Background(), backupPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(context.Background(), `SELECT COUNT(*) FROM api_tokens`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("backup has %d tokens (%v), want 1", n, err)
	}
	st, err := os.Stat(backupPath)
	if err != nil {
		t.Fatal(err)
	}
	// The run is recorded in the database backed up, for the sysadmin's home page.
	orig, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	rec, err := store.LastBackup(context.Background(), orig)
	if err != nil || rec.File != backupPath || rec.Size != st.Size() || time.Since(rec.At) > time.Minute {
		t.Fatalf("last backup = %+v, %v; want %s of %d bytes, just now", rec, err, backupPath, st.Size())
	}
}
