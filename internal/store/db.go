// Package store keeps the platform's data in SQLite (the embedded default) or
// PostgreSQL. It holds SQL and nothing else: every rule about who may do what
// and which step follows which lives in internal/app.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"zhitong/internal/audit"
)

// Dialect names the database engine behind a DB.
type Dialect string

// Dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database. SQLite gets one writer connection (all writes are
// serialised there anyway, and BEGIN IMMEDIATE avoids deadlocks) and a pool of
// readers; PostgreSQL uses one pool for both.
type DB struct {
	dialect Dialect
	write   *sql.DB
	read    *sql.DB
	DSN     string
	Path    string // the SQLite file, empty on PostgreSQL
	group   *groupCommit
	// writeStmts and readStmts keep SQLite's statements prepared
	// (stmtcache.go); nil on PostgreSQL, where pgx caches them.
	writeStmts, readStmts *stmtCache
	// counters batches rate-limit hits on SQLite (limits.go); nil on
	// PostgreSQL. limits is SQLite's file of counters, opened on first use.
	counters   *counterBatch
	limitsOnce sync.Once
	limits     *sql.DB
	limitsErr  error
	closed     atomic.Bool
	readOnly   bool                      // OpenReplica: Write refuses, and so does the server
	audit      atomic.Pointer[auditKey]  // the audit chain's key, once LoadAuditKey ran
	auditHead  atomic.Pointer[auditHead] // the chain's head as grouped writes last left it (flushAudit)
}

// IsPostgres reports whether dsn names a PostgreSQL database.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the database named by dsn: a postgres:// URL or a SQLite file path.
// It does not migrate; call Migrate.
func Open(ctx context.Context, dsn string) (*DB, error) {
	if IsPostgres(dsn) {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		// pgx prepares each statement once per connection; after five
		// executions PostgreSQL may switch a prepared statement to a
		// generic plan, chosen without the parameters' values. A search's
		// best plan depends on its word (a common word walks the primary
		// key, a rare one the GIN index), so every execution is planned
		// with its values (TestSearchPlanIsCustom).
		if _, set := cfg.RuntimeParams["plan_cache_mode"]; !set {
			cfg.RuntimeParams["plan_cache_mode"] = "force_custom_plan"
		}
		pool := stdlib.OpenDB(*cfg)
		pool.SetMaxOpenConns(32)
		pool.SetMaxIdleConns(32)
		pool.SetConnMaxIdleTime(5 * time.Minute)
		db := &DB{dialect: Postgres, write: pool, read: pool, DSN: dsn}
		if err := pool.PingContext(ctx); err != nil {
			pool.Close()
			return nil, fmt.Errorf("connect postgres: %w", err)
		}
		db.group = newGroupCommit(db)
		return db, nil
	}
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	// synchronous(FULL) makes every acknowledged commit survive power loss,
	// not only a killed process.
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)"
	write, err := sql.Open("sqlite", base+"&_pragma=temp_store(2)&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("open sqlite: %w", err)
	}
	// Every reader stays open: database/sql keeps only two idle by
	// default, and a new SQLite connection parses the whole schema
	// (about a millisecond of CPU) before its first query — under
	// concurrent intake most reads paid for one.
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	db := &DB{dialect: SQLite, write: write, read: read, DSN: dsn, Path: path,
		writeStmts: newStmtCache(write, true), readStmts: newStmtCache(read, false)}
	db.group, db.counters = newGroupCommit(db), newCounterBatch(db)
	if err := write.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return db, nil
}

// ErrReadOnly is the error of a write on a database opened by OpenReplica.
var ErrReadOnly = errors.New("store: the report database (--read-db) is read-only")

// OpenReplica opens a PostgreSQL database for reads only — a streaming
// replica (--read-db) that reports read from where a few seconds of lag
// are harmless. Every session is read-only (default_transaction_read_only),
// so even a statement that slipped past Write is refused by the server; it
// neither migrates nor holds more than 8 connections.
func OpenReplica(ctx context.Context, dsn string) (*DB, error) {
	if !IsPostgres(dsn) {
		return nil, errors.New("--read-db 只能是 PostgreSQL 只读副本的 postgres:// 地址 (a postgres:// URL of a streaming replica)")
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	pool, err := sql.Open("pgx", dsn+sep+"default_transaction_read_only=on")
	if err != nil {
		return nil, fmt.Errorf("open read database: %w", err)
	}
	pool.SetMaxOpenConns(8)
	pool.SetMaxIdleConns(8)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect read database: %w", err)
	}
	db := &DB{dialect: Postgres, write: pool, read: pool, DSN: dsn, readOnly: true}
	db.group = newGroupCommit(db)
	return db, nil
}

// Close closes the connections.
func (db *DB) Close() error {
	db.closed.Store(true)
	db.limitsOnce.Do(func() {}) // a counters file not opened yet is not opened any more
	db.group.close()
	db.writeStmts.close()
	db.readStmts.close()
	if db.counters != nil {
		db.counters.close()
	}
	err := db.write.Close()
	if db.limits != nil {
		err = errors.Join(err, db.limits.Close())
	}
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Tx is a write transaction.
type Tx struct {
	tx   *sql.Tx
	db   *DB
	conn *sql.Conn // WriteBulk on PostgreSQL: the connection, for COPY
	// grouped (a group commit's transaction, group.go) holds AppendAudit's
	// entries in pendingAudit until flushAudit, and QueueNotifications'
	// rows in pendingNotifications until flushNotifications.
	grouped              bool
	pendingAudit         []audit.Entry
	pendingNotifications []*Notification
}

// Q is what both a Tx and the read side of a DB offer: queries.
type Q interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Dialect() Dialect
}

// Exec runs a statement, rebinding ? placeholders for the dialect.
func (t *Tx) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.db.writeStmts.get(ctx, q); st != nil {
		return t.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, t.db.rebind(q), args...)
}

// Query runs a query, rebinding ? placeholders for the dialect.
func (t *Tx) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := t.db.writeStmts.get(ctx, q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, t.db.rebind(q), args...)
}

// QueryRow runs a one-row query, rebinding ? placeholders for the dialect.
func (t *Tx) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := t.db.writeStmts.get(ctx, q); st != nil {
		return t.tx.StmtContext(ctx, st).QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, t.db.rebind(q), args...)
}

// Dialect returns the engine.
func (t *Tx) Dialect() Dialect { return t.db.dialect }

// Exec runs a statement outside a transaction on the writer.
func (db *DB) Exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return db.write.ExecContext(ctx, db.rebind(q), args...)
}

// Query runs a read query.
func (db *DB) Query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if st := db.readStmts.get(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return db.read.QueryContext(ctx, db.rebind(q), args...)
}

// QueryRow runs a one-row read query.
func (db *DB) QueryRow(ctx context.Context, q string, args ...any) *sql.Row {
	if st := db.readStmts.get(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return db.read.QueryRowContext(ctx, db.rebind(q), args...)
}

// Dialect returns the engine.
func (db *DB) Dialect() Dialect { return db.dialect }

// Write runs fn in a write transaction and commits it. A serialization
// failure (PostgreSQL 40001, or a busy SQLite) retries fn from the start, so
// fn must not have effects outside the transaction.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.writeOnce(ctx, fn)
		if err == nil || attempt >= 4 || !retryable(err) {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
}

func (db *DB) writeOnce(ctx context.Context, fn func(*Tx) error) error {
	if db.readOnly {
		return ErrReadOnly
	}
	db.writeStmts.prepareDeferred(ctx)
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{tx: tx, db: db}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "40001" || pg.Code == "40P01"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_BUSY || lite.Code()&0xff == sqlite3.SQLITE_BUSY
	}
	return false
}

// IsUniqueViolation reports whether err is a unique-constraint failure.
func IsUniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		return lite.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || lite.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// rebind turns ? placeholders into $1, $2 … for PostgreSQL. Queries in this
// package never contain a literal question mark.
func (db *DB) rebind(q string) string {
	if db.dialect != Postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}

// TimeFormat is how timestamps are stored: fixed width UTC, so text order is time order.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// FormatTime renders t for storage; the zero time is the empty string.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeFormat)
}

// ParseTime reads a stored timestamp; the empty string is the zero time.
func ParseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(TimeFormat, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Backup writes a consistent copy of a live SQLite database to path with
// VACUUM INTO, which reads one snapshot while writers carry on.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect != SQLite {
		return errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump")
	}
	// A connection of its own: the readers are query_only, and borrowing the
	// one writer would stall every submission while the copy is made.
	conn, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}
