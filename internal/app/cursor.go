package app

import (
	"encoding/base64"
	"strconv"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// A list cursor is opaque to its users: base64url of "c1", the list's
// sort, the row's sort key and its id, separated by NUL. It holds nothing
// the page itself does not show, and every list still applies the
// viewer's jurisdiction, so a made-up cursor shows nothing more.
const cursorVersion = "c1"

func sortName(s string) string {
	if s == "" {
		return "submitted"
	}
	return s
}

func encodeCursor(sort string, c store.Cursor) string {
	raw := strings.Join([]string{cursorVersion, sortName(sort), c.Key, strconv.FormatInt(c.ID, 10)}, "\x00")
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

// decodeCursor reads a cursor given as field for a list sorted by sort.
func decodeCursor(field, token, sort string) (*store.Cursor, error) {
	bad := zhitong.Invalid(field, "翻页位置（%s）无效，请从第一页重新开始", field)
	if len(token) > 200 {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, bad
	}
	parts := strings.Split(string(raw), "\x00")
	if len(parts) != 4 || parts[0] != cursorVersion {
		return nil, bad
	}
	if parts[1] != sortName(sort) {
		return nil, zhitong.Invalid(field, "翻页位置属于另一种排序，请从第一页重新开始")
	}
	id, err := strconv.ParseInt(parts[3], 10, 64)
	if err != nil || id <= 0 {
		return nil, bad
	}
	return &store.Cursor{Key: parts[2], ID: id}, nil
}

// PageInput pages a list other than the case list: by cursor alone, each
// list in its one index-backed order (store.KeyOrder).
type PageInput struct {
	// After and Before are cursors (KeysetPage.Next, KeysetPage.Prev):
	// the page after or before a row. Neither: the first page.
	After, Before string
	PerPage       int // 1 to MaxPerPage; 0 is 20
}

// MaxPerPage is the most rows any list shows on one page.
const MaxPerPage = 100

// KeysetPage is one page of a list paged by cursor.
type KeysetPage[T any] struct {
	Items []T
	// Total counts the list up to ListCountCap; More says there are more
	// than that and Total is the cap+1 (共 10000+ 件).
	Total int
	More  bool
	// Next and Prev are the cursors of the pages after and before this
	// one, "" when there is none.
	Next, Prev string
}

// ListCountCap is how many rows a list counts exactly (store.ListCountCap).
const ListCountCap = store.ListCountCap

// StorePage checks in and turns it into the store's page of list (the
// name a cursor carries, so one list's cursor is refused by another):
// one row more than the page, to know whether another follows.
func (in PageInput) StorePage(list string) (store.Page, error) {
	if in.PerPage == 0 {
		in.PerPage = 20
	}
	if in.PerPage < 1 || in.PerPage > MaxPerPage {
		return store.Page{}, zhitong.Invalid("per_page", "每页 1 到 %d 条", MaxPerPage)
	}
	p := store.Page{Limit: in.PerPage + 1}
	var err error
	switch {
	case in.After != "" && in.Before != "":
		return p, zhitong.Invalid("after", "after 与 before 只能选一个")
	case in.After != "":
		p.After, err = decodeCursor("after", in.After, list)
	case in.Before != "":
		p.Before, err = decodeCursor("before", in.Before, list)
	}
	return p, err
}

// cutPage trims rows read for page p (one more than the page, in the
// list's order) to the page, and says whether pages follow and precede it.
func cutPage[T any](rows []T, p store.Page) (page []T, hasNext, hasPrev bool) {
	perPage := p.Limit - 1
	more := len(rows) > perPage
	if more {
		if p.Before != nil {
			rows = rows[len(rows)-perPage:] // read backwards: the extra row is the one before the page
		} else {
			rows = rows[:perPage]
		}
	}
	return rows, more || p.Before != nil, (p.Before != nil && more) || p.After != nil
}

// PageOf is the page of list read for p, with its cursors (cursor
// gives a row's) and its total: counted up to ListCountCap+1, or a lower
// bound when more (then Total is one more than counted, as for the cap).
func PageOf[T any](list string, rows []T, total int, more bool, p store.Page, cursor func(T) store.Cursor) KeysetPage[T] {
	rows, hasNext, hasPrev := cutPage(rows, p)
	if more {
		total++
	}
	pg := KeysetPage[T]{Items: rows, Total: total, More: more || total > ListCountCap}
	if pg.Items == nil {
		pg.Items = []T{}
	}
	if len(rows) > 0 {
		if hasNext {
			pg.Next = encodeCursor(list, cursor(rows[len(rows)-1]))
		}
		if hasPrev {
			pg.Prev = encodeCursor(list, cursor(rows[0]))
		}
	}
	return pg
}

// WindowPage is keysetPage for a list whose page looks at a bounded
// window of rows past its cursor (store.AuditPage) and counts nothing: a
// page may then be short, even empty, and still have a cursor onwards,
// from stop, where the window ended.
func WindowPage[T any](list string, rows []T, p store.Page, stop *store.Cursor, cursor func(T) store.Cursor) KeysetPage[T] {
	full := len(rows) >= p.Limit // the page filled before its window ended
	rows, _, _ = cutPage(rows, p)
	pg := KeysetPage[T]{Items: rows}
	if pg.Items == nil {
		pg.Items = []T{}
	}
	onward := func() string {
		if full {
			if p.Before != nil {
				return encodeCursor(list, cursor(rows[0]))
			}
			return encodeCursor(list, cursor(rows[len(rows)-1]))
		}
		if stop != nil {
			return encodeCursor(list, *stop)
		}
		return ""
	}()
	back := ""
	if len(rows) > 0 {
		if p.Before != nil {
			back = encodeCursor(list, cursor(rows[len(rows)-1]))
		} else if p.After != nil {
			back = encodeCursor(list, cursor(rows[0]))
		}
	}
	if p.Before != nil {
		pg.Prev, pg.Next = onward, back
	} else {
		pg.Next, pg.Prev = onward, back
	}
	return pg
}
