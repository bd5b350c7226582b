-- Indexes measured with 100,000 cases (internal/web BenchmarkPages, see
-- docs/operations.md). Queue counts filter a status within a jurisdiction
-- (a region-code range); queues list a status by age; the full list pages
-- through the submitted-at index, which carries the region code and status
-- so the filter is checked without reading the rows.
DROP INDEX cases_status;
DROP INDEX cases_submitted;
CREATE INDEX cases_status ON cases(status, region_code, due_date);
CREATE INDEX cases_status_submitted ON cases(status, submitted_at);
CREATE INDEX cases_submitted ON cases(submitted_at, region_code, status);
