package store

import (
	"context"
	"fmt"

	"zhitong"
)

// LockCase takes the case row's write lock until the transaction ends, so a
// change that does not move the case (a co-handler's opinion) and a step
// that does (the lead unit's reply) cannot interleave on PostgreSQL. On
// SQLite the single writer already orders them.
func (t *Tx) LockCase(ctx context.Context, id int64) error {
	res, err := t.Exec(ctx, `UPDATE cases SET version = version WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("lock case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ENOTFOUND, "案件不存在")
	}
	return nil
}

// SaveCoOpinion stores a co-handling unit's opinion for a round, or replaces
// the text of the one it already gave (one row per case, round and unit).
// It fills in ID, SubmittedAt and Revisions as stored.
func (t *Tx) SaveCoOpinion(ctx context.Context, o *zhitong.CoOpinion) error {
	var submitted string
	err := t.QueryRow(ctx, `INSERT INTO co_opinions (case_id, round, unit_id, text, agrees, finished, submitted_at, updated_at, by_user, revisions)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
 ON CONFLICT (case_id, round, unit_id) DO UPDATE SET text = excluded.text, agrees = excluded.agrees, finished = excluded.finished,
 updated_at = excluded.updated_at, by_user = excluded.by_user, revisions = co_opinions.revisions + 1
 RETURNING id, submitted_at, revisions`,
		o.CaseID, o.Round, o.UnitID, o.Text, o.Agrees, o.Finished, FormatTime(o.UpdatedAt), FormatTime(o.UpdatedAt), o.By).Scan(&o.ID, &submitted, &o.Revisions)
	if err != nil {
		return fmt.Errorf("save co-opinion: %w", err)
	}
	o.SubmittedAt = ParseTime(submitted)
	return nil
}

// ListCoOpinions returns the co-handling units' opinions on a case, by round
// and then in the order first given.
func ListCoOpinions(ctx context.Context, q Q, caseID int64) ([]*zhitong.CoOpinion, error) {
	rows, err := q.Query(ctx, `SELECT id, case_id, round, unit_id, text, agrees, finished, submitted_at, updated_at, by_user, revisions
 FROM co_opinions WHERE case_id = ? ORDER BY round, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*zhitong.CoOpinion
	for rows.Next() {
		var o zhitong.CoOpinion
		var submitted, updated string
		if err := rows.Scan(&o.ID, &o.CaseID, &o.Round, &o.UnitID, &o.Text, &o.Agrees, &o.Finished, &submitted, &updated, &o.By, &o.Revisions); err != nil {
			return nil, err
		}
		o.SubmittedAt, o.UpdatedAt = ParseTime(submitted), ParseTime(updated)
		out = append(out, &o)
	}
	return out, rows.Err()
}

// CountActorEvents counts the case events of one kind a user caused since a
// time: the daily limit on the lead unit's phone reveals.
func CountActorEvents(ctx context.Context, q Q, userID int64, action zhitong.Action, since string) (int, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM case_events WHERE actor_id = ? AND action = ? AND at >= ?`, userID, action, since).Scan(&n)
	return n, err
}
