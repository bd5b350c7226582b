// Package testkit gives tests a real, migrated database — a SQLite file in a
// temporary directory, or a fresh schema on the PostgreSQL server named by
// ZHITONG_TEST_DATABASE_URL — and an application wired to it with a clock
// tests can move.
package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// Clock is a settable clock.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return &Clock{now: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Set moves the clock to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// Postgres reports whether tests run against PostgreSQL.
func Postgres() bool { return os.Getenv("ZHITONG_TEST_DATABASE_URL") != "" }

// DSN returns a database for one test: a new SQLite file, or a new schema
// on the test PostgreSQL server, dropped when the test ends.
func DSN(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv("ZHITONG_TEST_DATABASE_URL")
	if base == "" {
		return filepath.Join(tb.TempDir(), "zhitong.db")
	}
	schema := "t_" + randomHex()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		admin.Close()
		tb.Fatalf("create schema on %s: %v", base, err)
	}
	tb.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	dsn, err := schemaDSN(base, schema)
	if err != nil {
		tb.Fatal(err)
	}
	return dsn
}

func randomHex() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// MustDB opens and migrates a fresh database for the test. On SQLite it is
// a copy of a database migrated once per test process (migrating was most
// of the cost of a small test); on PostgreSQL a schema of the process's
// pool (pgpool.go), as it was right after migrating.
func MustDB(tb testing.TB) *store.DB {
	tb.Helper()
	ctx := context.Background()
	var dsn string
	if Postgres() {
		var s pgSchema
		s, dsn = pool.take(tb)
		tb.Cleanup(func() { pool.put(s) }) // after db.Close below
	} else {
		tmpl, err := sqliteTemplate()
		if err != nil {
			tb.Fatal(err)
		}
		dsn = DSN(tb)
		if err := os.WriteFile(dsn, tmpl, 0o600); err != nil {
			tb.Fatal(err)
		}
	}
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

var sqliteTmpl struct {
	once sync.Once
	file []byte
	err  error
}

// sqliteTemplate returns the bytes of a SQLite database migrated by this
// process (store.Migrate, then closed: the write-ahead log checkpointed
// into the file).
func sqliteTemplate() ([]byte, error) {
	sqliteTmpl.once.Do(func() {
		dir, err := os.MkdirTemp("", "zhitong-testkit-")
		if err != nil {
			sqliteTmpl.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "template.db")
		ctx := context.Background()
		db, err := store.Open(ctx, path)
		if err != nil {
			sqliteTmpl.err = err
			return
		}
		_, err = db.Migrate(ctx)
		db.Close()
		if err != nil {
			sqliteTmpl.err = fmt.Errorf("migrate the template database: %w", err)
			return
		}
		if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
			sqliteTmpl.err = fmt.Errorf("the template database kept its write-ahead log (%d bytes) after closing", fi.Size())
			return
		}
		sqliteTmpl.file, sqliteTmpl.err = os.ReadFile(path)
	})
	return sqliteTmpl.file, sqliteTmpl.err
}

// Key is a fixed master key for tests.
var Key = []byte("0123456789abcdef0123456789abcdef")

// Start is the default "now" of tests: a Wednesday morning in China.
var Start = time.Date(2026, 11, 25, 9, 0, 0, 0, zhitong.China)

// MustApp returns an application over a fresh database, with a clock at Start.
func MustApp(tb testing.TB) (*app.App, *Clock) {
	tb.Helper()
	clock := NewClock(Start)
	return AppOn(tb, MustDB(tb), clock), clock
}

// AppOn returns an application over db (migrated), with the test Key and
// clock: for tests that share a database with a server they run.
func AppOn(tb testing.TB, db *store.DB, clock zhitong.Clock) *app.App {
	tb.Helper()
	sealer, err := pii.NewSealer(Key)
	if err != nil {
		tb.Fatal(err)
	}
	// Tests hash passwords cheaply (they were half the CPU of the server
	// tests); benchmarks keep the real cost, as they measure it.
	_, bench := tb.(*testing.B)
	a, err := app.New(context.Background(), app.Config{DB: db, Clock: clock, Sealer: sealer, CheapPasswordHashes: !bench})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// Must takes a call's results and returns a function that fails the test on
// its error and returns its value: c := testkit.Must(a.Get(ctx, p, id))(t).
func Must[T any](v T, err error) func(testing.TB) T {
	return func(tb testing.TB) T {
		tb.Helper()
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// WantCode fails the test unless err carries the given error code.
func WantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if got := zhitong.ErrorCode(err); got != code {
		tb.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

// Must2 is Must for calls with two results.
func Must2[T, U any](v T, u U, err error) func(testing.TB) (T, U) {
	return func(tb testing.TB) (T, U) {
		tb.Helper()
		if err != nil {
			tb.Fatalf("unexpected error: %v", err)
		}
		return v, u
	}
}

// Err keeps only the error of a call with a result, for WantCode.
func Err[T any](_ T, err error) error { return err }

// First keeps the first of two results.
func First[T, U any](v T, _ U) T { return v }

// Race takes n results of calls that raced each other and counts those
// that succeeded and those refused as a conflict; any other error fails
// the test.
func Race(tb testing.TB, errs <-chan error, n int) (ok, conflict int) {
	tb.Helper()
	for range n {
		switch err := <-errs; zhitong.ErrorCode(err) {
		case "":
			ok++
		case zhitong.ECONFLICT:
			conflict++
		default:
			tb.Errorf("unexpected error %v", err)
		}
	}
	return ok, conflict
}
