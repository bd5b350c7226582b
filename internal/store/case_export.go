package store

import (
	"context"
	"fmt"
	"strings"
)

// CaseCursor is where a keyset walk over a case list stopped: the sort
// key of the last case returned. The zero cursor starts at the beginning.
type CaseCursor struct {
	keys []any
}

// caseKeys is the ORDER BY of f.Sort as key expressions and direction, the
// same order as ListCases; id ends every key, so the order is total.
func caseKeys(sort string) (exprs []string, desc bool) {
	switch sort {
	case "due":
		return []string{`CASE WHEN due_date = '' THEN 1 ELSE 0 END`, `due_date`, `id`}, false
	case "updated":
		return []string{`updated_at`, `id`}, true
	case "oldest":
		return []string{`submitted_at`, `id`}, false
	}
	return []string{`submitted_at`, `id`}, true
}

// CaseBatch returns up to n cases matching f after cur, in the list's
// order, and the cursor after the last of them. It reads by keyset — a
// row comparison on the sort key, never an OFFSET — so walking a million
// cases in batches costs the same per batch at the end as at the start,
// and only one batch is held at a time. f's Limit and Offset are ignored.
func CaseBatch(ctx context.Context, q Q, f CaseFilter, ftsMatch, tsQuery string, cur CaseCursor, n int) ([]*CaseRecord, CaseCursor, error) {
	exprs, desc := caseKeys(f.Sort)
	cond, args := caseWhere(q, f, ftsMatch, tsQuery)
	if cur.keys != nil {
		op := ">"
		if desc {
			op = "<"
		}
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(exprs)), ", ")
		kc := `(` + strings.Join(exprs, ", ") + `) ` + op + ` (` + ph + `)`
		if cond == "" {
			cond = ` WHERE ` + kc
		} else {
			cond += ` AND ` + kc
		}
		args = append(args, cur.keys...)
	}
	dir := ""
	if desc {
		dir = " DESC"
	}
	order := ` ORDER BY ` + strings.Join(exprs, dir+", ") + dir
	rows, err := q.Query(ctx, `SELECT `+caseColumns+`, `+strings.Join(exprs, ", ")+` FROM cases`+cond+order+fmt.Sprintf(` LIMIT %d`, n), args...)
	if err != nil {
		return nil, cur, fmt.Errorf("case batch: %w", err)
	}
	defer rows.Close()
	out := make([]*CaseRecord, 0, n)
	var next CaseCursor
	for rows.Next() {
		keys := make([]any, len(exprs))
		ptrs := make([]any, len(exprs))
		for i := range keys {
			if exprs[i] == `id` {
				ptrs[i] = new(int64)
			} else if strings.HasPrefix(exprs[i], `CASE`) {
				ptrs[i] = new(int64)
			} else {
				ptrs[i] = new(string)
			}
		}
		r, err := scanCase(extraScan{rows, ptrs})
		if err != nil {
			return nil, cur, err
		}
		for i, p := range ptrs {
			switch v := p.(type) {
			case *int64:
				keys[i] = *v
			case *string:
				keys[i] = *v
			}
		}
		next.keys = keys
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, cur, err
	}
	if len(out) == 0 {
		return nil, cur, nil
	}
	return out, next, nil
}

// extraScan scans a row's leading columns into the caller's destinations
// and its trailing ones into extra.
type extraScan struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (s extraScan) Scan(dest ...any) error { return s.row.Scan(append(dest, s.extra...)...) }
