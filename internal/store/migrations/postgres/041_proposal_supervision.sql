-- Deputy proposals escalate like cases (issue 5): the handling unit a
-- proposal is sent to, and supervision actions and letters that belong to a
-- proposal. Such rows keep case_id NOT NULL by naming the proposal's first
-- bundled case; proposal_id tells them apart from the case's own.
ALTER TABLE proposals ADD COLUMN unit_id BIGINT REFERENCES units(id);
ALTER TABLE supervision_actions ADD COLUMN proposal_id BIGINT REFERENCES proposals(id);
ALTER TABLE supervision_letters ADD COLUMN proposal_id BIGINT REFERENCES proposals(id);
CREATE INDEX supervision_actions_proposal ON supervision_actions(proposal_id, id);
CREATE INDEX proposals_open ON proposals(state, due_date);
