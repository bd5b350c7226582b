-- Province scale (issue 12), the sweep with nothing due: docs/operations.md
-- "Deadline sweep", session 2026-12-07 (seventh). After a clean run the
-- escalation and call-back steps read the cases changed since it
-- (store.CasesChangedSince: id and status where updated_at >= the mark):
-- with the status in the index that read never leaves it. The index keeps
-- the order of cases_updated, which it replaces (updated_at, then id, as
-- SQLite's rowid made it): the case list sorted by last update (最近更新,
-- ORDER BY updated_at DESC, id DESC) walks it and stops after its page.
CREATE INDEX cases_updated_status ON cases(updated_at, id, status);
DROP INDEX cases_updated;
