-- Rate limits (internal/server/limit.go, docs/operations.md). On SQLite the
-- counters do not live in this file: they live in a file of their own
-- beside it, <database>-limits (store.limitsDB creates its table, the same
-- as PostgreSQL's rate_limits in migrations/postgres/073_rate_limits.sql).
-- Counters need no durability, and a second file has a write lock of its
-- own, so counting a request never waits for the fsync of a case being
-- committed here, and never holds up one. Several processes on one
-- machine share that file as they share this one. Nothing to migrate.
SELECT 1;
