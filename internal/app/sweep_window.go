package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// The meta rows recording the last escalation and call-back scans that
// left nothing behind (sweepMark); follow-ups keep theirs in
// followUpScanKey.
const (
	escalationScanKey = "sweep.escalation"
	callbackScanKey   = "sweep.callbacks"
)

// sweepMark is a sweep step's "now", recorded after a run of the step that
// left nothing behind: the next run reads only what can have come due
// since, and what changed since (docs/operations.md, Deadline sweep).
type sweepMark struct {
	Day   string `json:"day"`   // the day in China it ran on, YYYY-MM-DD
	At    string `json:"at"`    // when it started (FormatTime)
	Rules string `json:"rules"` // rulesPrint of that day
}

func (m sweepMark) String() string {
	b, _ := json.Marshal(m)
	return string(b)
}

// markSpan is how many days either side of a mark's day its fingerprint
// covers. A window reaching past them (a mark months old, thresholds of
// months) reads the whole history instead.
const markSpan = 200

// sweepNow is the mark a run of a step starting now would leave.
func (a *App) sweepNow(pols []*Policy) sweepMark {
	today := a.today()
	return sweepMark{Day: today.Format(time.DateOnly), At: store.FormatTime(a.clock.Now()), Rules: a.rulesPrint(pols, today)}
}

// rulesPrint fingerprints what decides the day a step falls due: every
// organisation's policy (allPolicies, so a new organisation counts too) and
// which days within markSpan of day are working days. A mark left under
// other rules is not trusted: a policy or holiday change reads everything
// once.
func (a *App) rulesPrint(pols []*Policy, day time.Time) string {
	h := sha256.New()
	_ = json.NewEncoder(h).Encode(pols)
	cal := a.cal.Load()
	bits := make([]byte, 0, 2*markSpan+1)
	for d := day.AddDate(0, 0, -markSpan); !d.After(day.AddDate(0, 0, markSpan)); d = d.AddDate(0, 0, 1) {
		if cal.IsWorkday(d) {
			bits = append(bits, 1)
		} else {
			bits = append(bits, 0)
		}
	}
	h.Write(bits)
	return hex.EncodeToString(h.Sum(nil)[:12])
}

// changeMargin is how far before the last clean scan a scan reads the
// cases changed: a step stamps updated_at when its transaction starts, a
// little before it commits, and servers' clocks differ a little. Not a
// day, as followUpMargin: at a province's pace a day is some 20,000 cases
// changed, read again at every tick.
const changeMargin = time.Hour

// sinceMark reads the mark under key and returns the day from which the
// run now must look for steps come due (the mark's day: the clean run
// took every step due on it, as every step's day is the day in China it
// ran on, and a run that crossed midnight marks the day it started on)
// and the time from which it must read changed cases (changeMargin before
// it),
// or ok false when it must read the whole history: no mark, one later
// than now (a sweep --at --force ahead), one left under other rules, or
// one older than half markSpan.
func (a *App) sinceMark(ctx context.Context, key string, pols []*Policy, now sweepMark) (day time.Time, changed string, ok bool, err error) {
	v, err := store.GetMeta(ctx, a.db, key)
	if err != nil || v == "" {
		return day, "", false, err
	}
	var last sweepMark
	if json.Unmarshal([]byte(v), &last) != nil || last.Day > now.Day || store.ParseTime(last.At).After(store.ParseTime(now.At)) {
		return day, "", false, nil
	}
	day, err = time.Parse(time.DateOnly, last.Day)
	today, _ := time.Parse(time.DateOnly, now.Day)
	if err != nil || today.Sub(day) > markSpan/2*24*time.Hour || a.rulesPrint(pols, day) != last.Rules {
		return day, "", false, nil
	}
	return day, store.FormatTime(store.ParseTime(last.At).Add(-changeMargin)), true, nil
}

// setSweepMark records m under key.
func (a *App) setSweepMark(ctx context.Context, key string, m sweepMark) error {
	return a.db.Write(ctx, func(tx *store.Tx) error { return tx.SetMeta(ctx, key, m.String()) })
}

// escalationWindow returns the ids of the running cases the escalation
// run now must read, or all true when it must read every candidate. After
// a clean run on day L a case whose deadline did not move has a step due
// today only when some policy gives its deadline a step today it did not
// have on L (escalationDue); a deadline that moved, a new round, lead unit
// or organisation, a case taken up again, all stamp updated_at.
func (a *App) escalationWindow(ctx context.Context, pols []*Policy, now sweepMark) (ids []int64, all bool, err error) {
	since, changed, ok, err := a.sinceMark(ctx, escalationScanKey, pols, now)
	if err != nil || !ok {
		return nil, true, err
	}
	due, ok := a.escalationDue(pols, since, a.today())
	if !ok {
		return nil, true, nil
	}
	ids, err = store.EscalationWindowCases(ctx, a.db, store.SweepWindow{Ranges: due, ChangedSince: changed})
	return ids, false, err
}

// escalationDue returns the deadlines, as ranges [from, to) of days, on
// which one of pols gives a step today that it did not give on the day
// since. Earlier deadlines were past every threshold on since; later ones
// are beyond every reminder window. ok is false when the days it needs lie
// outside the mark's fingerprint.
func (a *App) escalationDue(pols []*Policy, since, today time.Time) (out [][2]string, ok bool) {
	most := 0
	var widest []int
	for _, p := range pols {
		most = max(most, p.LetterAfterDays, p.ListAfterDays)
		widest = append(widest, p.ReminderDays...)
	}
	cal := a.cal.Load()
	from, _ := cal.AddWorkdays(since, -(most + 1))
	to, _ := time.Parse(time.DateOnly, a.escalationHorizon(widest))
	if !a.inMarkSpan(since, from, to) {
		return nil, false
	}
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		due := d.Format(time.DateOnly)
		for _, p := range pols {
			if newKeys(a.escalationsOn(since, "", due, p.ReminderDays, p), a.escalationsOn(today, "", due, p.ReminderDays, p)) {
				out = addDay(out, d)
				break
			}
		}
	}
	return out, true
}

// inMarkSpan reports whether the days from and to lie within markSpan of
// the mark's day.
func (a *App) inMarkSpan(mark, from, to time.Time) bool {
	return !from.Before(mark.AddDate(0, 0, -markSpan)) && !to.After(mark.AddDate(0, 0, markSpan))
}

// newKeys reports whether now holds a step before does not.
func newKeys(before, now []escalation) bool {
	for _, e := range now {
		if !slices.ContainsFunc(before, func(b escalation) bool { return b.key == e.key }) {
			return true
		}
	}
	return false
}

// addDay adds the day d to ranges of days [from, to) in ascending order,
// extending the last when d follows it.
func addDay(ranges [][2]string, d time.Time) [][2]string {
	day, next := d.Format(time.DateOnly), d.AddDate(0, 0, 1).Format(time.DateOnly)
	if n := len(ranges); n > 0 && ranges[n-1][1] == day {
		ranges[n-1][1] = next
		return ranges
	}
	return append(ranges, [2]string{day, next})
}

// callbackWindow returns the ids of the replied cases the call-back run
// now must read, or all true when it must read every candidate: those
// with a delivery to the citizen on a day whose wait, under one of pols,
// ended after the mark's day and by today, and the replied cases changed
// since (a reply or delivery recorded since, whatever day it gives).
func (a *App) callbackWindow(ctx context.Context, pols []*Policy, now sweepMark) (ids []int64, all bool, err error) {
	since, changed, ok, err := a.sinceMark(ctx, callbackScanKey, pols, now)
	if err != nil || !ok {
		return nil, true, err
	}
	most := 0
	for _, p := range pols {
		most = max(most, p.CallbackAfterDays)
	}
	cal, today := a.cal.Load(), a.today()
	from, _ := cal.AddWorkdays(since, -(most + 1))
	if !a.inMarkSpan(since, from, today) {
		return nil, true, nil
	}
	var days [][2]string
	for d := from; !d.After(today); d = d.AddDate(0, 0, 1) {
		for _, p := range pols {
			if due, _ := cal.AddWorkdays(d, p.CallbackAfterDays); since.Before(due) && !today.Before(due) {
				days = addDay(days, d)
				break
			}
		}
	}
	w := store.SweepWindow{ChangedSince: changed}
	for _, r := range days {
		w.Ranges = append(w.Ranges, [2]string{chinaMidnight(r[0]), chinaMidnight(r[1])})
	}
	ids, err = store.CallbackWindowCases(ctx, a.db, w)
	return ids, false, err
}

// chinaMidnight is the first instant of the day (YYYY-MM-DD) in China, as
// stored (FormatTime).
func chinaMidnight(day string) string {
	d, _ := time.ParseInLocation(time.DateOnly, day, zhitong.China)
	return store.FormatTime(d)
}
