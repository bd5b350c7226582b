-- Official documents (公文, internal/documents, docs/documents.md): 交办函,
-- 督办函, 答复函, 通报, 研判报告, 述职报告, issued with a document number
-- (发文字号) from one series per organisation, kind and year, and sealed
-- with the issuing organisation's SM2 key.

-- One signing key per organisation (region_code of organisations); the
-- private key sealed under the master key (App.Sealer()).
CREATE TABLE document_keys (
  id           INTEGER PRIMARY KEY,
  region_code  TEXT NOT NULL UNIQUE,
  public_pem   TEXT NOT NULL,
  private_enc  TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

-- The number prefix of a kind in an organisation (定人大交); none: the default.
CREATE TABLE document_prefixes (
  region_code  TEXT NOT NULL,
  kind         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  updated_by   INTEGER NOT NULL DEFAULT 0,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (region_code, kind)
);

-- The last number drawn per organisation, kind and year, incremented in
-- the issuing transaction: no gaps, no duplicates.
CREATE TABLE document_counters (
  region_code  TEXT NOT NULL,
  kind         TEXT NOT NULL,
  year         INTEGER NOT NULL,
  last         INTEGER NOT NULL,
  PRIMARY KEY (region_code, kind, year)
);

-- An issued document. content is the canonical JSON of the document
-- (layout.Doc) as signed: sm3 its SM3 digest, sig the SM2 signature of the
-- digest by key_id. pdf is the sealed PDF (made once, on first need).
-- A correction is a new row whose supersedes_id names the old one.
CREATE TABLE documents (
  id             INTEGER PRIMARY KEY,
  region_code    TEXT NOT NULL,
  kind           TEXT NOT NULL,
  year           INTEGER NOT NULL,
  seq            INTEGER NOT NULL,
  number         TEXT NOT NULL,
  code           TEXT NOT NULL UNIQUE,
  source         TEXT NOT NULL DEFAULT '',
  unit_id        BIGINT NOT NULL DEFAULT 0,
  title          TEXT NOT NULL,
  content        TEXT NOT NULL,
  sm3            TEXT NOT NULL,
  sig            TEXT NOT NULL,
  key_id         BIGINT NOT NULL REFERENCES document_keys(id),
  pdf            BLOB,
  pdf_sm3        TEXT NOT NULL DEFAULT '',
  issued_by      BIGINT NOT NULL DEFAULT 0,
  issued_by_name TEXT NOT NULL DEFAULT '',
  issued_at      TEXT NOT NULL,
  supersedes_id  BIGINT NOT NULL DEFAULT 0,
  superseded_by  BIGINT NOT NULL DEFAULT 0,
  reason         TEXT NOT NULL DEFAULT '',
  UNIQUE (region_code, kind, year, seq),
  UNIQUE (region_code, number)
);
CREATE INDEX documents_number ON documents(number);
CREATE INDEX documents_list ON documents(region_code, issued_at);
-- A source (a supervision letter, a bulletin, a report) has one current document.
CREATE UNIQUE INDEX documents_source ON documents(source) WHERE source <> '' AND superseded_by = 0;

-- The cases a document is about (a 交办函 may cover a batch); current is
-- 0 once the document is superseded. ref is what the document answers for
-- the case: the lead unit's assignment (交办函; a case returned and
-- assigned again gets a new one), the reply (答复函). One current document
-- of a kind per case, round and ref.
CREATE TABLE document_cases (
  document_id  BIGINT NOT NULL REFERENCES documents(id),
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  kind         TEXT NOT NULL,
  round        INTEGER NOT NULL,
  ref          BIGINT NOT NULL DEFAULT 0,
  current      INTEGER NOT NULL DEFAULT 1,
  PRIMARY KEY (document_id, case_id)
);
CREATE INDEX document_cases_case ON document_cases(case_id);
CREATE UNIQUE INDEX document_cases_current ON document_cases(case_id, kind, round, ref) WHERE current = 1;
