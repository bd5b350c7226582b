-- Province scale (issue 12), the supervision list, the public results board
-- and the call-back sweep at 1,000,000 cases: docs/operations.md "Lists and
-- public pages at province scale", session 2026-12-07 (fifth).
--
-- The supervision list and its count read the running cases of a
-- jurisdiction, probe each for a supervision action of its current round
-- and sort by deadline: with the round in the index (cases_status was
-- (status, region_code, due_date)), no case row is read for that, only the
-- page's (store.ListSupervisedDue; index-only once vacuumed).
CREATE INDEX cases_scale_running ON cases(status, region_code, due_date) INCLUDE (id, round);
DROP INDEX cases_status;
-- The results board filtered by outcome (?outcome=C) walked the board
-- until it had a page of that outcome, computing each row's current outcome
-- (one C in eleven). The publication keeps its reply's current outcome
-- (store.CurrentOutcome: A once a follow-up found a B or C promise kept),
-- set when staff confirm it and when a follow-up is recorded solved
-- (store.SetPublicOutcome), and the board reads an index of it in board
-- order. Both board indexes carry the reply id, so skipping to a page (and
-- the check that no later reply took the case off the board) reads no
-- publication row.
ALTER TABLE publications ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
UPDATE publications SET outcome = COALESCE((SELECT CASE WHEN r.outcome IN ('B', 'C') AND EXISTS
 (SELECT 1 FROM follow_ups f WHERE f.reply_id = r.id AND f.result = 'solved') THEN 'A' ELSE r.outcome END
 FROM replies r WHERE r.id = publications.reply_id), '');
CREATE INDEX publications_scale_board ON publications(replied_at, case_id, reply_id);
CREATE INDEX publications_scale_outcome ON publications(outcome, replied_at, case_id, reply_id);
DROP INDEX publications_board;
-- The call-back sweep read every replied case (those with a call-back task
-- of their round included: all of them, over the years, until closed). A
-- case now records the round whose task was opened (callback_round, set by
-- store.Tx.InsertCallbackTask), and the sweep reads only the replied cases
-- without one: those replied in the last few working days and those due.
ALTER TABLE cases ADD COLUMN callback_round INTEGER NOT NULL DEFAULT 0;
UPDATE cases SET callback_round = (SELECT MAX(t.round) FROM callback_tasks t WHERE t.case_id = cases.id)
 WHERE id IN (SELECT case_id FROM callback_tasks);
CREATE INDEX cases_scale_callback ON cases(id) WHERE status = 'replied' AND phone_enc <> '' AND callback_round < round;
-- The follow-up sweep read every B and C reply whose promised date had
-- come (86,000 of them at 1,000,000 cases, 14 s cold), each probed for a
-- follow-up already opened: all of them over the years. A reply now says
-- when it needs no first follow-up any more (follow_done: one was opened,
-- store.Tx.InsertFollowUp, or a later reply of its case superseded it,
-- store.Tx.InsertReply), and the sweep reads the others only.
ALTER TABLE replies ADD COLUMN follow_done INTEGER NOT NULL DEFAULT 0;
UPDATE replies SET follow_done = 1 WHERE outcome IN ('B', 'C')
 AND (EXISTS (SELECT 1 FROM follow_ups f WHERE f.reply_id = replies.id)
  OR EXISTS (SELECT 1 FROM replies r2 WHERE r2.case_id = replies.case_id AND r2.id > replies.id));
CREATE INDEX replies_scale_followup ON replies(planned_date, at) WHERE outcome IN ('B', 'C') AND follow_done = 0;
-- The home's task queues (待回访, 待跟踪问效) counted every open task of
-- the deployment and read its case to keep the viewer's (2.4 s for an
-- officer's home with 153,000 open follow-ups at 1,000,000 cases). An open
-- task keeps its case's region code as it was when the task was opened,
-- and the count reads the jurisdiction's range of it
-- (store.CountOpenCallbacks, store.CountDueFollowUps), still checking
-- each case.
ALTER TABLE follow_ups ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
UPDATE follow_ups SET region_code = COALESCE((SELECT c.region_code FROM cases c WHERE c.id = follow_ups.case_id), '') WHERE state = 'open';
CREATE INDEX follow_ups_scale_open ON follow_ups(region_code, due_date) WHERE state = 'open';
ALTER TABLE callback_tasks ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
UPDATE callback_tasks SET region_code = COALESCE((SELECT c.region_code FROM cases c WHERE c.id = callback_tasks.case_id), '') WHERE state = 'open';
CREATE INDEX callback_tasks_scale_open ON callback_tasks(region_code) WHERE state = 'open';
-- The results board's "no later reply" probe per row (store.ListPublicResults)
-- reads the reply ids of the case from the index alone: replies_case holds
-- (case_id, round), and PostgreSQL fetched each reply row for its id (SQLite's
-- index carries the rowid).
CREATE INDEX replies_scale_later ON replies(case_id, id);
