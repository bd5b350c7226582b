-- The station head's and the deputy's home pages (issue 12), session 2026-12-07
-- (seventh): docs/operations.md "Seventh session: pages".
--
-- A station head's home counts the station's cases of each queue
-- (submitted, registered or returned, due soon, overdue, unsatisfied):
-- cases_station held the station id alone, so each count read every case
-- of the station from the table (about 1,900 at 1,000,000 cases) to check
-- its status and due date. With both in the index each count is one range
-- of it (23 buffers at 1,000,000 cases on PostgreSQL); it serves every
-- look-up by station id the old one did.
CREATE INDEX cases_scale_station ON cases(station_id, status, due_date);
DROP INDEX cases_station;
-- A deputy's home counts their running cases and the supervised ones of
-- them: with cases_deputy PostgreSQL intersected the deputy's cases with
-- every running case of the deployment (cases_running_due, 50,653 entries
-- read, 374 ms) for 7 rows; now a range of a few entries (0.7 ms). It
-- serves every look-up by deputy id the old one did.
CREATE INDEX cases_scale_deputy ON cases(deputy_id, status, due_date);
DROP INDEX cases_deputy;
