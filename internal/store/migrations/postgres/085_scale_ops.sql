-- The deadline sweep reads only the running cases whose deadline is near
-- or recently passed (store.ListEscalationCandidates): a range on the due
-- date among running cases, not every running case by region.
CREATE INDEX cases_running_due ON cases(due_date) WHERE status IN ('assigned', 'in_progress');
-- (The index of a proposal's bundled cases, cases_proposal, is 084's.)
