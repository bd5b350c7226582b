package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// escalation is one automatic supervision step due on a case.
type escalation struct {
	kind     string // reminder, letter, listed
	level    zhitong.SupervisionLevel
	key      string
	daysLeft int // reminders: working days left
	overdue  int // letters and listing: working days overdue
}

// escalationsFor lists the automatic steps the policy asks for on c today.
// Each has a key built from the case, its round and its due date, so it
// happens once per deadline: an extension that moves the date starts over.
// pol is the policy of the organisation holding c (policyFor).
func (a *App) escalationsFor(c *store.CaseRecord, pol *Policy) []escalation {
	base := "case:" + strconv.FormatInt(c.ID, 10) + ":r" + strconv.Itoa(c.Round) + ":"
	return a.escalationsAt(base, c.DueDate, pol.ReminderDays, pol)
}

// escalationsAt lists the steps due today on a deadline dueDate, with
// reminders the given working days before it and the letter and list
// thresholds of pol; keys start with base.
func (a *App) escalationsAt(base, dueDate string, reminders []int, pol *Policy) []escalation {
	return a.escalationsOn(a.today(), base, dueDate, reminders, pol)
}

// escalationsOn is escalationsAt as of the day today.
func (a *App) escalationsOn(today time.Time, base, dueDate string, reminders []int, pol *Policy) []escalation {
	due, err := time.Parse(time.DateOnly, dueDate)
	if err != nil {
		return nil
	}
	left := a.cal.Load().WorkdaysBetween(today, due)
	suffix := ":due:" + dueDate
	if !today.After(due) {
		// Only the tightest reminder whose window has opened: a sweep that
		// missed days does not send the 3-day reminder on the last day.
		r := -1
		for _, d := range reminders {
			if d >= left && (r < 0 || d < r) {
				r = d
			}
		}
		if r < 0 {
			return nil
		}
		return []escalation{{kind: "reminder", level: zhitong.LevelNone, key: base + "remind:" + strconv.Itoa(r) + "d" + suffix, daysLeft: left}}
	}
	od := -left
	var out []escalation
	if od >= pol.LetterAfterDays {
		out = append(out, escalation{kind: "letter", level: zhitong.LevelYellow, key: base + "letter" + suffix, overdue: od})
	}
	if od >= pol.ListAfterDays {
		out = append(out, escalation{kind: "listed", level: zhitong.LevelRed, key: base + "listed" + suffix, overdue: od})
	}
	return out
}

// Escalate applies automatic supervision to every running case: reminders
// to the lead unit before the due date, a supervision letter (督办函) once
// overdue, and the supervision list (督办清单) later. Running it again
// changes nothing. It returns how many steps it took; a case that fails is
// logged and skipped, and the failures come back joined at the end. After
// a run that left nothing behind, the next reads only the cases a step can
// have come due on since, and those changed since (escalationWindow).
func (a *App) Escalate(ctx context.Context) (int, error) {
	// Each case goes by the policy of the organisation holding it
	// (policyFor); the candidates are those of the widest reminder window.
	pols, err := a.allPolicies(ctx, a.db)
	if err != nil {
		return 0, err
	}
	var widest []int
	for _, p := range pols {
		widest = append(widest, p.ReminderDays...)
	}
	horizon := a.escalationHorizon(widest)
	now := a.sweepNow(pols)
	ids, all, err := a.escalationWindow(ctx, pols, now)
	if err != nil {
		return 0, err
	}
	if all {
		// Every candidate, a chunk at a time: a first run over a large
		// history (a fresh seed, a policy change) holds one chunk's cases
		// in memory, not every running case's row.
		if ids, err = store.EscalationCandidateIDs(ctx, a.db, horizon); err != nil {
			return 0, err
		}
	}
	n, fails, byOrg, raced := 0, itemErrors{a: a, step: "escalate"}, a.casePolicies(), false
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), sweepChunk)]
		ids = ids[len(chunk):]
		cases, err := store.ListEscalationCandidates(ctx, a.db, horizon, chunk)
		if err != nil {
			return n, err
		}
		taken, err := store.EscalationKeysTaken(ctx, a.db, chunk)
		if err != nil {
			return n, err
		}
		for _, c := range cases {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			pol, err := byOrg.of(ctx, a.db, c.HeldBy, c.RegionCode)
			if err != nil {
				fails.add("case", c.ID, err)
				continue
			}
			for _, e := range a.escalationsFor(c, pol) {
				if taken[e.key] {
					continue
				}
				done, err := a.escalateOnce(ctx, c.ID, e)
				if errors.Is(err, errRaced) {
					raced = true
					continue
				}
				if err != nil {
					// The case's later steps wait for the next sweep.
					fails.add("case", c.ID, err)
					break
				}
				if done {
					n++
				}
			}
		}
	}
	if len(fails.errs) == 0 && !raced {
		// Everything due by now was handled: the next scan starts here.
		if err := a.setSweepMark(ctx, escalationScanKey, now); err != nil {
			return n, err
		}
	}
	m, err := a.escalateProposals(ctx)
	return n + m, errors.Join(fails.err(), err)
}

// sweepChunk is how many cases a sweep step reads and handles at a time.
var sweepChunk = 1000

// errRaced is escalateOnce's answer when a concurrent sweep wrote first: a
// step or a letter number. The step may still be due: the run leaves its
// mark where it was, so that the next sweep reads the case again.
var errRaced = errors.New("escalate: a concurrent sweep wrote first")

// escalationHorizon is the first due date no reminder is due for today:
// a deadline on it or later has more than the largest of reminders'
// working days left (WorkdaysBetween(today, d) <= n for every d before
// AddWorkdays(today, n+1)).
func (a *App) escalationHorizon(reminders []int) string {
	most := -1
	for _, d := range reminders {
		most = max(most, d)
	}
	h, _ := a.cal.Load().AddWorkdays(a.today(), most+1)
	if most < 0 {
		h = a.today().AddDate(0, 0, 1)
	}
	return h.Format(time.DateOnly)
}

// escalateOnce records one step in its own transaction, unless it was
// recorded before or the case moved on since it was listed. A step
// already recorded is found by a read, without taking the write lock.
func (a *App) escalateOnce(ctx context.Context, id int64, e escalation) (bool, error) {
	if seen, err := store.SupervisionKeyExists(ctx, a.db, e.key); err != nil || seen {
		return false, err
	}
	done := false
	err := a.db.Write(ctx, func(tx *store.Tx) error {
		seen, err := store.SupervisionKeyExists(ctx, tx, e.key)
		if err != nil || seen {
			return err
		}
		c, err := store.GetCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if !c.Status.Running() || c.LeadUnitID == 0 {
			return nil
		}
		unit, err := store.GetUnit(ctx, tx, c.LeadUnitID)
		if err != nil {
			return err
		}
		s := &zhitong.SupervisionAction{CaseID: c.ID, Round: c.Round, Kind: e.kind, Level: e.level, At: a.clock.Now()}
		n := Notice{Key: e.key, CaseID: c.ID, UnitID: c.LeadUnitID,
			Vars: map[string]string{"code": c.Code, "title": c.Title, "unit": unit.Name, "due": c.DueDate, "url": "/work/cases/" + strconv.FormatInt(c.ID, 10)}}
		switch e.kind {
		case "reminder":
			s.Note = fmt.Sprintf("自动提醒%s：距办理期限（%s）还有 %d 个工作日", unit.Name, c.DueDate, e.daysLeft)
			n.Template, n.Vars["days_left"] = "case.reminder", strconv.Itoa(e.daysLeft)
		case "letter":
			l, err := a.issueLetter(ctx, tx, c, unit, e.overdue)
			if err != nil {
				return err
			}
			s.LetterID = l.ID
			s.Note = fmt.Sprintf("逾期 %d 个工作日，向%s发出督办函 %s", e.overdue, unit.Name, l.Number)
			n.Template, n.Vars["number"], n.Vars["url"] = "case.overdue_letter", l.Number, "/work/supervision/letters/"+strconv.FormatInt(l.ID, 10)
			n.Vars["overdue_days"] = strconv.Itoa(e.overdue)
		case "listed":
			s.Note = fmt.Sprintf("逾期 %d 个工作日，列入督办清单并纳入通报", e.overdue)
			n.Template, n.Vars["overdue_days"] = "case.supervision_listed", strconv.Itoa(e.overdue)
		}
		if err := tx.InsertSupervisionAction(ctx, s, e.key); err != nil {
			return err
		}
		if err := a.supervisionEvent(ctx, tx, c, System, s); err != nil {
			return err
		}
		if _, err := a.notify(ctx, tx, n); err != nil {
			return err
		}
		done = true
		return nil
	})
	if store.IsUniqueViolation(err) {
		// A concurrent sweep took this step (or the letter's number) first;
		// a later sweep finds the key taken, or tries the letter again.
		return false, errRaced
	}
	return done, err
}

// supervisionEvent writes a supervision action to the case's timeline and
// the audit log. It does not bump the case's version: supervision changes
// nothing a handler is editing.
func (a *App) supervisionEvent(ctx context.Context, tx *store.Tx, c *store.CaseRecord, p zhitong.Principal, s *zhitong.SupervisionAction) error {
	ev := &zhitong.Event{CaseID: c.ID, At: s.At, ActorID: p.UserID, ActorName: "系统自动督办", Action: zhitong.ActionSupervise,
		FromStatus: c.Status, ToStatus: c.Status, Note: s.Note}
	if p.Role != "" {
		ev.ActorName = p.Name
	}
	if err := tx.InsertEvent(ctx, ev); err != nil {
		return err
	}
	return a.audit(ctx, tx, p, "case.supervise."+s.Kind, "case:"+strconv.FormatInt(c.ID, 10),
		map[string]any{"code": c.Code, "round": c.Round, "level": s.Level, "letter_id": s.LetterID, "note": s.Note})
}

// issueLetter numbers and stores a supervision letter to the lead unit.
func (a *App) issueLetter(ctx context.Context, tx *store.Tx, c *store.CaseRecord, unit zhitong.Unit, overdue int) (*store.Letter, error) {
	l := &store.Letter{CaseID: c.ID, UnitID: unit.ID, Round: c.Round, DueDate: c.DueDate, OverdueDays: overdue}
	l.Body = fmt.Sprintf("%s：\n　　我委交由你单位办理的群众意见建议“%s”（查询码 %s），办理期限为%s，截至%s已逾期 %d 个工作日，尚未答复。"+
		"现予督办，请你单位高度重视，尽快办结，书面答复人大机关并反馈群众；确有困难的，请于 3 个工作日内书面说明原因和完成时限。",
		unit.Name, c.Title, c.Code, chineseDay(c.DueDate), chineseDay(a.today().Format(time.DateOnly)), overdue)
	return l, a.storeLetter(ctx, tx, System, l)
}

// storeLetter numbers a supervision letter in its organisation's 督办函
// series of the year (store.NextDocumentSeq, shared with internal/documents)
// and stores it; the document hook then issues it as a sealed document in
// the same transaction. (supervision_letters.seq stays the table's own
// yearly series; the number's sequence is the organisation's.)
func (a *App) storeLetter(ctx context.Context, tx *store.Tx, p zhitong.Principal, l *store.Letter) error {
	year := a.today().Year()
	seq, err := tx.NextLetterSeq(ctx, year)
	if err != nil {
		return err
	}
	org, prefix, err := a.letterPrefix(ctx, tx, l.CaseID)
	if err != nil {
		return err
	}
	if l.DocSeq, err = tx.NextDocumentSeq(ctx, org, "supervise", year); err != nil {
		return err
	}
	l.Number, l.Year, l.Seq, l.IssuedAt = store.DocumentNumber(prefix, year, l.DocSeq), year, seq, a.clock.Now()
	if err := tx.InsertLetter(ctx, l); err != nil {
		return err
	}
	return a.runLetterHooks(ctx, tx, p, l)
}

// letterPrefix returns the organisation governing the case (its region
// code, "" when none is set up) and its 督办函 number prefix: the one staff
// set for the organisation (internal/documents), else the policy's when
// staff changed it, else the organisation's default (定人大督).
func (a *App) letterPrefix(ctx context.Context, tx *store.Tx, caseID int64) (string, string, error) {
	var region string
	if err := tx.QueryRow(ctx, `SELECT region_code FROM cases WHERE id = ?`, caseID).Scan(&region); err != nil {
		return "", "", err
	}
	o, err := store.OrganisationFor(ctx, tx, region)
	if err != nil && zhitong.ErrorCode(err) != zhitong.ENOTFOUND {
		return "", "", err
	}
	if set, ok, err := store.DocumentPrefix(ctx, tx, o.RegionCode, "supervise"); err != nil || ok {
		return o.RegionCode, set, err
	}
	if prefix := a.policy().LetterPrefix; prefix != DefaultPolicy().LetterPrefix || o.RegionCode == "" {
		return o.RegionCode, prefix, nil
	}
	return o.RegionCode, store.DefaultDocumentPrefix(o, "supervise"), nil
}

// levelOf is the supervision level of c today and how many working days it is overdue.
func (a *App) levelOf(c *zhitong.Case) (zhitong.SupervisionLevel, int) {
	if !c.Status.Running() {
		return zhitong.LevelNone, 0
	}
	return a.levelAt(c.DueDate)
}

// levelAt is the supervision level of a running deadline dueDate today and
// how many working days it is overdue (negative: working days left).
func (a *App) levelAt(dueDate string) (zhitong.SupervisionLevel, int) {
	due, err := time.Parse(time.DateOnly, dueDate)
	if err != nil {
		return zhitong.LevelNone, 0
	}
	od := -a.cal.Load().WorkdaysBetween(a.today(), due)
	return a.policy().Level(a.today().After(due), od), od
}
