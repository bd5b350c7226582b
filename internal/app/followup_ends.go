package app

import (
	"context"
	"fmt"
	"strconv"

	"zhitong"
	"zhitong/internal/store"
)

// A follow-up (跟踪问效) tracks the promise of its case's latest reply, B or
// C, until the case reaches A or is closed with a reason. These are the
// rules that end it; each runs in the transaction of the change that causes
// it. See docs/supervision.md.

// endsFollowUps reports whether a case's resolution ends its follow-ups:
// closed with an explanation (说明后办结), merged or declined.
func endsFollowUps(r zhitong.Resolution) bool {
	return r == zhitong.ResolutionExplained || r == zhitong.ResolutionMerged || r == zhitong.ResolutionDeclined
}

// followUpLive reports whether a follow-up on replyID still applies to c:
// the reply is the case's latest and the case was not closed with a reason.
func followUpLive(ctx context.Context, q store.Q, c *store.CaseRecord, replyID int64) (bool, error) {
	if endsFollowUps(c.Resolution) {
		return false, nil
	}
	replies, err := store.ListReplies(ctx, q, c.ID)
	if err != nil {
		return false, err
	}
	return len(replies) > 0 && replies[len(replies)-1].ID == replyID, nil
}

// endFollowUps closes c's open follow-ups (state closed, the reason as
// their note) with an audit entry, and returns the words for the event of
// the change that ends them, "" when none was open.
func (a *App) endFollowUps(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *store.CaseRecord, reason string) (string, error) {
	list, err := store.ListCaseFollowUps(ctx, tx, c.ID)
	if err != nil {
		return "", err
	}
	var ids []int64
	for _, f := range list {
		if f.State != "open" {
			continue
		}
		f.State, f.Note, f.DoneAt = "closed", reason, a.clock.Now()
		if err := tx.UpdateFollowUp(ctx, f); err != nil {
			return "", err
		}
		ids = append(ids, f.ID)
	}
	if len(ids) == 0 {
		return "", nil
	}
	note := fmt.Sprintf("跟踪问效：%s，%d 项跟踪问效任务随之结束", reason, len(ids))
	return note, a.audit(ctx, tx, p, "case.follow_up", "case:"+strconv.FormatInt(c.ID, 10),
		map[string]any{"code": c.Code, "closed": ids, "note": note})
}

// replyEndsFollowUps ends the follow-ups of the previous reply when a new
// one arrives: A reaches the goal; B, C or D replaces the promise, and a
// B or C reply gets follow-ups of its own on its date.
func (a *App) replyEndsFollowUps(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *store.CaseRecord, o zhitong.Outcome, ev *zhitong.Event) error {
	reason := "新的答复（" + zhitong.Label(zhitong.Outcomes, o) + "）取代原承诺"
	if o == zhitong.OutcomeSolved {
		reason = "案件已获 A 类答复（已解决）"
	}
	return a.noteFollowUpsEnded(ctx, tx, p, c, reason, ev)
}

// noteFollowUpsEnded ends c's open follow-ups and says so in ev's note.
func (a *App) noteFollowUpsEnded(ctx context.Context, tx *store.Tx, p zhitong.Principal, c *store.CaseRecord, reason string, ev *zhitong.Event) error {
	note, err := a.endFollowUps(ctx, tx, p, c, reason)
	if err != nil || note == "" {
		return err
	}
	if ev.Note != "" {
		ev.Note += "；"
	}
	ev.Note += note
	return nil
}

// outcomeNow is a case's current outcome: its latest reply's class, or A
// once a follow-up on that reply recorded the promised work done. The SQL
// twin is store.CurrentOutcome.
func outcomeNow(replies []*zhitong.Reply, fus []*store.FollowUp) zhitong.Outcome {
	if len(replies) == 0 {
		return ""
	}
	last := replies[len(replies)-1]
	for _, f := range fus {
		if f.ReplyID == last.ID && f.Result == "solved" {
			return zhitong.OutcomeSolved
		}
	}
	return last.Outcome
}
