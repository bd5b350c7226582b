-- Single sign-on (internal/sso, docs/sso.md): a staff account linked by the
-- security administrator to a subject of the province's identity service.
-- The subject is sealed; subject_idx is its blind index (kind sso_subject)
-- for the look-up at sign-in. One link per account and per subject.
CREATE TABLE sso_links (
  id          INTEGER PRIMARY KEY,
  issuer      TEXT NOT NULL,
  subject_enc TEXT NOT NULL,
  subject_idx TEXT NOT NULL,
  user_id     INTEGER NOT NULL UNIQUE REFERENCES users(id),
  created_by  INTEGER NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE UNIQUE INDEX sso_links_subject ON sso_links(issuer, subject_idx);
-- The client secret of the provider (the rest of the set-up is in meta
-- sso.config): one row, id 1, sealed (AAD sso:client_secret).
CREATE TABLE sso_secrets (
  id         INTEGER PRIMARY KEY,
  secret_enc TEXT NOT NULL
);
-- Cases a citizen submitted while signed in through the identity service
-- (我的意见): the citizen is known by their subject, sealed (so that a key
-- rotation can re-index it), and found by its blind index (kind
-- sso_citizen); nothing else of them is stored.
CREATE TABLE sso_citizen_cases (
  id          INTEGER PRIMARY KEY,
  case_id     INTEGER NOT NULL UNIQUE REFERENCES cases(id),
  issuer      TEXT NOT NULL,
  subject_enc TEXT NOT NULL,
  subject_idx TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX sso_citizen_cases_subject ON sso_citizen_cases(issuer, subject_idx, case_id);
