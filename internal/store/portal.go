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
	Place       Cursor // its place on the board: the reply's time as stored and the case id
}

// ResultFilter selects public results.
type ResultFilter struct {
	Region    string // region subtree
	Category  string
	Outcome   string
	StationID int64
	Limit     int
	Offset    int
	After     *Cursor // the rows after this place on the board (Offset then counts from it)
}

// PublicCountCap is how far the results board counts: a total of
// PublicCountCap+1 means "more" (共 1000+ 件), and its pages stop there.
const PublicCountCap = 1000

// ListPublicResults returns the cases that have a reply whose public text
// staff confirmed (publications), newest reply first, each with its latest
// reply at its current outcome (see CurrentOutcome), and the total (up to
// PublicCountCap+1).
//
// The page's places come from the publications' indexes alone, in board
// order (publications_scale_board, and publications_scale_outcome for an
// outcome filter: migration 099), so skipping to page 50 or counting to
// the cap reads index entries and a probe each for a later reply, and only
// the page's rows are joined to their case, reply and names.
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
		where, args = append(where, `pub.outcome = ?`), append(args, f.Outcome)
	}
	if f.StationID != 0 {
		where, args = append(where, `c.station_id = ?`), append(args, f.StationID)
	}
	// Driven from the publications in board order, so a page stops when it
	// is full; on SQLite CROSS JOIN keeps that order. A town's or a
	// station's board is driven from its cases instead (an index range of a
	// few thousand), the planner's choice. The case is joined only when a
	// filter names one of its columns.
	from := ` FROM publications pub`
	if narrow || f.Category != "" {
		join := ` JOIN `
		if q.Dialect() == SQLite && !narrow {
			join = ` CROSS JOIN `
		}
		from += join + `cases c ON c.id = pub.case_id`
	}
	cond := ` WHERE ` + strings.Join(where, ` AND `)
	var total int
	if err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1`+from+cond+` LIMIT %d) t`, PublicCountCap+1), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count results: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	if c := f.After; c != nil {
		cond += ` AND pub.replied_at <= ? AND (pub.replied_at < ? OR pub.case_id < ?)`
		args = append(args, c.Key, c.Key, c.ID)
	}
	page := `SELECT pub.case_id` + from + cond + fmt.Sprintf(` ORDER BY pub.replied_at DESC, pub.case_id DESC LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
	if narrow && q.Dialect() == Postgres {
		// PostgreSQL walked the whole board in order, looking up each
		// row's case for the station (6.5 s at 1,000,000 cases): the
		// OFFSET 0 fence makes it read the station's or town's cases first
		// and sort their few thousand publications.
		page = `SELECT case_id FROM (SELECT pub.case_id, pub.replied_at` + from + cond +
			fmt.Sprintf(` OFFSET 0) m ORDER BY replied_at DESC, case_id DESC LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
	}
	rows, err := q.Query(ctx, `SELECT pub.title, COALESCE(cat.name, ''), COALESCE(rg.name, ''), COALESCE(s.name, ''), `+CurrentOutcome+`,
 COALESCE(u.name, ''), pub.summary, r.at, c.anonymous, c.name_enc, c.phone_enc, pub.replied_at, pub.case_id
 FROM publications pub JOIN cases c ON c.id = pub.case_id JOIN replies r ON r.id = pub.reply_id
 LEFT JOIN categories cat ON cat.code = c.category_code
 LEFT JOIN regions rg ON rg.code = c.region_code
 LEFT JOIN stations s ON s.id = c.station_id
 LEFT JOIN units u ON u.id = r.unit_id
 WHERE pub.case_id IN (SELECT case_id FROM (`+page+`) p) ORDER BY pub.replied_at DESC, pub.case_id DESC`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	var out []PublicResult
	for rows.Next() {
		var p PublicResult
		var at string
		if err := rows.Scan(&p.Title, &p.Category, &p.Region, &p.Station, &p.Outcome, &p.Unit, &p.Summary, &at, &p.Anonymous, &p.NameSealed, &p.PhoneSealed,
			&p.Place.Key, &p.Place.ID); err != nil {
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
