-- Public text confirmed by staff (issue 11, docs/publication.md): nothing a
-- case's title or public summary says reaches the results board until staff
-- have seen the masked text next to the original and confirmed it. The row
-- holds the text exactly as confirmed, for the reply it describes: a later
-- reply (re-handling) takes the case off the board until it is confirmed again.
CREATE TABLE publications (
  case_id      INTEGER PRIMARY KEY REFERENCES cases(id),
  reply_id     INTEGER NOT NULL REFERENCES replies(id),
  title        TEXT NOT NULL,
  summary      TEXT NOT NULL,
  confirmed_by INTEGER NOT NULL DEFAULT 0,
  confirmed_at TEXT NOT NULL
);
CREATE INDEX publications_reply ON publications(reply_id);
