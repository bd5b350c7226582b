package store

import (
	"cmp"
	"context"
	"fmt"
	"strings"
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
	// Page is read in DeliveryOrder. Window, when set, is how many rows
	// of the outbox (of the state's statuses when State is set) a page
	// looks at, at most: the jurisdiction and the dates have no index in
	// id order (see AuditWindow). An export sets none and reads on.
	Page   Page
	Window int
}

// DeliveryOrder is the operator's order: newest first, by the primary key.
var DeliveryOrder = KeyOrder{ID: "n.id", Desc: true}

// deliveryStatuses are the stored statuses of an operator's state.
var deliveryStatuses = map[string][]any{"failed": {"failed"}, "unknown": {"failed"}, "held": {"held"},
	"pending": {"pending", "sending"}, "sent": {"sent"}, "skipped": {"skipped"}}

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
	if withState && f.State != "" {
		w, args = w+` AND (`+deliveryState+`) = ?`, append(args, f.State)
	}
	return w, args
}

// ListDeliveries returns a page of the rows f selects, and where its
// window stopped when the page is short (a cursor to read on from; nil
// when the outbox ended first or f has no window).
func ListDeliveries(ctx context.Context, q Q, f DeliveryFilter) ([]*Notification, *Cursor, error) {
	w, args := f.where(true)
	// The state's statuses: notifications_outbox_status in id order.
	w, args = statusIn(w, args, f.State)
	k, order := DeliveryOrder.clause(f.Page)
	if k.cond != "" {
		w, args = and(w, args, k)
	}
	var n int
	var last int64
	if f.Window > 0 {
		// The window's far end, from the outbox alone (no joins).
		inner, iargs := ` WHERE n.channel <> 'inapp'`, []any{}
		inner, iargs = statusIn(inner, iargs, f.State)
		if k.cond != "" {
			inner, iargs = and(inner, iargs, k)
		}
		farthest, bound := "MIN", ">="
		if f.Page.Before != nil {
			farthest, bound = "MAX", "<="
		}
		err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*), COALESCE(%s(id), 0) FROM (SELECT n.id FROM notifications n%s%s LIMIT %d) w`,
			farthest, inner, order, f.Window), iargs...).Scan(&n, &last)
		if err != nil {
			return nil, nil, err
		}
		if n == f.Window {
			w, args = w+` AND n.id `+bound+` ?`, append(args, last)
		}
	}
	cols := `n.id, n.key, n.template, n.channel, n.recipient, COALESCE(n.case_id, 0), COALESCE(n.user_id, 0), n.vars, n.status,
 n.not_before, n.attempts, n.last_error, n.created_at, n.sent_at, n.read_at, n.claimed_at, n.provider_id`
	rows, err := q.Query(ctx, `SELECT `+cols+deliveryFrom+w+order+fmt.Sprintf(` LIMIT %d`, cmp.Or(f.Page.Limit, 51)), args...)
	if err != nil {
		return nil, nil, err
	}
	list, err := collect(rows, scanNotification)
	if err != nil {
		return nil, nil, err
	}
	var stop *Cursor
	if f.Window > 0 && n == f.Window && len(list) < f.Page.Limit {
		stop = &Cursor{ID: last}
	}
	return inOrder(list, f.Page), stop, nil
}

// statusIn adds the stored statuses of state (none when "") to a WHERE clause.
func statusIn(w string, args []any, state string) (string, []any) {
	sts := deliveryStatuses[state]
	if len(sts) == 0 {
		return w, args
	}
	return w + ` AND n.status IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(sts)), ", ") + `)`, append(args, sts...)
}

// LiveDeliveryStates are the states whose rows an operator acts on, and
// the only ones counted: a count of the sent history would read it whole.
var LiveDeliveryStates = []string{"failed", "unknown", "held", "pending"}

// CountDeliveries counts the rows f selects in each live state, whatever
// f.State, up to limit+1 each: a range of notifications_outbox_status per state.
func CountDeliveries(ctx context.Context, q Q, f DeliveryFilter, limit int) (map[string]int, error) {
	out := map[string]int{}
	for _, s := range LiveDeliveryStates {
		g := f
		g.State = s
		w, args := g.where(true)
		w, args = statusIn(w, args, s)
		n, err := countCapped(ctx, q, `SELECT n.id`+deliveryFrom+w, args, limit)
		if err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, nil
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
