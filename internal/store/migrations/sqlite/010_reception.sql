-- A station's reception-day rules (接待日规则) and the exceptions that
-- cancel or move single days. days is a comma-separated list of day
-- numbers (solar 1–31 or lunar 1–30); date, day and moved_to are China
-- civil dates, YYYY-MM-DD.
CREATE TABLE reception_rules (
  id          INTEGER PRIMARY KEY,
  station_id  BIGINT NOT NULL REFERENCES stations(id),
  kind        TEXT NOT NULL,
  weekday     INTEGER NOT NULL DEFAULT 0,
  nth         INTEGER NOT NULL DEFAULT 0,
  days        TEXT NOT NULL DEFAULT '',
  date        TEXT NOT NULL DEFAULT '',
  holidays    TEXT NOT NULL DEFAULT 'skip',
  note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reception_rules_station ON reception_rules(station_id);

CREATE TABLE reception_exceptions (
  station_id  BIGINT NOT NULL REFERENCES stations(id),
  day         TEXT NOT NULL,
  moved_to    TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (station_id, day)
);
