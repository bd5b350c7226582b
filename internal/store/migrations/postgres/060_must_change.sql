-- Second wave, set-up and administration: an account whose password was set
-- by someone else (zhitong init, a reset by the security administrator) must
-- choose its own at the next sign-in.
ALTER TABLE users ADD COLUMN must_change_password BOOLEAN NOT NULL DEFAULT FALSE;
