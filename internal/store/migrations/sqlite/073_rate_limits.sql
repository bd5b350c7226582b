-- Rate limits kept in the database, so that they hold across several
-- servers on one database (internal/server/limit.go, docs/operations.md).
-- One row per key (a limit and a hashed client address or account name):
-- the count of the current fixed window (win = unix time / window length)
-- and of the one before it, from which a sliding-window estimate is made.
-- Every counted request is one upsert; rows idle past expires (unix
-- seconds) are deleted on the fly.
CREATE TABLE rate_limits (
  key      TEXT PRIMARY KEY,
  win      INTEGER NOT NULL,
  hits     INTEGER NOT NULL,
  prev     INTEGER NOT NULL,
  expires  INTEGER NOT NULL
);
