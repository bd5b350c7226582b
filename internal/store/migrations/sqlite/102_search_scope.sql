-- Issue #12: on PostgreSQL this migration indexes each case's search
-- document together with its region (cases_search_scope). SQLite's search
-- reads the full-text table and checks each hit's region in the covering
-- index cases_scale_hit (migration 092), which already stops after a page;
-- nothing changes here. The statement keeps the version numbers of the two
-- schemas alike.
SELECT 1;
