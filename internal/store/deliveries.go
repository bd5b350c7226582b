package store

import (
	"context"
	"time"
)

// ManualCheck ends the last_error of a row whose send was interrupted and
// could not be confirmed: the operator's "unknown result" state.
const ManualCheck = "请人工核实"

// DeliveryFilter selects outbox rows for the operator's view. In-app
// notices are never listed: they are delivered by being stored.
type DeliveryFilter struct {
	Region   string    // region prefix of the case, the booking's station or the staff account; "" all
	State    string    // failed, unknown, held, pending, sent, skipped; "" all
	From, To time.Time // created_at in [From, To); zero: open
	Limit    int
	Offset   int
	Before   int64 // only rows with id < Before (keyset paging, newest first); 0: no bound
}

// deliveryState maps a row to the operator's state.
const deliveryState = `CASE WHEN n.status = 'failed' AND n.last_error LIKE '%` + ManualCheck + `%' THEN 'unknown'
 WHEN n.status = 'sending' THEN 'pending' ELSE n.status END`

// deliveryFrom joins a row to what decides its jurisdiction.
const deliveryFrom = ` FROM notifications n
 LEFT JOIN cases c ON c.id = n.case_id
 LEFT JOIN appointments ap ON ap.id = CASE WHEN n.recipient LIKE 'appointment:%' THEN CAST(substr(n.recipient, 13) AS BIGINT) END
 LEFT JOIN stations st ON st.id = ap.station_id
 LEFT JOIN users u ON u.id = n.user_id`

func (f DeliveryFilter) where(withState bool) (string, []any) {
	w, args := ` WHERE n.channel <> 'inapp'`, []any{}
	if f.Region != "" {
		cond, lo, hi := regionPrefix(`COALESCE(c.region_code, st.region_code, u.region_code, '')`, f.Region)
		w, args = w+` AND `+cond, append(args, lo, hi)
	}
	if !f.From.IsZero() {
		w, args = w+` AND n.created_at >= ?`, append(args, FormatTime(f.From))
	}
	if !f.To.IsZero() {
		w, args = w+` AND n.created_at < ?`, append(args, FormatTime(f.To))
	}
	if f.Before > 0 {
		w, args = w+` AND n.id < ?`, append(args, f.Before)
	}
	if withState && f.State != "" {
		w, args = w+` AND (`+deliveryState+`) = ?`, append(args, f.State)
	}
	return w, args
}

// ListDeliveries returns the rows f selects, newest first.
func ListDeliveries(ctx context.Context, q Q, f DeliveryFilter) ([]*Notification, error) {
	w, args := f.where(true)
	cols := `n.id, n.key, n.template, n.channel, n.recipient, COALESCE(n.case_id, 0), COALESCE(n.user_id, 0), n.vars, n.status,
 n.not_before, n.attempts, n.last_error, n.created_at, n.sent_at, n.read_at, n.claimed_at, n.provider_id`
	rows, err := q.Query(ctx, `SELECT `+cols+deliveryFrom+w+` ORDER BY n.id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanNotification)
}

// CountDeliveries counts the rows f selects by state, whatever f.State.
func CountDeliveries(ctx context.Context, q Q, f DeliveryFilter) (map[string]int, error) {
	w, args := f.where(false)
	rows, err := q.Query(ctx, `SELECT `+deliveryState+`, COUNT(*)`+deliveryFrom+w+` GROUP BY 1`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// CountOverdue counts the rows of f that should have left by before and
// have not: waiting (pending, held) since before, or claimed by a sender
// before it and never settled. A few mean the outbox job is not running.
func CountOverdue(ctx context.Context, q Q, f DeliveryFilter, before time.Time) (int, error) {
	w, args := f.where(false)
	b := FormatTime(before)
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*)`+deliveryFrom+w+` AND ((n.status IN ('pending', 'held') AND n.not_before < ?)
 OR (n.status = 'sending' AND n.claimed_at < ?))`, append(args, b, b)...).Scan(&n)
	return n, err
}
