package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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
	id   string // the tie-breaking column; "" is id
}

func (o caseOrder) idCol() string {
	if o.id == "" {
		return "id"
	}
	return o.id
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
	id := o.idCol()
	switch {
	case o.due:
		return ` ORDER BY CASE WHEN due_date = '' THEN 1 ELSE 0 END` + dir(false) + `, due_date` + dir(false) + `, ` + id + dir(false)
	case o.col == "":
		return ` ORDER BY ` + id + dir(o.desc)
	}
	return ` ORDER BY ` + o.col + dir(o.desc) + `, ` + id + dir(o.desc)
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
		return keysetCond{o.idCol() + ` ` + op + ` ?`, []any{c.ID}}
	}
	return keysetCond{o.col + ` ` + op + `= ? AND (` + o.col + ` ` + op + ` ? OR ` + o.idCol() + ` ` + op + ` ?)`, []any{c.Key, c.Key, c.ID}}
}

// and adds k to a WHERE clause (which may be empty).
func and(cond string, args []any, k keysetCond) (string, []any) {
	if cond == "" {
		return ` WHERE ` + k.cond, append(args, k.args...)
	}
	return cond + ` AND ` + strings.TrimPrefix(k.cond, ` WHERE `), append(args, k.args...)
}

// Page is one page of a list other than the case list, read by keyset in
// a KeyOrder: Limit rows after After, before Before, or from the start.
// A list asks for one row more than it shows, to know whether a page follows.
type Page struct {
	After, Before *Cursor
	Limit         int
}

// KeyOrder is the order of a list paged by keyset: by Col, then by ID
// (which breaks ties), descending when Desc; by ID alone when Col is
// empty. Both name columns of the list's query (qualified when it joins),
// and an index must lead with them (after the list's equality filters),
// so a page reads its rows and no more.
type KeyOrder struct {
	Col, ID string
	Desc    bool
}

// clause is what a list's query adds for page p: the keyset bound (to AND
// into its WHERE; empty from the start) and the ORDER BY clause. A page
// before a cursor is read backwards; inOrder turns it round.
func (o KeyOrder) clause(p Page) (keysetCond, string) {
	co := caseOrder{col: o.Col, desc: o.Desc, id: o.ID}
	var k keysetCond
	switch {
	case p.After != nil:
		k = co.keyset(*p.After, true)
	case p.Before != nil:
		k = co.keyset(*p.Before, false)
	}
	return k, co.sql(p.Before != nil)
}

// where adds the keyset bound of p to a WHERE clause (which may be empty)
// and returns it with the ORDER BY … LIMIT tail.
func (o KeyOrder) where(cond string, args []any, p Page) (string, []any) {
	k, order := o.clause(p)
	if k.cond != "" {
		cond, args = and(cond, args, k)
	}
	return cond + order + fmt.Sprintf(` LIMIT %d`, cmp.Or(p.Limit, 21)), args
}

// inOrder puts the rows of page p in the list's order: a page before a
// cursor was read backwards.
func inOrder[T any](rows []T, p Page) []T {
	if p.Before != nil {
		slices.Reverse(rows)
	}
	return rows
}

// countCapped counts the rows of query (a SELECT of the list's rows),
// up to limit+1: a total of limit+1 means "more than limit".
func countCapped(ctx context.Context, q Q, query string, args []any, limit int) (int, error) {
	var n int
	err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (%s LIMIT %d) t`, query, limit+1), args...).Scan(&n)
	return n, err
}
