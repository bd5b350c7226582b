-- Issue #11, audit: the chain is keyed (HMAC-SM3 under the audit key, which
-- the database holds only sealed under the master key; see docs/audit.md).
-- audit_key has one row; the first start after this migration fills it
-- (store.LoadAuditKey): keyed_from is the first entry under the key, anchor
-- a keyed checkpoint over the link of the entry before it, so the entries
-- written before stay verifiable. pruned_* is the checkpoint of the last
-- entry removed after the retention period (zhitong audit prune).
CREATE TABLE audit_key (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  sealed         TEXT NOT NULL DEFAULT '',
  keyed_from     BIGINT NOT NULL DEFAULT 0,
  anchor         TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL DEFAULT '',
  pruned_through BIGINT NOT NULL DEFAULT 0,
  pruned_hash    TEXT NOT NULL DEFAULT '',
  pruned_mac     TEXT NOT NULL DEFAULT ''
);
INSERT INTO audit_key (id) VALUES (1);

-- Each entry records the jurisdiction of its object and of its actor: an
-- auditor sees the entries where either lies in their region subtree.
-- Existing entries get theirs from the rows they name (not covered by their
-- old unkeyed links; new entries' keyed links cover both).
ALTER TABLE audit_log ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN actor_region TEXT NOT NULL DEFAULT '';
DROP TRIGGER audit_log_no_update;
UPDATE audit_log SET region = COALESCE(CASE
  WHEN object LIKE 'region:%' THEN substr(object, 8)
  WHEN object LIKE 'case:%' THEN (SELECT region_code FROM cases WHERE id = CAST(substr(audit_log.object, 6) AS INTEGER))
  WHEN object LIKE 'user:%' THEN (SELECT region_code FROM users WHERE id = CAST(substr(audit_log.object, 6) AS INTEGER))
  WHEN object LIKE 'unit:%' THEN (SELECT region_code FROM units WHERE id = CAST(substr(audit_log.object, 6) AS INTEGER))
  WHEN object LIKE 'station:%' THEN (SELECT region_code FROM stations WHERE id = CAST(substr(audit_log.object, 9) AS INTEGER))
  WHEN object LIKE 'deputy:%' THEN (SELECT region_code FROM deputies WHERE id = CAST(substr(audit_log.object, 8) AS INTEGER))
  WHEN object LIKE 'token:%' THEN (SELECT region_code FROM api_tokens WHERE id = CAST(substr(audit_log.object, 7) AS INTEGER))
  WHEN object LIKE 'proposal:%' THEN (SELECT region_code FROM proposals WHERE id = CAST(substr(audit_log.object, 10) AS INTEGER))
  WHEN object LIKE 'bulletin:%' THEN (SELECT region_code FROM bulletins WHERE id = CAST(substr(audit_log.object, 10) AS INTEGER))
  END, ''),
  actor_region = COALESCE(CASE
  WHEN actor LIKE 'user:%' THEN (SELECT region_code FROM users WHERE id = CAST(substr(audit_log.actor, 6) AS INTEGER))
  WHEN actor LIKE 'token:%' THEN (SELECT region_code FROM api_tokens WHERE id = CAST(substr(audit_log.actor, 7) AS INTEGER))
  END, '');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- Deleting is refused except for entries up to the pruning checkpoint,
-- which zhitong audit prune moves in the same transaction.
DROP TRIGGER audit_log_no_delete;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
  WHEN OLD.seq > (SELECT pruned_through FROM audit_key WHERE id = 1)
  BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE INDEX audit_log_region ON audit_log(region, seq);
CREATE INDEX audit_log_actor_region ON audit_log(actor_region, seq);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object, seq);

-- Two-person rule: a security administrator's request to create another
-- security administrator, or to make an account one, waits for a second
-- person's decision (internal/accounts/requests.go).
CREATE TABLE account_requests (
  id           INTEGER PRIMARY KEY,
  kind         TEXT NOT NULL,               -- create, promote
  user_id      BIGINT NOT NULL DEFAULT 0,   -- promote: the account
  username     TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  region_code  TEXT NOT NULL,
  requested_by BIGINT NOT NULL,
  requested_at TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending', -- pending, approved, rejected, cancelled
  decided_by   BIGINT NOT NULL DEFAULT 0,
  decided_at   TEXT NOT NULL DEFAULT '',
  note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX account_requests_status ON account_requests(status, region_code);
