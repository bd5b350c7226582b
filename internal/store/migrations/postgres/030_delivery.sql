-- Delivery of the outbox (internal/app/deliver.go).
-- claimed_at: when a sender took the row (status 'sending'); a row left
-- 'sending' longer than the lease belongs to a process that died mid-send.
-- provider_id: the SMS provider's id for the message (BizId / SerialNo).
ALTER TABLE notifications ADD COLUMN claimed_at TEXT NOT NULL DEFAULT '';
ALTER TABLE notifications ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
CREATE INDEX notifications_inbox ON notifications(user_id, channel, read_at);

-- Staff-edited texts of the notification templates; a template without a
-- row here uses the default shipped in the code.
CREATE TABLE notification_templates (
  name        TEXT PRIMARY KEY,
  body        TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  updated_by  TEXT NOT NULL
);

-- Citizens who asked for no more text messages, by the blind index of
-- their phone number (internal/pii), so the number itself is not kept here.
CREATE TABLE sms_optouts (
  phone_idx   TEXT PRIMARY KEY,
  source      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- A staff member's address for e-mail notices (optional).
ALTER TABLE users ADD COLUMN email TEXT NOT NULL DEFAULT '';
