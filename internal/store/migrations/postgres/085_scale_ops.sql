-- The deadline sweep reads only the running cases whose deadline is near
-- or recently passed (store.ListEscalationCandidates): a range on the due
-- date among running cases, not every running case by region.
CREATE INDEX cases_running_due ON cases(due_date) WHERE status IN ('assigned', 'in_progress');

-- A proposal's bundled cases (store.GetProposal, read by the sweep for each
-- open proposal and by the proposal's page) were a scan of every case.
-- 084 (scale-lists) made a full index of the same name; this one replaces it.
DROP INDEX IF EXISTS cases_proposal;
CREATE INDEX cases_proposal ON cases(proposal_id) WHERE proposal_id IS NOT NULL;
