package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"zhitong"
)

// InsertAssignment stores an assignment and returns its id.
func (t *Tx) InsertAssignment(ctx context.Context, a *zhitong.Assignment) (int64, error) {
	var id int64
	err := t.QueryRow(ctx, `INSERT INTO assignments (case_id, unit_id, lead, round, due_date, state, assigned_at, accepted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.CaseID, a.UnitID, a.Lead, a.Round, a.DueDate, a.State, FormatTime(a.AssignedAt), FormatTime(a.AcceptedAt)).Scan(&id)
	return id, err
}

// UpdateAssignment writes an assignment's state and dates.
func (t *Tx) UpdateAssignment(ctx context.Context, a *zhitong.Assignment) error {
	_, err := t.Exec(ctx, `UPDATE assignments SET state = ?, due_date = ?, accepted_at = ?, returned_at = ?, return_reason = ? WHERE id = ?`,
		a.State, a.DueDate, FormatTime(a.AcceptedAt), FormatTime(a.ReturnedAt), a.ReturnReason, a.ID)
	return err
}

// ListAssignments returns a case's assignments, oldest first.
func ListAssignments(ctx context.Context, q Q, caseID int64) ([]*zhitong.Assignment, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, unit_id, lead, round, due_date, state, assigned_at, accepted_at, returned_at, return_reason
 FROM assignments WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.Assignment
	for rows.Next() {
		var a zhitong.Assignment
		var assigned, accepted, returned string
		if err := rows.Scan(&a.ID, &a.CaseID, &a.UnitID, &a.Lead, &a.Round, &a.DueDate, &a.State, &assigned, &accepted, &returned, &a.ReturnReason); err != nil {
			return nil, err
		}
		a.AssignedAt, a.AcceptedAt, a.ReturnedAt = ParseTime(assigned), ParseTime(accepted), ParseTime(returned)
		out = append(out, &a)
	}
	return out, rows.Err()
}

// InsertExtension stores an extension request.
func (t *Tx) InsertExtension(ctx context.Context, e *zhitong.Extension) (int64, error) {
	var id int64
	err := t.QueryRow(ctx, `INSERT INTO extensions (case_id, unit_id, days, reason, state, requested_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, e.UnitID, e.Days, e.Reason, e.State, FormatTime(e.RequestedAt)).Scan(&id)
	return id, err
}

// UpdateExtension records the decision on an extension request.
func (t *Tx) UpdateExtension(ctx context.Context, e *zhitong.Extension) error {
	_, err := t.Exec(ctx, `UPDATE extensions SET state = ?, decided_at = ?, decided_by = ?, note = ?, new_due = ? WHERE id = ?`,
		e.State, FormatTime(e.DecidedAt), e.DecidedBy, e.Note, e.NewDue, e.ID)
	return err
}

// ListExtensions returns a case's extension requests, oldest first.
func ListExtensions(ctx context.Context, q Q, caseID int64) ([]*zhitong.Extension, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, unit_id, days, reason, state, requested_at, decided_at, decided_by, note, new_due
 FROM extensions WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.Extension
	for rows.Next() {
		var e zhitong.Extension
		var req, dec string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.UnitID, &e.Days, &e.Reason, &e.State, &req, &dec, &e.DecidedBy, &e.Note, &e.NewDue); err != nil {
			return nil, err
		}
		e.RequestedAt, e.DecidedAt = ParseTime(req), ParseTime(dec)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// InsertReply stores a reply and its deliveries.
func (t *Tx) InsertReply(ctx context.Context, r *zhitong.Reply) (int64, error) {
	err := t.QueryRow(ctx, `INSERT INTO replies (case_id, round, unit_id, proposal_id, outcome, text, planned_date, reason, public_summary, at, by_user)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		r.CaseID, r.Round, nullID(r.UnitID), nullID(r.ProposalID), r.Outcome, r.Text, r.PlannedDate, r.Reason, r.PublicSummary, FormatTime(r.At), r.By).Scan(&r.ID)
	if err != nil {
		return 0, fmt.Errorf("insert reply: %w", err)
	}
	// The case's earlier replies will get no first follow-up now: they
	// leave the follow-up sweep's index (ListFollowUpCandidates).
	if _, err := t.Exec(ctx, `UPDATE replies SET follow_done = 1 WHERE case_id = ? AND id < ? AND follow_done = 0`, r.CaseID, r.ID); err != nil {
		return 0, fmt.Errorf("insert reply: %w", err)
	}
	// A new reply waits for its public text to be confirmed.
	if err := SetPublishWait(ctx, t, r.CaseID); err != nil {
		return 0, err
	}
	for i := range r.Deliveries {
		r.Deliveries[i].ReplyID = r.ID
		if err := t.InsertDelivery(ctx, &r.Deliveries[i]); err != nil {
			return 0, err
		}
	}
	return r.ID, nil
}

// InsertDelivery records one side of dual feedback.
func (t *Tx) InsertDelivery(ctx context.Context, d *zhitong.Delivery) error {
	err := t.QueryRow(ctx, `INSERT INTO deliveries (reply_id, recipient, channel, at, note, by_user) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
		d.ReplyID, d.Recipient, d.Channel, FormatTime(d.At), d.Note, d.By).Scan(&d.ID)
	if err != nil {
		return fmt.Errorf("insert delivery: %w", err)
	}
	return nil
}

// ListReplies returns a case's replies with their deliveries, oldest first.
func ListReplies(ctx context.Context, q Q, caseID int64) ([]*zhitong.Reply, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, round, COALESCE(unit_id, 0), COALESCE(proposal_id, 0), outcome, text, planned_date, reason, public_summary, at, by_user
 FROM replies WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	var out []*zhitong.Reply
	byID := map[int64]*zhitong.Reply{}
	for rows.Next() {
		var r zhitong.Reply
		var at string
		if err := rows.Scan(&r.ID, &r.CaseID, &r.Round, &r.UnitID, &r.ProposalID, &r.Outcome, &r.Text, &r.PlannedDate, &r.Reason, &r.PublicSummary, &at, &r.By); err != nil {
			rows.Close()
			return nil, err
		}
		r.At = ParseTime(at)
		out = append(out, &r)
		byID[r.ID] = &r
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	drows, err := q.Query(ctx, `SELECT d.id, d.reply_id, d.recipient, d.channel, d.at, d.note, d.by_user FROM deliveries d
 JOIN replies r ON r.id = d.reply_id WHERE r.case_id = ? ORDER BY d.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var d zhitong.Delivery
		var at string
		if err := drows.Scan(&d.ID, &d.ReplyID, &d.Recipient, &d.Channel, &at, &d.Note, &d.By); err != nil {
			return nil, err
		}
		d.At = ParseTime(at)
		if r := byID[d.ReplyID]; r != nil {
			r.Deliveries = append(r.Deliveries, d)
		}
	}
	return out, drows.Err()
}

// InsertEvaluation stores a citizen's rating.
func (t *Tx) InsertEvaluation(ctx context.Context, e *zhitong.Evaluation) error {
	return t.QueryRow(ctx, `INSERT INTO evaluations (case_id, round, rating, comment, callback, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, e.Round, e.Rating, e.Comment, e.Callback, FormatTime(e.At), e.By).Scan(&e.ID)
}

// ListEvaluations returns a case's evaluations, oldest first.
func ListEvaluations(ctx context.Context, q Q, caseID int64) ([]*zhitong.Evaluation, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, round, rating, comment, callback, at, by_user FROM evaluations WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.Evaluation
	for rows.Next() {
		var e zhitong.Evaluation
		var at string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Round, &e.Rating, &e.Comment, &e.Callback, &at, &e.By); err != nil {
			return nil, err
		}
		e.At = ParseTime(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// InsertEvent appends a step to a case's history.
func (t *Tx) InsertEvent(ctx context.Context, e *zhitong.Event) error {
	return t.QueryRow(ctx, `INSERT INTO case_events (case_id, at, actor_id, actor_name, action, from_status, to_status, note, public)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.CaseID, FormatTime(e.At), e.ActorID, e.ActorName, e.Action, e.FromStatus, e.ToStatus, e.Note, e.Public).Scan(&e.ID)
}

// ListEvents returns a case's history, oldest first.
func ListEvents(ctx context.Context, q Q, caseID int64) ([]*zhitong.Event, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, at, actor_id, actor_name, action, from_status, to_status, note, public
 FROM case_events WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.Event
	for rows.Next() {
		var e zhitong.Event
		var at string
		if err := rows.Scan(&e.ID, &e.CaseID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.FromStatus, &e.ToStatus, &e.Note, &e.Public); err != nil {
			return nil, err
		}
		e.At = ParseTime(at)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// InsertProposal stores a deputy proposal.
func (t *Tx) InsertProposal(ctx context.Context, p *zhitong.Proposal) error {
	return t.QueryRow(ctx, `INSERT INTO proposals (title, body, deputy_id, region_code, state, created_at, created_by, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		p.Title, p.Body, nullID(p.DeputyID), p.RegionCode, p.State, FormatTime(p.CreatedAt), p.CreatedBy, nullID(p.UnitID)).Scan(&p.ID)
}

// SetProposalState changes a proposal's state.
func (t *Tx) SetProposalState(ctx context.Context, id int64, state string) error {
	_, err := t.Exec(ctx, `UPDATE proposals SET state = ? WHERE id = ?`, state, id)
	return err
}

// GetProposal loads a proposal with the ids of the cases it bundles.
func GetProposal(ctx context.Context, q Q, id int64) (*zhitong.Proposal, error) {
	var p zhitong.Proposal
	var created string
	err := q.QueryRow(ctx, `SELECT id, title, body, COALESCE(deputy_id, 0), region_code, state, created_at, created_by,
 COALESCE(unit_id, 0), due_date, complex FROM proposals WHERE id = ?`, id).
		Scan(&p.ID, &p.Title, &p.Body, &p.DeputyID, &p.RegionCode, &p.State, &created, &p.CreatedBy, &p.UnitID, &p.DueDate, &p.Complex)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "代表建议不存在")
	} else if err != nil {
		return nil, err
	}
	p.CreatedAt = ParseTime(created)
	rows, err := q.Query(ctx, `SELECT id FROM cases WHERE proposal_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var cid int64
		if err := rows.Scan(&cid); err != nil {
			return nil, err
		}
		p.CaseIDs = append(p.CaseIDs, cid)
	}
	return &p, rows.Err()
}
