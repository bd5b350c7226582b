package store

// The full-text search of cases: which side of a search drives (its words
// or its other filters), the queries of its hits on SQLite (cases_fts) and
// PostgreSQL (cases_search_scope, migration 102: the words with region and
// id-range tokens), and the newest-first walk over id ranges.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// searchByFilter reports whether f is a search to drive from its other
// filters (SearchFilterCap): they keep few enough cases, counted in their
// index up to the cap.
func searchByFilter(ctx context.Context, q Q, f CaseFilter) (bool, error) {
	if len(f.Search) == 0 {
		return false, nil
	}
	limit := SearchFilterCap
	if f.SearchFilterCap != 0 {
		limit = max(f.SearchFilterCap, -1)
	}
	if limit < 0 {
		return false, nil
	}
	rest := f
	rest.Search = nil
	cond, args := caseWhereIn(q, rest, "", "", "region_code")
	if q.Dialect() == Postgres {
		// The planner's estimate, from its statistics with these values
		// (plan_cache_mode, see Open): a capped count took a sequential
		// scan until it had 5,001 of a county's cases (300 ms at 1,000,000).
		var plan string
		if err := q.QueryRow(ctx, `EXPLAIN (FORMAT JSON) SELECT id FROM cases`+cond, args...).Scan(&plan); err != nil {
			return false, fmt.Errorf("estimate search filter: %w", err)
		}
		var p []struct {
			Plan struct {
				Rows float64 `json:"Plan Rows"`
			}
		}
		if err := json.Unmarshal([]byte(plan), &p); err != nil || len(p) == 0 {
			return false, fmt.Errorf("estimate search filter: %q: %v", plan, err)
		}
		return p[0].Plan.Rows <= float64(limit), nil
	}
	var n int
	err := q.QueryRow(ctx, fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT id FROM cases%s LIMIT %d) t`, cond, limit+1), args...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("count search filter: %w", err)
	}
	return n <= limit, nil
}

// searchIDs is the query of the ids of f's search hits, by id, newest
// first when desc, from after the cursor c when set: the full-text index
// drives it in id order and the case's other filters are checked per hit,
// so it stops as soon as the page is full. On PostgreSQL the planner
// chooses between the GIN index and walking the primary key from the
// word's statistics, per execution (plan_cache_mode, see Open).
//
// byFilter (searchByFilter) turns it round: the cases the other filters
// keep are read from their index (at most SearchFilterCap) and those with
// the words kept, whatever the word's frequency.
func searchIDs(q Q, f CaseFilter, ftsMatch, tsQuery string, byFilter, desc bool, c *Cursor, limit, offset int) (string, []any) {
	return searchIDsIn(q, f, ftsMatch, tsQuery, byFilter, desc, c, limit, offset, nil)
}

// searchIDsIn is searchIDs within the id ranges of searchDoc numbered
// ranges (id >> searchRangeShift), when there are any, on PostgreSQL.
func searchIDsIn(q Q, f CaseFilter, ftsMatch, tsQuery string, byFilter, desc bool, c *Cursor, limit, offset int, ranges []int64) (string, []any) {
	op, dir := ">", ""
	if desc {
		op, dir = "<", " DESC"
	}
	tail := fmt.Sprintf(` LIMIT %d`, limit)
	if offset > 0 && c == nil {
		tail += fmt.Sprintf(` OFFSET %d`, offset)
	}
	if byFilter {
		cond, args := filterHits(q, f, ftsMatch, tsQuery)
		if c != nil {
			cond, args = and(cond, args, keysetCond{`id ` + op + ` ?`, []any{c.ID}})
		}
		return `SELECT id FROM cases` + cond + ` ORDER BY id` + dir + tail, args
	}
	rest := f
	rest.Search = nil
	if q.Dialect() == Postgres {
		// The jurisdiction goes into the word's look-up (searchScope): a
		// county's hits come out of the index alone.
		var scope searchTokens
		rest, scope = searchScope(rest)
		cond, args := caseWhere(q, rest, "", "")
		cond, args = and(cond, args, searchCond(tsQuery, scope.query(ranges)))
		if c != nil {
			cond, args = and(cond, args, keysetCond{`id ` + op + ` ?`, []any{c.ID}})
		}
		return `SELECT id FROM cases` + cond + ` ORDER BY id` + dir + tail, args
	}
	cond, args := caseWhere(q, rest, "", "")
	// CROSS JOIN keeps the full-text table outermost: its hits come in
	// rowid order, and the rowid bound is applied inside the index.
	where := ` WHERE f.cases_fts MATCH ?`
	all := []any{ftsMatch}
	if c != nil {
		where += ` AND f.rowid ` + op + ` ?`
		all = append(all, c.ID)
	}
	if cond != "" {
		where += ` AND ` + strings.TrimPrefix(cond, ` WHERE `)
		all = append(all, args...)
	}
	// Each hit's filters are checked in cases_scale_hit, a covering index
	// of a few dozen bytes an entry, not in the case row: 18,000 hits of a
	// common word took 300 ms in the rows, 30 ms in the index.
	return `SELECT f.rowid AS id FROM cases_fts f CROSS JOIN cases INDEXED BY cases_scale_hit ON cases.id = f.rowid` + where + ` ORDER BY f.rowid` + dir + tail, all
}

// filterHits is the condition of a search driven from its other filters
// (searchByFilter): they name the index, a range of at most
// SearchFilterCap cases, and each case is looked up among the word's hits.
// On SQLite "+id" keeps the planner from taking the hits as the index to
// search by (with statistics it probed the covering index once per hit:
// 40,000 probes for 路灯, 320 ms); on PostgreSQL the planner weighs the
// sides itself.
func filterHits(q Q, f CaseFilter, ftsMatch, tsQuery string) (string, []any) {
	rest := f
	rest.Search = nil
	cond, args := caseWhereIn(q, rest, "", "", "region_code")
	if q.Dialect() == Postgres {
		return and(cond, args, searchCond(tsQuery, ""))
	}
	return ` WHERE id IN (SELECT f.rowid FROM cases_fts f WHERE f.cases_fts MATCH ? AND +f.rowid IN (SELECT id FROM cases` + cond + `))`,
		append([]any{ftsMatch}, args...)
}

// searchDoc is what PostgreSQL's full-text index of cases holds
// (cases_search_scope, migrations 102 and 111): the case's words and
// tokens no document can hold (to_tsvector drops '@', '#' and '$'):
//
//   - one per level of its region code: '@36', '@3607', '@360732',
//     '@360732101', and '@' + the whole code;
//   - its range of ids, '#' || (id >> 14) (searchRangeShift), and the same
//     within its county, '@360732#61': a county's newest hits are asked for
//     by the county's tokens of the newest ranges, a few hundred cases each,
//     not by the county's and the ranges' whole lists;
//   - its station, '$' || station_id (none when it has none).
//
// A search must name it exactly so, or the planner cannot use the index.
const searchDoc = `(search || array_to_tsvector(array_remove(ARRAY['@' || substr(region_code, 1, 2), '@' || substr(region_code, 1, 4), '@' || substr(region_code, 1, 6), '@' || substr(region_code, 1, 9), '@' || region_code, '#' || (id >> 14)::text, '@' || substr(region_code, 1, 6) || '#' || (id >> 14)::text, '$' || station_id::text], NULL)))`

// searchRangeShift sizes the id ranges of searchDoc's '#' tokens: a case
// with id n holds '#' || (n >> 14), 16,384 cases a range. 路灯 has 3,000
// hits in a county of 1,000,000 cases, about 50 a range, so the newest
// 201 are in the newest four or five ranges.
const searchRangeShift = 14

// searchRangeRounds is how many times searchHitIDs asks for id ranges
// before it reads the search's hits whole; searchRangeMax is how many
// ranges it asks for at most (about a million cases).
const (
	searchRangeRounds = 3
	searchRangeMax    = 64
)

// searchHitIDs is searchIDs on PostgreSQL: the index gives a search's
// hits in no order, so the newest page would be sorted out of all of them,
// each read from the heap (3,021 for 路灯 in a county at 1,000,000 cases).
// It asks for the hits in the id ranges next to the start (the newest
// case, or the cursor's) first, until they hold offset+limit hits — every
// hit outside them is older (newer, for an ascending page) than every hit
// inside. After the first ranges it widens them to as many as the hits
// found suggest (half again more), and reads the search whole when that
// would pass searchRangeMax ranges or searchRangeRounds rounds: a rare
// word's few hits are read whole at once. The query returned lists the ids
// found; elsewhere it is searchIDs'.
func searchHitIDs(ctx context.Context, q Q, f CaseFilter, ftsMatch, tsQuery string, byFilter, desc bool, c *Cursor, limit, offset int) (string, []any, error) {
	query, args := searchIDs(q, f, ftsMatch, tsQuery, byFilter, desc, c, limit, offset)
	if q.Dialect() != Postgres || byFilter || limit <= 0 || f.SearchWhole {
		return query, args, nil
	}
	var start int64
	if c != nil {
		start = c.ID >> searchRangeShift
	} else {
		end := `max`
		if !desc {
			end = `min`
		}
		var id *int64
		if err := q.QueryRow(ctx, `SELECT `+end+`(id) FROM cases`).Scan(&id); err != nil {
			return "", nil, fmt.Errorf("search ranges: %w", err)
		}
		if id == nil {
			return query, args, nil
		}
		start = *id >> searchRangeShift
	}
	need := max(offset, 0) + limit
	step := int64(1)
	if desc {
		step = -1
	}
	// The range of the start (and the one beyond the newest case, for
	// cases added since it was read), and the next ones.
	ranges := []int64{start}
	if c == nil {
		ranges = append(ranges, start-step)
	}
	// A county's ranges hold a few hundred cases each, read through its own
	// tokens: a count's 201 hits ask for eight of them at once (路灯: about
	// 40 hits a range). Other ranges are read whole in the index (16,384
	// cases each): one more, and widened as the hits found say.
	next, covered, width := start+step, int64(1), int64(1)
	if _, scope := searchScope(f); need >= 100 && (searchCounty(scope.all) != "" || searchCounty(scope.any) != "") {
		width = 8
	}
	for range searchRangeRounds {
		for range width {
			if next < 0 {
				break
			}
			ranges = append(ranges, next)
			next += step
			covered++
		}
		sub, subArgs := searchIDsIn(q, f, ftsMatch, tsQuery, false, desc, c, need, 0, ranges)
		rows, err := q.Query(ctx, sub, subArgs...)
		if err != nil {
			return "", nil, fmt.Errorf("search ranges: %w", err)
		}
		ids, err := collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
			var id int64
			return id, s.Scan(&id)
		})
		if err != nil {
			return "", nil, fmt.Errorf("search ranges: %w", err)
		}
		if len(ids) == need || next < 0 {
			ids = ids[min(max(offset, 0), len(ids)):]
			return `SELECT id FROM unnest(CAST(? AS bigint[])) WITH ORDINALITY AS h(id, n) ORDER BY n`, []any{ids}, nil
		}
		// The ranges the hits so far say hold the page, half again more.
		want := int64(searchRangeMax + 1)
		if len(ids) > 0 {
			want = min(covered*int64(need)*3/(2*int64(len(ids)))+1, want)
		}
		if want > searchRangeMax {
			break
		}
		width = max(want-covered, covered)
	}
	return query, args, nil
}

// sortedHits reads a page of a search sorted by deadline or last update
// (o): the order of its newest SearchCountCap hits — of every hit when
// there are no more — read once, newest first, as the count reads them, and
// sorted among themselves. Sorting every hit of a common word would read
// each of them (3,200 in a county at 1,000,000 cases) at every page; the
// list says the order is of the newest (app.CasePage.SortedNewest). The
// total counts up to SearchCountCap+1 as any search's.
func sortedHits(ctx context.Context, q Q, f CaseFilter, o caseOrder, ftsMatch, tsQuery string, limit int, byFilter bool) ([]*CaseRecord, int, error) {
	var query string
	var args []any
	var err error
	if byFilter {
		var cond string
		cond, args = filterHits(q, f, ftsMatch, tsQuery)
		query = fmt.Sprintf(`SELECT id FROM cases%s ORDER BY id DESC LIMIT %d`, cond, SearchCountCap+1)
	} else if query, args, err = searchHitIDs(ctx, q, f, ftsMatch, tsQuery, false, true, nil, SearchCountCap+1, 0); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("list search hits: %w", err)
	}
	ids, err := collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("list search hits: %w", err)
	}
	total := len(ids)
	cond, arg := idList(q, ids[:min(len(ids), SearchCountCap)])
	where, wargs := ` WHERE `+cond, []any{arg}
	offset := max(f.Offset, 0)
	forward := f.Before == nil
	if c := cmp.Or(f.After, f.Before); c != nil {
		where, wargs = and(where, wargs, o.keyset(*c, forward))
		offset = 0
	}
	page := `SELECT id FROM cases` + where + o.sql(!forward) + fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset)
	recs, err := readCases(ctx, q, `SELECT `+caseColumns+` FROM cases WHERE id IN (SELECT id FROM (`+page+`) p)`+o.sql(false), wargs...)
	return recs, total, err
}

// searchCond is the condition of a search's words on PostgreSQL, and of
// the tokens of scope (searchTokens.query) when there are any. A query
// whose words PostgreSQL's parser drops all of (an empty tsquery) keeps
// matching nothing, rather than every case of the region.
func searchCond(tsQuery, scope string) keysetCond {
	if scope == "" {
		return keysetCond{searchDoc + ` @@ to_tsquery('simple', ?)`, []any{tsQuery}}
	}
	return keysetCond{searchDoc + ` @@ (to_tsquery('simple', ?) && ?::tsquery) AND numnode(to_tsquery('simple', ?)) > 0`,
		[]any{tsQuery, scope, tsQuery}}
}

// searchTokens are the filters of a search that searchDoc's tokens hold
// (searchScope): the index is asked for them with the words.
type searchTokens struct {
	all []string // every hit holds each: '@360732', '$12'
	any []string // every hit holds one: a jurisdiction with its shared stations, '@360732' | '$12'
}

// query is the tsquery of s within the id ranges numbered ranges (none:
// all of them), "" when there is nothing to ask. The ranges are asked for
// by their county's tokens ('@360732#61') when the hits lie in one county,
// and by the plain ranges ('#61') together with the other tokens otherwise.
func (s searchTokens) query(ranges []int64) string {
	quote := func(toks []string) []string {
		out := make([]string, len(toks))
		for i, t := range toks {
			out[i] = `'` + t + `'`
		}
		return out
	}
	within := func(county string) string {
		out := make([]string, len(ranges))
		for i, r := range ranges {
			out[i] = fmt.Sprintf(`'%s#%d'`, county, r)
		}
		return `(` + strings.Join(out, ` | `) + `)`
	}
	terms := quote(s.all)
	anyOf := ``
	if len(s.any) > 0 {
		anyOf = `(` + strings.Join(quote(s.any), ` | `) + `)`
	}
	switch county := searchCounty(s.all); {
	case len(ranges) == 0:
		if anyOf != `` {
			terms = append(terms, anyOf)
		}
	case county != ``:
		terms = append(terms, within(county))
		if anyOf != `` {
			terms = append(terms, anyOf)
		}
	case len(s.any) > 0:
		alts := make([]string, len(s.any))
		for i, t := range s.any {
			if county := searchCounty([]string{t}); county != `` {
				alts[i] = `(` + within(county) + ` & '` + t + `')`
			} else {
				alts[i] = `('` + t + `' & ` + within(``) + `)`
			}
		}
		terms = append(terms, `(`+strings.Join(alts, ` | `)+`)`)
	default:
		terms = append(terms, within(``))
	}
	return strings.Join(terms, ` & `)
}

// searchCounty is the county token ('@360732') of the first region token
// of toks at a county's level or below, "" when there is none.
func searchCounty(toks []string) string {
	for _, t := range toks {
		if strings.HasPrefix(t, `@`) && len(t) >= 7 {
			return t[:7]
		}
	}
	return ``
}

// searchScope moves the filters of f that searchDoc's tokens hold into
// them: the jurisdiction and the region filter when they are a whole level
// of region codes (2, 4, 6, 9 or 12 digits), a jurisdiction's shared
// stations, a station head's station and the station filter. A county's
// search reads '路灯' & '@360732' from the index — the county's 3,000 hits
// — instead of the word's 40,000 in the city checked one by one against
// the county's range. A unit's or a deputy's scope stays a condition of its
// own, as does a region prefix that is not a level.
func searchScope(f CaseFilter) (CaseFilter, searchTokens) {
	var s searchTokens
	switch {
	case f.ScopeUnit != 0 || f.ScopeDeputy != 0:
	case f.ScopeStation != 0:
		// caseWhereIn reads the station alone then.
		s.all = append(s.all, fmt.Sprintf(`$%d`, f.ScopeStation))
		f.ScopeStation, f.ScopeRegion, f.ScopeStations = 0, "", nil
	case regionLevel(f.ScopeRegion) && len(f.ScopeStations) > 0:
		s.any = append(s.any, `@`+f.ScopeRegion)
		for _, id := range f.ScopeStations {
			s.any = append(s.any, fmt.Sprintf(`$%d`, id))
		}
		f.ScopeRegion, f.ScopeStations = "", nil
	case regionLevel(f.ScopeRegion):
		s.all = append(s.all, `@`+f.ScopeRegion)
		f.ScopeRegion = ""
	}
	if regionLevel(f.Region) {
		s.all = append(s.all, `@`+f.Region)
		f.Region = ""
	}
	if f.StationID != 0 {
		s.all = append(s.all, fmt.Sprintf(`$%d`, f.StationID))
		f.StationID = 0
	}
	return f, s
}

// regionLevel reports whether prefix is a whole level of region codes,
// one of searchDoc's tokens.
func regionLevel(prefix string) bool {
	switch len(prefix) {
	case 2, 4, 6, 9, 12:
	default:
		return false
	}
	return strings.Trim(prefix, "0123456789") == ""
}
