-- Deputies' duty records (接待记录, 调解纠纷, 组织活动), the duty-point rules
-- the county sets (履职积分), the ledger derived from the records, and the
-- reports to voters (述职) with their review (评议).
CREATE TABLE duty_records (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL,
  activity    TEXT NOT NULL DEFAULT '',
  day         TEXT NOT NULL,
  station_id  BIGINT REFERENCES stations(id),
  region_code TEXT NOT NULL,
  title       TEXT NOT NULL DEFAULT '',
  visitors    INTEGER NOT NULL DEFAULT 0,
  answered    TEXT NOT NULL DEFAULT '',
  result      TEXT NOT NULL DEFAULT '',
  others      TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  created_by  BIGINT NOT NULL DEFAULT 0,
  demo        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX duty_records_day ON duty_records(day, region_code);

CREATE TABLE duty_record_deputies (
  record_id BIGINT NOT NULL REFERENCES duty_records(id),
  deputy_id BIGINT NOT NULL REFERENCES deputies(id),
  PRIMARY KEY (record_id, deputy_id)
);
CREATE INDEX duty_record_deputies_deputy ON duty_record_deputies(deputy_id);

CREATE TABLE duty_record_cases (
  record_id BIGINT NOT NULL REFERENCES duty_records(id),
  case_id   BIGINT NOT NULL REFERENCES cases(id),
  PRIMARY KEY (record_id, case_id)
);
CREATE INDEX duty_record_cases_case ON duty_record_cases(case_id);

CREATE TABLE point_rules (
  event      TEXT PRIMARY KEY,
  points     INTEGER NOT NULL,
  cap        INTEGER NOT NULL DEFAULT 0,
  period     TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL DEFAULT ''
);
INSERT INTO point_rules (event, points, cap, period) VALUES
  ('visit', 5, 0, ''), ('proposal', 3, 0, ''), ('activity', 3, 0, ''),
  ('mediation', 2, 0, ''), ('case', 1, 10, 'month'), ('absence', -5, 0, '');

CREATE TABLE point_ledger (
  id        INTEGER PRIMARY KEY,
  deputy_id BIGINT NOT NULL REFERENCES deputies(id),
  event     TEXT NOT NULL,
  source    TEXT NOT NULL,
  day       TEXT NOT NULL,
  points    INTEGER NOT NULL,
  note      TEXT NOT NULL DEFAULT '',
  UNIQUE (deputy_id, event, source)
);
CREATE INDEX point_ledger_day ON point_ledger(day);

CREATE TABLE voter_reports (
  id          INTEGER PRIMARY KEY,
  deputy_id   BIGINT NOT NULL REFERENCES deputies(id),
  period_from TEXT NOT NULL,
  period_to   TEXT NOT NULL,
  narrative   TEXT NOT NULL DEFAULT '',
  present     INTEGER NOT NULL DEFAULT 0,
  satisfied   INTEGER NOT NULL DEFAULT 0,
  basic       INTEGER NOT NULL DEFAULT 0,
  unsatisfied INTEGER NOT NULL DEFAULT 0,
  updated_at  TEXT NOT NULL,
  updated_by  BIGINT NOT NULL DEFAULT 0,
  UNIQUE (deputy_id, period_from, period_to)
);
