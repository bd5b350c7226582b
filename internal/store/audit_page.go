package store

import (
	"context"
	"fmt"
	"unicode/utf8"

	"zhitong/internal/audit"
)

// AuditWindow is how many entries of the log one page of the audit list
// looks at, at most. The jurisdiction, date and action filters have no
// index in sequence order, so a page that finds few matches stops after
// this many and says where (AuditPage's stop), rather than scanning the
// whole log for a county with no entries.
const AuditWindow = 5000

// AuditOrder is the audit list's order: by sequence number, the primary key.
func AuditOrder(newestFirst bool) KeyOrder { return KeyOrder{ID: "seq", Desc: newestFirst} }

// AuditPage returns a page of the entries f selects (f.After, f.Desc and
// f.Limit are ignored; Action is a prefix) in order o, read for p. It looks
// at no more than window entries of the log past p's cursor (of f.Object's
// entries when set, through audit_log_object): when those hold fewer than
// p.Limit matches and the log goes on, stop is the last entry looked at,
// a cursor to read on from; nil otherwise.
func AuditPage(ctx context.Context, q Q, f AuditQuery, action string, o KeyOrder, p Page, window int) (entries []audit.Entry, stop *Cursor, err error) {
	cond, args := "", []any{}
	if f.Object != "" {
		cond, args = ` WHERE object = ?`, append(args, f.Object)
	}
	k, order := o.clause(p)
	if k.cond != "" {
		cond, args = and(cond, args, k)
	}
	// The window's far end, from the sequence index alone (with the
	// object, audit_log_object): then the page is one range of it, in
	// order, that stops when the page is full.
	older := o.Desc != (p.Before != nil)
	farthest, bound := "MAX", "<="
	if older {
		farthest, bound = "MIN", ">="
	}
	var n int
	var last int64
	err = q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*), COALESCE(%s(seq), 0) FROM (SELECT seq FROM audit_log%s%s LIMIT %d) w`,
		farthest, cond, order, window), args...).Scan(&n, &last)
	if err != nil {
		return nil, nil, err
	}
	if n == window {
		cond, args = and(cond, args, keysetCond{`seq ` + bound + ` ?`, []any{last}})
	}
	if f.Region != "" {
		cond, args = and(cond, args, keysetCond{`(region LIKE ? OR actor_region LIKE ?)`, []any{f.Region + "%", f.Region + "%"}})
	}
	if !f.From.IsZero() {
		cond, args = and(cond, args, keysetCond{`at >= ?`, []any{FormatTime(f.From)}})
	}
	if !f.To.IsZero() {
		cond, args = and(cond, args, keysetCond{`at < ?`, []any{FormatTime(f.To)}})
	}
	if action != "" {
		cond, args = and(cond, args, keysetCond{`substr(action, 1, ?) = ?`, []any{utf8.RuneCountInString(action), action}})
	}
	rows, err := q.Query(ctx, `SELECT seq, at, actor, action, object, detail, region, actor_region, prev_hash, hash FROM audit_log`+cond+order+fmt.Sprintf(` LIMIT %d`, p.Limit), args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e audit.Entry
		var at string
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.Object, &e.Detail, &e.Region, &e.ActorRegion, &e.Prev, &e.Hash); err != nil {
			return nil, nil, err
		}
		e.At = ParseTime(at)
		entries = append(entries, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	if len(entries) < p.Limit && n == window {
		stop = &Cursor{ID: last} // short: the window ended before the log
	}
	return inOrder(entries, p), stop, nil
}
