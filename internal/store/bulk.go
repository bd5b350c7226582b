package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"zhitong/internal/audit"
)

// Bulk writing, for the seeder (internal/seed): rows with ids chosen by the
// caller, many rows per INSERT statement, and audit entries chained in Go
// before one multi-row INSERT. Only for a writer that owns the database
// while it runs (zhitong seed): ids come from MaxID, not from the sequence.

// MaxID returns the largest id of table (0 when empty).
func (t *Tx) MaxID(ctx context.Context, table string) (int64, error) {
	var id int64
	if err := t.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&id); err != nil {
		return 0, fmt.Errorf("max id of %s: %w", table, err)
	}
	return id, nil
}

// SyncSequence moves PostgreSQL's identity sequence of table past the ids
// written explicitly, so that the application's next INSERT does not
// collide; SQLite needs nothing.
func (t *Tx) SyncSequence(ctx context.Context, table string) error {
	if t.Dialect() != Postgres {
		return nil
	}
	_, err := t.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+table+`', 'id'), GREATEST((SELECT COALESCE(MAX(id), 0) FROM `+table+`), 1))`)
	if err != nil {
		return fmt.Errorf("sync sequence of %s: %w", table, err)
	}
	return nil
}

// WriteBulk is Write for the bulk writer (the seeder): on PostgreSQL the
// transaction keeps its connection, and BulkInsert sends rows with COPY
// (pgx CopyFrom) instead of multi-row INSERTs. On SQLite it is Write.
func (db *DB) WriteBulk(ctx context.Context, fn func(*Tx) error) error {
	if db.dialect != Postgres {
		return db.Write(ctx, fn)
	}
	if db.readOnly {
		return ErrReadOnly
	}
	conn, err := db.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("bulk connection: %w", err)
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	// A bulk load that a crash cuts short is loaded again; it need not
	// wait for each batch's WAL flush.
	if _, err := tx.ExecContext(ctx, `SET LOCAL synchronous_commit = off`); err != nil {
		tx.Rollback()
		return fmt.Errorf("bulk: %w", err)
	}
	if err := fn(&Tx{tx: tx, db: db, conn: conn}); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// BulkInsert writes rows into table, as many per statement as the engine's
// parameter limit allows, or with COPY in a WriteBulk transaction on
// PostgreSQL. A column may carry an SQL expression around its
// placeholder, as "search=to_tsvector('simple', ?)".
func (t *Tx) BulkInsert(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	names := make([]string, len(cols))
	exprs := make([]string, len(cols))
	for i, c := range cols {
		if name, expr, ok := strings.Cut(c, "="); ok {
			names[i], exprs[i] = name, expr
		} else {
			names[i], exprs[i] = c, "?"
		}
	}
	if t.conn != nil {
		return t.copyInsert(ctx, table, names, exprs, rows)
	}
	tuple := "(" + strings.Join(exprs, ", ") + ")"
	head := `INSERT INTO ` + table + ` (` + strings.Join(names, ", ") + `) VALUES `
	// Up to 256 rows a statement (SQLite allows 32766 parameters,
	// PostgreSQL 65535), one statement prepared for all full chunks: parsing
	// a long INSERT again for every chunk cost a tenth of the time.
	per := max(1, min(256, 30000/len(cols)))
	query := func(n int) string {
		var sb strings.Builder
		sb.WriteString(head)
		for i := range n {
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(tuple)
		}
		return t.db.rebind(sb.String())
	}
	var full *sql.Stmt
	if len(rows) >= per {
		var err error
		if full, err = t.tx.PrepareContext(ctx, query(per)); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
		defer full.Close()
	}
	args := make([]any, 0, per*len(cols))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args = args[:0]
		for _, r := range chunk {
			if len(r) != len(cols) {
				return fmt.Errorf("bulk insert %s: row has %d values for %d columns", table, len(r), len(cols))
			}
			args = append(args, r...)
		}
		var err error
		if len(chunk) == per {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = t.tx.ExecContext(ctx, query(len(chunk)), args...)
		}
		if err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
	}
	return nil
}

// copyInsert is BulkInsert with COPY. Rows with an expression column are
// copied into a temporary table of the same columns (the expression's
// argument as text) and moved by one INSERT … SELECT that applies it.
func (t *Tx) copyInsert(ctx context.Context, table string, names, exprs []string, rows [][]any) error {
	target, cols := table, names
	var plain, args, sel []string
	for i, n := range names {
		if exprs[i] == "?" {
			plain = append(plain, n)
			sel = append(sel, n)
		} else {
			args = append(args, n+"_arg text")
			sel = append(sel, strings.ReplaceAll(exprs[i], "?", n+"_arg"))
		}
	}
	if len(args) > 0 {
		target = "bulk_" + table
		cols = make([]string, len(names))
		for i, n := range names {
			cols[i] = n
			if exprs[i] != "?" {
				cols[i] = n + "_arg"
			}
		}
		if _, err := t.Exec(ctx, `CREATE TEMP TABLE IF NOT EXISTS `+target+` ON COMMIT DROP AS SELECT `+strings.Join(plain, ", ")+` FROM `+table+` WITH NO DATA`); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
		if _, err := t.Exec(ctx, `ALTER TABLE `+target+` ADD COLUMN IF NOT EXISTS `+strings.Join(args, ", ADD COLUMN IF NOT EXISTS ")); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
	}
	err := t.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("not a pgx connection: %T", dc)
		}
		_, err := c.Conn().CopyFrom(ctx, pgx.Identifier{target}, cols, pgx.CopyFromRows(rows))
		return err
	})
	if err != nil {
		return fmt.Errorf("copy into %s: %w", table, err)
	}
	if target != table {
		if _, err := t.Exec(ctx, `INSERT INTO `+table+` (`+strings.Join(names, ", ")+`) SELECT `+strings.Join(sel, ", ")+` FROM `+target); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
		if _, err := t.Exec(ctx, `TRUNCATE `+target); err != nil {
			return fmt.Errorf("bulk insert %s: %w", table, err)
		}
	}
	return nil
}

// linkAudit links entries to the chain after the entry seq whose hash is
// prev, setting their Seq, Prev and Hash, and returns the last seq and hash.
func linkAudit(chain audit.Chain, entries []audit.Entry, seq int64, prev string) (int64, string) {
	for i := range entries {
		e := &entries[i]
		seq++
		e.At = e.At.UTC().Truncate(time.Microsecond)
		e.Seq, e.Prev = seq, prev
		e.Hash = chain.Link(*e)
		prev = e.Hash
	}
	return seq, prev
}

// AppendAuditBatch appends entries to the chain in the order given, as
// AppendAudit would one by one, with one multi-row INSERT: each entry is
// linked here by the chain's own code (audit.Chain.Link: HMAC-SM3 under
// the audit key, which store.DB.LoadAuditKey must have loaded). An entry
// without a Region gets its object's, as AppendAudit gives it (the seeder
// sets it, saving a query per entry).
func (t *Tx) AppendAuditBatch(ctx context.Context, entries []audit.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	k := t.db.audit.Load()
	if k == nil {
		return errors.New("audit key not loaded (store.DB.LoadAuditKey)")
	}
	chain := audit.Chain{Key: k.key, KeyedFrom: k.keyedFrom}
	for i := range entries {
		if e := &entries[i]; e.Region == "" {
			r, err := objectRegion(ctx, t, e.Object)
			if err != nil {
				return fmt.Errorf("audit region: %w", err)
			}
			e.Region = r
		}
	}
	var seq int64
	var prev string
	// Taking the head's row lock first, as AppendAudit does.
	if err := t.QueryRow(ctx, `UPDATE audit_head SET seq = seq WHERE id = 1 RETURNING seq, hash`).Scan(&seq, &prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	seq, prev = linkAudit(chain, entries, seq, prev)
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{e.Seq, FormatTime(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Region, e.ActorRegion, e.Prev, e.Hash}
	}
	if err := t.BulkInsert(ctx, "audit_log", []string{"seq", "at", "actor", "action", "object", "detail", "region", "actor_region", "prev_hash", "hash"}, rows); err != nil {
		return err
	}
	if _, err := t.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, seq, prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}
