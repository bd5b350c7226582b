package app

import (
	"context"
	"time"

	"zhitong"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// TrackView is what anyone holding a tracking code sees: status, timeline in
// plain words, replies and whether they may evaluate. It carries no staff
// names and no personal data but the submitter's own, masked.
type TrackView struct {
	Code        string         `json:"code"`
	Status      zhitong.Status `json:"status"`
	StatusLabel string         `json:"status_label"`
	Title       string         `json:"title"`
	Body        string         `json:"body"`
	Category    string         `json:"category,omitempty"`
	SubmittedAt time.Time      `json:"submitted_at"`
	DueDate     string         `json:"due_date,omitempty"`
	// DueProvisional: the deadline crosses a year whose holiday schedule
	// the State Council has not published yet; DueNote says so in words.
	DueProvisional bool           `json:"due_provisional,omitempty"`
	DueNote        string         `json:"due_note,omitempty"`
	Submitter      string         `json:"submitter"`
	Phone          string         `json:"phone,omitempty"`
	Answer         string         `json:"answer,omitempty"`
	DeclineReason  string         `json:"decline_reason,omitempty"`
	Referral       string         `json:"referral,omitempty"`
	ClosingNote    string         `json:"closing_note,omitempty"`
	Timeline       []TrackStep    `json:"timeline"`
	Replies        []TrackReply   `json:"replies"`
	Rating         zhitong.Rating `json:"rating,omitempty"`
	CanEvaluate    bool           `json:"can_evaluate"`
	Version        int            `json:"version"`
	MergedInto     *TrackView     `json:"merged_into,omitempty"` // the case this one was merged into, without personal data
}

// TrackStep is one public step of the timeline.
type TrackStep struct {
	At   time.Time `json:"at"`
	Text string    `json:"text"`
}

// TrackReply is a reply as the citizen sees it.
type TrackReply struct {
	Round        int       `json:"round"`
	Outcome      string    `json:"outcome"`
	OutcomeLabel string    `json:"outcome_label"`
	Unit         string    `json:"unit,omitempty"`
	Text         string    `json:"text"`
	PlannedDate  string    `json:"planned_date,omitempty"`
	Reason       string    `json:"reason,omitempty"`
	At           time.Time `json:"at"`
}

// Track returns the public view of the case with this tracking code.
func (a *App) Track(ctx context.Context, code string) (*TrackView, error) {
	c, err := a.caseByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	v, err := a.trackView(ctx, c)
	if err != nil {
		return nil, err
	}
	if !c.Submitter.Anonymous {
		if sub, err := a.unseal(c.Submitter); err == nil {
			v.Submitter = maskOrEmpty(sub.Name, pii.MaskName)
			v.Phone = maskOrEmpty(sub.Phone, pii.MaskPhone)
		}
	}
	if c.MergedInto != 0 {
		target, err := store.GetCase(ctx, a.db, c.MergedInto)
		if err != nil {
			return nil, err
		}
		// The other case belongs to someone else: only its progress, never its text.
		tv, err := a.trackView(ctx, target)
		if err != nil {
			return nil, err
		}
		tv.Code, tv.Body, tv.Title, tv.CanEvaluate, tv.Rating = "", "", "", false, ""
		v.MergedInto = tv
	}
	return v, nil
}

func (a *App) trackView(ctx context.Context, c *store.CaseRecord) (*TrackView, error) {
	v := &TrackView{Code: c.Code, Status: c.Status, StatusLabel: zhitong.Label(zhitong.Statuses, c.Status), Title: c.Title, Body: c.Body,
		SubmittedAt: c.SubmittedAt, Submitter: "匿名", Answer: c.Answer, DeclineReason: c.DeclineReason, ClosingNote: c.ClosingNote,
		CanEvaluate: c.Status == zhitong.StatusReplied, Version: c.Version}
	if c.Status.Running() {
		v.DueDate = c.DueDate
		if c.DueProvisional {
			v.DueProvisional, v.DueNote = true, a.ProvisionalNote(c.DueFrom, c.DueDate)
		}
	}
	if c.ReferralDest != "" {
		v.Referral = c.ReferralDest
		if c.ReferralResult != "" {
			v.Referral += "：" + c.ReferralResult
		}
	}
	if c.CategoryCode != "" {
		if cat, err := store.GetCategory(ctx, a.db, c.CategoryCode); err == nil {
			v.Category = cat.Name
		}
	}
	events, err := store.ListEvents(ctx, a.db, c.ID)
	if err != nil {
		return nil, err
	}
	v.Timeline = []TrackStep{}
	for _, e := range events {
		if e.Public != "" {
			v.Timeline = append(v.Timeline, TrackStep{At: e.At, Text: e.Public})
		}
	}
	replies, err := store.ListReplies(ctx, a.db, c.ID)
	if err != nil {
		return nil, err
	}
	v.Replies = []TrackReply{}
	for _, r := range replies {
		tr := TrackReply{Round: r.Round, Outcome: string(r.Outcome), OutcomeLabel: zhitong.Label(zhitong.Outcomes, r.Outcome), Text: r.Text,
			PlannedDate: r.PlannedDate, Reason: r.Reason, At: r.At}
		if r.UnitID != 0 {
			if u, err := store.GetUnit(ctx, a.db, r.UnitID); err == nil {
				tr.Unit = u.Name
			}
		}
		v.Replies = append(v.Replies, tr)
	}
	evals, err := store.ListEvaluations(ctx, a.db, c.ID)
	if err != nil {
		return nil, err
	}
	if n := len(evals); n > 0 && evals[n-1].Round == c.Round {
		v.Rating = evals[n-1].Rating
	}
	return v, nil
}
