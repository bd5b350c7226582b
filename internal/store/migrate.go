package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies the embedded migrations that have not run yet, each in its
// own transaction, and records them in schema_migrations. It returns how many ran.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	// Under the migrations' lock: two servers starting together on a fresh
	// PostgreSQL database would otherwise race on CREATE TABLE IF NOT EXISTS.
	err := db.Write(ctx, func(tx *Tx) error {
		if err := tx.Lock(ctx, "zhitong:migrations"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("create schema_migrations: %w", err)
	}
	dir := "migrations/" + string(db.dialect)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return 0, err
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	ran := 0
	for _, e := range entries {
		name := e.Name()
		version, err := strconv.Atoi(strings.SplitN(name, "_", 2)[0])
		if err != nil {
			return ran, fmt.Errorf("migration %s: name must start with a number", name)
		}
		body, err := migrations.ReadFile(dir + "/" + name)
		if err != nil {
			return ran, err
		}
		applied := false
		err = db.Write(ctx, func(tx *Tx) error {
			// Two servers starting together must not both migrate. The
			// lock is per schema (it was one for the whole database, so
			// deployments or tests in other schemas waited for each other).
			if err := tx.Lock(ctx, "zhitong:migrations"); err != nil {
				return err
			}
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("migration %s: %w", name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, name)
			applied = true
			return err
		})
		if err != nil {
			return ran, err
		}
		if applied {
			ran++
		}
	}
	// A bulk load (zhitong seed) killed before it rebuilt the indexes it
	// dropped: every command that opens the database builds them first.
	if _, err := db.RestoreBulkIndexes(ctx, nil); err != nil {
		return ran, err
	}
	return ran, nil
}
