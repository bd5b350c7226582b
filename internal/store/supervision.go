package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"zhitong"
)

// SetCaseKind records the kind of request a case is (诉求类型).
func (t *Tx) SetCaseKind(ctx context.Context, caseID int64, kind zhitong.CaseKind) error {
	_, err := t.Exec(ctx, `UPDATE cases SET kind = ? WHERE id = ?`, kind, caseID)
	return err
}

// GetCaseKind returns the kind of request a case is, "" when not classified.
func GetCaseKind(ctx context.Context, q Q, caseID int64) (zhitong.CaseKind, error) {
	var k zhitong.CaseKind
	err := q.QueryRow(ctx, `SELECT kind FROM cases WHERE id = ?`, caseID).Scan(&k)
	return k, err
}

// SetProposalDue records a proposal's deadline and whether it is complex.
func (t *Tx) SetProposalDue(ctx context.Context, id int64, due string, complex bool) error {
	_, err := t.Exec(ctx, `UPDATE proposals SET due_date = ?, complex = ? WHERE id = ?`, due, complex, id)
	return err
}

// SetProposalUnit records the unit that handles a proposal.
func (t *Tx) SetProposalUnit(ctx context.Context, id, unitID int64) error {
	_, err := t.Exec(ctx, `UPDATE proposals SET unit_id = ? WHERE id = ?`, unitID, id)
	return err
}

// GetProposalDue returns a proposal's deadline ("" when none) and whether it is complex.
func GetProposalDue(ctx context.Context, q Q, id int64) (string, bool, error) {
	var due string
	var complex bool
	err := q.QueryRow(ctx, `SELECT due_date, complex FROM proposals WHERE id = ?`, id).Scan(&due, &complex)
	return due, complex, err
}

// ListEscalationCandidates returns the running cases the sweep may have an
// automatic supervision step to take on, by due date: those due before
// dueBefore (a reminder's window is open or the deadline has passed) and
// not yet listed (列入督办清单, the last step of a deadline). So the sweep
// reads the cases whose deadline is near or recently passed, not every
// running case in the history: a case listed months ago has nothing left
// to do until its deadline moves (an extension or a new round changes
// its key). The partial index cases_running_due (migration 085) serves
// the range. ids narrows it to those cases (EscalationWindowCases), read in
// batches by key; nil reads every candidate.
func ListEscalationCandidates(ctx context.Context, q Q, dueBefore string, ids []int64) ([]*CaseRecord, error) {
	return inBatches(ids, "cases.id", func(in string, args []any) ([]*CaseRecord, error) {
		rows, err := q.Query(ctx, `SELECT `+caseColumns+` FROM cases WHERE `+escalationCandidate+in+` ORDER BY due_date, id`, append([]any{dueBefore}, args...)...)
		if err != nil {
			return nil, err
		}
		return collect(rows, scanCase)
	})
}

// EscalationCandidateIDs returns the ids of every case
// ListEscalationCandidates would return with no ids, in its order, for an
// escalation run that reads every candidate a chunk at a time.
func EscalationCandidateIDs(ctx context.Context, q Q, dueBefore string) ([]int64, error) {
	return caseIDs(ctx, q, `SELECT id FROM cases WHERE `+escalationCandidate+` ORDER BY due_date, id`, dueBefore)
}

const escalationCandidate = `status IN ('assigned', 'in_progress') AND due_date <> '' AND due_date < ?
 AND NOT EXISTS (SELECT 1 FROM supervision_actions s WHERE s.key = 'case:' || cases.id || ':r' || cases.round || ':listed:due:' || cases.due_date)`

// idBatch is how many case ids one statement of a windowed sweep names.
const idBatch = 500

// inBatches runs query for ids idBatch at a time, passing the condition
// " AND column IN (…)" and its arguments, and joins the results; nil ids
// is one run with no condition (every row), an empty slice none.
func inBatches[T any](ids []int64, column string, query func(in string, args []any) ([]T, error)) ([]T, error) {
	if ids == nil {
		return query("", nil)
	}
	var out []T
	for len(ids) > 0 {
		n := min(len(ids), idBatch)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		got, err := query(` AND `+column+` IN (`+marks(n)+`)`, args)
		if err != nil {
			return nil, err
		}
		out, ids = append(out, got...), ids[n:]
	}
	return out, nil
}

// SweepWindow is what a sweep step must read when an earlier run of it
// left nothing behind (app.sinceMark): the rows in the ranges [from, to)
// of Ranges, on which something can have come due since, and the cases
// changed at or after ChangedSince (FormatTime).
type SweepWindow struct {
	Ranges       [][2]string
	ChangedSince string
}

// cases returns the ids of the cases in w, each once, in id order: those
// rangeQuery (one id a row, a range's bounds its two arguments) finds in
// each range, and those changed since in one of statuses.
func (w SweepWindow) cases(ctx context.Context, q Q, rangeQuery string, statuses ...zhitong.Status) ([]int64, error) {
	var ids []int64
	for _, r := range w.Ranges {
		got, err := caseIDs(ctx, q, rangeQuery, r[0], r[1])
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	got, err := CasesChangedSince(ctx, q, w.ChangedSince, statuses...)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	return slices.Compact(append(ids, got...)), nil
}

// EscalationWindowCases returns the ids of the running cases an escalation
// sweep reads in w (app.Escalate): those due in one of w's ranges of days
// (YYYY-MM-DD), on which a step can have come due since, and those changed
// since: a new deadline or round, a new lead unit, a case taken back up.
// Ranges of cases_running_due and cases_updated_status (migration 109), as wide
// as what came due and what changed, not the running cases of the history.
func EscalationWindowCases(ctx context.Context, q Q, w SweepWindow) ([]int64, error) {
	return w.cases(ctx, q, `SELECT id FROM cases WHERE status IN ('assigned', 'in_progress') AND due_date >= ? AND due_date < ?`,
		zhitong.StatusAssigned, zhitong.StatusInProgress)
}

const casesChangedSince = `SELECT id, status FROM cases WHERE updated_at >= ?`

// CasesChangedSince returns the ids of the cases in one of statuses whose
// last change (updated_at, which every case step stamps) is at or after
// since (FormatTime), in id order. It reads the range of
// cases_updated_status (migration 109), which holds the status: the read
// never leaves the index. The status is filtered here: with it in the
// query both engines would rather intersect it with a status index, every
// running or replied case of the history.
func CasesChangedSince(ctx context.Context, q Q, since string, statuses ...zhitong.Status) ([]int64, error) {
	rows, err := q.Query(ctx, casesChangedSince, since)
	if err != nil {
		return nil, err
	}
	type changed struct {
		id     int64
		status zhitong.Status
	}
	all, err := collect(rows, func(s interface{ Scan(...any) error }) (changed, error) {
		var c changed
		return c, s.Scan(&c.id, &c.status)
	})
	var ids []int64
	for _, c := range all {
		if slices.Contains(statuses, c.status) {
			ids = append(ids, c.id)
		}
	}
	slices.Sort(ids)
	return ids, err
}

func caseIDs(ctx context.Context, q Q, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (int64, error) {
		var id int64
		return id, s.Scan(&id)
	})
}

// EscalationKeysTaken returns the keys of the automatic supervision steps
// already recorded on the cases ids (a chunk of ListEscalationCandidates'):
// the sweep skips those steps without a read each. It reads those cases'
// actions by supervision_actions_case, a batch a query ("+proposal_id":
// not the NULL range of the proposal index, every case's actions, which
// PostgreSQL's planner took on stale statistics).
func EscalationKeysTaken(ctx context.Context, q Q, ids []int64) (map[string]bool, error) {
	if len(ids) == 0 {
		return map[string]bool{}, nil
	}
	keys, err := inBatches(ids, "a.case_id", func(in string, args []any) ([]string, error) {
		query, qargs := `SELECT key FROM supervision_actions a WHERE key IS NOT NULL AND +proposal_id IS NULL`+in, args
		rows, err := q.Query(ctx, query, qargs...)
		if err != nil {
			return nil, err
		}
		return collect(rows, func(s interface{ Scan(...any) error }) (string, error) {
			var k string
			return k, s.Scan(&k)
		})
	})
	taken := make(map[string]bool, len(keys))
	for _, k := range keys {
		taken[k] = true
	}
	return taken, err
}

// SupervisionKeyExists reports whether an automatic action with key was recorded.
func SupervisionKeyExists(ctx context.Context, q Q, key string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM supervision_actions WHERE key = ?`, key).Scan(&n)
	return n > 0, err
}

// InsertSupervisionAction records a supervision action; key is "" for manual ones.
func (t *Tx) InsertSupervisionAction(ctx context.Context, s *zhitong.SupervisionAction, key string) error {
	return t.QueryRow(ctx, `INSERT INTO supervision_actions (case_id, round, kind, level, at, note, letter_id, by_user, key, proposal_id)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, s.CaseID, s.Round, s.Kind, s.Level, FormatTime(s.At), s.Note,
		nullID(s.LetterID), s.By, nullText(key), nullID(s.ProposalID)).Scan(&s.ID)
}

const supervisionColumns = `id, case_id, round, kind, level, at, note, COALESCE(letter_id, 0), by_user, COALESCE(proposal_id, 0)`

func scanSupervision(s interface{ Scan(...any) error }) (*zhitong.SupervisionAction, error) {
	var a zhitong.SupervisionAction
	var at string
	err := s.Scan(&a.ID, &a.CaseID, &a.Round, &a.Kind, &a.Level, &at, &a.Note, &a.LetterID, &a.By, &a.ProposalID)
	a.At = ParseTime(at)
	return &a, err
}

// ListSupervisionActions returns a case's own supervision actions (not its
// proposal's), oldest first.
func ListSupervisionActions(ctx context.Context, q Q, caseID int64) ([]*zhitong.SupervisionAction, error) {
	// "+proposal_id": without statistics SQLite read the proposal index's
	// NULL range in id order (every case's actions, 14,000 at 1,000,000
	// cases) rather than this case's entries of supervision_actions_case.
	rows, err := q.Query(ctx, `SELECT `+supervisionColumns+` FROM supervision_actions WHERE case_id = ? AND +proposal_id IS NULL ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSupervision)
}

// ListCasesSupervisionActions returns the own supervision actions of each
// of the cases ids, oldest first: a supervision page's rows in one
// statement instead of one per row.
func ListCasesSupervisionActions(ctx context.Context, q Q, ids []int64) (map[int64][]*zhitong.SupervisionAction, error) {
	out := map[int64][]*zhitong.SupervisionAction{}
	if len(ids) == 0 {
		return out, nil
	}
	// "+proposal_id" as in ListSupervisionActions: supervision_actions_case.
	rows, err := q.Query(ctx, `SELECT `+supervisionColumns+` FROM supervision_actions WHERE case_id IN (`+marks(len(ids))+`)
 AND +proposal_id IS NULL ORDER BY id`, idArgs(ids)...)
	if err != nil {
		return nil, err
	}
	acts, err := collect(rows, scanSupervision)
	for _, a := range acts {
		out[a.CaseID] = append(out[a.CaseID], a)
	}
	return out, err
}

// ListProposalSupervision returns a deputy proposal's supervision actions, oldest first.
func ListProposalSupervision(ctx context.Context, q Q, proposalID int64) ([]*zhitong.SupervisionAction, error) {
	rows, err := q.Query(ctx, `SELECT `+supervisionColumns+` FROM supervision_actions WHERE proposal_id = ? ORDER BY id`, proposalID)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanSupervision)
}

// Letter is a supervision letter (督办函) as stored.
type Letter struct {
	ID          int64
	Number      string
	Year, Seq   int
	CaseID      int64
	ProposalID  int64 // a proposal's letter; CaseID is then its first case
	UnitID      int64
	Round       int
	DueDate     string
	OverdueDays int
	IssuedAt    time.Time
	Body        string
	DocSeq      int // the number's sequence in its organisation's 督办函 series (set when issued, not stored)
}

// NextLetterSeq draws the next sequence number of year's letters from a
// counter row (document_counters, region "", kind "letters"), created from
// the letters already stored or incremented in tx: concurrent letters wait
// for each other's row lock (PostgreSQL) instead of reading the same
// MAX(seq) and colliding on UNIQUE (year, seq).
func (t *Tx) NextLetterSeq(ctx context.Context, year int) (int, error) {
	var n int
	err := t.QueryRow(ctx, `INSERT INTO document_counters (region_code, kind, year, last)
 VALUES ('', 'letters', ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM supervision_letters WHERE year = ?))
 ON CONFLICT (region_code, kind, year) DO UPDATE SET last = document_counters.last + 1 RETURNING last`, year, year).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("letter sequence: %w", err)
	}
	return n, nil
}

// InsertLetter stores a supervision letter.
func (t *Tx) InsertLetter(ctx context.Context, l *Letter) error {
	err := t.QueryRow(ctx, `INSERT INTO supervision_letters (number, year, seq, case_id, unit_id, round, due_date, overdue_days, issued_at, body, proposal_id)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, l.Number, l.Year, l.Seq, l.CaseID, nullID(l.UnitID), l.Round, l.DueDate,
		l.OverdueDays, FormatTime(l.IssuedAt), l.Body, nullID(l.ProposalID)).Scan(&l.ID)
	if err != nil {
		return fmt.Errorf("insert letter: %w", err)
	}
	return nil
}

const letterColumns = `id, number, year, seq, case_id, COALESCE(unit_id, 0), round, due_date, overdue_days, issued_at, body, COALESCE(proposal_id, 0)`

func scanLetter(s interface{ Scan(...any) error }) (*Letter, error) {
	var l Letter
	var at string
	err := s.Scan(&l.ID, &l.Number, &l.Year, &l.Seq, &l.CaseID, &l.UnitID, &l.Round, &l.DueDate, &l.OverdueDays, &at, &l.Body, &l.ProposalID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "督办函不存在")
	}
	l.IssuedAt = ParseTime(at)
	return &l, err
}

// GetLetter loads a supervision letter.
func GetLetter(ctx context.Context, q Q, id int64) (*Letter, error) {
	return scanLetter(q.QueryRow(ctx, `SELECT `+letterColumns+` FROM supervision_letters WHERE id = ?`, id))
}

// ListLetters returns a case's own supervision letters, oldest first.
func ListLetters(ctx context.Context, q Q, caseID int64) ([]*Letter, error) {
	return listLetters(ctx, q, `case_id = ? AND proposal_id IS NULL`, caseID)
}

// ListProposalLetters returns a deputy proposal's supervision letters, oldest first.
func ListProposalLetters(ctx context.Context, q Q, proposalID int64) ([]*Letter, error) {
	return listLetters(ctx, q, `proposal_id = ?`, proposalID)
}

func listLetters(ctx context.Context, q Q, where string, id int64) ([]*Letter, error) {
	rows, err := q.Query(ctx, `SELECT `+letterColumns+` FROM supervision_letters WHERE `+where+` ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanLetter)
}

// ListProposalEscalationCandidates returns the ids and due dates of the open
// deputy proposals the sweep may have a supervision step to take on: due
// before dueBefore and not yet listed (as ListEscalationCandidates).
func ListProposalEscalationCandidates(ctx context.Context, q Q, dueBefore string) (ids []int64, dues []string, err error) {
	rows, err := q.Query(ctx, `SELECT id, due_date FROM proposals WHERE state = 'open' AND due_date <> '' AND due_date < ?
 AND NOT EXISTS (SELECT 1 FROM supervision_actions s WHERE s.key = 'proposal:' || proposals.id || ':listed:due:' || proposals.due_date)
 ORDER BY due_date, id`, dueBefore)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var due string
		if err := rows.Scan(&id, &due); err != nil {
			return nil, nil, err
		}
		ids, dues = append(ids, id), append(dues, due)
	}
	return ids, dues, rows.Err()
}

// OpenProposalsAfter returns up to n open proposals with a deadline under
// region after (dueDate, id) in that order (empty dueDate: from the
// start): a keyset walk for exports.
func OpenProposalsAfter(ctx context.Context, q Q, region, dueDate string, id int64, n int) ([]int64, error) {
	rows, err := q.Query(ctx, `SELECT id FROM proposals WHERE state = 'open' AND due_date <> '' AND region_code LIKE ?
 AND (due_date > ? OR (due_date = ? AND id > ?)) ORDER BY due_date, id LIMIT ?`, region+"%", dueDate, dueDate, id, n)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}

// ListSupervisedProposals returns the ids of the open deputy proposals
// with a deadline that are on the supervision list: overdue (due before
// today) or with any supervision action; under scope and region (region
// code prefixes, "" for all), by due date, at most limit. It reads the open
// proposals' index, not every proposal of the deployment.
func ListSupervisedProposals(ctx context.Context, q Q, scope, region, today string, limit int) ([]int64, error) {
	cond, args := `state = 'open' AND due_date <> '' AND (due_date < ? OR EXISTS (SELECT 1 FROM supervision_actions s WHERE s.proposal_id = proposals.id))`, []any{today}
	for _, r := range []string{scope, region} {
		if r != "" {
			c, lo, hi := regionPrefix("region_code", r)
			cond, args = cond+` AND `+c, append(args, lo, hi)
		}
	}
	rows, err := q.Query(ctx, `SELECT id FROM proposals WHERE `+cond+fmt.Sprintf(` ORDER BY due_date, id LIMIT %d`, limit), args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanInt64)
}

// DueCase is a case's id and deadline: what the supervision list needs
// of every case it counts and filters by level, before it reads the page's.
type DueCase struct {
	ID      int64
	DueDate string
}

// ListSupervisedDue returns the ids and deadlines of f's cases (the
// supervision list's: running, Supervised, sorted by deadline) in
// deadline order, at most f.Limit. Read from cases_scale_running (status,
// region, deadline, round: migration 099) and the supervision actions'
// index alone: the case rows are read for the page only, not for every
// running case of the jurisdiction (most of the 322 ms at 340,000 cases).
func ListSupervisedDue(ctx context.Context, q Q, f CaseFilter) ([]DueCase, error) {
	f.Sort = "due"
	cond, args := caseWhereIn(q, f, "", "", "region_code")
	rows, err := q.Query(ctx, `SELECT id, due_date FROM cases`+cond+orderOf(f).sql(false)+fmt.Sprintf(` LIMIT %d`, max(f.Limit, 1)), args...)
	if err != nil {
		return nil, fmt.Errorf("list supervised: %w", err)
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (DueCase, error) {
		var d DueCase
		err := s.Scan(&d.ID, &d.DueDate)
		return d, err
	})
}
