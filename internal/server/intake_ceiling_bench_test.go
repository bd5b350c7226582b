package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/search"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// BenchmarkIntakeCeiling measures, in one run, the product's intake rate
// against the ceiling of the database underneath at the same durability:
//
//   - product: submissions over HTTP by 32 concurrent clients, each
//     validated, sealed, indexed, audited and committed durably before its
//     201. The public limit is on (the default 120 per 10 minutes); the
//     clients carry an API token the database knows, which exempts them as
//     it exempts any integration — the benchmark's way past the limit, with
//     no switch a citizen could use.
//   - raw: the same rows per transaction written straight through the
//     driver, no application code: one case row, its search document and
//     one audit row, one transaction (one durable commit) each, 32
//     goroutines. On SQLite into a database of the product's schema with
//     the product's settings (WAL, synchronous=FULL, one writer
//     connection); on PostgreSQL by pgbench (32 clients, a custom script of
//     the same three rows into the product's tables; skipped when pgbench
//     is not installed).
//
// It reports both rates and their ratio (product/raw; the targets:
// at least 0.6 on SQLite, 0.5 against pgbench), and the product's CPU time
// per submission (the whole process: server and its HTTP clients), which a
// shared machine's load moves far less than the rates. Group commit lets the
// product pass 1.0 on SQLite: the raw loop pays one fsync per row set.
// ZHITONG_BENCH_CASES sets the submissions per side (default 2,000):
//
//	go test ./internal/server -run '^$' -bench IntakeCeiling -benchtime 1x -v
//	ZHITONG_TEST_DATABASE_URL=postgres://… go test ./internal/server -run '^$' -bench IntakeCeiling -benchtime 1x -v
func BenchmarkIntakeCeiling(b *testing.B) {
	n := testkit.BenchCases(2000)
	const clients = 32
	for b.Loop() {
		product, cpu := productIntake(b, n, clients)
		var raw float64
		what := "raw-sqlite"
		if os.Getenv("ZHITONG_TEST_DATABASE_URL") == "" {
			raw = rawSQLiteIntake(b, n, clients)
		} else {
			what = "pgbench"
			if raw = pgbenchIntake(b, n, clients); raw == 0 {
				b.Skip("pgbench not installed: no ceiling to compare with")
			}
		}
		b.ReportMetric(product, "submissions/s")
		b.ReportMetric(raw, what+"-tx/s")
		b.ReportMetric(product/raw, "ratio")
		b.ReportMetric(float64(cpu.Microseconds()), "cpu-µs/submission")
		b.Logf("%d submissions: product %.0f/s (%v CPU each), %s %.0f tx/s, ratio %.2f", n, product, cpu, what, raw, product/raw)
	}
}

// productIntake returns the submissions per second over HTTP and the
// process's CPU time per submission.
func productIntake(b *testing.B, n, clients int) (float64, time.Duration) {
	a, _ := testkit.MustApp(b)
	f := testkit.Seed(b, a)
	secret, _, err := a.AddToken(b.Context(), app.System, "压力测试", zhitong.RoleIntegration, f.County)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{App: a})) // the default public limit
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 2 * clients}}
	cpu := cpuTime()
	rate := concurrently(b, "product", n, clients, func(i int64) error {
		body := fmt.Sprintf(`{"body":"第%d条：历市镇建设路晚上路灯不亮，噪音也大","region":"360728100","name":"王小明","phone":"1390797%04d","external_id":"bench-%d"}`, i, i%10000, i)
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/submissions", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("status %d", resp.StatusCode)
		}
		return nil
	})
	return rate, (cpuTime() - cpu) / time.Duration(n)
}

// concurrently runs do(0) … do(n-1) on clients goroutines and returns the
// calls per second; any failure fails the benchmark.
func concurrently(b *testing.B, what string, n, clients int, do func(i int64) error) float64 {
	var next, failed atomic.Int64
	var firstErr atomic.Value
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				if err := do(i); err != nil && failed.Add(1) == 1 {
					firstErr.Store(err)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if k := failed.Load(); k > 0 {
		b.Fatalf("%s: %d of %d failed, first: %v", what, k, n, firstErr.Load())
	}
	return float64(n) / elapsed.Seconds()
}

// rawSQLiteIntake returns the transactions per second of the raw loop on a
// fresh SQLite database of the product's schema and settings.
func rawSQLiteIntake(b *testing.B, n, clients int) float64 {
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "raw.db")
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	db.Close()
	// store.Open's write connection, the same pragmas.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	doc := search.Document("历市镇建设路晚上路灯不亮，噪音也大")
	sealed := strings.Repeat("x", 80) // the size of a sealed name or phone
	return concurrently(b, "raw", n, clients, func(i int64) error { return rawRowSet(ctx, raw, i, doc, sealed) })
}

// rawRowSet writes one case, its search document and one audit row in one
// transaction.
func rawRowSet(ctx context.Context, db *sql.DB, i int64, doc, sealed string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339Nano)
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO cases (code, channel, status, version, round, title, body, region_code, anonymous,
 name_enc, phone_enc, phone_idx, idcard_enc, address_enc, external_id, submitted_at, registered_at, due_date, due_provisional, answer,
 resolution, closed_at, updated_at, created_by, demo)
 VALUES (?, 'imported', 'submitted', 1, 1, '历市镇建设路晚上路灯不亮', ?, '360728100', FALSE, ?, ?, ?, '', '', ?, ?, '', '', FALSE, '', '', '', ?, 0, FALSE) RETURNING id`,
		"R"+strconv.FormatInt(i, 10), fmt.Sprintf("第%d条：历市镇建设路晚上路灯不亮，噪音也大", i), sealed, sealed, sealed[:64], "raw-"+strconv.FormatInt(i, 10), now, now).Scan(&id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO cases_fts (rowid, tokens) VALUES (?, ?)`, id, doc); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash)
 VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log), ?, 'system', 'case.submit', ?, '{"code":"x"}', '360728100', '', ?, ?)`,
		now, "case:"+strconv.FormatInt(id, 10), sealed[:64], sealed[:64]); err != nil {
		return err
	}
	return tx.Commit()
}

var pgbenchTPS = regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)

// pgbenchIntake runs pgbench with a custom script writing the same rows
// per transaction into a fresh schema of the product's tables, and returns
// its transactions per second; 0 when pgbench is not installed.
func pgbenchIntake(b *testing.B, n, clients int) float64 {
	bin, err := exec.LookPath("pgbench")
	if err != nil {
		return 0
	}
	ctx := context.Background()
	dsn := testkit.DSN(b) // a schema of its own, dropped at the end
	db, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	var schema string
	if err := db.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		b.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE SEQUENCE `+schema+`.raw_seq`); err != nil {
		b.Fatal(err)
	}
	db.Close()
	doc := search.Document("历市镇建设路晚上路灯不亮，噪音也大")
	sealed := strings.Repeat("x", 80)
	script := fmt.Sprintf(`BEGIN;
INSERT INTO %[1]s.cases (code, channel, status, version, round, title, body, region_code, anonymous, name_enc, phone_enc, phone_idx,
 idcard_enc, address_enc, external_id, submitted_at, registered_at, due_date, due_provisional, answer, resolution, closed_at, updated_at,
 created_by, demo, search)
 VALUES ('R' || nextval('%[1]s.raw_seq'), 'imported', 'submitted', 1, 1, '历市镇建设路晚上路灯不亮', '第' || currval('%[1]s.raw_seq') || '条：历市镇建设路晚上路灯不亮，噪音也大',
 '360728100', FALSE, '%[2]s', '%[2]s', '%[3]s', '', '', 'raw-' || currval('%[1]s.raw_seq'), now()::text, '', '', FALSE, '', '', '', now()::text,
 0, FALSE, to_tsvector('simple', '%[4]s'));
INSERT INTO %[1]s.audit_log (seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash)
 VALUES (currval('%[1]s.raw_seq'), now()::text, 'system', 'case.submit', 'case:' || currval('%[1]s.raw_seq'), '{"code":"x"}', '360728100', '', '%[3]s', '%[3]s');
COMMIT;
`, schema, sealed, sealed[:64], strings.ReplaceAll(doc, "'", "''"))
	file := filepath.Join(b.TempDir(), "intake.sql")
	if err := os.WriteFile(file, []byte(script), 0o600); err != nil {
		b.Fatal(err)
	}
	conn := os.Getenv("ZHITONG_TEST_DATABASE_URL")
	out, err := exec.CommandContext(ctx, bin, "-n", "-c", strconv.Itoa(clients), "-j", "2", "-t", strconv.Itoa(max(1, n/clients)), "-f", file, conn).CombinedOutput()
	if err != nil {
		b.Fatalf("pgbench: %v\n%s", err, out)
	}
	m := pgbenchTPS.FindSubmatch(out)
	if m == nil {
		b.Fatalf("pgbench: no tps in\n%s", out)
	}
	tps, _ := strconv.ParseFloat(string(m[1]), 64)
	return tps
}
