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

// taskQueue is one of the two queues: its table, alias and condition
// beyond being open (with args), and the partial index of its open tasks
// by region (migration 099).
type taskQueue struct {
	table, alias, extra, index string
}

var (
	callbackQueue = taskQueue{"callback_tasks", "t", "c.round = t.round", "callback_tasks_scale_open"}
	followUpQueue = taskQueue{"follow_ups", "f", "f.due_date <= ?", "follow_ups_scale_open"}
)

// TaskCountCap is how far a task queue (待回访, 待跟踪问效) is counted, on
// the home and on the list alike: a count of TaskCountCap+1 means "more"
// (1000+). One officer's day is far fewer, and counting a backlog of
// 10,000 read as many cases.
const TaskCountCap = 1000

// CountCallbacks counts the open call-back tasks f selects (countTasks).
func CountCallbacks(ctx context.Context, q Q, f TaskFilter) (int, error) {
	return countTasks(ctx, q, callbackQueue, f)
}

// CountFollowUps counts the open follow-ups due by f.Day that f selects (countTasks).
func CountFollowUps(ctx context.Context, q Q, f TaskFilter) (int, error) {
	return countTasks(ctx, q, followUpQueue, f, f.Day)
}

// countTasks is the one count of a task queue, up to TaskCountCap+1: the
// list's total (CallbackPage, FollowUpPage) and the home's figure
// (app.CallbackCount, app.FollowUpCount) are both this, so the home shows
// the number of the list it links to. The rows are the page's: the same
// FROM … WHERE and jurisdiction. A region's count reads the region's range
// of its open tasks' region code (kept equal to their case's by migration
// 106's triggers, so the range holds exactly the tasks the jurisdiction
// selects) rather than every open task of the deployment.
func countTasks(ctx context.Context, q Q, tq taskQueue, f TaskFilter, args ...any) (int, error) {
	from, juris, jargs, args := f.where(tq.table, tq.alias, tq.extra, slices.Clone(args)...)
	if f.Station == 0 && f.Region != "" {
		cond, lo, hi := regionPrefix(tq.alias+".region_code", f.Region)
		from, args = from+` AND `+cond, append(args, lo, hi)
		if q.Dialect() == SQLite {
			from = strings.Replace(from, ` `+tq.alias+` JOIN`, ` `+tq.alias+` INDEXED BY `+tq.index+` JOIN`, 1)
		}
	}
	var n int
	err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1%s AND %s LIMIT %d) x`, from, juris, TaskCountCap+1),
		append(args, jargs...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", tq.table, err)
	}
	return n, nil
}

// taskPage reads a page of a queue's open tasks f selects (scan reads a
// row of cols) and its count (countTasks), as total and more for app.PageOf.
func taskPage[T any](ctx context.Context, q Q, tq taskQueue, f TaskFilter, cols string, scan func(interface{ Scan(...any) error }) (T, error), args ...any) ([]T, int, bool, error) {
	n, err := countTasks(ctx, q, tq, f, args...)
	if err != nil {
		return nil, 0, false, err
	}
	from, juris, jargs, args := f.where(tq.table, tq.alias, tq.extra, args...)
	cond, args := TaskOrder(tq.alias).where(from+` AND `+juris, append(args, jargs...), f.Page)
	rows, err := q.Query(ctx, `SELECT `+prefixed(tq.alias, cols)+cond, args...)
	if err != nil {
		return nil, 0, false, err
	}
	list, err := collect(rows, scan)
	return inOrder(list, f.Page), min(n, TaskCountCap), n > TaskCountCap, err
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
	return taskPage(ctx, q, callbackQueue, f, callbackColumns, scanCallback)
}

// FollowUpPage returns a page of the open follow-ups due by f.Day that f
// selects, and their number (countTasks).
func FollowUpPage(ctx context.Context, q Q, f TaskFilter) ([]*FollowUp, int, bool, error) {
	return taskPage(ctx, q, followUpQueue, f, followUpColumns, scanFollowUp, f.Day)
}
