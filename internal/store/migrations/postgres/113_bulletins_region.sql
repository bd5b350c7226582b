-- Bulletins by jurisdiction (issue 12, seventh session): docs/operations.md
-- "Seventh session: bulletins".
--
-- A staff member's bulletins list holds the bulletins of the organisations
-- above and below their region (store.BulletinFilter): a county's own and
-- its city's and province's, each an equality or a range of region_code,
-- counted and read here rather than by walking every organisation's
-- bulletins in period order.
CREATE INDEX bulletins_scale_region ON bulletins(region_code, period_end, id);
