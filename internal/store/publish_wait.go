package store

import (
	"context"
	"fmt"
)

// The publication queue's mark (migration 108): cases.publish_wait is the
// time of a case's latest reply while no confirmation of its public text
// names that reply, NULL otherwise. The queue (internal/publication Queue)
// walks the partial index cases_publish_wait, oldest reply first.

// SetPublishWait sets the mark of case id from its latest reply and its
// publication. Every write of a reply or a publication calls it in the
// same transaction.
func SetPublishWait(ctx context.Context, q Q, id int64) error {
	_, err := q.Exec(ctx, `UPDATE cases SET publish_wait = (SELECT r.at FROM replies r
 WHERE r.id = (SELECT MAX(r2.id) FROM replies r2 WHERE r2.case_id = ?)
 AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.case_id = r.case_id AND p.reply_id = r.id))
 WHERE id = ?`, id, id)
	if err != nil {
		return fmt.Errorf("publication mark: %w", err)
	}
	return nil
}

// BackfillPublishWait sets the mark of every case from id from on, as
// migration 108 did for the cases then: after a bulk load (internal/seed)
// that wrote replies and publications without SetPublishWait.
func BackfillPublishWait(ctx context.Context, q Q, from int64) error {
	_, err := q.Exec(ctx, `UPDATE cases SET publish_wait = r.at
 FROM (SELECT case_id, MAX(id) AS id FROM replies WHERE case_id >= ? GROUP BY case_id) l JOIN replies r ON r.id = l.id
 WHERE l.case_id = cases.id AND NOT EXISTS (SELECT 1 FROM publications p WHERE p.case_id = l.case_id AND p.reply_id = l.id)`, from)
	if err != nil {
		return fmt.Errorf("publication marks: %w", err)
	}
	return nil
}

// InRegion is the condition that column holds a region code in the subtree
// of prefix, as a range an index reads (LIKE 'prefix%' is none on SQLite),
// and its two arguments.
func InRegion(column, prefix string) (string, []any) {
	cond, lo, hi := regionPrefix(column, prefix)
	return cond, []any{lo, hi}
}
