-- The last run of each periodic job the operator watches (app.SweepOnce
-- writes 'sweep'): when it finished, how many cases failed in it and the
-- first error, for GET /api/v1/health. One row per job, overwritten.
CREATE TABLE job_runs (
  name         TEXT PRIMARY KEY,
  finished_at  TEXT NOT NULL,
  errors       INTEGER NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT ''
);
