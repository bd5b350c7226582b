package app

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// tally accumulates the rows of a bulletin, by scope and reference.
type tally map[string]*store.BulletinRow

func (t tally) row(scope, ref string) *store.BulletinRow {
	k := scope + ":" + ref
	if t[k] == nil {
		t[k] = &store.BulletinRow{Scope: scope, Ref: ref}
	}
	return t[k]
}

// town is the township a case's region lies in (a nine-digit prefix code),
// or the region itself above township level.
func town(region string) string { return region[:min(len(region), 9)] }

type roundKey struct {
	caseID int64
	round  int
}

// counter counts one period's bulletin. See docs/supervision.md for what
// each number means.
type counter struct {
	start, end time.Time // China civil dates, inclusive
	cal        *calendar.Calendar
	window     int // working days to accept in time
	t          tally
	lead       map[roundKey]store.AssignmentFact // each round's lead assignment
	firstReply map[roundKey]time.Time
}

func (c *counter) in(at time.Time) bool {
	d := civilDay(at)
	return !d.Before(c.start) && !d.After(c.end)
}

// leadRows are the rows a lead assignment's work counts in: its unit and its township.
func (c *counter) leadRows(f store.AssignmentFact) []*store.BulletinRow {
	return []*store.BulletinRow{c.t.row("unit", strconv.FormatInt(f.UnitID, 10)), c.t.row("town", town(f.Region))}
}

// assignments counts what was assigned in the period, and remembers each round's lead.
func (c *counter) assignments(facts []store.AssignmentFact) {
	for _, f := range facts {
		if f.Lead && f.State != zhitong.AssignmentReturned {
			c.lead[roundKey{f.CaseID, f.Round}] = f
		}
		if !c.in(f.AssignedAt) {
			continue
		}
		rows := []*store.BulletinRow{c.t.row("unit", strconv.FormatInt(f.UnitID, 10))}
		if f.Lead {
			rows = c.leadRows(f)
		}
		limit, _ := c.cal.AddWorkdays(civilDay(f.AssignedAt), c.window)
		for _, r := range rows {
			r.Assigned++
			if !f.AcceptedAt.IsZero() && !civilDay(f.AcceptedAt).After(limit) {
				r.AcceptedInTime++
			}
			if f.Lead && f.Round > 1 {
				r.Rehandled++
			}
		}
	}
}

// events counts the replies, solved follow-ups, evaluations and listings in
// the period, on the round's lead unit and township.
func (c *counter) events(events []store.RoundFact) {
	for _, e := range events {
		k := roundKey{e.CaseID, e.Round}
		f, ok := c.lead[k]
		if !ok {
			continue
		}
		if _, seen := c.firstReply[k]; !seen && e.Kind == "reply" {
			c.firstReply[k] = e.At
		}
		if !c.in(e.At) {
			continue
		}
		for _, r := range c.leadRows(f) {
			switch e.Kind {
			case "reply":
				r.Replied++
				if civilDay(e.At).Format(time.DateOnly) <= f.DueDate {
					r.RepliedOnTime++
				}
				if e.Value == string(zhitong.OutcomeSolved) {
					r.Solved++
				}
			case "solved": // a follow-up found a B or C reply's promised work done
				r.Solved++
			case "evaluation":
				r.Evaluated++
				if e.Value != string(zhitong.RatingUnsatisfied) {
					r.Satisfied++
				}
			case "listed":
				r.Listed++
			}
		}
	}
}

// overdue counts the lead assignments overdue at the period's end: made by
// then, due before its last day, not replied to by then.
func (c *counter) overdue() {
	endDay := c.end.Format(time.DateOnly)
	for k, f := range c.lead {
		if civilDay(f.AssignedAt).After(c.end) || f.DueDate == "" || f.DueDate >= endDay {
			continue
		}
		if at, ok := c.firstReply[k]; ok && !civilDay(at).After(c.end) {
			continue
		}
		for _, r := range c.leadRows(f) {
			r.Overdue++
		}
	}
}

// bulletinRows counts, for each unit and township, what happened between
// start and end.
func (a *App) bulletinRows(ctx context.Context, start, end time.Time) ([]store.BulletinRow, error) {
	facts, err := store.ListAssignmentFacts(ctx, a.db)
	if err != nil {
		return nil, err
	}
	events, err := store.ListRoundFacts(ctx, a.db)
	if err != nil {
		return nil, err
	}
	c := &counter{start: start, end: end, cal: a.cal.Load(), window: a.policy().ReturnDays, t: tally{},
		lead: map[roundKey]store.AssignmentFact{}, firstReply: map[roundKey]time.Time{}}
	c.assignments(facts)
	c.events(events)
	c.overdue()
	return a.nameRows(ctx, c.t)
}
