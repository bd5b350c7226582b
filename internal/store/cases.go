package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"zhitong"
)

// CaseRecord is a case as stored: the submitter's personal fields hold
// SM4-GCM ciphertext, and PhoneIndex the blind index used to look them up.
type CaseRecord struct {
	zhitong.Case
	PhoneIndex string
	CreatedBy  int64
	// HeldBy is the region code of the organisation the case was moved to
	// (internal/levels); "" when it never was. Written by SetCaseHeldBy only.
	HeldBy string
	// Search is the search document InsertCase indexes with the new case
	// (search.Document), in the same statement on PostgreSQL; "" indexes
	// nothing (IndexCase does it later). Not read back.
	Search string
	// The stored text of the list's sort keys, for keyset cursors (CursorOf).
	submittedText, updatedText string
}

const caseColumns = `id, code, channel, status, version, round, title, body, COALESCE(category_code, ''), region_code,
 COALESCE(station_id, 0), COALESCE(deputy_id, 0), place, lat, lng, anonymous, name_enc, phone_enc, phone_idx, idcard_enc,
 address_enc, external_id, submitted_at, registered_at, due_from, due_days, due_date, due_provisional, COALESCE(lead_unit_id, 0), answer,
 decline_reason, COALESCE(merged_into, 0), COALESCE(proposal_id, 0), referral_dest, referral_result, resolution,
 closing_note, closed_at, archived_at, updated_at, created_by, demo, held_by`

func scanCase(row interface{ Scan(...any) error }) (*CaseRecord, error) {
	var r CaseRecord
	c := &r.Case
	var submitted, registered, closed, archived, updated string
	err := row.Scan(&c.ID, &c.Code, &c.Channel, &c.Status, &c.Version, &c.Round, &c.Title, &c.Body, &c.CategoryCode, &c.RegionCode,
		&c.StationID, &c.DeputyID, &c.Place, &c.Lat, &c.Lng, &c.Submitter.Anonymous, &c.Submitter.Name, &c.Submitter.Phone, &r.PhoneIndex, &c.Submitter.IDCard,
		&c.Submitter.Address, &c.ExternalID, &submitted, &registered, &c.DueFrom, &c.DueDays, &c.DueDate, &c.DueProvisional, &c.LeadUnitID, &c.Answer,
		&c.DeclineReason, &c.MergedInto, &c.ProposalID, &c.ReferralDest, &c.ReferralResult, &c.Resolution,
		&c.ClosingNote, &closed, &archived, &updated, &r.CreatedBy, &c.Demo, &r.HeldBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "案件不存在")
	} else if err != nil {
		return nil, fmt.Errorf("scan case: %w", err)
	}
	r.submittedText, r.updatedText = submitted, updated
	c.SubmittedAt, c.RegisteredAt = ParseTime(submitted), ParseTime(registered)
	c.ClosedAt, c.ArchivedAt, c.UpdatedAt = ParseTime(closed), ParseTime(archived), ParseTime(updated)
	return &r, nil
}

// nullID stores 0 as NULL so that foreign keys accept "none".
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// InsertCase stores a new case and returns its id.
func (t *Tx) InsertCase(ctx context.Context, r *CaseRecord) (int64, error) {
	c := &r.Case
	args := []any{c.Code, c.Channel, c.Status, c.Version, c.Round, c.Title, c.Body, nullText(c.CategoryCode), c.RegionCode,
		nullID(c.StationID), nullID(c.DeputyID), c.Place, c.Lat, c.Lng, c.Submitter.Anonymous, c.Submitter.Name, c.Submitter.Phone,
		r.PhoneIndex, c.Submitter.IDCard, c.Submitter.Address, c.ExternalID,
		FormatTime(c.SubmittedAt), FormatTime(c.RegisteredAt), c.DueDate, c.DueProvisional, c.Answer, c.Resolution,
		FormatTime(c.ClosedAt), FormatTime(c.UpdatedAt), r.CreatedBy, c.Demo}
	q := insertCaseSQL
	if r.Search != "" && t.Dialect() == Postgres {
		q, args = insertCaseSearchSQL, append(args, r.Search)
	}
	var id int64
	if err := t.QueryRow(ctx, q, args...).Scan(&id); err != nil {
		return 0, fmt.Errorf("insert case: %w", err)
	}
	if r.Search != "" && t.Dialect() == SQLite {
		if _, err := t.Exec(ctx, `INSERT INTO cases_fts (rowid, tokens) VALUES (?, ?)`, id, r.Search); err != nil {
			return 0, fmt.Errorf("index case: %w", err)
		}
	}
	return id, nil
}

// InsertCaseWithEvent stores a new case and its first event, and sets
// their ids (e.CaseID and e.ID too). On PostgreSQL both go in with one
// statement: one round trip, not two, for each submission of a group.
func (t *Tx) InsertCaseWithEvent(ctx context.Context, r *CaseRecord, e *zhitong.Event) (int64, error) {
	if t.Dialect() != Postgres || r.Search == "" {
		id, err := t.InsertCase(ctx, r)
		if err != nil {
			return 0, err
		}
		e.CaseID = id
		return id, t.InsertEvent(ctx, e)
	}
	c := &r.Case
	args := []any{c.Code, c.Channel, c.Status, c.Version, c.Round, c.Title, c.Body, nullText(c.CategoryCode), c.RegionCode,
		nullID(c.StationID), nullID(c.DeputyID), c.Place, c.Lat, c.Lng, c.Submitter.Anonymous, c.Submitter.Name, c.Submitter.Phone,
		r.PhoneIndex, c.Submitter.IDCard, c.Submitter.Address, c.ExternalID,
		FormatTime(c.SubmittedAt), FormatTime(c.RegisteredAt), c.DueDate, c.DueProvisional, c.Answer, c.Resolution,
		FormatTime(c.ClosedAt), FormatTime(c.UpdatedAt), r.CreatedBy, c.Demo, r.Search,
		FormatTime(e.At), e.ActorID, e.ActorName, e.Action, e.FromStatus, e.ToStatus, e.Note, e.Public}
	if err := t.QueryRow(ctx, insertCaseEventSQL, args...).Scan(&c.ID, &e.ID); err != nil {
		return 0, fmt.Errorf("insert case: %w", err)
	}
	e.CaseID = c.ID
	return c.ID, nil
}

const (
	insertCaseColumns = `code, channel, status, version, round, title, body, category_code, region_code,
 station_id, deputy_id, place, lat, lng, anonymous, name_enc, phone_enc, phone_idx, idcard_enc, address_enc, external_id,
 submitted_at, registered_at, due_date, due_provisional, answer, resolution, closed_at, updated_at, created_by, demo`
	insertCaseValues    = `?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?`
	insertCaseSQL       = `INSERT INTO cases (` + insertCaseColumns + `) VALUES (` + insertCaseValues + `) RETURNING id`
	insertCaseSearchSQL = `INSERT INTO cases (` + insertCaseColumns + `, search) VALUES (` + insertCaseValues + `, to_tsvector('simple', ?)) RETURNING id`
	insertCaseEventSQL  = `WITH c AS (` + insertCaseSearchSQL + `)
 INSERT INTO case_events (case_id, at, actor_id, actor_name, action, from_status, to_status, note, public)
 VALUES ((SELECT id FROM c), ?, ?, ?, ?, ?, ?, ?, ?) RETURNING case_id, id`
)

// UpdateCase writes the mutable fields of c if its stored version is still
// oldVersion, and fails with ECONFLICT otherwise: of two people acting on the
// same case at once, only the first wins.
func (t *Tx) UpdateCase(ctx context.Context, c *zhitong.Case, oldVersion int) error {
	res, err := t.Exec(ctx, `UPDATE cases SET status = ?, version = ?, round = ?, title = ?, body = ?, category_code = ?, region_code = ?,
 station_id = ?, deputy_id = ?, place = ?, lat = ?, lng = ?, registered_at = ?, due_from = ?, due_days = ?, due_date = ?, due_provisional = ?, lead_unit_id = ?,
 answer = ?, decline_reason = ?, merged_into = ?, proposal_id = ?, referral_dest = ?, referral_result = ?, resolution = ?,
 closing_note = ?, closed_at = ?, archived_at = ?, updated_at = ? WHERE id = ? AND version = ?`,
		c.Status, c.Version, c.Round, c.Title, c.Body, nullText(c.CategoryCode), c.RegionCode,
		nullID(c.StationID), nullID(c.DeputyID), c.Place, c.Lat, c.Lng, FormatTime(c.RegisteredAt), c.DueFrom, c.DueDays, c.DueDate, c.DueProvisional, nullID(c.LeadUnitID),
		c.Answer, c.DeclineReason, nullID(c.MergedInto), nullID(c.ProposalID), c.ReferralDest, c.ReferralResult, c.Resolution,
		c.ClosingNote, FormatTime(c.ClosedAt), FormatTime(c.ArchivedAt), FormatTime(c.UpdatedAt), c.ID, oldVersion)
	if err != nil {
		return fmt.Errorf("update case: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "案件已被他人修改，请刷新后重试")
	}
	// A published case's place on the public boards follows the case
	// (migration 103): the boards filter on the publication's copy.
	station, category := c.StationID, c.CategoryCode
	if _, err := t.Exec(ctx, `UPDATE publications SET station_id = ?, region_code = ?, category_code = ?
 WHERE case_id = ? AND (station_id <> ? OR region_code <> ? OR category_code <> ?)`,
		station, c.RegionCode, category, c.ID, station, c.RegionCode, category); err != nil {
		return fmt.Errorf("update publication's place: %w", err)
	}
	return nil
}

// GetCase loads a case by id.
func GetCase(ctx context.Context, q Q, id int64) (*CaseRecord, error) {
	return scanCase(q.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE id = ?`, id))
}

// CasePhones returns the sealed phone of each of the cases ids that has
// one, in one statement (a page of the outbox names its cases' phones).
func CasePhones(ctx context.Context, q Q, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT id, phone_enc FROM cases WHERE id IN (`+marks(len(ids))+`)`, idArgs(ids)...)
	if err != nil {
		return nil, fmt.Errorf("case phones: %w", err)
	}
	_, err = collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		var enc string
		err := s.Scan(&id, &enc)
		out[id] = enc
		return id, err
	})
	return out, err
}

// GetCaseByCode loads a case by tracking code.
func GetCaseByCode(ctx context.Context, q Q, code string) (*CaseRecord, error) {
	return scanCase(q.QueryRow(ctx, `SELECT `+caseColumns+` FROM cases WHERE code = ?`, code))
}

// GetCaseByExternalID finds a case imported earlier from the same source.
// The repeated external_id <> ” lets SQLite use the partial index
// cases_external: it cannot tell that a bound value is not empty, and
// without the term it scans every case.
func GetCaseByExternalID(ctx context.Context, q Q, channel zhitong.Channel, externalID string) (*CaseRecord, error) {
	return scanCase(q.QueryRow(ctx, `SELECT `+caseColumns+caseByExternalID, channel, externalID))
}

const caseByExternalID = ` FROM cases WHERE channel = ? AND external_id = ? AND external_id <> ''`

// CaseUnitIDs lists every unit a case was ever assigned to.
func CaseUnitIDs(ctx context.Context, q Q, caseID int64) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT unit_id FROM assignments WHERE case_id = ?`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// IndexCase (re)writes the search document of a case.
func (t *Tx) IndexCase(ctx context.Context, id int64, document string) error {
	var err error
	if t.Dialect() == Postgres {
		_, err = t.Exec(ctx, `UPDATE cases SET search = to_tsvector('simple', ?) WHERE id = ?`, document, id)
	} else {
		if _, err = t.Exec(ctx, `DELETE FROM cases_fts WHERE rowid = ?`, id); err == nil {
			_, err = t.Exec(ctx, `INSERT INTO cases_fts (rowid, tokens) VALUES (?, ?)`, id, document)
		}
	}
	if err != nil {
		return fmt.Errorf("index case: %w", err)
	}
	return nil
}

// CaseFilter selects cases for lists. The scope fields come from the
// principal's jurisdiction (internal/app decides them); the rest from the user.
type CaseFilter struct {
	ScopeRegion  string
	ScopeStation int64
	ScopeDeputy  int64
	ScopeUnit    int64
	// ScopeStations widens ScopeRegion by the cases taken in at these
	// stations: the cross-border stations shared with another
	// jurisdiction (SharedStations, docs/stations.md).
	ScopeStations []int64

	Statuses   []zhitong.Status
	Category   string
	Region     string // a region subtree within the scope
	StationID  int64
	UnitID     int64
	Channel    zhitong.Channel
	Overdue    bool
	Today      string // YYYY-MM-DD, for Overdue
	From, To   string // submitted_at bounds: From ≤ submitted_at < To, as store.FormatTime text
	Search     []string
	PhoneIndex []string
	Sort       string // "submitted" (newest first), "due", "updated"
	Limit      int
	Offset     int
	// After and Before read the page after or before a row (keyset
	// pagination, CursorOf); Offset is then ignored.
	After, Before *Cursor

	// DueBy keeps running cases due from Today up to this date (YYYY-MM-DD), not yet overdue.
	DueBy string
	// UnitState keeps cases with an assignment in this state, of UnitID (or ScopeUnit) when set.
	UnitState zhitong.AssignmentState
	// ExtensionPending keeps cases with an extension request waiting for a decision.
	ExtensionPending bool
	// CoOpinionDue keeps running cases with a co-handling assignment in the
	// current round (of UnitID or ScopeUnit when set) that gave no opinion yet.
	CoOpinionDue bool
	// Supervised keeps cases with a supervision action in their current round.
	Supervised bool
	// OnlyIDs, when set, keeps these cases alone (a statistic's cases, internal/stats).
	OnlyIDs    []int64
	OnlyIDsSet bool

	// SearchFilterCap, when not 0, replaces the package's SearchFilterCap
	// for this search (-1: always walk the word's hits); tests read both
	// sides with it.
	SearchFilterCap int
	// SearchWhole reads a search's hits in its whole region at once, not
	// by id ranges newest first (searchHitIDs); tests compare the two.
	SearchWhole bool
}

// ListCases returns one page of cases matching f, and the total count:
// up to ListCountCap+1 (SearchCountCap+1 for a search), which means "more".
// A page is read by keyset when f.After or f.Before is set (the offset is
// then ignored), so no page costs more than its rows and the count.
func ListCases(ctx context.Context, q Q, f CaseFilter, ftsMatch, tsQuery string) ([]*CaseRecord, int, error) {
	byFilter, err := searchByFilter(ctx, q, f)
	if err != nil {
		return nil, 0, err
	}
	o := orderOf(f)
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	if len(f.Search) > 0 && (o.due || o.col != "") {
		return sortedHits(ctx, q, f, o, ftsMatch, tsQuery, limit, byFilter)
	}
	// A search's page within its counted hits comes out of the count.
	counted := len(f.Search) > 0 && o.col == "" && !o.due && o.desc && f.After == nil && f.Before == nil && f.Offset+limit <= SearchCountCap+1
	if byFilter || counted {
		ids, total, ok, err := filterPage(ctx, q, f, o, ftsMatch, tsQuery, limit, byFilter)
		if err != nil {
			return nil, 0, err
		}
		if ok {
			cond, arg := idList(q, ids)
			recs, err := readCases(ctx, q, `SELECT `+caseColumns+` FROM cases WHERE `+cond+o.sql(false), arg)
			return recs, total, err
		}
	}
	total, err := countCases(ctx, q, f, ftsMatch, tsQuery, byFilter)
	if err != nil {
		return nil, 0, err
	}
	forward := f.Before == nil
	var ids string
	var args []any
	switch {
	case len(f.Search) > 0 && o.col == "" && !o.due:
		// The search walks its hits newest (or oldest) id first and stops
		// after the page: a common word's 100,000 hits are never all read.
		var c *Cursor
		if f.After != nil {
			c = f.After
		} else if f.Before != nil {
			c = f.Before
		}
		if ids, args, err = searchHitIDs(ctx, q, f, ftsMatch, tsQuery, byFilter, o.desc == forward, c, limit, f.Offset); err != nil {
			return nil, 0, err
		}
	default:
		var cond string
		switch {
		case byFilter:
			// The filter keeps few cases: all their hits, sorted exactly.
			cond, args = filterHits(q, f, ftsMatch, tsQuery)
		default:
			cond, args = caseWhere(q, f, ftsMatch, tsQuery)
		}
		offset := f.Offset
		if c := f.After; c != nil {
			cond, args = and(cond, args, o.keyset(*c, true))
			offset = 0
		} else if c := f.Before; c != nil {
			cond, args = and(cond, args, o.keyset(*c, false))
			offset = 0
		}
		ids = `SELECT id FROM cases` + cond + o.sql(!forward) + fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, max(offset, 0))
	}
	// Deferred join: the page's ids come from an index alone, and only
	// those rows are read whole.
	recs, err := readCases(ctx, q, `SELECT `+caseColumns+` FROM cases WHERE id IN (SELECT id FROM (`+ids+`) p)`+o.sql(false), args...)
	return recs, total, err
}

// readCases reads the cases a query of caseColumns returns.
func readCases(ctx context.Context, q Q, query string, args ...any) ([]*CaseRecord, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	defer rows.Close()
	var out []*CaseRecord
	for rows.Next() {
		r, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// filterPage reads a search's page and count in one query, so the word's
// hits are looked up once rather than for the count and again for the
// page. Driven from its other filters (byFilter, searchByFilter) it reads
// the ids of every hit in list order (at most SearchFilterCap); otherwise
// the newest SearchCountCap+1 hits, which the caller asks for only when
// they hold the page (newest first, no cursor). The ids are counted and cut
// into the page here. ok is false when the cursor's case is no longer
// among the hits (it changed since): the caller reads the page by keyset
// then.
func filterPage(ctx context.Context, q Q, f CaseFilter, o caseOrder, ftsMatch, tsQuery string, limit int, byFilter bool) (ids []int64, total int, ok bool, err error) {
	var query string
	var args []any
	if byFilter {
		var cond string
		cond, args = filterHits(q, f, ftsMatch, tsQuery)
		query = `SELECT id FROM cases` + cond + o.sql(false)
	} else if query, args, err = searchHitIDs(ctx, q, f, ftsMatch, tsQuery, false, true, nil, SearchCountCap+1, 0); err != nil {
		return nil, 0, false, err
	}
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, 0, false, fmt.Errorf("list search hits: %w", err)
	}
	all, err := collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
	if err != nil {
		return nil, 0, false, fmt.Errorf("list search hits: %w", err)
	}
	total = min(len(all), SearchCountCap+1)
	from := max(f.Offset, 0)
	to := from + limit
	if c := cmp.Or(f.After, f.Before); c != nil {
		i := slices.Index(all, c.ID)
		if i < 0 {
			return nil, total, false, nil
		}
		from, to = i+1, i+1+limit
		if f.After == nil {
			from, to = i-limit, i
		}
	}
	from = min(max(from, 0), len(all))
	return all[from:min(max(to, from), len(all))], total, true, nil
}

// SearchCountCap is how many hits a full-text search counts exactly; a
// total of SearchCountCap+1 means "more than SearchCountCap" (共 200+ 件).
// Counting a common word's hits in one county of many means checking the
// county of about 18 hits for each one counted: 1,001 of them cost 30–300 ms
// at 1,000,000 cases, 201 cost 2–10 ms. Pages past the count go on by cursor.
const SearchCountCap = 200

// SearchFilterCap decides which side drives a search: when the search's
// other filters (jurisdiction included) keep at most this many cases, the
// search reads those cases from their index and keeps the ones whose
// document has the words (searchByFilter); otherwise it walks the word's
// hits newest first and checks each hit's filters. A common word with a
// selective status (路灯 + assigned: 46 of 35,000 hits) walked every hit.
const SearchFilterCap = 5000

// ListCountCap is how many cases a list counts exactly; a total of
// ListCountCap+1 means "more than ListCountCap" (共 10000+ 件). Counting a
// county's million cases took longer than showing any page of them.
const ListCountCap = 10000

// CountCases counts the cases matching f, for queues that show only a
// number: up to ListCountCap+1, a search's up to SearchCountCap+1.
func CountCases(ctx context.Context, q Q, f CaseFilter, ftsMatch, tsQuery string) (int, error) {
	byFilter, err := searchByFilter(ctx, q, f)
	if err != nil {
		return 0, err
	}
	return countCases(ctx, q, f, ftsMatch, tsQuery, byFilter)
}

func countCases(ctx context.Context, q Q, f CaseFilter, ftsMatch, tsQuery string, byFilter bool) (int, error) {
	var query string
	var args []any
	if len(f.Search) > 0 {
		// Counting 12,500 hits of a common word was half the search's time.
		var err error
		if query, args, err = searchHitIDs(ctx, q, f, ftsMatch, tsQuery, byFilter, true, nil, SearchCountCap+1, 0); err != nil {
			return 0, err
		}
	} else {
		// Counting has no order to keep: the jurisdiction is a range of the
		// region indexes (cases_region, cases_scale_running), so a capped count reads
		// at most ListCountCap+1 entries of them — not the whole table up to
		// the cap, as "+region_code" made SQLite do (302 ms at 1,000,000).
		var cond string
		cond, args = caseWhereIn(q, f, ftsMatch, tsQuery, "region_code")
		query = fmt.Sprintf(`SELECT id FROM cases%s LIMIT %d`, cond, ListCountCap+1)
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM (`+query+`) t`, args...).Scan(&total); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return total, nil
}

// StatusCountCap is how far the home's table of cases by status counts
// each status: a count of StatusCountCap+1 means "more" (1000+), as the
// home's task queues (TaskCountCap). The closed and archived cases of a
// county pass it within a year.
const StatusCountCap = 1000

// CountCasesEachStatus counts f's cases of each status, each up to
// limit+1, in one statement: one index range per status (cases_region's,
// cases_scale_running's) stopping at the cap, and one round trip and plan
// instead of one per status (the committee home: 10 statuses of 10,001
// entries each, 116–316 ms on PostgreSQL at 1,000,000 cases).
func CountCasesEachStatus(ctx context.Context, q Q, f CaseFilter, statuses []zhitong.Status, limit int) (map[zhitong.Status]int, error) {
	var parts []string
	var args []any
	for _, s := range statuses {
		g := f
		g.Statuses = []zhitong.Status{s}
		cond, a := caseWhereIn(q, g, "", "", "region_code")
		parts = append(parts, fmt.Sprintf(`SELECT CAST(? AS TEXT) AS status, (SELECT COUNT(*) FROM (SELECT id FROM cases%s LIMIT %d) t) AS n`, cond, limit+1))
		args = append(append(args, string(s)), a...)
	}
	counts := map[zhitong.Status]int{}
	if len(parts) == 0 {
		return counts, nil
	}
	rows, err := q.Query(ctx, strings.Join(parts, ` UNION ALL `), args...)
	if err != nil {
		return nil, fmt.Errorf("count cases of each status: %w", err)
	}
	_, err = collect(rows, func(s interface{ Scan(...any) error }) (zhitong.Status, error) {
		var st zhitong.Status
		var n int
		err := s.Scan(&st, &n)
		if n > 0 {
			counts[st] = n
		}
		return st, err
	})
	return counts, err
}

// CountCasesByStatus counts the cases matching f per status, in one pass.
func CountCasesByStatus(ctx context.Context, q Q, f CaseFilter) (map[zhitong.Status]int, error) {
	cond, args := caseWhereIn(q, f, "", "", "region_code")
	rows, err := q.Query(ctx, `SELECT status, COUNT(*) FROM cases`+cond+` GROUP BY status`, args...)
	if err != nil {
		return nil, fmt.Errorf("count cases by status: %w", err)
	}
	counts := map[zhitong.Status]int{}
	_, err = collect(rows, func(s interface{ Scan(...any) error }) (zhitong.Status, error) {
		var st zhitong.Status
		var n int
		err := s.Scan(&st, &n)
		counts[st] = n
		return st, err
	})
	return counts, err
}

// caseWhere is the WHERE clause of f, with its arguments, for a list in
// order (see regionColumn).
func caseWhere(q Q, f CaseFilter, ftsMatch, tsQuery string) (string, []any) {
	if o := orderOf(f); o.col == "submitted_at" && len(f.Search) == 0 {
		// A county's or city's list by submission walks its own index
		// (cases_scale_county, cases_scale_city) in order.
		return caseWhereIn(q, f, ftsMatch, tsQuery, byLevel)
	} else if o.due {
		// No index gives the deadline order across statuses: the running
		// cases of the jurisdiction are read as a range of cases_scale_running
		// (status, region_code, due_date) and sorted. "+region_code" made
		// the supervision list read every running case of the deployment.
		return caseWhereIn(q, f, ftsMatch, tsQuery, "region_code")
	}
	return caseWhereIn(q, f, ftsMatch, tsQuery, regionColumn(q))
}

// byLevel, as caseWhereIn's region column, names a county's (6 digits) or a
// city's (4) subtree as the prefix of its code, the expression of
// migration 092's indexes; any other prefix as a range of +region_code.
const byLevel = "level"

// regionCond is the condition of the region subtree prefix on col.
func regionCond(q Q, col, prefix string) (string, []any) {
	if col == byLevel {
		if n := len(prefix); n == 4 || n == 6 {
			return fmt.Sprintf(`substr(region_code, 1, %d) = ?`, n), []any{prefix}
		}
		col = regionColumn(q)
	}
	c, lo, hi := regionPrefix(col, prefix)
	return c, []any{lo, hi}
}

// caseWhereIn is caseWhere naming the region column as regionCol.
func caseWhereIn(q Q, f CaseFilter, ftsMatch, tsQuery, regionCol string) (string, []any) {
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	switch {
	case f.ScopeUnit != 0:
		add(unitCases(q, ``), f.ScopeUnit)
	case f.ScopeDeputy != 0:
		add(`deputy_id = ?`, f.ScopeDeputy)
	case f.ScopeStation != 0:
		add(`station_id = ?`, f.ScopeStation)
	case f.ScopeRegion != "" && len(f.ScopeStations) > 0:
		cond, a := regionOrStations(q, f.ScopeRegion, f.ScopeStations)
		add(cond, a...)
	case f.ScopeRegion != "":
		c, a := regionCond(q, regionCol, f.ScopeRegion)
		add(c, a...)
	}
	if len(f.Statuses) > 0 {
		ph := strings.TrimSuffix(strings.Repeat("?, ", len(f.Statuses)), ", ")
		for _, s := range f.Statuses {
			args = append(args, s)
		}
		where = append(where, `status IN (`+ph+`)`)
	}
	if f.Category != "" {
		add(`category_code = ?`, f.Category)
	}
	if f.Region != "" {
		c, a := regionCond(q, regionCol, f.Region)
		add(c, a...)
	}
	if f.StationID != 0 {
		add(`station_id = ?`, f.StationID)
	}
	if f.UnitID != 0 {
		add(unitCases(q, ``), f.UnitID)
	}
	if f.Channel != "" {
		add(`channel = ?`, f.Channel)
	}
	if f.Overdue {
		add(`status IN ('assigned', 'in_progress') AND due_date <> '' AND due_date < ?`, f.Today)
	}
	if f.DueBy != "" {
		add(`status IN ('assigned', 'in_progress') AND due_date <> '' AND due_date >= ? AND due_date <= ?`, f.Today, f.DueBy)
	}
	if f.UnitState != "" {
		unit := f.UnitID
		if f.ScopeUnit != 0 {
			unit = f.ScopeUnit
		}
		if unit != 0 {
			add(unitCases(q, `state = ? AND `), f.UnitState, unit)
		} else {
			add(`id IN (SELECT case_id FROM assignments WHERE state = ?)`, f.UnitState)
		}
	}
	if f.ExtensionPending {
		add(`id IN (SELECT case_id FROM extensions WHERE state = 'pending')`)
	}
	if f.CoOpinionDue {
		unit := f.UnitID
		if f.ScopeUnit != 0 {
			unit = f.ScopeUnit
		}
		// A unit's own names its unit outright, so its open assignments are
		// one range of assignments_unit: "(? = 0 OR a.unit_id = ?)" read
		// every open assignment of the deployment on SQLite.
		var byUnit string
		var a []any
		if unit != 0 {
			byUnit, a = ` AND a.unit_id = ?`, []any{unit}
		}
		add(`status IN ('assigned', 'in_progress') AND id IN (SELECT a.case_id FROM assignments a JOIN cases ac ON ac.id = a.case_id AND ac.round = a.round
 WHERE NOT a.lead AND a.state IN ('pending', 'accepted')`+byUnit+`
 AND NOT EXISTS (SELECT 1 FROM co_opinions o WHERE o.case_id = a.case_id AND o.round = a.round AND o.unit_id = a.unit_id))`, a...)
	}
	if f.Supervised {
		// Probed per case of the list (running cases in the jurisdiction:
		// what is due, not history) on supervision_actions_case, rather than
		// every supervision action ever taken read first.
		// A scalar subquery with LIMIT, not EXISTS: PostgreSQL turned the
		// EXISTS into a semi-join that read every supervision action of the
		// deployment (878 ms at 1,000,000 cases); this one it cannot pull up.
		add(`(SELECT 1 FROM supervision_actions s WHERE s.case_id = cases.id AND s.round = cases.round AND s.proposal_id IS NULL LIMIT 1) IS NOT NULL`)
	}
	if f.OnlyIDsSet {
		add(idList(q, f.OnlyIDs))
	}
	if f.From != "" {
		add(`submitted_at >= ?`, f.From)
	}
	if f.To != "" {
		add(`submitted_at < ?`, f.To)
	}
	if len(f.PhoneIndex) > 0 { // the phone's index under each key held (pii.Sealer.BlindIndexes)
		add(`phone_idx IN (`+marks(len(f.PhoneIndex))+`)`, anys(f.PhoneIndex)...)
	}
	if len(f.Search) > 0 {
		if q.Dialect() == Postgres {
			k := searchCond(tsQuery, "")
			add(k.cond, k.args...)
		} else {
			add(`id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)`, ftsMatch)
		}
	}
	if len(where) == 0 {
		return "", nil
	}
	return ` WHERE ` + strings.Join(where, ` AND `), args
}

// unitCases is the condition "one of the unit's assignments (matching
// cond, which ends in AND) is on the case", its unit the last argument.
// The unit's case ids are one range of assignments_unit_case (migration
// 107). On PostgreSQL they are read first, as an array, and the cases
// looked up by id: as "id IN (subquery)" the planner walked every case in
// list order probing each one's assignments (1.6–2.2 s for a unit's page
// at 1,000,000 cases; 22,785 cases read for 21 shown).
func unitCases(q Q, cond string) string {
	sub := `SELECT case_id FROM assignments WHERE ` + cond + `unit_id = ?`
	if q.Dialect() == Postgres {
		return `id = ANY(ARRAY(` + sub + `))`
	}
	return `id IN (` + sub + `)`
}

// regionColumn is how a jurisdiction filter names the region column. On
// SQLite, whose planner has no statistics for ranges, "+region_code" keeps
// the range from being taken as the index to search by: a county holds most
// of its cases, so scanning the submitted-at index (which carries the region
// code) in list order and stopping at the page is far cheaper than sorting
// the whole county. PostgreSQL's planner decides from its statistics.
func regionColumn(q Q) string {
	if q.Dialect() == SQLite {
		return "+region_code"
	}
	return "region_code"
}

// regionPrefix selects the region codes under prefix as a range of the
// index, not a LIKE that neither engine can serve from a plain index:
// codes are digits only, so "3607" ≤ code < "3608" is exactly the subtree.
func regionPrefix(column, prefix string) (string, any, any) {
	hi := []byte(prefix)
	for i := len(hi) - 1; i >= 0; i-- {
		if hi[i] < '9' {
			hi[i]++
			return column + ` >= ? AND ` + column + ` < ?`, prefix, string(hi[:i+1])
		}
	}
	return column + ` >= ? AND ` + column + ` <> ?`, prefix, "" // all nines: no upper bound
}
