package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Dropping and rebuilding the secondary indexes of the tables a bulk
// writer loads (zhitong seed on PostgreSQL): with COPY, keeping every
// index and foreign key up to date row by row was most of the server's
// CPU; one index build per index at the end is a sort. Each definition is
// recorded in seed_dropped in the transaction that drops it, and
// RestoreBulkIndexes, run at the end of the load and by Migrate, builds
// what is recorded — so a load killed half-way leaves nothing missing
// after the next start. Primary keys and unique constraints stay: they
// guard what the loaded rows must not break.

// DropBulkIndexes drops the non-unique indexes and the foreign keys of
// tables, recording their definitions, and returns how many it dropped.
// PostgreSQL only (0 on SQLite). The caller must be the database's only
// writer until RestoreBulkIndexes.
func (db *DB) DropBulkIndexes(ctx context.Context, tables []string, now time.Time) (int, error) {
	if db.dialect != Postgres {
		return 0, nil
	}
	n := 0
	err := db.Write(ctx, func(t *Tx) error {
		n = 0
		for _, table := range tables {
			// An index of a partitioned table is defined ON ONLY the
			// parent; built again without ONLY it covers every partition.
			rows, err := t.tx.QueryContext(ctx, `SELECT c.relname, 'index', replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ')
 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid = to_regclass($1) AND NOT i.indisunique
   AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
 UNION ALL
 SELECT conname, 'constraint', 'ALTER TABLE '||$1||' ADD CONSTRAINT '||quote_ident(conname)||' '||pg_get_constraintdef(oid)
 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f' AND conparentid = 0`, table)
			if err != nil {
				return fmt.Errorf("bulk indexes of %s: %w", table, err)
			}
			drop, err := collect(rows, func(r interface{ Scan(...any) error }) (d [3]string, err error) {
				return d, r.Scan(&d[0], &d[1], &d[2])
			})
			if err != nil {
				return err
			}
			for _, d := range drop {
				if _, err := t.tx.ExecContext(ctx, `INSERT INTO seed_dropped (name, table_name, kind, def, dropped_at) VALUES ($1, $2, $3, $4, $5)`,
					d[0], table, d[1], d[2], FormatTime(now)); err != nil {
					return fmt.Errorf("record %s: %w", d[0], err)
				}
				stmt := `DROP INDEX ` + quoteIdent(d[0])
				if d[1] == "constraint" {
					stmt = `ALTER TABLE ` + table + ` DROP CONSTRAINT ` + quoteIdent(d[0])
				}
				if _, err := t.tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w", stmt, err)
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// RestoreBulkIndexes builds every index and foreign key DropBulkIndexes
// recorded, one transaction each (what is built stays built if it is cut
// short), indexes first, and returns how many. progress, if not nil, is
// told each one before it is built. Nothing to do on SQLite.
func (db *DB) RestoreBulkIndexes(ctx context.Context, progress func(name, table string)) (int, error) {
	if db.dialect != Postgres || db.readOnly {
		return 0, nil
	}
	n := 0
	for {
		done := false
		err := db.Write(ctx, func(t *Tx) error {
			// Taking the row: a second process rebuilding at the same
			// time waits, then finds it gone.
			var name, table, def string
			err := t.tx.QueryRowContext(ctx, `DELETE FROM seed_dropped WHERE name = (SELECT name FROM seed_dropped
 ORDER BY kind DESC, dropped_at, name LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING name, table_name, def`).Scan(&name, &table, &def)
			if errors.Is(err, sql.ErrNoRows) {
				done = true
				return nil
			} else if err != nil {
				return err
			}
			if progress != nil {
				progress(name, table)
			}
			if _, err := t.tx.ExecContext(ctx, def); err != nil {
				return fmt.Errorf("rebuild %s: %w", name, err)
			}
			return nil
		})
		if err != nil || done {
			return n, err
		}
		n++
	}
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
