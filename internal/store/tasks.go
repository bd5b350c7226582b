package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"zhitong"
)

// CallbackCandidate is a replied case whose reply reached the citizen and
// who has no call-back task in this round yet.
type CallbackCandidate struct {
	CaseID      int64
	Round       int
	DeliveredAt time.Time
}

// ListCallbackCandidates returns replied cases with a phone number, a reply
// delivered to the citizen in the current round, and no call-back task.
// It reads the partial index cases_scale_callback (migration 099): the
// replied cases whose round has no task yet (callback_round, set by
// InsertCallbackTask), so the cases replied in the last few working days
// and those now due, not every replied case of the history. ids narrows it
// to those cases (CallbackWindowCases), read in batches by key; nil reads
// every candidate.
func ListCallbackCandidates(ctx context.Context, q Q, ids []int64) ([]CallbackCandidate, error) {
	return inBatches(ids, "cases.id", func(in string, args []any) ([]CallbackCandidate, error) {
		rows, err := q.Query(ctx, `SELECT cases.id, cases.round, MIN(d.at) FROM cases
 JOIN replies r ON r.case_id = cases.id AND r.round = cases.round
 JOIN deliveries d ON d.reply_id = r.id AND d.recipient = 'citizen'
 WHERE cases.status = 'replied' AND cases.phone_enc <> '' AND cases.callback_round < cases.round`+in+`
 AND NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.case_id = cases.id AND t.round = cases.round)
 GROUP BY cases.id, cases.round ORDER BY cases.id`, args...)
		if err != nil {
			return nil, err
		}
		return collect(rows, func(s interface{ Scan(...any) error }) (CallbackCandidate, error) {
			var c CallbackCandidate
			var at string
			err := s.Scan(&c.CaseID, &c.Round, &at)
			c.DeliveredAt = ParseTime(at)
			return c, err
		})
	})
}

// CallbackWindowCases returns the ids of the cases a call-back sweep reads
// in w (app.CreateCallbacks): those with a reply delivered to the citizen
// in one of w's ranges of time (FormatTime), whose wait can have ended
// since, and the replied cases changed since (a reply or delivery recorded
// since, whatever date it gives). Ranges of deliveries_citizen_at
// (migration 104) and cases_updated_status (109).
func CallbackWindowCases(ctx context.Context, q Q, w SweepWindow) ([]int64, error) {
	return w.cases(ctx, q, `SELECT r.case_id FROM deliveries d JOIN replies r ON r.id = d.reply_id
 WHERE d.recipient = 'citizen' AND d.at >= ? AND d.at < ?`, zhitong.StatusReplied)
}

// CallbackTask is a call-back (回访) an officer owes a citizen.
type CallbackTask struct {
	ID        int64
	CaseID    int64
	Round     int
	DueDate   string
	State     string // open, done, unreachable
	Tries     int
	CreatedAt time.Time
	ClosedAt  time.Time
}

// InsertCallbackTask adds a task unless the case's round has one; it
// reports whether it was new. The case records the round (callback_round),
// which takes it out of the call-back sweep's index.
func (t *Tx) InsertCallbackTask(ctx context.Context, c *CallbackTask) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO callback_tasks (case_id, round, due_date, state, tries, created_at, region_code)
 SELECT ?, ?, ?, 'open', 0, ?, region_code FROM cases WHERE id = ?
 ON CONFLICT (case_id, round) DO NOTHING`, c.CaseID, c.Round, c.DueDate, FormatTime(c.CreatedAt), c.CaseID)
	if err != nil {
		return false, err
	}
	if _, err := t.Exec(ctx, `UPDATE cases SET callback_round = ? WHERE id = ? AND callback_round < ?`, c.Round, c.CaseID, c.Round); err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const callbackColumns = `id, case_id, round, due_date, state, tries, created_at, closed_at`

func scanCallback(s interface{ Scan(...any) error }) (*CallbackTask, error) {
	var c CallbackTask
	var created, closed string
	err := s.Scan(&c.ID, &c.CaseID, &c.Round, &c.DueDate, &c.State, &c.Tries, &created, &closed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "回访任务不存在")
	}
	c.CreatedAt, c.ClosedAt = ParseTime(created), ParseTime(closed)
	return &c, err
}

// GetCallbackTask returns the call-back task of a case's round.
func GetCallbackTask(ctx context.Context, q Q, caseID int64, round int) (*CallbackTask, error) {
	return scanCallback(q.QueryRow(ctx, `SELECT `+callbackColumns+` FROM callback_tasks WHERE case_id = ? AND round = ?`, caseID, round))
}

// UpdateCallbackTask writes a task's state and tries.
func (t *Tx) UpdateCallbackTask(ctx context.Context, c *CallbackTask) error {
	_, err := t.Exec(ctx, `UPDATE callback_tasks SET state = ?, tries = ?, closed_at = ? WHERE id = ?`, c.State, c.Tries, FormatTime(c.ClosedAt), c.ID)
	return err
}

// ListCallbackTasks returns the tasks in state, oldest due first.
func ListCallbackTasks(ctx context.Context, q Q, state string) ([]*CallbackTask, error) {
	return CallbackTaskBatch(ctx, q, state, nil, 0)
}

// CallbackTaskBatch returns up to n tasks in state after the task after
// (in ListCallbackTasks' order: due date, then id), by key; n ≤ 0 is every one.
func CallbackTaskBatch(ctx context.Context, q Q, state string, after *CallbackTask, n int) ([]*CallbackTask, error) {
	cond, args := ``, []any{state}
	if after != nil {
		cond, args = ` AND (due_date > ? OR (due_date = ? AND id > ?))`, append(args, after.DueDate, after.DueDate, after.ID)
	}
	limit := ``
	if n > 0 {
		limit = fmt.Sprintf(` LIMIT %d`, n)
	}
	rows, err := q.Query(ctx, `SELECT `+callbackColumns+` FROM callback_tasks WHERE state = ?`+cond+` ORDER BY due_date, id`+limit, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanCallback)
}

// FollowUpCandidate is a B or C reply that is its case's latest and has no follow-up yet.
type FollowUpCandidate struct {
	ReplyID     int64
	CaseID      int64
	Outcome     zhitong.Outcome
	PlannedDate string
	At          time.Time
}

// FollowUpWindow narrows ListFollowUpCandidates to the replies that can
// have come due since an earlier scan that left nothing behind: a planned
// date after SinceDay, a reply without one given at or after SinceBefore
// (the earlier scan's before), or any reply given at or after SinceAt. The
// zero window reads every due B and C reply of the history.
type FollowUpWindow struct {
	SinceDay    string // YYYY-MM-DD
	SinceBefore string // FormatTime
	SinceAt     string // FormatTime
}

// ListFollowUpCandidates returns every case's latest reply when it is B or
// C and its promised date has come — its planned date by today, or, without
// one, given before the timestamp before (FormatTime) — not yet followed up,
// on a case not declined, merged or explained away. It reads the B and C
// replies that are due and still without a follow-up or a later reply
// (replies_scale_followup, migration 099: follow_done), within w when w is
// set, and checks "latest" by one probe of replies_case.
func ListFollowUpCandidates(ctx context.Context, q Q, today, before string, w FollowUpWindow) ([]FollowUpCandidate, error) {
	due := `r.outcome IN ('B', 'C') AND r.follow_done = 0 AND ((r.planned_date <> '' AND r.planned_date <= ?) OR (r.planned_date = '' AND r.at < ?))`
	args := []any{today, before}
	if w != (FollowUpWindow{}) {
		// Three index ranges (replies_scale_due twice, replies_at), each
		// as wide as the time since the last scan, not the history. The
		// last is every reply given since, filtered by due here: with the
		// outcome in its subquery SQLite would rather walk replies_scale_due.
		due = `r.id IN (SELECT id FROM replies WHERE outcome IN ('B', 'C') AND planned_date > ? AND planned_date <= ?
 UNION ALL SELECT id FROM replies WHERE outcome IN ('B', 'C') AND planned_date = '' AND at >= ? AND at < ?
 UNION ALL SELECT id FROM replies WHERE at >= ?) AND ` + due
		args = []any{w.SinceDay, today, w.SinceBefore, before, w.SinceAt, today, before}
	}
	rows, err := q.Query(ctx, `SELECT r.id, r.case_id, r.outcome, r.planned_date, r.at FROM replies r JOIN cases c ON c.id = r.case_id
 WHERE `+due+`
 AND NOT EXISTS (SELECT 1 FROM replies r2 WHERE r2.case_id = r.case_id AND r2.id > r.id)
 AND c.resolution NOT IN ('explained', 'declined', 'merged')
 AND NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.reply_id = r.id) ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (FollowUpCandidate, error) {
		var c FollowUpCandidate
		var at string
		err := s.Scan(&c.ReplyID, &c.CaseID, &c.Outcome, &c.PlannedDate, &at)
		c.At = ParseTime(at)
		return c, err
	})
}

// FollowUp is a follow-up task (跟踪问效) on a B or C reply.
type FollowUp struct {
	ID        int64
	CaseID    int64
	ReplyID   int64
	DueDate   string
	State     string // open, done (a result was recorded), closed (ended by a new reply or the case's closing)
	Result    string // solved, progress, ended; empty when closed
	Note      string
	CreatedAt time.Time
	DoneAt    time.Time
	DoneBy    int64
}

// InsertFollowUp adds a follow-up unless the reply has one on that date; it
// reports whether it was new.
func (t *Tx) InsertFollowUp(ctx context.Context, f *FollowUp) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO follow_ups (case_id, reply_id, due_date, state, created_at, region_code)
 SELECT ?, ?, ?, 'open', ?, region_code FROM cases WHERE id = ?
 ON CONFLICT (reply_id, due_date) DO NOTHING`, f.CaseID, f.ReplyID, f.DueDate, FormatTime(f.CreatedAt), f.CaseID)
	if err != nil {
		return false, err
	}
	// Its reply leaves the follow-up sweep's index (ListFollowUpCandidates).
	if _, err := t.Exec(ctx, `UPDATE replies SET follow_done = 1 WHERE id = ? AND follow_done = 0`, f.ReplyID); err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const followUpColumns = `id, case_id, reply_id, due_date, state, result, note, created_at, done_at, done_by`

func scanFollowUp(s interface{ Scan(...any) error }) (*FollowUp, error) {
	var f FollowUp
	var created, done string
	err := s.Scan(&f.ID, &f.CaseID, &f.ReplyID, &f.DueDate, &f.State, &f.Result, &f.Note, &created, &done, &f.DoneBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "跟踪问效任务不存在")
	}
	f.CreatedAt, f.DoneAt = ParseTime(created), ParseTime(done)
	return &f, err
}

// GetFollowUp loads a follow-up task.
func GetFollowUp(ctx context.Context, q Q, id int64) (*FollowUp, error) {
	return scanFollowUp(q.QueryRow(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE id = ?`, id))
}

// UpdateFollowUp records a follow-up's result. A solved one makes its
// reply's current outcome A (CurrentOutcome), which the results board's
// publication of the reply keeps for its outcome filter (migration 099).
func (t *Tx) UpdateFollowUp(ctx context.Context, f *FollowUp) error {
	_, err := t.Exec(ctx, `UPDATE follow_ups SET state = ?, result = ?, note = ?, done_at = ?, done_by = ? WHERE id = ?`,
		f.State, f.Result, f.Note, FormatTime(f.DoneAt), f.DoneBy, f.ID)
	if err == nil && f.Result == "solved" {
		_, err = t.Exec(ctx, `UPDATE publications SET outcome = 'A' WHERE reply_id = ? AND outcome IN ('B', 'C')`, f.ReplyID)
	}
	return err
}

// ListOpenFollowUps returns open follow-ups due by day (YYYY-MM-DD), oldest first.
func ListOpenFollowUps(ctx context.Context, q Q, day string) ([]*FollowUp, error) {
	rows, err := q.Query(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE state = 'open' AND due_date <= ? ORDER BY due_date, id`, day)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanFollowUp)
}

// CurrentOutcome is the SQL for the class a case's reply r stands at now:
// A once a follow-up on it found the promised work done (solved), else the
// reply's own class. The reply itself is never rewritten.
const CurrentOutcome = `CASE WHEN r.outcome IN ('B', 'C') AND EXISTS
 (SELECT 1 FROM follow_ups f WHERE f.reply_id = r.id AND f.result = 'solved') THEN 'A' ELSE r.outcome END`

// ListCaseFollowUps returns a case's follow-ups, oldest first.
func ListCaseFollowUps(ctx context.Context, q Q, caseID int64) ([]*FollowUp, error) {
	rows, err := q.Query(ctx, `SELECT `+followUpColumns+` FROM follow_ups WHERE case_id = ? ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanFollowUp)
}
