-- The duty roster (轮值): where a phone said it was at check-in, who
-- recorded a check-in on a deputy's behalf (补登), and deputies' swap
-- requests (换班/代班). A swap names the duties by id and copies their
-- deputy and day, so approval can tell that they are unchanged; there is no
-- foreign key because regenerating a roster deletes planned duties.
ALTER TABLE duties ADD COLUMN lat REAL NOT NULL DEFAULT 0;
ALTER TABLE duties ADD COLUMN lng REAL NOT NULL DEFAULT 0;
ALTER TABLE duties ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';

CREATE TABLE duty_swaps (
  id               INTEGER PRIMARY KEY,
  station_id       BIGINT NOT NULL REFERENCES stations(id),
  kind             TEXT NOT NULL,
  duty_id          BIGINT NOT NULL,
  deputy_id        BIGINT NOT NULL REFERENCES deputies(id),
  day              TEXT NOT NULL,
  target_duty_id   BIGINT NOT NULL DEFAULT 0,
  target_deputy_id BIGINT NOT NULL REFERENCES deputies(id),
  target_day       TEXT NOT NULL DEFAULT '',
  reason           TEXT NOT NULL DEFAULT '',
  status           TEXT NOT NULL DEFAULT 'pending',
  created_at       TEXT NOT NULL,
  created_by       BIGINT NOT NULL DEFAULT 0,
  decided_at       TEXT NOT NULL DEFAULT '',
  decided_by       TEXT NOT NULL DEFAULT '',
  decision_note    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX duty_swaps_station ON duty_swaps(station_id, status);
CREATE INDEX duty_swaps_deputy ON duty_swaps(deputy_id);
CREATE INDEX duty_swaps_target ON duty_swaps(target_deputy_id);
