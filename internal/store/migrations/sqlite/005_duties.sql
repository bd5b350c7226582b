-- A deputy's duty at a station on one reception day (轮值). The roster
-- writes planned rows; a check-in (进站) sets checked_in and checked_in_at;
-- a day that passed without one becomes no_show, or excused when staff
-- accept a reason. day is the China civil date, YYYY-MM-DD.
CREATE TABLE duties (
  id             INTEGER PRIMARY KEY,
  station_id     BIGINT NOT NULL REFERENCES stations(id),
  deputy_id      BIGINT NOT NULL REFERENCES deputies(id),
  day            TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'planned',
  checked_in_at  TEXT NOT NULL DEFAULT '',
  note           TEXT NOT NULL DEFAULT '',
  UNIQUE (station_id, deputy_id, day)
);
CREATE INDEX duties_deputy ON duties(deputy_id, day);
CREATE INDEX duties_day ON duties(day, station_id);
