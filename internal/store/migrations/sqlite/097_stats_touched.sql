-- Cases whose statistics dimensions changed after their days may have been
-- settled (internal/stats/freeze.go, docs/statistics.md "Exact slices"):
-- a case's region, station, deputy, category, channel or lead unit, an
-- assignment's unit, lead, due date, or being returned. The triggers catch
-- every write path; the dashboard reads the days those cases have facts on
-- (or may be in the overdue stock of) live, and the stats job settles them
-- again and deletes the entries it handled (by id).
CREATE TABLE stats_touched (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id BIGINT NOT NULL
);
CREATE TRIGGER stats_touched_case AFTER UPDATE OF region_code, station_id, deputy_id, category_code, channel, lead_unit_id ON cases
WHEN OLD.region_code IS NOT NEW.region_code OR OLD.station_id IS NOT NEW.station_id OR OLD.deputy_id IS NOT NEW.deputy_id
  OR OLD.category_code IS NOT NEW.category_code OR OLD.channel IS NOT NEW.channel OR OLD.lead_unit_id IS NOT NEW.lead_unit_id
BEGIN
  INSERT INTO stats_touched (case_id) VALUES (NEW.id);
END;
CREATE TRIGGER stats_touched_assignment AFTER UPDATE OF state, due_date, unit_id, lead ON assignments
WHEN (OLD.state = 'returned') IS NOT (NEW.state = 'returned') OR OLD.due_date IS NOT NEW.due_date
  OR OLD.unit_id IS NOT NEW.unit_id OR OLD.lead IS NOT NEW.lead
BEGIN
  INSERT INTO stats_touched (case_id) VALUES (NEW.case_id);
END;
