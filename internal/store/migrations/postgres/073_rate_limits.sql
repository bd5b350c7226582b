-- Rate limits kept in the database, so that they hold across several
-- servers on one database (internal/server/limit.go, docs/operations.md).
-- One row per key (a limit and a hashed client address or account name):
-- the count of the current fixed window (win = unix time / window length)
-- and of the one before it, from which a sliding-window estimate is made.
-- Every counted request is one upsert; rows idle past expires (unix
-- seconds) are deleted on the fly. UNLOGGED: counters need no WAL (a crash
-- of the database forgives everyone, which is acceptable for a guard
-- against scripts) and are not replicated to a read replica.
CREATE UNLOGGED TABLE rate_limits (
  key      TEXT PRIMARY KEY,
  win      BIGINT NOT NULL,
  hits     INTEGER NOT NULL,
  prev     INTEGER NOT NULL,
  expires  BIGINT NOT NULL
);
