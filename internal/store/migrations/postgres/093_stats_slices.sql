-- Statistics pre-aggregated per slice (internal/stats/freeze.go,
-- docs/statistics.md "Speed"): each day is settled as it ends into one row
-- per (day, scope, slice, key) — scope is the viewer's region at one of the
-- levels a dashboard is asked for ('' deployment, 2, 4, 6, 9 digits),
-- slice one of stats.Slices ('' total, key 'all'), key the slice's row —
-- with the counts of measure.Counts in the order of the columns. overdue
-- is the day's stock at its end; month rows (span YYYY-MM, written when
-- every day of the month is final) sum the flows and keep overdue 0.
-- through is the day up to which later completions (registered or
-- accepted in time) are in the row; the dashboard adds those after it live.
-- Replaces the full cube of 077 (stat_settled, stat_spans).
DROP TABLE stat_settled;
DROP TABLE stat_spans;
CREATE TABLE stats_slice_rows (
  span               TEXT NOT NULL,
  scope              TEXT NOT NULL,
  slice              TEXT NOT NULL,
  row_key            TEXT NOT NULL,
  through            TEXT NOT NULL,
  received           INTEGER NOT NULL,
  registered_in_time INTEGER NOT NULL,
  assigned           INTEGER NOT NULL,
  accepted_in_time   INTEGER NOT NULL,
  replied            INTEGER NOT NULL,
  replied_on_time    INTEGER NOT NULL,
  solved             INTEGER NOT NULL,
  evaluated          INTEGER NOT NULL,
  satisfied          INTEGER NOT NULL,
  called_back        INTEGER NOT NULL,
  rehandled          INTEGER NOT NULL,
  listed             INTEGER NOT NULL,
  reply_days         INTEGER NOT NULL,
  overdue            INTEGER NOT NULL,
  PRIMARY KEY (scope, slice, span, row_key)
);
CREATE INDEX stats_slice_rows_span ON stats_slice_rows(span);
-- Every settled span (a day, or a month summed from its final days).
CREATE TABLE stats_slice_spans (
  span       TEXT PRIMARY KEY,
  through    TEXT NOT NULL,
  settled_at TEXT NOT NULL,
  rows       INTEGER NOT NULL
);
-- The last day settled (one row): every day up to it is in stats_slice_rows.
CREATE TABLE stats_slice_mark (
  id      INTEGER PRIMARY KEY,
  through TEXT NOT NULL
);
-- Completions after the last settled day, read live: registrations and
-- acceptances by their time.
CREATE INDEX stats_cases_registered ON cases(registered_at);
CREATE INDEX stats_assignments_accepted ON assignments(accepted_at);
