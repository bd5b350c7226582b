package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhitong"
)

// AssignmentFact is an assignment with what a bulletin counts of it.
type AssignmentFact struct {
	CaseID     int64
	Region     string
	UnitID     int64
	Lead       bool
	Round      int
	DueDate    string
	State      zhitong.AssignmentState
	AssignedAt time.Time
	AcceptedAt time.Time
	ReturnedAt time.Time
}

// ListAssignmentFacts returns every assignment with its case's region.
func ListAssignmentFacts(ctx context.Context, q Q) ([]AssignmentFact, error) {
	rows, err := q.Query(ctx, `SELECT a.case_id, c.region_code, a.unit_id, a.lead, a.round, a.due_date, a.state, a.assigned_at, a.accepted_at, a.returned_at
 FROM assignments a JOIN cases c ON c.id = a.case_id ORDER BY a.id`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (AssignmentFact, error) {
		var f AssignmentFact
		var as, ac, re string
		err := s.Scan(&f.CaseID, &f.Region, &f.UnitID, &f.Lead, &f.Round, &f.DueDate, &f.State, &as, &ac, &re)
		f.AssignedAt, f.AcceptedAt, f.ReturnedAt = ParseTime(as), ParseTime(ac), ParseTime(re)
		return f, err
	})
}

// RoundFact is something that happened in a case's round: a reply (Kind
// "reply", Value the outcome), a follow-up that found a B or C reply's
// promised work done ("solved", Value "A", At when it was recorded), an
// evaluation ("evaluation", the rating) or an automatic listing on the
// supervision list ("listed").
type RoundFact struct {
	Kind   string
	CaseID int64
	Round  int
	Value  string
	At     time.Time
}

// ListRoundFacts returns the replies by units, the solved follow-ups of
// their replies, the evaluations and the automatic listings, oldest first
// within each kind.
func ListRoundFacts(ctx context.Context, q Q) ([]RoundFact, error) {
	rows, err := q.Query(ctx, `SELECT 'reply', case_id, round, outcome, at FROM replies WHERE unit_id IS NOT NULL
 UNION ALL SELECT 'solved', f.case_id, r.round, 'A', f.done_at FROM follow_ups f JOIN replies r ON r.id = f.reply_id
 WHERE f.result = 'solved' AND r.unit_id IS NOT NULL
 UNION ALL SELECT 'evaluation', case_id, round, rating, at FROM evaluations
 UNION ALL SELECT 'listed', case_id, round, '', at FROM supervision_actions WHERE kind = 'listed' AND by_user = 0 AND proposal_id IS NULL
 ORDER BY 1, 5`)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(s interface{ Scan(...any) error }) (RoundFact, error) {
		var f RoundFact
		var at string
		err := s.Scan(&f.Kind, &f.CaseID, &f.Round, &f.Value, &at)
		f.At = ParseTime(at)
		return f, err
	})
}

// Bulletin is a stored progress bulletin (通报).
type Bulletin struct {
	ID          int64
	Period      string // weekly, monthly
	Start, End  string // YYYY-MM-DD inclusive
	RegionCode  string
	GeneratedAt time.Time
	Published   bool
	PublishedAt time.Time
	Rows        []BulletinRow
}

// BulletinRow is one unit's or township's numbers in a bulletin.
type BulletinRow struct {
	Scope          string `json:"scope"` // unit, town
	Ref            string `json:"ref"`   // unit id or region code
	Name           string `json:"name"`
	Assigned       int    `json:"assigned"`
	AcceptedInTime int    `json:"accepted_in_time"`
	Replied        int    `json:"replied"`
	RepliedOnTime  int    `json:"replied_on_time"`
	Overdue        int    `json:"overdue"`
	Listed         int    `json:"listed"`
	Solved         int    `json:"solved"`
	Evaluated      int    `json:"evaluated"`
	Satisfied      int    `json:"satisfied"`
	Rehandled      int    `json:"rehandled"`
}

// InsertBulletin stores a bulletin and its rows unless one exists for the
// same period; it reports whether it was new.
func (t *Tx) InsertBulletin(ctx context.Context, b *Bulletin) (bool, error) {
	err := t.QueryRow(ctx, `INSERT INTO bulletins (period, period_start, period_end, region_code, generated_at) VALUES (?, ?, ?, ?, ?)
 ON CONFLICT (period, period_start, region_code) DO NOTHING RETURNING id`, b.Period, b.Start, b.End, b.RegionCode, FormatTime(b.GeneratedAt)).Scan(&b.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	for _, r := range b.Rows {
		if _, err := t.Exec(ctx, `INSERT INTO bulletin_rows (bulletin_id, scope, ref, name, assigned, accepted_in_time, replied, replied_on_time,
 overdue, listed, solved, evaluated, satisfied, rehandled) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, b.ID, r.Scope, r.Ref, r.Name,
			r.Assigned, r.AcceptedInTime, r.Replied, r.RepliedOnTime, r.Overdue, r.Listed, r.Solved, r.Evaluated, r.Satisfied, r.Rehandled); err != nil {
			return false, err
		}
	}
	return true, nil
}

// PublishBulletin marks a bulletin public.
func (t *Tx) PublishBulletin(ctx context.Context, id int64, at time.Time) error {
	_, err := t.Exec(ctx, `UPDATE bulletins SET published = TRUE, published_at = ? WHERE id = ?`, FormatTime(at), id)
	return err
}

const bulletinColumns = `id, period, period_start, period_end, region_code, generated_at, published, published_at`

func scanBulletin(s interface{ Scan(...any) error }) (*Bulletin, error) {
	var b Bulletin
	var gen, pub string
	err := s.Scan(&b.ID, &b.Period, &b.Start, &b.End, &b.RegionCode, &gen, &b.Published, &pub)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通报不存在")
	}
	b.GeneratedAt, b.PublishedAt = ParseTime(gen), ParseTime(pub)
	return &b, err
}

// GetBulletin loads a bulletin with its rows.
func GetBulletin(ctx context.Context, q Q, id int64) (*Bulletin, error) {
	b, err := scanBulletin(q.QueryRow(ctx, `SELECT `+bulletinColumns+` FROM bulletins WHERE id = ?`, id))
	if err != nil {
		return nil, err
	}
	rows, err := q.Query(ctx, `SELECT scope, ref, name, assigned, accepted_in_time, replied, replied_on_time, overdue, listed, solved,
 evaluated, satisfied, rehandled FROM bulletin_rows WHERE bulletin_id = ? ORDER BY scope DESC, id`, id)
	if err != nil {
		return nil, err
	}
	b.Rows, err = collect(rows, func(s interface{ Scan(...any) error }) (BulletinRow, error) {
		var r BulletinRow
		err := s.Scan(&r.Scope, &r.Ref, &r.Name, &r.Assigned, &r.AcceptedInTime, &r.Replied, &r.RepliedOnTime, &r.Overdue, &r.Listed,
			&r.Solved, &r.Evaluated, &r.Satisfied, &r.Rehandled)
		return r, err
	})
	return b, err
}

// ListBulletins returns bulletins, newest period first; published only when asked.
func ListBulletins(ctx context.Context, q Q, publishedOnly bool, limit int) ([]*Bulletin, error) {
	cond := ``
	if publishedOnly {
		cond = ` WHERE published`
	}
	rows, err := q.Query(ctx, `SELECT `+bulletinColumns+` FROM bulletins`+cond+` ORDER BY period_end DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	return collect(rows, scanBulletin)
}
