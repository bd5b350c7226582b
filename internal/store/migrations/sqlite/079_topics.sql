-- The analysis group's work (internal/topics, docs/analysis.md): analysis
-- opinions (研判意见) on an unsatisfied case or on a hot topic, proposing
-- re-handling (rehandle) or an explanation (explain), which the committee
-- decides (pending → accepted | rejected); and the periodic analysis
-- reports (研判报告), drafted from the data and edited by staff.
CREATE TABLE analysis_opinions (
  id           INTEGER PRIMARY KEY,
  region_code  TEXT NOT NULL,
  case_id      INTEGER REFERENCES cases(id),
  topic        TEXT NOT NULL DEFAULT '',
  period       TEXT NOT NULL DEFAULT '',
  proposal     TEXT NOT NULL,
  text         TEXT NOT NULL,
  author_id    INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  state        TEXT NOT NULL DEFAULT 'pending',
  decided_by   INTEGER NOT NULL DEFAULT 0,
  decided_at   TEXT NOT NULL DEFAULT '',
  reason       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX analysis_opinions_region ON analysis_opinions(region_code, state);
CREATE TABLE analysis_reports (
  id           INTEGER PRIMARY KEY,
  region_code  TEXT NOT NULL,
  period       TEXT NOT NULL,
  title        TEXT NOT NULL,
  body         TEXT NOT NULL,
  created_by   INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX analysis_reports_region ON analysis_reports(region_code);
