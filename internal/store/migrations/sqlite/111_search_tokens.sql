-- Issue #12: on PostgreSQL this migration adds county id-range and station
-- tokens to the search index (cases_search_scope). SQLite's search reads the
-- full-text table and checks each hit's filters in the covering index
-- cases_scale_hit; nothing changes here. The statement keeps the version
-- numbers of the two schemas alike.
SELECT 1;
