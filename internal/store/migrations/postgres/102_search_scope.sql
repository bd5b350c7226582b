-- Issue #12, a search within a jurisdiction on PostgreSQL (store.searchIDs,
-- docs/operations.md "Search and the case page at 1,000,000 cases"). The
-- full-text index knew the words but not the region, so a common word in one
-- county of many (路灯: 40,000 hits in the city, 3,400 in the county) either
-- walked the primary key backwards checking the county of every case, or
-- intersected the word's hits with the county's whole range of
-- cases_scale_county in the heap: 130–600 ms at 1,000,000 cases.
--
-- This index replaces cases_search: each case's document is indexed together
-- with one token per level of its region code ('@36', '@3607', '@360732',
-- '@360732101', '@' + the whole code). Documents cannot hold such a token
-- (to_tsvector drops the '@'), so a search in a county asks the index for
-- '路灯' & '@360732' and reads only the county's hits. The expression is
-- store.searchDoc, written the same way there: the planner uses the index only
-- for that expression. It is computed from the row, so a case moved to
-- another region is re-indexed by PostgreSQL itself.
CREATE INDEX cases_search_scope ON cases USING GIN ((search || array_to_tsvector(ARRAY[
  '@' || substr(region_code, 1, 2), '@' || substr(region_code, 1, 4), '@' || substr(region_code, 1, 6),
  '@' || substr(region_code, 1, 9), '@' || region_code])));
DROP INDEX cases_search;
-- The planner's statistics of the new expression (how many cases hold a
-- word, a county's token) come from ANALYZE; without them it guesses 0.5%
-- for every search, and a common word searched across the province would
-- read its every hit through the index instead of stopping after a page.
ANALYZE cases;
