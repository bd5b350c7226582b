-- Staff lists at 1,000,000 cases (issue 12, docs/operations.md "Scale").
-- A county's or a city's list, newest first, walks its own index entries in
-- order (store.caseWhere names the jurisdiction as substr(region_code, 1, 6)
-- or (1, 4)), so page 500 reads 10,000 entries, not the 180,000 of every
-- county it used to skip through cases_submitted.
CREATE INDEX cases_scale_county ON cases(substr(region_code, 1, 6), submitted_at, id, status);
CREATE INDEX cases_scale_city ON cases(substr(region_code, 1, 4), submitted_at, id, status);
-- A search checks each hit's jurisdiction and status here (covering, a few
-- dozen bytes an entry) instead of in the case row (store.searchIDs).
CREATE INDEX cases_scale_hit ON cases(id, region_code, status, due_date, station_id, category_code, deputy_id);
-- The follow-up sweep reads the B and C replies whose promised date has
-- come (store.ListFollowUpCandidates), not every reply.
CREATE INDEX replies_scale_due ON replies(outcome, planned_date, at);
