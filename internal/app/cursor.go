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
