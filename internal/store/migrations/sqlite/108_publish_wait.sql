-- Issue #12, the publication confirmation queue (internal/publication Queue,
-- /work/publication, GET /api/v1/publication): a case waits for its public
-- text to be confirmed while its latest reply has no confirmation
-- (publications.reply_id is another reply, or there is no row). The queue
-- joined every reply with its case and a latest-reply subquery (12–16 s on
-- PostgreSQL at 1,000,000 cases); now it walks a partial index of the
-- cases that wait, oldest reply first: the whole queue, or one region's
-- (a town's few hundred out of a city's hundreds of thousands).
-- publish_wait is the latest reply's time while the case waits, NULL
-- otherwise; store.SetPublishWait keeps it
-- on every path that adds a reply or confirms or withdraws a publication,
-- and store.BackfillPublishWait after the seeder's bulk load.
ALTER TABLE cases ADD COLUMN publish_wait TEXT;
UPDATE cases SET publish_wait = r.at
 FROM (SELECT case_id, MAX(id) AS id FROM replies GROUP BY case_id) l JOIN replies r ON r.id = l.id
 WHERE l.case_id = cases.id AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.case_id = l.case_id AND p.reply_id = l.id);
CREATE INDEX cases_publish_wait ON cases(publish_wait, id) WHERE publish_wait IS NOT NULL;
CREATE INDEX cases_publish_wait_region ON cases(region_code, publish_wait, id) WHERE publish_wait IS NOT NULL;
