-- Issue #12, the seeder's bulk path on PostgreSQL (internal/seed, docs/operations.md
-- "Seeding a large database"): a big seed drops the secondary indexes and
-- foreign keys of the tables it loads and builds them again at the end. Each
-- dropped definition is recorded here in the transaction that drops it, so
-- that a seed killed half-way leaves what to rebuild: the next zhitong seed,
-- init, migrate or serve rebuilds them first (store.RestoreBulkIndexes). SQLite
-- never drops any; the table is here so both schemas stay alike.
CREATE TABLE seed_dropped (
  name       TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  kind       TEXT NOT NULL,
  def        TEXT NOT NULL,
  dropped_at TEXT NOT NULL
);
