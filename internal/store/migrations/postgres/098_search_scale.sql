-- The likely-duplicates panel of a case (internal/dups) reads the newest
-- cases of the case's township (the first 9 digits of its region code) in
-- the last eight weeks. By cases_region it read every case of the township
-- ever taken in and sorted those in the window; this index gives them
-- newest first, so the look-up stops after its MaxCandidates rows however
-- long the history (docs/operations.md, issue 12).
CREATE INDEX cases_search_area ON cases(substr(region_code, 1, 9), submitted_at);
