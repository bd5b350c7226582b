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

// PublicCountCap is how far the results board counts: a total of
// PublicCountCap+1 means "more" (共 1000+ 件), and its pages stop there.
const PublicCountCap = 1000

// ListPublicResults returns the cases that have a reply whose public text
// staff confirmed (publications), newest reply first,
// each with its latest reply at its current outcome (see CurrentOutcome), and the total
// (up to PublicCountCap+1).
func ListPublicResults(ctx context.Context, q Q, f ResultFilter) ([]PublicResult, int, error) {
	var where []string
	var args []any
	// Only text staff confirmed for the case's latest reply is public
	// (docs/publication.md): a later reply takes it off the board.
	where = append(where, `NOT EXISTS (SELECT 1 FROM replies r2 WHERE r2.case_id = pub.case_id AND r2.id > pub.reply_id)`)
	narrow := f.Region != "" || f.StationID != 0
	if f.Region != "" {
		cond, lo, hi := regionPrefix("c.region_code", f.Region)
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
	// Driven from the publications in board order (publications_board,
	// migration 084), so a page stops when it is full; on SQLite CROSS JOIN
	// keeps that order. A town's or a station's board is driven from its
	// cases instead (an index range of a few thousand), the planner's choice.
	join := ` JOIN `
	if q.Dialect() == SQLite && !narrow {
		join = ` CROSS JOIN `
	}
	from := ` FROM publications pub` + join + `cases c ON c.id = pub.case_id` + join + `replies r ON r.id = pub.reply_id`
	var total int
	if err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1`+from+cond+` LIMIT %d) t`, PublicCountCap+1), args...).Scan(&total); err != nil {
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
		fmt.Sprintf(` ORDER BY pub.replied_at DESC, pub.case_id DESC LIMIT %d OFFSET %d`, limit, max(f.Offset, 0)), args...)
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
