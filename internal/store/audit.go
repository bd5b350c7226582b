package store

import (
	"context"
	"fmt"
	"time"

	"zhitong/internal/audit"
)

// AppendAudit adds e to the hash chain inside tx. Updating audit_head first
// takes its row lock, so concurrent PostgreSQL writers queue up instead of
// forking the chain.
func (t *Tx) AppendAudit(ctx context.Context, e audit.Entry) error {
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if err := t.QueryRow(ctx, `UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.Prev); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	e.Hash = audit.Sum(e)
	if _, err := t.Exec(ctx, `INSERT INTO audit_log (seq, at, actor, action, object, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, FormatTime(e.At), e.Actor, e.Action, e.Object, e.Detail, e.Prev, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	if _, err := t.Exec(ctx, `UPDATE audit_head SET hash = ? WHERE id = 1`, e.Hash); err != nil {
		return fmt.Errorf("audit head: %w", err)
	}
	return nil
}

// AuditQuery selects audit entries.
type AuditQuery struct {
	Object string
	After  int64 // seq
	Limit  int
}

// ListAudit returns entries in sequence order.
func ListAuditFiltered(ctx context.Context, db Q, f AuditQuery) ([]audit.Entry, error) {
	q := `SELECT seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log WHERE seq > ?`
	args := []any{f.After}
	if f.Object != "" {
		q += ` AND object = ?`
		args = append(args, f.Object)
	}
	q += ` ORDER BY seq`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		var e audit.Entry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Prev, &e.Hash); err != nil {
			return nil, err
		}
		e.At = ParseTime(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// VerifyAudit walks the whole chain in pages and returns the first break, if any,
// and how many entries were checked.
func (db *DB) VerifyAudit(ctx context.Context) (*audit.Break, int64, error) {
	var v audit.Verifier
	var after int64
	for {
		page, err := ListAuditFiltered(ctx, db, AuditQuery{After: after, Limit: 5000})
		if err != nil {
			return nil, v.Checked, err
		}
		for _, e := range page {
			if b := v.Next(e); b != nil {
				return b, v.Checked, nil
			}
			after = e.Seq
		}
		if len(page) < 5000 {
			break
		}
	}
	var headSeq int64
	var headHash string
	if err := db.QueryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return nil, v.Checked, err
	}
	if headSeq != v.Checked {
		return &audit.Break{Seq: v.Checked + 1, Reason: fmt.Sprintf("log ends at %d but %d entries were written (rows deleted at the end)", v.Checked, headSeq)}, v.Checked, nil
	}
	return nil, v.Checked, nil
}
