-- A handling unit's cases (issue 12): the unit role's case list, home and
-- GET /api/v1/cases keep "cases whose assignments include this unit"
-- (store.caseWhereIn, ScopeUnit and UnitID). Its case ids are read from
-- this index alone, in one range, and the cases looked up by id: at
-- 1,000,000 cases PostgreSQL instead walked every case newest first and
-- probed each one's assignments (22,785 cases read for a page of 21, and
-- the count read all of them), and SQLite read each assignment row for its
-- case id.
CREATE INDEX assignments_unit_case ON assignments(unit_id, case_id);
