package app

import (
	"context"
	"strconv"
	"time"

	"zhitong"
	"zhitong/internal/stats/measure"
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

// bulletinRows counts, for each unit and township, what happened between
// start and end, through the one definition of every figure
// (internal/stats/measure): units count their lead and co-handling
// assignments, townships the lead ones.
func (a *App) bulletinRows(ctx context.Context, start, end time.Time) ([]store.BulletinRow, error) {
	facts, err := store.ListStatFacts(ctx, a.db, StatRange(start, end, ""))
	if err != nil {
		return nil, err
	}
	p := measure.Params{Start: start, End: end, Cal: a.cal.Load(), AcceptDays: a.policy().ReturnDays}
	t := tally{}
	for scope, s := range map[string]measure.Slice{
		"unit": {Key: func(f *store.StatFact) string { return unitKey(f) }, Units: true},
		"town": {Key: func(f *store.StatFact) string { return town(f.Region) }},
	} {
		for ref, c := range measure.Count(facts, p, s, nil) {
			if scope == "unit" && ref == "0" {
				continue // received, not yet assigned: no unit's row
			}
			r := BulletinRowOf(scope, ref, *c)
			if r == (store.BulletinRow{Scope: scope, Ref: ref}) {
				continue // nothing a bulletin counts (only received cases)
			}
			*t.row(scope, ref) = r
		}
	}
	return a.nameRows(ctx, t)
}

func unitKey(f *store.StatFact) string { return strconv.FormatInt(f.Unit, 10) }

// BulletinRowOf is a bulletin row holding counts c.
func BulletinRowOf(scope, ref string, c measure.Counts) store.BulletinRow {
	return store.BulletinRow{Scope: scope, Ref: ref, Assigned: c.Assigned, AcceptedInTime: c.AcceptedInTime, Replied: c.Replied,
		RepliedOnTime: c.RepliedOnTime, Overdue: c.Overdue, Listed: c.Listed, Solved: c.Solved, Evaluated: c.Evaluated,
		Satisfied: c.Satisfied, Rehandled: c.Rehandled}
}

// StatRange is the store range of the China civil dates start to end (both
// included) under region: the facts a period's statistics count.
func StatRange(start, end time.Time, region string) store.StatRange {
	from := time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, zhitong.China)
	to := time.Date(end.Year(), end.Month(), end.Day()+1, 0, 0, 0, 0, zhitong.China)
	return store.StatRange{From: store.FormatTime(from), To: store.FormatTime(to), EndDay: end.Format(time.DateOnly), Region: region}
}

// ReturnDays is the deadline policy's window to accept (or return) an
// assignment: "accepted on time" in the statistics.
func (a *App) ReturnDays() int { return a.policy().ReturnDays }
