-- 专题调研 (research) and 集中视察 (inspection) earn points of their own
-- (docs/points.md). Both start from the old shared "activity" rule, which
-- from now on covers the other organised activities (座谈会 and others); the
-- ledger entries of existing surveys and inspections move to their new
-- events with their points unchanged. (Had the old rule a cap, the separate
-- caps count from the next rule change or recompute.) Reminders sent from
-- the inactivity list (约谈提醒) are kept in deputy_reminders.
INSERT INTO point_rules (event, points, cap, period, updated_at)
  SELECT 'research', points, cap, period, updated_at FROM point_rules WHERE event = 'activity';
INSERT INTO point_rules (event, points, cap, period, updated_at)
  SELECT 'inspection', points, cap, period, updated_at FROM point_rules WHERE event = 'activity';
UPDATE point_ledger SET event = 'research' WHERE event = 'activity'
  AND source IN (SELECT 'record:' || id FROM duty_records WHERE kind = 'activity' AND activity = 'survey');
UPDATE point_ledger SET event = 'inspection' WHERE event = 'activity'
  AND source IN (SELECT 'record:' || id FROM duty_records WHERE kind = 'activity' AND activity = 'inspection');

CREATE TABLE deputy_reminders (
  id         INTEGER PRIMARY KEY,
  deputy_id  BIGINT NOT NULL REFERENCES deputies(id),
  sent_at    TEXT NOT NULL,
  sent_by    BIGINT NOT NULL DEFAULT 0,
  note       TEXT NOT NULL DEFAULT '',
  days       INTEGER NOT NULL DEFAULT 0,
  notices    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX deputy_reminders_deputy ON deputy_reminders(deputy_id, sent_at);
