-- Province scale (issue 12), lists and public pages: docs/operations.md
-- "Lists at a million cases".
--
-- The results board (办理公示) reads the confirmed publications newest
-- reply first and stops after its page: the reply's time is kept on the
-- publication, in an index in board order.
ALTER TABLE publications ADD COLUMN replied_at TEXT NOT NULL DEFAULT '';
UPDATE publications SET replied_at = COALESCE((SELECT r.at FROM replies r WHERE r.id = publications.reply_id), '');
CREATE INDEX publications_board ON publications(replied_at, case_id);
-- Cases bundled into a proposal (the supervision list and the proposal
-- pages look them up by proposal).
CREATE INDEX cases_proposal ON cases(proposal_id) WHERE proposal_id IS NOT NULL;
-- The case list sorted by last update (最近更新) walks this index and stops
-- after its page; it sorted the whole county before.
CREATE INDEX cases_updated ON cases(updated_at);
-- A reply's current outcome (store.CurrentOutcome) looks for a solved
-- follow-up of the reply on every row of the results board: without this
-- index, a scan of every follow-up per row.
CREATE INDEX follow_ups_reply ON follow_ups(reply_id);
