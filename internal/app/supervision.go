package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// SupervisionInfo is what a case page shows of supervision (督办).
type SupervisionInfo struct {
	Kind        zhitong.CaseKind         `json:"kind,omitempty"` // 诉求类型
	Level       zhitong.SupervisionLevel `json:"level"`
	LevelLabel  string                   `json:"level_label"`
	OverdueDays int                      `json:"overdue_days"` // working days, 0 when not overdue
	Listed      bool                     `json:"listed"`       // on the supervision list in the current round
	Actions     []SupervisionEntry       `json:"actions"`
	Letters     []LetterRef              `json:"letters"`
}

// SupervisionEntry is one supervision action as shown.
type SupervisionEntry struct {
	ID        int64                    `json:"id"`
	Round     int                      `json:"round"`
	Kind      string                   `json:"kind"`
	KindLabel string                   `json:"kind_label"`
	Auto      bool                     `json:"auto"` // taken by the system, not by staff
	Level     zhitong.SupervisionLevel `json:"level"`
	At        time.Time                `json:"at"`
	Note      string                   `json:"note"`
	LetterID  int64                    `json:"letter_id,omitempty"`
}

// LetterRef names a supervision letter.
type LetterRef struct {
	ID       int64     `json:"id"`
	Number   string    `json:"number"`
	IssuedAt time.Time `json:"issued_at"`
}

// autoKinds names the automatic supervision steps.
var autoKinds = []zhitong.Named[string]{
	{Value: "reminder", Label: "到期提醒"}, {Value: "letter", Label: "逾期督办函"}, {Value: "listed", Label: "列入督办清单"},
}

func entry(s *zhitong.SupervisionAction) SupervisionEntry {
	e := SupervisionEntry{ID: s.ID, Round: s.Round, Kind: s.Kind, Auto: s.By == 0, Level: s.Level, At: s.At, Note: s.Note, LetterID: s.LetterID}
	e.KindLabel = zhitong.Label(SupervisionKinds, s.Kind)
	if e.Auto {
		e.KindLabel = zhitong.Label(autoKinds, s.Kind)
	} else if s.ProposalID != 0 && zhitong.Valid(proposalKinds, s.Kind) {
		e.KindLabel = zhitong.Label(proposalKinds, s.Kind)
	}
	return e
}

func (a *App) supervisionInfo(ctx context.Context, c *store.CaseRecord) (*SupervisionInfo, error) {
	info := &SupervisionInfo{Actions: []SupervisionEntry{}, Letters: []LetterRef{}}
	info.Level, info.OverdueDays = a.levelOf(&c.Case)
	info.LevelLabel = zhitong.Label(zhitong.SupervisionLevels, info.Level)
	if info.OverdueDays < 0 || !c.Status.Running() {
		info.OverdueDays = 0
	}
	var err error
	if info.Kind, err = store.GetCaseKind(ctx, a.db, c.ID); err != nil {
		return nil, err
	}
	acts, err := store.ListSupervisionActions(ctx, a.db, c.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range acts {
		info.Actions = append(info.Actions, entry(s))
		if s.Kind == "listed" && s.By == 0 && s.Round == c.Round {
			info.Listed = true
		}
	}
	letters, err := store.ListLetters(ctx, a.db, c.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range letters {
		info.Letters = append(info.Letters, LetterRef{ID: l.ID, Number: l.Number, IssuedAt: l.IssuedAt})
	}
	return info, nil
}

// LetterView is a supervision letter with what its printed page needs.
type LetterView struct {
	ID          int64     `json:"id"`
	Number      string    `json:"number"`
	CaseID      int64     `json:"case_id"`
	CaseCode    string    `json:"case_code"`
	ProposalID  int64     `json:"proposal_id,omitempty"` // a deputy proposal's letter; case_id is then its first case
	UnitID      int64     `json:"unit_id"`
	UnitName    string    `json:"unit_name"`
	Round       int       `json:"round"`
	DueDate     string    `json:"due_date"`
	OverdueDays int       `json:"overdue_days"`
	IssuedAt    time.Time `json:"issued_at"`
	IssuedOn    string    `json:"issued_on"` // China civil date, for the letter's date line
	Body        string    `json:"body"`
}

// Letter returns a supervision letter to staff who may see its case (or
// its deputy proposal).
func (a *App) Letter(ctx context.Context, p zhitong.Principal, id int64) (*LetterView, error) {
	l, err := store.GetLetter(ctx, a.db, id)
	if err != nil {
		return nil, err
	}
	c, err := store.GetCase(ctx, a.db, l.CaseID)
	if err != nil {
		return nil, err
	}
	if l.ProposalID != 0 {
		_, err = a.Proposal(ctx, p, l.ProposalID)
	} else {
		err = a.authorize(ctx, a.db, p, zhitong.ActionView, c)
	}
	if err != nil {
		return nil, err
	}
	v := &LetterView{ID: l.ID, Number: l.Number, CaseID: c.ID, CaseCode: c.Code, ProposalID: l.ProposalID, UnitID: l.UnitID, Round: l.Round, DueDate: l.DueDate,
		OverdueDays: l.OverdueDays, IssuedAt: l.IssuedAt, IssuedOn: civilDay(l.IssuedAt).Format(time.DateOnly), Body: l.Body}
	if l.UnitID != 0 {
		if u, err := store.GetUnit(ctx, a.db, l.UnitID); err == nil {
			v.UnitName = u.Name
		}
	}
	return v, nil
}
