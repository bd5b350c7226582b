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

// resultsWhere is the FROM and WHERE of the board's rows f selects, with
// its arguments. Every filter names a column of the publication
// (migrations 099 and 103), so the board, a station's, a town's, a
// category's and an outcome's each walk one index in board order and stop
// after their page; no case row is read for a filter.
func resultsWhere(f ResultFilter) (string, []any) {
	// Only text staff confirmed for the case's latest reply is public
	// (docs/publication.md): a later reply takes it off the board.
	where := []string{`NOT EXISTS (SELECT 1 FROM replies r2 WHERE r2.case_id = pub.case_id AND r2.id > pub.reply_id)`}
	var args []any
	if f.Region != "" {
		if len(f.Region) == townCodeLen {
			where, args = append(where, `substr(pub.region_code, 1, 9) = ?`), append(args, f.Region) // publications_scale_town
		} else {
			cond, lo, hi := regionPrefix("pub.region_code", f.Region)
			where, args = append(where, cond), append(args, lo, hi)
		}
	}
	if f.Category != "" {
		where, args = append(where, `pub.category_code = ?`), append(args, f.Category)
	}
	if f.Outcome != "" {
		where, args = append(where, `pub.outcome = ?`), append(args, f.Outcome)
	}
	if f.StationID != 0 {
		where, args = append(where, `pub.station_id = ?`), append(args, f.StationID)
	}
	return ` FROM publications pub WHERE ` + strings.Join(where, ` AND `), args
}

// townCodeLen is the length of a township's region code (level 4), the
// prefix publications_scale_town indexes.
const townCodeLen = 9

// CountPublicResults counts the board's rows f selects, up to
// PublicCountCap+1.
func CountPublicResults(ctx context.Context, q Q, f ResultFilter) (int, error) {
	from, args := resultsWhere(f)
	var total int
	if err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT 1`+from+` LIMIT %d) t`, PublicCountCap+1), args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count results: %w", err)
	}
	return total, nil
}

// ListPublicResults returns a page of the cases that have a reply whose
// public text staff confirmed (publications), newest reply first, each with
// its latest reply at its current outcome (see CurrentOutcome). The count
// is CountPublicResults.
//
// The page's places come from the publications' indexes alone, in board
// order, so skipping to page 50 reads index entries and a probe each for a
// later reply, and only the page's rows are joined to their case, reply
// and names.
func ListPublicResults(ctx context.Context, q Q, f ResultFilter) ([]PublicResult, error) {
	from, args := resultsWhere(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	if c := f.After; c != nil {
		from += ` AND pub.replied_at <= ? AND (pub.replied_at < ? OR pub.case_id < ?)`
		args = append(args, c.Key, c.Key, c.ID)
	}
	page := `SELECT pub.case_id` + from + fmt.Sprintf(` ORDER BY pub.replied_at DESC, pub.case_id DESC LIMIT %d OFFSET %d`, limit, max(f.Offset, 0))
	rows, err := q.Query(ctx, `SELECT pub.title, COALESCE(cat.name, ''), COALESCE(rg.name, ''), COALESCE(s.name, ''), `+CurrentOutcome+`,
 COALESCE(u.name, ''), pub.summary, r.at, c.anonymous, c.name_enc, c.phone_enc, pub.replied_at, pub.case_id
 FROM publications pub JOIN cases c ON c.id = pub.case_id JOIN replies r ON r.id = pub.reply_id
 LEFT JOIN categories cat ON cat.code = c.category_code
 LEFT JOIN regions rg ON rg.code = c.region_code
 LEFT JOIN stations s ON s.id = c.station_id
 LEFT JOIN units u ON u.id = r.unit_id
 WHERE pub.case_id IN (SELECT case_id FROM (`+page+`) p) ORDER BY pub.replied_at DESC, pub.case_id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("list results: %w", err)
	}
	defer rows.Close()
	var out []PublicResult
	for rows.Next() {
		var p PublicResult
		var at string
		if err := rows.Scan(&p.Title, &p.Category, &p.Region, &p.Station, &p.Outcome, &p.Unit, &p.Summary, &at, &p.Anonymous, &p.NameSealed, &p.PhoneSealed,
			&p.Place.Key, &p.Place.ID); err != nil {
			return nil, err
		}
		p.RepliedAt = ParseTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
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
