-- Statistics (internal/stats, docs/statistics.md): the dashboard and the
-- bulletins load one period's events by their time, so each event table
-- gets an index on it; the overdue count reads the open assignments by state and due date.
CREATE INDEX assignments_assigned_at ON assignments(assigned_at);
CREATE INDEX assignments_open ON assignments(state, due_date);
CREATE INDEX replies_at ON replies(at);
CREATE INDEX evaluations_at ON evaluations(at);
CREATE INDEX follow_ups_done ON follow_ups(done_at);
CREATE INDEX supervision_actions_at ON supervision_actions(kind, at);
