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
--
-- A county still holds thousands of hits of a common word, which the index
-- gives in no order: the newest page was sorted out of all of them, each read
-- from the heap. So each case also carries a token of its range of ids,
-- '#' || (id >> 14) (16,384 cases a range): the newest page asks for the
-- newest ranges first, '路灯' & '@360732' & ('#61' | '#60'), and widens them
-- until it holds a page (store.searchHitIDs), reading about a page of rows.
CREATE INDEX cases_search_scope ON cases USING GIN ((search || array_to_tsvector(ARRAY[
  '@' || substr(region_code, 1, 2), '@' || substr(region_code, 1, 4), '@' || substr(region_code, 1, 6),
  '@' || substr(region_code, 1, 9), '@' || region_code, '#' || (id >> 14)::text])));
DROP INDEX cases_search;
-- The planner's statistics of the new expression (how many cases hold a
-- word, a county's token) come from ANALYZE; without them it guesses 0.5%
-- for every search, and a common word searched across the province would
-- read its every hit through the index instead of stopping after a page.
ANALYZE cases;
