-- Key rotation (docs/operations.md, `zhitong key rotate`) re-seals every
-- sealed value and recomputes every blind index, which needs the plain
-- value: an SMS opt-out now keeps the phone sealed beside its blind index
-- (phone_enc, SM4-GCM), and gets an integer id the rotation walks in order
-- (its phone_idx changes under a new key). Rows from before keep
-- phone_enc empty; the rotation finds their phone in cases, appointments or
-- deputies. The key's check value lives in meta (key_check,
-- key_check_previous during a rotation).
CREATE TABLE sms_optouts_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  phone_idx   TEXT NOT NULL UNIQUE,
  phone_enc   TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
INSERT INTO sms_optouts_new (phone_idx, source, created_at) SELECT phone_idx, source, created_at FROM sms_optouts ORDER BY created_at, phone_idx;
DROP TABLE sms_optouts;
ALTER TABLE sms_optouts_new RENAME TO sms_optouts;
