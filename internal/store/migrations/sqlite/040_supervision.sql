-- Deadlines with teeth (issue 5): the case kind that picks a deadline,
-- proposal deadlines, and the records escalation, bulletins, call-backs and
-- follow-ups leave. The deadline policy itself is JSON in meta
-- ('deadline_policy'), written by committee staff.

-- kind is the nature of the request (诉求类型): consultation, help,
-- complaint, suggestion, or '' when not classified.
ALTER TABLE cases ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN due_date TEXT NOT NULL DEFAULT '';
ALTER TABLE proposals ADD COLUMN complex BOOLEAN NOT NULL DEFAULT FALSE;

-- A supervision letter (督办函), numbered per year: 定人大督〔2026〕12号.
CREATE TABLE supervision_letters (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,
  year         INTEGER NOT NULL,
  seq          INTEGER NOT NULL,
  case_id      BIGINT NOT NULL REFERENCES cases(id),
  unit_id      BIGINT REFERENCES units(id),
  round        INTEGER NOT NULL,
  due_date     TEXT NOT NULL,
  overdue_days INTEGER NOT NULL,
  issued_at    TEXT NOT NULL,
  body         TEXT NOT NULL,
  UNIQUE (year, seq)
);
CREATE INDEX supervision_letters_case ON supervision_letters(case_id);

-- Every supervision action on a case, automatic (by_user 0) or by staff.
-- key makes an automatic action happen once: NULL for manual ones.
CREATE TABLE supervision_actions (
  id        INTEGER PRIMARY KEY,
  case_id   BIGINT NOT NULL REFERENCES cases(id),
  round     INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  level     TEXT NOT NULL,
  at        TEXT NOT NULL,
  note      TEXT NOT NULL DEFAULT '',
  letter_id BIGINT REFERENCES supervision_letters(id),
  by_user   BIGINT NOT NULL DEFAULT 0,
  key       TEXT UNIQUE
);
CREATE INDEX supervision_actions_case ON supervision_actions(case_id, round, id);

-- A progress bulletin (通报) for one period; rows hold its numbers as they
-- were when it was generated.
CREATE TABLE bulletins (
  id           INTEGER PRIMARY KEY,
  period       TEXT NOT NULL,
  period_start TEXT NOT NULL,
  period_end   TEXT NOT NULL,
  region_code  TEXT NOT NULL,
  generated_at TEXT NOT NULL,
  published    BOOLEAN NOT NULL DEFAULT FALSE,
  published_at TEXT NOT NULL DEFAULT '',
  UNIQUE (period, period_start, region_code)
);
CREATE TABLE bulletin_rows (
  id               INTEGER PRIMARY KEY,
  bulletin_id      BIGINT NOT NULL REFERENCES bulletins(id),
  scope            TEXT NOT NULL,
  ref              TEXT NOT NULL,
  name             TEXT NOT NULL,
  assigned         INTEGER NOT NULL,
  accepted_in_time INTEGER NOT NULL,
  replied          INTEGER NOT NULL,
  replied_on_time  INTEGER NOT NULL,
  overdue          INTEGER NOT NULL,
  listed           INTEGER NOT NULL,
  solved           INTEGER NOT NULL,
  evaluated        INTEGER NOT NULL,
  satisfied        INTEGER NOT NULL,
  rehandled        INTEGER NOT NULL
);
CREATE INDEX bulletin_rows_bulletin ON bulletin_rows(bulletin_id, scope, id);

-- A call-back task (回访): the citizen has not evaluated a delivered reply.
CREATE TABLE callback_tasks (
  id         INTEGER PRIMARY KEY,
  case_id    BIGINT NOT NULL REFERENCES cases(id),
  round      INTEGER NOT NULL,
  due_date   TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'open',
  tries      INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  closed_at  TEXT NOT NULL DEFAULT '',
  UNIQUE (case_id, round)
);
CREATE INDEX callback_tasks_state ON callback_tasks(state, due_date);

-- A follow-up task (跟踪问效) on a B or C reply's promised date.
CREATE TABLE follow_ups (
  id         INTEGER PRIMARY KEY,
  case_id    BIGINT NOT NULL REFERENCES cases(id),
  reply_id   BIGINT NOT NULL REFERENCES replies(id),
  due_date   TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'open',
  result     TEXT NOT NULL DEFAULT '',
  note       TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  done_at    TEXT NOT NULL DEFAULT '',
  done_by    BIGINT NOT NULL DEFAULT 0,
  UNIQUE (reply_id, due_date)
);
CREATE INDEX follow_ups_state ON follow_ups(state, due_date);
