-- Lists paged by cursor alone (issue 12), session 2026-12-07 (sixth):
-- docs/operations.md "Lists paged by cursor alone".
--
-- The bulletins list (staff, the portal's /bulletins and the API) reads
-- newest period first by cursor (store.BulletinOrder): the portal's reads
-- the published ones alone, whose index says WHERE published word for word
-- as the query does.
CREATE INDEX bulletins_scale_list ON bulletins(period_end, id);
CREATE INDEX bulletins_scale_public ON bulletins(period_end, id) WHERE published;
-- A staff member's in-app notices (站内通知), newest first by cursor
-- (store.InboxOrder): the in-app rows alone, not the e-mail copies that
-- share the account's notifications_user range.
CREATE INDEX notifications_scale_inbox ON notifications(user_id, id) WHERE channel = 'inapp';
-- The task queues' one count (store.countTasks) reads a region's range of
-- its open tasks' region code (migration 099) and the list checks each
-- case's: an open task's region code now follows its case's, so both hold
-- the same tasks. Open tasks whose case moved since are set right first.
UPDATE callback_tasks SET region_code = (SELECT c.region_code FROM cases c WHERE c.id = callback_tasks.case_id)
 WHERE state = 'open' AND region_code <> (SELECT c.region_code FROM cases c WHERE c.id = callback_tasks.case_id);
UPDATE follow_ups SET region_code = (SELECT c.region_code FROM cases c WHERE c.id = follow_ups.case_id)
 WHERE state = 'open' AND region_code <> (SELECT c.region_code FROM cases c WHERE c.id = follow_ups.case_id);
CREATE TRIGGER tasks_scale_region AFTER UPDATE OF region_code ON cases
WHEN OLD.region_code IS NOT NEW.region_code
BEGIN
  UPDATE callback_tasks SET region_code = NEW.region_code WHERE case_id = NEW.id AND state = 'open';
  UPDATE follow_ups SET region_code = NEW.region_code WHERE reply_id IN (SELECT id FROM replies WHERE case_id = NEW.id) AND state = 'open';
END;
