-- Cases moved between the levels of congress of one deployment
-- (移交上级/下级人大, internal/levels, docs/levels.md).
--
-- cases.held_by: the region code of the organisation the case was last
-- moved to; '' while it never moved (the organisation governing its region
-- holds it). Staff outside that organisation's subtree read it only.
ALTER TABLE cases ADD COLUMN held_by TEXT NOT NULL DEFAULT '';
-- levels_transfers: every move, with who, why, from and to which
-- organisation (region codes), and the deadline it had before.
CREATE TABLE levels_transfers (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL REFERENCES cases(id),
  from_org    TEXT NOT NULL,
  to_org      TEXT NOT NULL,
  direction   TEXT NOT NULL,
  reason      TEXT NOT NULL,
  actor_id    INTEGER NOT NULL DEFAULT 0,
  actor_name  TEXT NOT NULL,
  due_before  TEXT NOT NULL DEFAULT '',
  at          TEXT NOT NULL
);
CREATE INDEX levels_transfers_case ON levels_transfers (case_id, id);
