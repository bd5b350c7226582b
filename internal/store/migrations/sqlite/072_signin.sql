-- Issue #11, sign-in: TOTP two-factor (secret sealed under the master key,
-- aad "two_factor:secret:<user id>"), the last accepted time step (a code is
-- never accepted twice), one-time recovery codes kept as SM3 hashes, and
-- when each password was last set (password expiry; '' = created_at).
CREATE TABLE two_factor (
  user_id      INTEGER PRIMARY KEY REFERENCES users(id),
  secret       TEXT NOT NULL,
  confirmed_at TEXT NOT NULL DEFAULT '',
  last_step    INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT NOT NULL
);
CREATE TABLE recovery_codes (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id   INTEGER NOT NULL REFERENCES users(id),
  code_hash TEXT NOT NULL,
  used_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);
ALTER TABLE users ADD COLUMN password_changed_at TEXT NOT NULL DEFAULT '';
