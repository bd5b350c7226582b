-- Statistics (internal/stats, docs/statistics.md): the dashboard and the
-- bulletins load one period's events by their time, so each event table
-- gets an index on it; the overdue count reads the open assignments by state and due date.
CREATE INDEX assignments_assigned_at ON assignments(assigned_at);
CREATE INDEX assignments_open ON assignments(state, due_date);
CREATE INDEX replies_at ON replies(at);
CREATE INDEX evaluations_at ON evaluations(at);
CREATE INDEX follow_ups_done ON follow_ups(done_at);
CREATE INDEX supervision_actions_at ON supervision_actions(kind, at);

-- Settled spans, counted once (internal/stats/freeze.go): a month
-- (YYYY-MM) or a day (YYYY-MM-DD) whose counts can no longer change. Each
-- row is one combination of a case's dimensions with its counts
-- (measure.Counts, in the order of the columns); lead is false only for a
-- co-handling unit's assignment, which counts in the unit slice alone.
-- overdue is a day's stock at its end (lead assignments open and overdue),
-- not a flow: only day rows carry it, and it is never summed over days.
CREATE TABLE stat_settled (
  span               TEXT NOT NULL,
  region_code        TEXT NOT NULL,
  station_id         BIGINT NOT NULL,
  unit_id            BIGINT NOT NULL,
  category_code      TEXT NOT NULL,
  channel            TEXT NOT NULL,
  deputy_id          BIGINT NOT NULL,
  lead               BOOLEAN NOT NULL,
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
  overdue            INTEGER NOT NULL
);
CREATE INDEX stat_settled_span ON stat_settled(span, region_code);
CREATE TABLE stat_spans (
  span       TEXT PRIMARY KEY,
  settled_at TEXT NOT NULL,
  rows       INTEGER NOT NULL
);
