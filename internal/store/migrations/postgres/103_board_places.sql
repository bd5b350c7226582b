-- Province scale (issue 12), the public boards at 1,000,000 cases:
-- docs/operations.md "Lists and public pages at province scale", session
-- 2026-12-07 (sixth).
--
-- A station's board (/stations/{id}), a town's (/results?town=) and a
-- category's (/results?category=) read the cases of the station or town
-- (a station's whole history: 212 ms on PostgreSQL) or walked the board
-- checking each case's category. The publication keeps its case's station,
-- region and category (set when staff confirm it, kept by
-- store.Tx.UpdateCase when the case moves), so each of these boards walks
-- one index in board order and stops after its page, like the whole board
-- (publications_scale_board). The indexes carry the reply id for the
-- "no later reply" probe.
ALTER TABLE publications ADD COLUMN station_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE publications ADD COLUMN region_code TEXT NOT NULL DEFAULT '';
ALTER TABLE publications ADD COLUMN category_code TEXT NOT NULL DEFAULT '';
UPDATE publications SET (station_id, region_code, category_code) =
 (SELECT COALESCE(c.station_id, 0), c.region_code, COALESCE(c.category_code, '') FROM cases c WHERE c.id = publications.case_id);
CREATE INDEX publications_scale_station ON publications(station_id, replied_at, case_id, reply_id);
CREATE INDEX publications_scale_town ON publications(substr(region_code, 1, 9), replied_at, case_id, reply_id);
CREATE INDEX publications_scale_category ON publications(category_code, replied_at, case_id, reply_id);
