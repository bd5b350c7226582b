-- Issue #12, search at 1,000,000 cases on PostgreSQL (store.searchHitIDs,
-- docs/operations.md "Seventh session: search"). cases_search_scope (migration
-- 102) asked for a county's newest hits as '路灯' & '@360726' & ('#61' | '#60'
-- | …): the index took every case of those id ranges (16,384 each, the
-- rarest of the lists) and checked the word and county of each, about 550
-- index pages for 86 hits. Each case now also holds its id range within its
-- county, '@360726#61' (about 900 cases a range at 1,000,000), so the same
-- page asks for '路灯' & ('@360726#61' | '@360726#60' | …) and the index
-- reads only the county's cases of those ranges. And each case holds its
-- station, '$' || station_id, so a station head's search, the station filter
-- and a jurisdiction widened by its shared (cross-border) stations
-- ('@360726' | '$12') are asked of the index too, instead of checking every
-- hit of the word in the heap.
--
-- The expression is store.searchDoc, written the same way there: the
-- planner uses the index only for that expression. A case without a station
-- holds no '$' token (array_remove drops the NULL).
CREATE INDEX cases_search_tokens ON cases USING GIN ((search || array_to_tsvector(array_remove(ARRAY[
  '@' || substr(region_code, 1, 2), '@' || substr(region_code, 1, 4), '@' || substr(region_code, 1, 6),
  '@' || substr(region_code, 1, 9), '@' || region_code, '#' || (id >> 14)::text,
  '@' || substr(region_code, 1, 6) || '#' || (id >> 14)::text, '$' || station_id::text], NULL))));
DROP INDEX cases_search_scope;
ALTER INDEX cases_search_tokens RENAME TO cases_search_scope;
-- The planner's statistics of the new expression come from ANALYZE (see
-- migration 102).
ANALYZE cases;
