-- Second wave, accounts: a per-user session epoch ends every other session of
-- a user at once (disabled, password reset or changed): a session remembers
-- the epoch it was signed in under and is refused once the user's moved on.
-- API tokens record when they were last used (at most once a minute).
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
