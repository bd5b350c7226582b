package testkit

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	"zhitong/internal/store"
)

// On PostgreSQL, migrating a new schema for every test cost the server
// about a third of a CPU second (creating and dropping some eighty tables)
// — most of the PostgreSQL suite's server time. So MustDB hands out schemas
// of a per-process pool instead: a schema is migrated once, and when its
// test ends it is emptied and put back as it was right after migrating —
// every table's rows and every sequence as in a pristine schema migrated
// by the same process — unless its tables, triggers, functions or
// constraints changed (a test that altered the schema), in which case it
// is dropped. Pool schemas are named tp_<host>_<pid>_…; the first MustDB
// of a process drops those of this machine's processes that have ended.

type pgPool struct {
	once     sync.Once
	err      error
	base     string
	admin    *sql.DB
	prefix   string
	pristine string
	tables   []string // every table of a migrated schema
	filled   []string // those the migrations put rows in
	seqs     []pgSeq
	mu       sync.Mutex
	free     []pgSchema
}

type pgSeq struct {
	name   string
	value  int64
	called bool
}

type pgSchema struct{ name, print string }

var pool pgPool

func schemaDSN(base, schema string) (string, error) {
	u, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func (p *pgPool) init(ctx context.Context) error {
	p.once.Do(func() {
		p.base = os.Getenv("ZHITONG_TEST_DATABASE_URL")
		if p.admin, p.err = sql.Open("pgx", p.base); p.err != nil {
			return
		}
		host, _ := os.Hostname()
		h := fnv.New32a()
		h.Write([]byte(host))
		mine := fmt.Sprintf("tp_%08x_", h.Sum32())
		p.prefix = fmt.Sprintf("%s%d_", mine, os.Getpid())
		p.reap(ctx, mine)
		p.pristine = p.prefix + "pristine"
		if _, p.err = p.admin.ExecContext(ctx, `CREATE SCHEMA `+p.pristine); p.err != nil {
			return
		}
		if _, p.err = p.migrate(ctx, p.pristine); p.err != nil {
			return
		}
		p.err = p.survey(ctx)
	})
	return p.err
}

// reap drops the pool schemas of this machine's test processes that ended.
func (p *pgPool) reap(ctx context.Context, mine string) {
	rows, err := p.admin.QueryContext(ctx, `SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)`, mine)
	if err != nil {
		return
	}
	var dead []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.SplitN(strings.TrimPrefix(name, mine), "_", 2)[0])
		if err == nil && syscall.Kill(pid, 0) == syscall.ESRCH {
			dead = append(dead, name)
		}
	}
	rows.Close()
	for _, name := range dead {
		p.admin.ExecContext(ctx, `DROP SCHEMA IF EXISTS `+name+` CASCADE`)
	}
}

func (p *pgPool) migrate(ctx context.Context, schema string) (string, error) {
	dsn, err := schemaDSN(p.base, schema)
	if err != nil {
		return "", err
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return "", err
	}
	return dsn, nil
}

// survey notes the pristine schema's tables, which hold rows, and its
// sequences.
func (p *pgPool) survey(ctx context.Context) error {
	rows, err := p.admin.QueryContext(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`, p.pristine)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		p.tables = append(p.tables, t)
	}
	rows.Close()
	for _, t := range p.tables {
		var some bool
		if err := p.admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+p.pristine+`.`+t+`)`).Scan(&some); err != nil {
			return err
		}
		if some {
			p.filled = append(p.filled, t)
		}
	}
	rows, err = p.admin.QueryContext(ctx, `SELECT sequencename, COALESCE(last_value, start_value), last_value IS NOT NULL FROM pg_sequences WHERE schemaname = $1`, p.pristine)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s pgSeq
		if err := rows.Scan(&s.name, &s.value, &s.called); err != nil {
			return err
		}
		p.seqs = append(p.seqs, s)
	}
	return rows.Err()
}

// fingerprint sums up a schema's structure: its relations (a rewrite
// changes the file node), triggers, functions and constraints.
func (p *pgPool) fingerprint(ctx context.Context, schema string) (string, error) {
	var fp string
	err := p.admin.QueryRowContext(ctx, `SELECT md5(COALESCE(string_agg(x, ',' ORDER BY x), '')) FROM (
  SELECT 'c:' || relname || ':' || relkind::text || ':' || relnatts || ':' || relfilenode AS x FROM pg_class WHERE relnamespace = $1::regnamespace
  UNION ALL SELECT 't:' || tgname || ':' || tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = $1::regnamespace
  UNION ALL SELECT 'p:' || proname || ':' || md5(prosrc) FROM pg_proc WHERE pronamespace = $1::regnamespace
  UNION ALL SELECT 'k:' || conname || ':' || convalidated::text FROM pg_constraint WHERE connamespace = $1::regnamespace) f`, schema).Scan(&fp)
	return fp, err
}

// take returns a schema for a test, migrated: one from the pool or a new one.
func (p *pgPool) take(tb testing.TB) (pgSchema, string) {
	tb.Helper()
	ctx := context.Background()
	if err := p.init(ctx); err != nil {
		tb.Fatalf("PostgreSQL test schemas on %s: %v", os.Getenv("ZHITONG_TEST_DATABASE_URL"), err)
	}
	p.mu.Lock()
	var s pgSchema
	if n := len(p.free); n > 0 {
		s, p.free = p.free[n-1], p.free[:n-1]
	}
	p.mu.Unlock()
	if s.name == "" {
		s.name = p.prefix + randomHex()
		if _, err := p.admin.ExecContext(ctx, `CREATE SCHEMA `+s.name); err != nil {
			tb.Fatalf("create schema: %v", err)
		}
		if _, err := p.migrate(ctx, s.name); err != nil {
			p.drop(s.name)
			tb.Fatal(err)
		}
		fp, err := p.fingerprint(ctx, s.name)
		if err != nil {
			p.drop(s.name)
			tb.Fatal(err)
		}
		s.print = fp
	}
	dsn, err := schemaDSN(p.base, s.name)
	if err != nil {
		tb.Fatal(err)
	}
	return s, dsn
}

func (p *pgPool) drop(schema string) {
	p.admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
}

// put empties a schema whose test ended back to its migrated state and
// returns it to the pool; one whose structure changed is dropped.
func (p *pgPool) put(s pgSchema) {
	ctx := context.Background()
	if fp, err := p.fingerprint(ctx, s.name); err != nil || fp != s.print {
		p.drop(s.name)
		return
	}
	var b strings.Builder
	// replica: no triggers (the audit log's append-only one) and no
	// foreign-key checks while the rows go.
	b.WriteString("BEGIN; SET LOCAL session_replication_role = replica; SET LOCAL lock_timeout = '10s';\n")
	for _, t := range p.tables {
		fmt.Fprintf(&b, "DELETE FROM %s.%s;\n", s.name, t)
	}
	for _, t := range p.filled {
		fmt.Fprintf(&b, "INSERT INTO %s.%s SELECT * FROM %s.%s;\n", s.name, t, p.pristine, t)
	}
	for _, q := range p.seqs {
		fmt.Fprintf(&b, "SELECT setval('%s.%s', %d, %t);\n", s.name, q.name, q.value, q.called)
	}
	b.WriteString("COMMIT;")
	conn, err := p.admin.Conn(ctx)
	if err != nil {
		p.drop(s.name)
		return
	}
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		conn.ExecContext(ctx, "ROLLBACK")
		conn.Close()
		p.drop(s.name)
		return
	}
	conn.Close()
	p.mu.Lock()
	p.free = append(p.free, s)
	p.mu.Unlock()
}
