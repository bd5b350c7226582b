package store

import (
	"context"
	"strings"
)

// TaskFilter selects the open call-back tasks or due follow-ups of a
// jurisdiction, a page at a time: the cases of Station (when set) or of the
// Region subtree, held by no organisation or by one within Held (when set).
// The jurisdiction is checked in SQL, so a page reads its own rows and the
// queue's out-of-scope rows before them, never the history of closed tasks.
type TaskFilter struct {
	Station int64
	Region  string
	Held    string
	Day     string // follow-ups: due by this day (YYYY-MM-DD)
	Page    Page
}

// TaskOrder is the order of both queues: oldest due first, by the
// callback_tasks_state and follow_ups_state indexes (state, due_date, id).
func TaskOrder(alias string) KeyOrder { return KeyOrder{Col: alias + ".due_date", ID: alias + ".id"} }

// TaskCursor is the cursor of a task in TaskOrder.
func TaskCursor(due string, id int64) Cursor { return Cursor{Key: due, ID: id} }

func (f TaskFilter) where(table, alias, extra string, args ...any) (string, []any) {
	w := []string{alias + ".state = 'open'"}
	if extra != "" {
		w = append(w, extra)
	}
	if f.Station != 0 {
		w, args = append(w, `c.station_id = ?`), append(args, f.Station)
	} else if f.Region != "" {
		cond, lo, hi := regionPrefix(`c.region_code`, f.Region)
		w, args = append(w, cond), append(args, lo, hi)
	}
	if f.Held != "" {
		cond, lo, hi := regionPrefix(`c.held_by`, f.Held)
		w, args = append(w, `(c.held_by = '' OR (`+cond+`))`), append(args, lo, hi)
	}
	return ` FROM ` + table + ` ` + alias + ` JOIN cases c ON c.id = ` + alias + `.case_id WHERE ` + strings.Join(w, ` AND `), args
}

func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

// CallbackPage returns a page of the open call-back tasks f selects, of
// their cases' current round, and their number up to cap+1.
func CallbackPage(ctx context.Context, q Q, f TaskFilter, cap int) ([]*CallbackTask, int, error) {
	from, args := f.where("callback_tasks", "t", "c.round = t.round")
	n, err := countCapped(ctx, q, `SELECT t.id`+from, args, cap)
	if err != nil {
		return nil, 0, err
	}
	from, args = TaskOrder("t").where(from, args, f.Page)
	rows, err := q.Query(ctx, `SELECT `+prefixed("t", callbackColumns)+from, args...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanCallback)
	return inOrder(list, f.Page), n, err
}

// FollowUpPage returns a page of the open follow-ups due by f.Day that f
// selects, and their number up to cap+1.
func FollowUpPage(ctx context.Context, q Q, f TaskFilter, cap int) ([]*FollowUp, int, error) {
	from, args := f.where("follow_ups", "f", "f.due_date <= ?", f.Day)
	n, err := countCapped(ctx, q, `SELECT f.id`+from, args, cap)
	if err != nil {
		return nil, 0, err
	}
	from, args = TaskOrder("f").where(from, args, f.Page)
	rows, err := q.Query(ctx, `SELECT `+prefixed("f", followUpColumns)+from, args...)
	if err != nil {
		return nil, 0, err
	}
	list, err := collect(rows, scanFollowUp)
	return inOrder(list, f.Page), n, err
}
