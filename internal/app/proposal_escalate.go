package app

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// escalateProposals applies the cases' escalation to deputy proposals
// awaiting a reply: reminders (the policy's proposal_reminder_days), a
// supervision letter once overdue and the supervision list later. Each step
// is recorded once per due date, like a case's.
func (a *App) escalateProposals(ctx context.Context) (int, error) {
	ids, dues, err := store.ListProposalEscalationCandidates(ctx, a.db, a.escalationHorizon(a.policy().ProposalReminderDays))
	if err != nil {
		return 0, err
	}
	n, fails := 0, itemErrors{a: a, step: "escalate proposals"}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		for _, e := range a.escalationsAt(proposalKey(id), dues[i], a.policy().ProposalReminderDays, a.policy()) {
			done, err := a.escalateProposalOnce(ctx, id, e)
			if err != nil {
				fails.add("proposal", id, err) // its later steps wait for the next sweep
				break
			}
			if done {
				n++
			}
		}
	}
	return n, fails.err()
}

func proposalKey(id int64) string { return "proposal:" + strconv.FormatInt(id, 10) + ":" }

// escalateProposalOnce records one step on a proposal in its own
// transaction: the supervision action (on the proposal, CaseID naming its
// first case), a letter when due, an event on every bundled case still
// waiting for the reply, one audit entry and a notice to the handling unit
// and the committee staff over the proposal's region.
func (a *App) escalateProposalOnce(ctx context.Context, id int64, e escalation) (bool, error) {
	if seen, err := store.SupervisionKeyExists(ctx, a.db, e.key); err != nil || seen {
		return false, err
	}
	done := false
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		seen, err := store.SupervisionKeyExists(ctx, tx, e.key)
		if err != nil || seen {
			return err
		}
		prop, err := store.GetProposal(ctx, tx, id)
		if err != nil {
			return err
		}
		if prop.State != "open" || len(prop.CaseIDs) == 0 {
			return nil
		}
		first, err := store.GetCase(ctx, tx, prop.CaseIDs[0])
		if err != nil {
			return err
		}
		unit := a.proposalUnit(ctx, tx, prop)
		s := &zhitong.SupervisionAction{CaseID: first.ID, Round: first.Round, ProposalID: prop.ID, Kind: e.kind, Level: e.level, At: a.clock.Now()}
		n := Notice{Key: e.key, CaseID: first.ID, UnitID: prop.UnitID, Vars: map[string]string{"id": strconv.FormatInt(prop.ID, 10), "title": prop.Title,
			"unit": unit.Name, "due": prop.DueDate, "url": "/work/proposals/" + strconv.FormatInt(prop.ID, 10)}}
		if n.UserIDs, err = store.CommitteeUserIDs(ctx, tx, prop.RegionCode); err != nil {
			return err
		}
		switch e.kind {
		case "reminder":
			s.Note = fmt.Sprintf("自动提醒%s：代表建议距办理期限（%s）还有 %d 个工作日", unit.Name, prop.DueDate, e.daysLeft)
			n.Template, n.Vars["days_left"] = "proposal.reminder", strconv.Itoa(e.daysLeft)
		case "letter":
			l := &store.Letter{CaseID: first.ID, ProposalID: prop.ID, UnitID: prop.UnitID, Round: first.Round, DueDate: prop.DueDate, OverdueDays: e.overdue}
			l.Body = fmt.Sprintf("%s：\n　　交由你单位办理的代表建议“%s”（第 %d 号），办理期限为%s，截至%s已逾期 %d 个工作日，尚未答复。"+
				"现予督办，请你单位高度重视，尽快办理并书面答复代表和人大机关；确有困难的，请于 3 个工作日内书面说明原因和完成时限。",
				unit.Name, prop.Title, prop.ID, chineseDay(prop.DueDate), chineseDay(a.today().Format(time.DateOnly)), e.overdue)
			if err := a.storeLetter(ctx, tx, System, l); err != nil {
				return err
			}
			s.LetterID = l.ID
			s.Note = fmt.Sprintf("代表建议逾期 %d 个工作日，向%s发出督办函 %s", e.overdue, unit.Name, l.Number)
			n.Template, n.Vars["number"], n.Vars["url"] = "proposal.overdue_letter", l.Number, "/work/supervision/letters/"+strconv.FormatInt(l.ID, 10)
			n.Vars["overdue_days"] = strconv.Itoa(e.overdue)
		case "listed":
			s.Note = fmt.Sprintf("代表建议逾期 %d 个工作日，列入督办清单", e.overdue)
			n.Template, n.Vars["overdue_days"] = "proposal.supervision_listed", strconv.Itoa(e.overdue)
		}
		if err := tx.InsertSupervisionAction(ctx, s, e.key); err != nil {
			return err
		}
		if err := a.proposalEvents(ctx, tx, prop, "系统自动督办", System.UserID, "代表建议 #"+strconv.FormatInt(prop.ID, 10)+"："+s.Note); err != nil {
			return err
		}
		if err := a.audit(ctx, tx, System, "proposal.supervise."+s.Kind, "proposal:"+strconv.FormatInt(prop.ID, 10),
			map[string]any{"level": s.Level, "letter_id": s.LetterID, "due_date": prop.DueDate, "note": s.Note}); err != nil {
			return err
		}
		if _, err := a.notify(ctx, tx, n); err != nil {
			return err
		}
		done = true
		return nil
	})
	if store.IsUniqueViolation(err) {
		return false, nil
	}
	return done, err
}

// proposalUnit names who a proposal's letters and reminders address: its
// handling unit, or the units in general when none was named.
func (a *App) proposalUnit(ctx context.Context, tx *store.Tx, prop *zhitong.Proposal) zhitong.Unit {
	if prop.UnitID != 0 {
		if u, err := store.GetUnit(ctx, tx, prop.UnitID); err == nil {
			return u
		}
	}
	return zhitong.Unit{Name: "承办单位"}
}

// proposalEvents writes a note to the timeline of every case the proposal
// bundles that still waits for its reply. The case's version is not bumped.
func (a *App) proposalEvents(ctx context.Context, tx *store.Tx, prop *zhitong.Proposal, actor string, by int64, note string) error {
	for _, cid := range prop.CaseIDs {
		c, err := store.GetCase(ctx, tx, cid)
		if err != nil {
			return err
		}
		if c.Status != zhitong.StatusProposal {
			continue
		}
		ev := &zhitong.Event{CaseID: c.ID, At: a.clock.Now(), ActorID: by, ActorName: actor, Action: zhitong.ActionSupervise,
			FromStatus: c.Status, ToStatus: c.Status, Note: note}
		if err := tx.InsertEvent(ctx, ev); err != nil {
			return err
		}
	}
	return nil
}
