package store

import (
	"context"
	"fmt"
	"slices"
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

// TaskCountWindow is how many open tasks a queue's count looks at, at
// most: each needs its case's jurisdiction, and a queue of 60,000 open
// follow-ups (seen at 1M cases) cost 0.2 s of lookups to count whole.
const TaskCountWindow = 1000

// where is the FROM … WHERE of a queue: its open tasks (and extra, with
// args) joined to their cases, and the jurisdiction's condition apart.
func (f TaskFilter) where(table, alias, extra string, args ...any) (from, juris string, jargs []any, _ []any) {
	w := []string{alias + ".state = 'open'"}
	if extra != "" {
		w = append(w, extra)
	}
	j := []string{"1 = 1"}
	if f.Station != 0 {
		j, jargs = append(j, `c.station_id = ?`), append(jargs, f.Station)
	} else if f.Region != "" {
		cond, lo, hi := regionPrefix(`c.region_code`, f.Region)
		j, jargs = append(j, cond), append(jargs, lo, hi)
	}
	if f.Held != "" {
		cond, lo, hi := regionPrefix(`c.held_by`, f.Held)
		j, jargs = append(j, `(c.held_by = '' OR (`+cond+`))`), append(jargs, lo, hi)
	}
	return ` FROM ` + table + ` ` + alias + ` JOIN cases c ON c.id = ` + alias + `.case_id WHERE ` + strings.Join(w, ` AND `), strings.Join(j, ` AND `), jargs, args
}

// countTasks counts the tasks of the jurisdiction among the first
// TaskCountWindow open ones: more says the window ended before the queue,
// and total is then a lower bound.
func countTasks(ctx context.Context, q Q, from, juris string, jargs, args []any) (total int, more bool, err error) {
	var n int
	err = q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*), COALESCE(SUM(m), 0) FROM (SELECT CASE WHEN %s THEN 1 ELSE 0 END AS m%s LIMIT %d) w`,
		juris, from, TaskCountWindow), append(slices.Clone(jargs), args...)...).Scan(&n, &total)
	return total, n == TaskCountWindow, err
}

func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, p := range parts {
		parts[i] = alias + "." + p
	}
	return strings.Join(parts, ", ")
}

// CallbackPage returns a page of the open call-back tasks f selects, of
// their cases' current round, and their number (countTasks).
func CallbackPage(ctx context.Context, q Q, f TaskFilter) ([]*CallbackTask, int, bool, error) {
	from, juris, jargs, args := f.where("callback_tasks", "t", "c.round = t.round")
	total, more, err := countTasks(ctx, q, from, juris, jargs, args)
	if err != nil {
		return nil, 0, false, err
	}
	cond, args := TaskOrder("t").where(from+` AND `+juris, append(args, jargs...), f.Page)
	rows, err := q.Query(ctx, `SELECT `+prefixed("t", callbackColumns)+cond, args...)
	if err != nil {
		return nil, 0, false, err
	}
	list, err := collect(rows, scanCallback)
	return inOrder(list, f.Page), total, more, err
}

// FollowUpPage returns a page of the open follow-ups due by f.Day that f
// selects, and their number (countTasks).
func FollowUpPage(ctx context.Context, q Q, f TaskFilter) ([]*FollowUp, int, bool, error) {
	from, juris, jargs, args := f.where("follow_ups", "f", "f.due_date <= ?", f.Day)
	total, more, err := countTasks(ctx, q, from, juris, jargs, args)
	if err != nil {
		return nil, 0, false, err
	}
	cond, args := TaskOrder("f").where(from+` AND `+juris, append(args, jargs...), f.Page)
	rows, err := q.Query(ctx, `SELECT `+prefixed("f", followUpColumns)+cond, args...)
	if err != nil {
		return nil, 0, false, err
	}
	list, err := collect(rows, scanFollowUp)
	return inOrder(list, f.Page), total, more, err
}
