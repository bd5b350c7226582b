-- The outbox: every message the system owes someone, written in the same
-- transaction as the change that causes it (app.notify), delivered later by
-- background jobs. key makes a notice idempotent: one row per key, ever.
-- recipient is 'citizen' (the case's submitter) or 'user:<id>' (a staff
-- account); channel is sms, email or inapp.
CREATE TABLE notifications (
  id          INTEGER PRIMARY KEY,
  key         TEXT NOT NULL UNIQUE,
  template    TEXT NOT NULL,
  channel     TEXT NOT NULL,
  recipient   TEXT NOT NULL,
  case_id     BIGINT REFERENCES cases(id),
  user_id     BIGINT REFERENCES users(id),
  vars        TEXT NOT NULL DEFAULT '{}',
  status      TEXT NOT NULL DEFAULT 'pending',
  not_before  TEXT NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  sent_at     TEXT NOT NULL DEFAULT '',
  read_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notifications_pending ON notifications(status, not_before);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_case ON notifications(case_id, id);
