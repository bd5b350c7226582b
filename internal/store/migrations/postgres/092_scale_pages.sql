-- Staff lists at 1,000,000 cases (issue 12, docs/operations.md "Scale").
-- A county's or a city's list, newest first, walks its own index entries in
-- order (store.caseWhere names the jurisdiction as substr(region_code, 1, 6)
-- or (1, 4)). The search's covering index is SQLite's alone (cases_scale_hit):
-- PostgreSQL's search reads the tsvector's GIN index or the primary key.
CREATE INDEX cases_scale_county ON cases(substr(region_code, 1, 6), submitted_at, id, status);
CREATE INDEX cases_scale_city ON cases(substr(region_code, 1, 4), submitted_at, id, status);
-- The follow-up sweep reads the B and C replies whose promised date has
-- come (store.ListFollowUpCandidates), not every reply.
CREATE INDEX replies_scale_due ON replies(outcome, planned_date, at);
