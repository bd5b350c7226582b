-- Photos citizens attach to a case. data holds the photo sealed with SM4-GCM
-- (personal data at rest), size the plain byte count, created_at the fixed
-- UTC text format of every other timestamp.
CREATE TABLE attachments (
  id           INTEGER PRIMARY KEY,
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  content_type TEXT NOT NULL,
  size         INTEGER NOT NULL,
  data         BLOB NOT NULL,
  created_at   TEXT NOT NULL
);
CREATE INDEX attachments_case ON attachments(case_id, id);
