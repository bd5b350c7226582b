-- Core schema of the closed loop. Timestamps are TEXT in one fixed UTC
-- format (2006-01-02T15:04:05.000000Z) and dates TEXT YYYY-MM-DD, so the same
-- comparisons work on SQLite and PostgreSQL.

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE regions (
  code        TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  parent_code TEXT NOT NULL,
  level       INTEGER NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE categories (
  code     TEXT PRIMARY KEY,
  name     TEXT NOT NULL UNIQUE,
  due_days INTEGER NOT NULL,
  grp      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE stations (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  region_code TEXT NOT NULL REFERENCES regions(code),
  kind        TEXT NOT NULL DEFAULT 'fixed',
  address     TEXT NOT NULL DEFAULT '',
  hours       TEXT NOT NULL DEFAULT '',
  theme       TEXT NOT NULL DEFAULT '',
  lat         REAL NOT NULL DEFAULT 0,
  lng         REAL NOT NULL DEFAULT 0,
  demo        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE units (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL,
  region_code TEXT NOT NULL REFERENCES regions(code),
  demo        BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE deputies (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  levels       TEXT NOT NULL,
  region_code  TEXT NOT NULL REFERENCES regions(code),
  constituency TEXT NOT NULL DEFAULT '',
  station_id   BIGINT REFERENCES stations(id),
  pledge       TEXT NOT NULL DEFAULT '',
  demo         BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  role          TEXT NOT NULL,
  region_code   TEXT NOT NULL DEFAULT '',
  station_id    BIGINT REFERENCES stations(id),
  unit_id       BIGINT REFERENCES units(id),
  deputy_id     BIGINT REFERENCES deputies(id),
  password_hash TEXT NOT NULL,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until  TEXT NOT NULL DEFAULT '',
  disabled      BOOLEAN NOT NULL DEFAULT FALSE,
  created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
  token  TEXT PRIMARY KEY,
  data   BLOB NOT NULL,
  expiry TEXT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);

CREATE TABLE api_tokens (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  token_hash  TEXT NOT NULL UNIQUE,
  role        TEXT NOT NULL,
  region_code TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  revoked     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE proposals (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL,
  body        TEXT NOT NULL DEFAULT '',
  deputy_id   BIGINT REFERENCES deputies(id),
  region_code TEXT NOT NULL,
  state       TEXT NOT NULL DEFAULT 'open',
  created_at  TEXT NOT NULL,
  created_by  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE cases (
  id              INTEGER PRIMARY KEY,
  code            TEXT NOT NULL UNIQUE,
  channel         TEXT NOT NULL,
  status          TEXT NOT NULL,
  version         INTEGER NOT NULL DEFAULT 1,
  round           INTEGER NOT NULL DEFAULT 1,
  title           TEXT NOT NULL,
  body            TEXT NOT NULL,
  category_code   TEXT REFERENCES categories(code),
  region_code     TEXT NOT NULL,
  station_id      BIGINT REFERENCES stations(id),
  deputy_id       BIGINT REFERENCES deputies(id),
  place           TEXT NOT NULL DEFAULT '',
  lat             REAL NOT NULL DEFAULT 0,
  lng             REAL NOT NULL DEFAULT 0,
  anonymous       BOOLEAN NOT NULL DEFAULT FALSE,
  name_enc        TEXT NOT NULL DEFAULT '',
  phone_enc       TEXT NOT NULL DEFAULT '',
  phone_idx       TEXT NOT NULL DEFAULT '',
  idcard_enc      TEXT NOT NULL DEFAULT '',
  address_enc     TEXT NOT NULL DEFAULT '',
  external_id     TEXT NOT NULL DEFAULT '',
  submitted_at    TEXT NOT NULL,
  registered_at   TEXT NOT NULL DEFAULT '',
  due_from        TEXT NOT NULL DEFAULT '',
  due_days        INTEGER NOT NULL DEFAULT 0,
  due_date        TEXT NOT NULL DEFAULT '',
  due_provisional BOOLEAN NOT NULL DEFAULT FALSE,
  lead_unit_id    BIGINT REFERENCES units(id),
  answer          TEXT NOT NULL DEFAULT '',
  decline_reason  TEXT NOT NULL DEFAULT '',
  merged_into     BIGINT REFERENCES cases(id),
  proposal_id     BIGINT REFERENCES proposals(id),
  referral_dest   TEXT NOT NULL DEFAULT '',
  referral_result TEXT NOT NULL DEFAULT '',
  resolution      TEXT NOT NULL DEFAULT '',
  closing_note    TEXT NOT NULL DEFAULT '',
  closed_at       TEXT NOT NULL DEFAULT '',
  archived_at     TEXT NOT NULL DEFAULT '',
  updated_at      TEXT NOT NULL,
  created_by      BIGINT NOT NULL DEFAULT 0,
  demo            BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX cases_status ON cases(status, due_date);
CREATE INDEX cases_region ON cases(region_code, submitted_at);
CREATE INDEX cases_station ON cases(station_id);
CREATE INDEX cases_deputy ON cases(deputy_id);
CREATE INDEX cases_phone ON cases(phone_idx);
CREATE INDEX cases_submitted ON cases(submitted_at);
CREATE UNIQUE INDEX cases_external ON cases(channel, external_id) WHERE external_id <> '';

CREATE TABLE assignments (
  id            INTEGER PRIMARY KEY,
  case_id       BIGINT NOT NULL REFERENCES cases(id),
  unit_id       BIGINT NOT NULL REFERENCES units(id),
  lead          BOOLEAN NOT NULL,
  round         INTEGER NOT NULL,
  due_date      TEXT NOT NULL,
  state         TEXT NOT NULL,
  assigned_at   TEXT NOT NULL,
  accepted_at   TEXT NOT NULL DEFAULT '',
  returned_at   TEXT NOT NULL DEFAULT '',
  return_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX assignments_case ON assignments(case_id);
CREATE INDEX assignments_unit ON assignments(unit_id, state);

CREATE TABLE extensions (
  id           INTEGER PRIMARY KEY,
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  unit_id      BIGINT NOT NULL REFERENCES units(id),
  days         INTEGER NOT NULL,
  reason       TEXT NOT NULL,
  state        TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  decided_at   TEXT NOT NULL DEFAULT '',
  decided_by   BIGINT NOT NULL DEFAULT 0,
  note         TEXT NOT NULL DEFAULT '',
  new_due      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX extensions_case ON extensions(case_id);

CREATE TABLE replies (
  id           INTEGER PRIMARY KEY,
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  round        INTEGER NOT NULL,
  unit_id      BIGINT REFERENCES units(id),
  proposal_id  BIGINT REFERENCES proposals(id),
  outcome      TEXT NOT NULL,
  text         TEXT NOT NULL,
  planned_date TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL DEFAULT '',
  at           TEXT NOT NULL,
  by_user      BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX replies_case ON replies(case_id, round);

CREATE TABLE deliveries (
  id        INTEGER PRIMARY KEY,
  reply_id  BIGINT NOT NULL REFERENCES replies(id),
  recipient TEXT NOT NULL,
  channel   TEXT NOT NULL,
  at        TEXT NOT NULL,
  note      TEXT NOT NULL DEFAULT '',
  by_user   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX deliveries_reply ON deliveries(reply_id);

CREATE TABLE evaluations (
  id       INTEGER PRIMARY KEY,
  case_id  BIGINT NOT NULL REFERENCES cases(id),
  round    INTEGER NOT NULL,
  rating   TEXT NOT NULL,
  comment  TEXT NOT NULL DEFAULT '',
  callback BOOLEAN NOT NULL DEFAULT FALSE,
  at       TEXT NOT NULL,
  by_user  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX evaluations_case ON evaluations(case_id, round);

CREATE TABLE case_events (
  id          INTEGER PRIMARY KEY,
  case_id     BIGINT NOT NULL REFERENCES cases(id),
  at          TEXT NOT NULL,
  actor_id    BIGINT NOT NULL DEFAULT 0,
  actor_name  TEXT NOT NULL,
  action      TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',
  to_status   TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  public      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- The audit log is append-only and hash-chained with SM3: each row's hash
-- covers the previous row's hash, so altering or deleting a row breaks the chain.
CREATE TABLE audit_log (
  seq       BIGINT PRIMARY KEY,
  at        TEXT NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  object    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash      TEXT NOT NULL
);
-- audit_head serialises writers to the chain (one row, updated in the same
-- transaction as the entry).
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE TABLE holidays (
  date TEXT PRIMARY KEY,
  off  BOOLEAN NOT NULL,
  name TEXT NOT NULL,
  year INTEGER NOT NULL
);
CREATE TABLE calendar_years (year INTEGER PRIMARY KEY, source TEXT NOT NULL, loaded_at TEXT NOT NULL);
