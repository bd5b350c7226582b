package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"zhitong"
)

// PublicResult is one replied case as the public results board (办理公示)
// needs it: what was raised and what was done. NameSealed lets internal/app
// mask the submitter's name should it appear in the title; it is never shown.
type PublicResult struct {
	Title       string
	Category    string
	Region      string
	Station     string
	Outcome     string
	Unit        string
	Summary     string // the reply's public summary
	RepliedAt   time.Time
	Anonymous   bool
	NameSealed  string
	PhoneSealed string
}

// ResultFilter selects public results.
type ResultFilter struct {
	Region    string // region subtree
	Category  string
	Outcome   string
	StationID int64
	Limit     int
	Offset    int
}

// ListPublicResults returns the cases that have a reply whose public text
// staff confirmed (publications), newest reply first,
// each with its latest reply at its current outcome (see CurrentOutcome), and the total.
func ListPublicResults(ctx context.Context, q Q, f ResultFilter) ([]PublicResult, int, error) {
	var where []string
	var args []any
	// Driven from the replies, which are fewer than the cases: each case
	// counts once, with its latest reply. On SQLite the region range is
	// kept from being taken as the index to search by (see regionColumn).
	where = append(where, `r.id = (SELECT MAX(r2.id) FROM replies r2 WHERE r2.case_id = r.case_id)`)
	if f.Region != "" {
		col := "c.region_code"
		if q.Dialect() == SQLite {
			col = "+c.region_code"
		}
		cond, lo, hi := regionPrefix(col, f.Region)
		where, args = append(where, cond), append(args, lo, hi)
	}
	if f.Category != "" {
		where, args = append(where, `c.category_code = ?`), append(args, f.Category)
	}
	if f.Outcome != "" {
		where, args = append(where, `(`+CurrentOutcome+`) = ?`), append(args, f.Outcome)
	}
	if f.StationID != 0 {
		where, args = append(where, `c.station_id = ?`), append(args, f.StationID)
	}
	cond := ` WHERE ` + strings.Join(where, ` AND `)
	// Only text staff confirmed for this very reply is public (docs/publication.md).
	from := ` FROM replies r JOIN cases c ON c.id = r.case_id JOIN publications pub ON pub.case_id = c.id AND pub.reply_id = r.id`
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*)`+from+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count results: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	rows, err := q.Query(ctx, `SELECT pub.title, COALESCE(cat.name, ''), COALESCE(rg.name, ''), COALESCE(s.name, ''), `+CurrentOutcome+`,
 COALESCE(u.name, ''), pub.summary, r.at, c.anonymous, c.name_enc, c.phone_enc`+from+`
 LEFT JOIN categories cat ON cat.code = c.category_code
 LEFT JOIN regions rg ON rg.code = c.region_code
 LEFT JOIN stations s ON s.id = c.station_id
 LEFT JOIN units u ON u.id = r.unit_id`+cond+
		fmt.Sprintf(` ORDER BY r.at DESC, c.id DESC LIMIT %d OFFSET %d`, limit, max(f.Offset, 0)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	var out []PublicResult
	for rows.Next() {
		var p PublicResult
		var at string
		if err := rows.Scan(&p.Title, &p.Category, &p.Region, &p.Station, &p.Outcome, &p.Unit, &p.Summary, &at, &p.Anonymous, &p.NameSealed, &p.PhoneSealed); err != nil {
			return nil, 0, err
		}
		p.RepliedAt = ParseTime(at)
		out = append(out, p)
	}
	return out, total, rows.Err()
}

// ListStationDeputies returns the deputies assigned to a station, whatever
// their own region.
func ListStationDeputies(ctx context.Context, q Q, stationID int64) ([]zhitong.Deputy, error) {
	rows, err := q.Query(ctx, `SELECT `+deputyColumns+` FROM deputies
 WHERE id IN (SELECT deputy_id FROM station_deputies WHERE station_id = ?) ORDER BY id`, stationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanDeputy)
}
