package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"zhitong"
)

// Partitioning by month on PostgreSQL (zhitong db partition; docs/operations.md,
// "Partitioning on PostgreSQL"). The tables that only grow become
// range-partitioned by their time column, one partition a month plus a
// default partition, with every column, default, index, check, foreign key
// and trigger they had; nothing that reads or writes them changes. What
// partitioning forces:
//   - a primary key must hold the partition key: (id, at) instead of (id).
//     Ids still come from one sequence, so they stay unique.
//   - the time column is COLLATE "C", the order of the stored timestamps
//     (TimeFormat: fixed-width UTC, text order is time order) whatever the
//     database's collation, so that the month bounds mean what they say.
//   - notifications.key cannot stay UNIQUE on its own: notification_keys (one
//     row a key, not partitioned) and the trigger notifications_key_once keep
//     a key single, skipping the row as ON CONFLICT DO NOTHING did.
//   - PostgreSQL 15 has no identity columns on partitioned tables: the id
//     gets a sequence of its own (same name, same next value) as its default.

// Partitionable is each table that may be partitioned and its time column.
var Partitionable = []struct{ Table, Column string }{
	{"case_events", "at"}, {"audit_log", "at"}, {"notifications", "created_at"}, {"deliveries", "at"},
}

// PartitionsAhead is how many months after the current one the sweep keeps
// partitions ready, so that the default partition stays empty.
const PartitionsAhead = 3

// PartitionReport says what Partition did to one table.
type PartitionReport struct {
	Table      string
	Rows       int64 // rows moved into the partitioned table
	Partitions int   // monthly partitions created
	Already    bool  // it was partitioned before
}

// ErrNotPostgres refuses partitioning on SQLite.
var ErrNotPostgres = zhitong.Errorf(zhitong.EINVALID,
	"按月分区只适用于 PostgreSQL；SQLite 数据库不分区，无需任何操作。(Partitioning is for PostgreSQL only; a SQLite database needs nothing.)")

// Partition converts the Partitionable tables that are not partitioned yet,
// in one transaction that locks them (a maintenance window: writers wait),
// with a partition for every month from the oldest row to ahead months
// after now. Run again, it only adds the partitions due.
func (db *DB) Partition(ctx context.Context, now time.Time, ahead int) ([]PartitionReport, error) {
	if db.dialect != Postgres {
		return nil, ErrNotPostgres
	}
	var out []PartitionReport
	err := db.Write(ctx, func(t *Tx) error {
		out = out[:0]
		names := make([]string, len(Partitionable))
		for i, p := range Partitionable {
			names[i] = p.Table
		}
		if _, err := t.tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(names, ", ")+`, audit_head IN ACCESS EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("partition: lock: %w", err)
		}
		for _, p := range Partitionable {
			r := PartitionReport{Table: p.Table}
			var err error
			if r.Already, err = isPartitioned(ctx, t, p.Table); err != nil {
				return err
			}
			if !r.Already {
				if r.Rows, r.Partitions, err = convert(ctx, t, p.Table, p.Column, now, ahead); err != nil {
					return fmt.Errorf("partition %s: %w", p.Table, err)
				}
			} else if r.Partitions, err = ensureMonths(ctx, t, p.Table, p.Column, monthOf(now), ahead); err != nil {
				return err
			}
			out = append(out, r)
		}
		return nil
	})
	if err == nil {
		// A connection's cached plans over the old tables now fail
		// ("cached plan must not change result type"): this process
		// starts afresh; other processes' servers are restarted (docs).
		db.write.SetMaxIdleConns(0)
		db.write.SetMaxIdleConns(32)
	}
	return out, err
}

// EnsurePartitions creates the partitions of the current month and the
// ahead months after it for every partitioned table, moving the rows the
// default partition holds for them. It does nothing on SQLite or when no
// table is partitioned; the sweep runs it. It returns how many it created.
func (db *DB) EnsurePartitions(ctx context.Context, now time.Time, ahead int) (int, error) {
	if db.dialect != Postgres || db.readOnly {
		return 0, nil
	}
	n := 0
	err := db.Write(ctx, func(t *Tx) error {
		n = 0
		// Several servers sweep: one creates, the others find them made.
		if _, err := t.tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext('zhitong.partitions'))`); err != nil {
			return err
		}
		for _, p := range Partitionable {
			ok, err := isPartitioned(ctx, t, p.Table)
			if err != nil || !ok {
				return err
			}
			k, err := ensureMonths(ctx, t, p.Table, p.Column, monthOf(now), ahead)
			if err != nil {
				return err
			}
			if k > 0 {
				// Autovacuum analyses the partitions, never the
				// partitioned table, whose statistics plan the joins:
				// gathered again as each month begins.
				if _, err := t.tx.ExecContext(ctx, `ANALYZE `+p.Table); err != nil {
					return err
				}
			}
			n += k
		}
		return nil
	})
	return n, err
}

func isPartitioned(ctx context.Context, t *Tx, table string) (bool, error) {
	var kind string
	err := t.tx.QueryRowContext(ctx, `SELECT relkind FROM pg_class WHERE oid = to_regclass($1)`, table).Scan(&kind)
	if err != nil {
		return false, fmt.Errorf("partition: %s: %w", table, err)
	}
	return kind == "p", nil
}

func monthOf(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// partitionName is the name of table's partition of month m.
func partitionName(table string, m time.Time) string {
	return fmt.Sprintf("%s_p%04d%02d", table, m.Year(), int(m.Month()))
}

func bound(m time.Time) string { return m.Format("'2006-01-02'") }

// ensureMonths creates table's partitions from month from to ahead months
// after it, those missing.
func ensureMonths(ctx context.Context, t *Tx, table, col string, from time.Time, ahead int) (int, error) {
	n := 0
	for m := from; !m.After(from.AddDate(0, ahead, 0)); m = m.AddDate(0, 1, 0) {
		made, err := addMonth(ctx, t, table, col, m)
		if err != nil {
			return n, fmt.Errorf("partition %s %s: %w", table, m.Format("2006-01"), err)
		}
		if made {
			n++
		}
	}
	return n, nil
}

// addMonth creates table's partition of month m unless it exists. Rows of
// that month in the default partition (written while it was missing) move
// into it: PostgreSQL refuses a new partition whose rows the default holds.
func addMonth(ctx context.Context, t *Tx, table, col string, m time.Time) (bool, error) {
	name := partitionName(table, m)
	var exists bool
	if err := t.tx.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); err != nil || exists {
		return false, err
	}
	lo, hi := bound(m), bound(m.AddDate(0, 1, 0))
	def := table + "_pdefault"
	in := ` WHERE ` + col + ` >= ` + lo + ` AND ` + col + ` < ` + hi
	var stray bool
	if err := t.tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+def+in+`)`).Scan(&stray); err != nil {
		return false, err
	}
	stmts := []string{`CREATE TABLE ` + name + ` PARTITION OF ` + table + ` FOR VALUES FROM (` + lo + `) TO (` + hi + `)`}
	if stray {
		// The triggers (the audit log's append-only one) are lifted on the
		// default partition for the move only, in this transaction.
		stmts = []string{
			`CREATE TABLE ` + name + ` (LIKE ` + table + ` INCLUDING DEFAULTS)`,
			`INSERT INTO ` + name + ` SELECT * FROM ` + def + in,
			`ALTER TABLE ` + def + ` DISABLE TRIGGER USER`,
			`DELETE FROM ` + def + in,
			`ALTER TABLE ` + def + ` ENABLE TRIGGER USER`,
			`ALTER TABLE ` + table + ` ATTACH PARTITION ` + name + ` FOR VALUES FROM (` + lo + `) TO (` + hi + `)`,
		}
	}
	for _, s := range stmts {
		if _, err := t.tx.ExecContext(ctx, s); err != nil {
			return false, fmt.Errorf("%s: %w", s, err)
		}
	}
	return true, nil
}

// convert replaces table by a partitioned table of the same name, columns,
// rows, keys, indexes, constraints and triggers.
func convert(ctx context.Context, t *Tx, table, col string, now time.Time, ahead int) (rows int64, parts int, err error) {
	q := func(query string, args ...any) ([]string, error) {
		rs, err := t.tx.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return collect(rs, func(r interface{ Scan(...any) error }) (v string, err error) { return v, r.Scan(&v) })
	}
	if refs, err := q(`SELECT conname FROM pg_constraint WHERE confrelid = to_regclass($1)`, table); err != nil {
		return 0, 0, err
	} else if len(refs) > 0 {
		return 0, 0, fmt.Errorf("foreign keys %v reference it: a partitioned table cannot keep them", refs)
	}

	// Columns, with their defaults; an identity column becomes a column
	// with a sequence of its own.
	type column struct {
		name, typ, def string
		notNull        bool
		identity       bool
	}
	rs, err := t.tx.QueryContext(ctx, `SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
 COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity <> ''
 FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
 WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`, table)
	if err != nil {
		return 0, 0, err
	}
	cols, err := collect(rs, func(r interface{ Scan(...any) error }) (c column, err error) {
		return c, r.Scan(&c.name, &c.typ, &c.notNull, &c.def, &c.identity)
	})
	if err != nil {
		return 0, 0, err
	}
	var defs, names []string
	var identity string
	for _, c := range cols {
		d := c.name + " " + c.typ
		if c.name == col {
			if c.typ != "text" {
				return 0, 0, fmt.Errorf("column %s is %s, not text", col, c.typ)
			}
			d += ` COLLATE "C"`
		}
		if c.notNull {
			d += " NOT NULL"
		}
		if c.identity {
			identity = c.name
		} else if c.def != "" {
			d += " DEFAULT " + c.def
		}
		defs = append(defs, d)
		names = append(names, c.name)
	}

	// The primary key gains the time column; the other unique constraints
	// are refused, except notifications.key (see above).
	var pkName, pk string
	err = t.tx.QueryRowContext(ctx, `SELECT c.conname, array_to_string(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
 JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ', ')
 FROM pg_constraint c WHERE c.conrelid = to_regclass($1) AND c.contype = 'p'`, table).Scan(&pkName, &pk)
	if err != nil && err != sql.ErrNoRows {
		return 0, 0, err
	}
	uniques, err := q(`SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype IN ('u', 'x')`, table)
	if err != nil {
		return 0, 0, err
	}
	keyOnce := false
	for _, u := range uniques {
		if table == "notifications" && strings.HasSuffix(u, " UNIQUE (key)") {
			keyOnce = true
			continue
		}
		return 0, 0, fmt.Errorf("unique constraint %s cannot hold on a partitioned table", u)
	}
	checks, err := q(`SELECT 'ALTER TABLE `+table+` ADD CONSTRAINT ' || quote_ident(conname) || ' ' || pg_get_constraintdef(oid)
 FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype IN ('c', 'f') ORDER BY conname`, table)
	if err != nil {
		return 0, 0, err
	}
	indexes, err := q(`SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = to_regclass($1)
 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY i.indexrelid`, table)
	if err != nil {
		return 0, 0, err
	}
	for _, ix := range indexes {
		if strings.HasPrefix(ix, "CREATE UNIQUE") {
			return 0, 0, fmt.Errorf("unique index cannot hold on a partitioned table: %s", ix)
		}
	}
	triggers, err := q(`SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal ORDER BY tgname`, table)
	if err != nil {
		return 0, 0, err
	}
	var seq string
	var seqLast int64
	var seqCalled bool
	if identity != "" {
		err := t.tx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, $2)`, table, identity).Scan(&seq)
		if err == nil {
			err = t.tx.QueryRowContext(ctx, `SELECT last_value, is_called FROM `+seq).Scan(&seqLast, &seqCalled)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("identity sequence: %w", err)
		}
	}

	// The months from the oldest row to ahead months after now.
	var oldest string
	if err := t.tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(`+col+`), '') FROM `+table+` WHERE `+col+` <> ''`).Scan(&oldest); err != nil {
		return 0, 0, err
	}
	from := monthOf(now)
	if at := ParseTime(oldest); !at.IsZero() && at.Before(from) {
		from = monthOf(at)
	}
	newName := table + "_partitioned"
	steps := []string{
		`CREATE TABLE ` + newName + ` (` + strings.Join(defs, ", ") + `) PARTITION BY RANGE (` + col + `)`,
		`CREATE TABLE ` + table + `_pdefault PARTITION OF ` + newName + ` DEFAULT`,
	}
	for _, s := range steps {
		if _, err := t.tx.ExecContext(ctx, s); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	// Partitions are named after the final table, created on the new one.
	last := monthOf(now).AddDate(0, ahead, 0)
	for m := from; !m.After(last); m = m.AddDate(0, 1, 0) {
		s := `CREATE TABLE ` + partitionName(table, m) + ` PARTITION OF ` + newName + ` FOR VALUES FROM (` + bound(m) + `) TO (` + bound(m.AddDate(0, 1, 0)) + `)`
		if _, err := t.tx.ExecContext(ctx, s); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", s, err)
		}
		parts++
	}
	list := strings.Join(names, ", ")
	res, err := t.tx.ExecContext(ctx, `INSERT INTO `+newName+` (`+list+`) SELECT `+list+` FROM `+table)
	if err != nil {
		return 0, 0, fmt.Errorf("copy rows: %w", err)
	}
	rows, _ = res.RowsAffected()

	// Keys, indexes, constraints and triggers, under their old names once
	// the old table is gone; indexes are built after the rows went in.
	steps = []string{`DROP TABLE ` + table, `ALTER TABLE ` + newName + ` RENAME TO ` + table}
	if identity != "" {
		steps = append(steps,
			`CREATE SEQUENCE `+seq+` AS bigint OWNED BY `+table+`.`+identity,
			fmt.Sprintf(`SELECT setval('%s', %d, %t)`, seq, seqLast, seqCalled),
			`ALTER TABLE `+table+` ALTER COLUMN `+identity+` SET DEFAULT nextval('`+seq+`')`)
	}
	if pkName != "" {
		if !slices.Contains(strings.Split(pk, ", "), col) {
			pk += ", " + col
		}
		steps = append(steps, `ALTER TABLE `+table+` ADD CONSTRAINT `+pkName+` PRIMARY KEY (`+pk+`)`)
	}
	steps = append(steps, checks...)
	steps = append(steps, indexes...)
	steps = append(steps, triggers...)
	if keyOnce {
		steps = append(steps,
			`CREATE TABLE IF NOT EXISTS notification_keys (key TEXT PRIMARY KEY)`,
			`INSERT INTO notification_keys (key) SELECT key FROM notifications ON CONFLICT DO NOTHING`,
			`CREATE OR REPLACE FUNCTION notifications_key_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_keys (key) VALUES (NEW.key) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN RETURN NULL; END IF;
  RETURN NEW;
END $$`,
			`CREATE TRIGGER notifications_key_once BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION notifications_key_once()`)
	}
	steps = append(steps, `ANALYZE `+table)
	for _, s := range steps {
		if _, err := t.tx.ExecContext(ctx, s); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", s, err)
		}
	}
	return rows, parts, nil
}
