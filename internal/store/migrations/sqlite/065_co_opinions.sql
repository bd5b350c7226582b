-- Every role can do its duty (issue 10, docs/supervision.md): co-handling
-- units' opinions to the lead unit (协办意见), one per unit and round,
-- amended in place until the lead unit replies; and an index to count the
-- lead unit's phone reveals per person and day (case_events.action
-- 'reveal_phone').
CREATE TABLE co_opinions (
  id           INTEGER PRIMARY KEY,
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  round        INTEGER NOT NULL,
  unit_id      BIGINT NOT NULL REFERENCES units(id),
  text         TEXT NOT NULL,
  agrees       BOOLEAN NOT NULL DEFAULT FALSE,
  finished     BOOLEAN NOT NULL DEFAULT FALSE,
  submitted_at TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  by_user      BIGINT NOT NULL DEFAULT 0,
  revisions    INTEGER NOT NULL DEFAULT 1,
  UNIQUE (case_id, round, unit_id)
);
CREATE INDEX case_events_actor ON case_events(actor_id, action, at);
