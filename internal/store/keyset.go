package store

import (
	"strings"
)

// Cursor marks a row of a case list, for the page after or before it:
// the row's sort key as stored (empty when the list is in id order) and
// its id, which breaks ties.
type Cursor struct {
	Key string
	ID  int64
}

// CursorOf is the cursor of a row of a list read with f.
func CursorOf(f CaseFilter, r *CaseRecord) Cursor {
	c := Cursor{ID: r.ID}
	switch o := orderOf(f); {
	case o.due:
		c.Key = r.DueDate
	case o.col == "submitted_at":
		c.Key = r.submittedText
	case o.col == "updated_at":
		c.Key = r.updatedText
	}
	return c
}

// caseOrder is the order of a case list: by col (then id) in direction
// desc, by id alone when col is empty, or the deadline order (cases with
// a due date first, earliest first, then the rest; ties by id).
type caseOrder struct {
	col  string
	desc bool
	due  bool
}

// orderOf is the order of the list f reads. A search is in id order
// (newest registered first; "oldest" reverses it): its hits come from the
// full-text index in that order, so a page stops when it is full.
func orderOf(f CaseFilter) caseOrder {
	search := len(f.Search) > 0
	switch f.Sort {
	case "due":
		return caseOrder{due: true}
	case "updated":
		return caseOrder{col: "updated_at", desc: true}
	case "oldest":
		if search {
			return caseOrder{}
		}
		return caseOrder{col: "submitted_at"}
	}
	if search {
		return caseOrder{desc: true}
	}
	return caseOrder{col: "submitted_at", desc: true}
}

// sql is the ORDER BY clause, reversed for reading the page before a cursor.
func (o caseOrder) sql(reverse bool) string {
	dir := func(desc bool) string {
		if desc != reverse {
			return " DESC"
		}
		return ""
	}
	switch {
	case o.due:
		return ` ORDER BY CASE WHEN due_date = '' THEN 1 ELSE 0 END` + dir(false) + `, due_date` + dir(false) + `, id` + dir(false)
	case o.col == "":
		return ` ORDER BY id` + dir(o.desc)
	}
	return ` ORDER BY ` + o.col + dir(o.desc) + `, id` + dir(o.desc)
}

type keysetCond struct {
	cond string
	args []any
}

// keyset is the condition that keeps the rows after c in the list's
// order (forward) or before it. A column's bound is written as
// "col <= k AND (col < k OR id < i)": its first half is an index range on
// either engine, which a row-value comparison is not always.
func (o caseOrder) keyset(c Cursor, forward bool) keysetCond {
	desc := o.desc == forward
	if o.due {
		desc = !forward
	}
	op := ">"
	if desc {
		op = "<"
	}
	switch {
	case o.due && forward && c.Key == "":
		return keysetCond{`due_date = '' AND id > ?`, []any{c.ID}}
	case o.due && forward:
		return keysetCond{`(due_date = '' OR (due_date >= ? AND (due_date > ? OR id > ?)))`, []any{c.Key, c.Key, c.ID}}
	case o.due && c.Key == "":
		return keysetCond{`(due_date <> '' OR id < ?)`, []any{c.ID}}
	case o.due:
		return keysetCond{`due_date <> '' AND due_date <= ? AND (due_date < ? OR id < ?)`, []any{c.Key, c.Key, c.ID}}
	case o.col == "":
		return keysetCond{`id ` + op + ` ?`, []any{c.ID}}
	}
	return keysetCond{o.col + ` ` + op + `= ? AND (` + o.col + ` ` + op + ` ? OR id ` + op + ` ?)`, []any{c.Key, c.Key, c.ID}}
}

// and adds k to a WHERE clause (which may be empty).
func and(cond string, args []any, k keysetCond) (string, []any) {
	if cond == "" {
		return ` WHERE ` + k.cond, append(args, k.args...)
	}
	return cond + ` AND ` + strings.TrimPrefix(k.cond, ` WHERE `), append(args, k.args...)
}
