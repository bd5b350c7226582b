// Package measure is the one definition of every statistic (统计口径): what
// each count counts, and how each rate divides. The bulletins (通报,
// internal/app) and the statistics dashboard (internal/stats) both count
// through Count, so the two never disagree. docs/statistics.md explains each
// figure; Figures carries the same 口径 text the pages show.
package measure

import (
	"time"

	"zhitong"
	"zhitong/internal/calendar"
	"zhitong/internal/store"
)

// Counts are one slice's numbers for one period.
type Counts struct {
	Received         int `json:"received"`
	RegisteredInTime int `json:"registered_in_time"`
	Assigned         int `json:"assigned"`
	AcceptedInTime   int `json:"accepted_in_time"`
	Replied          int `json:"replied"`
	RepliedOnTime    int `json:"replied_on_time"`
	Solved           int `json:"solved"`
	Evaluated        int `json:"evaluated"`
	Satisfied        int `json:"satisfied"`
	CalledBack       int `json:"called_back"`
	Rehandled        int `json:"rehandled"`
	Listed           int `json:"listed"`
	Overdue          int `json:"overdue"`
	ReplyDays        int `json:"reply_days"` // working days from assignment to reply, summed over the replies
}

// Count names, as used in Figure.Num/Den, the JSON and the case list's stat= filter.
const (
	Received         = "received"
	RegisteredInTime = "registered_in_time"
	Assigned         = "assigned"
	AcceptedInTime   = "accepted_in_time"
	Replied          = "replied"
	RepliedOnTime    = "replied_on_time"
	Solved           = "solved"
	Evaluated        = "evaluated"
	Satisfied        = "satisfied"
	CalledBack       = "called_back"
	Rehandled        = "rehandled"
	Listed           = "listed"
	Overdue          = "overdue"
)

// Get returns the count named key.
func (c Counts) Get(key string) int {
	switch key {
	case Received:
		return c.Received
	case RegisteredInTime:
		return c.RegisteredInTime
	case Assigned:
		return c.Assigned
	case AcceptedInTime:
		return c.AcceptedInTime
	case Replied:
		return c.Replied
	case RepliedOnTime:
		return c.RepliedOnTime
	case Solved:
		return c.Solved
	case Evaluated:
		return c.Evaluated
	case Satisfied:
		return c.Satisfied
	case CalledBack:
		return c.CalledBack
	case Rehandled:
		return c.Rehandled
	case Listed:
		return c.Listed
	case Overdue:
		return c.Overdue
	}
	return 0
}

// Add adds o to c.
func (c *Counts) Add(o Counts) {
	c.Received += o.Received
	c.RegisteredInTime += o.RegisteredInTime
	c.Assigned += o.Assigned
	c.AcceptedInTime += o.AcceptedInTime
	c.Replied += o.Replied
	c.RepliedOnTime += o.RepliedOnTime
	c.Solved += o.Solved
	c.Evaluated += o.Evaluated
	c.Satisfied += o.Satisfied
	c.CalledBack += o.CalledBack
	c.Rehandled += o.Rehandled
	c.Listed += o.Listed
	c.Overdue += o.Overdue
	c.ReplyDays += o.ReplyDays
}

// IsCount reports whether key names a count (a case list can show its cases).
func IsCount(key string) bool {
	for _, f := range Figures {
		if f.Kind == KindCount && f.Key == key {
			return true
		}
	}
	return false
}

// Figure kinds.
const (
	KindCount = "count"
	KindRate  = "rate" // Num / Den, in per cent
	KindAvg   = "avg"  // ReplyDays / Replied, working days
)

// Figure is one number the dashboard shows, with its 口径.
type Figure struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Num   string `json:"num"` // the count it is, or divides
	Den   string `json:"den"` // rates and averages: the count it divides by
	Kou   string `json:"kou"` // 口径, in Chinese
}

// Figures are every figure, in display order. Counts are events of the
// period (China civil dates, both ends included); rates divide two counts of
// the same period and slice.
var Figures = []Figure{
	{Received, "收到意见", KindCount, Received, "", "期内提交（登记入系统）的群众意见件数，按提交时间计。"},
	{RegisteredInTime, "及时登记", KindCount, RegisteredInTime, "", "期内收到的意见中，在提交后 1 个工作日内完成登记分类的件数。"},
	{"registered_rate", "及时登记率", KindRate, RegisteredInTime, Received, "及时登记件数 ÷ 收到意见件数。"},
	{Assigned, "交办", KindCount, Assigned, "", "期内作出的交办（承办单位切片含协办单位的交办，其余只计主办）。"},
	{AcceptedInTime, "按时签收", KindCount, AcceptedInTime, "", "期内交办中，在退回时限（deadline-policy 的 return_days 个工作日）内签收的件数；重办轮次即时签收。"},
	{"accepted_rate", "按时签收率", KindRate, AcceptedInTime, Assigned, "按时签收件数 ÷ 交办件数。"},
	{Replied, "办结（答复）", KindCount, Replied, "", "期内承办单位作出的答复件数，计在该轮主办单位。"},
	{RepliedOnTime, "按期办结", KindCount, RepliedOnTime, "", "期内答复中，答复日不晚于该轮办理期限（含批准的延期）的件数。"},
	{"on_time_rate", "按期办结率", KindRate, RepliedOnTime, Replied, "按期办结件数 ÷ 办结（答复）件数。"},
	{Solved, "已解决（A类）", KindCount, Solved, "", "期内答复结果为 A 类（已解决）的件数，加上期内跟踪问效记为“已落实”的 B、C 类答复（计在跟踪问效的日期）。B、C、D 类不算解决。"},
	{"solved_rate", "解决率", KindRate, Solved, Replied, "已解决（A类）件数 ÷ 办结（答复）件数。"},
	{Evaluated, "已评价", KindCount, Evaluated, "", "期内群众的评价件数（线上评价和回访评价），计在该轮主办单位。"},
	{"evaluated_rate", "评价率", KindRate, Evaluated, Replied, "已评价件数 ÷ 办结（答复）件数。"},
	{Satisfied, "满意和基本满意", KindCount, Satisfied, "", "期内评价中，满意或基本满意的件数。"},
	{"satisfied_rate", "满意率", KindRate, Satisfied, Evaluated, "满意和基本满意件数 ÷ 已评价件数（未评价的不计入分母）。"},
	{CalledBack, "回访", KindCount, CalledBack, "", "期内在回访中记录的评价件数。"},
	{Rehandled, "重办", KindCount, Rehandled, "", "期内交办的重办轮次（第 2 轮及以后）件数。"},
	{"rehandled_rate", "重办率", KindRate, Rehandled, Replied, "重办件数 ÷ 办结（答复）件数。"},
	{"reply_days", "平均答复用时（工作日）", KindAvg, "reply_days", Replied, "期内答复从该轮交办日到答复日的工作日数之和 ÷ 答复件数。"},
	{Overdue, "期末逾期", KindCount, Overdue, "", "期末（含今天的期间：今天）已交办、办理期限早于期末、到期末仍未答复的主办任务件数。"},
	{Listed, "列入督办清单", KindCount, Listed, "", "期内因逾期自动列入督办清单（红牌）的件数。"},
}

// FigureByKey finds a figure.
func FigureByKey(key string) (Figure, bool) {
	for _, f := range Figures {
		if f.Key == key {
			return f, true
		}
	}
	return Figure{}, false
}

// Value computes figure f from counts: a count, a rate in per cent, or an
// average; ok is false when a rate or average has nothing to divide by.
func (f Figure) Value(c Counts) (v float64, ok bool) {
	switch f.Kind {
	case KindRate:
		d := c.Get(f.Den)
		if d == 0 {
			return 0, false
		}
		return float64(c.Get(f.Num)) * 100 / float64(d), true
	case KindAvg:
		if c.Replied == 0 {
			return 0, false
		}
		return float64(c.ReplyDays) / float64(c.Replied), true
	}
	return float64(c.Get(f.Num)), true
}

// Params are what the counts depend on besides the facts.
type Params struct {
	Start, End time.Time // China civil dates, both included
	Cal        *calendar.Calendar
	AcceptDays int // working days to accept in time (policy return_days)
}

// Slice maps a fact to the row it counts in ("" skips it). Units: a
// co-handling unit's assignment counts in its own row (the unit slice);
// otherwise only lead assignments count.
type Slice struct {
	Key   func(f *store.StatFact) string
	Units bool
}

// Total counts everything in one row, "".
var Total = Slice{Key: func(*store.StatFact) string { return "all" }}

// Count counts facts into rows by slice. each, when not nil, is told every
// case a count takes in: the cases behind a figure.
func Count(facts []store.StatFact, p Params, s Slice, each func(count, key string, caseID int64)) map[string]*Counts {
	out := map[string]*Counts{}
	c := counter{p: p, days: map[[2]time.Time]int{}, limits: map[time.Time]time.Time{}}
	best := dedupe(facts)
	for i := range facts {
		f := &facts[i]
		if best != nil && !best[i] {
			continue
		}
		if (f.Kind == "assignment" || f.Kind == "accepted") && !f.Lead && !s.Units {
			continue
		}
		key := s.Key(f)
		if key == "" {
			continue
		}
		row := out[key]
		if row == nil {
			row = &Counts{}
			out[key] = row
		}
		c.count(f, row, func(count string) {
			if each != nil {
				each(count, key, f.CaseID)
			}
		})
	}
	return out
}

// dedupe keeps, when a round has two current lead assignments, the events
// counted on the later one (the bulletins always did); nil when nothing repeats.
func dedupe(facts []store.StatFact) []bool {
	type k struct {
		kind string
		id   int64
	}
	seen := map[k]int{}
	var keep []bool
	for i := range facts {
		f := &facts[i]
		if f.Kind == "received" || f.Kind == "assignment" || f.Kind == "registered" || f.Kind == "accepted" {
			continue
		}
		key := k{f.Kind, f.ID}
		if f.Kind == "open" {
			key = k{"open", f.CaseID<<8 | int64(f.Round&0xff)}
		}
		j, dup := seen[key]
		if !dup {
			seen[key] = i
			continue
		}
		if keep == nil {
			keep = make([]bool, len(facts))
			for x := range keep {
				keep[x] = true
			}
		}
		if facts[j].LeadID < f.LeadID {
			keep[j], seen[key] = false, i
		} else {
			keep[i] = false
		}
	}
	return keep
}

type counter struct {
	p      Params
	days   map[[2]time.Time]int
	limits map[time.Time]time.Time
}

func day(t time.Time) time.Time { return calendar.Civil(t, zhitong.China) }

func (c *counter) in(t time.Time) bool {
	d := day(t)
	return !d.Before(c.p.Start) && !d.After(c.p.End)
}

func (c *counter) plus(d time.Time, n int) time.Time {
	if n == 1 && c.limits != nil {
		// n is 1 for registration; cache those, the most frequent call.
		if v, ok := c.limits[d]; ok {
			return v
		}
		v, _ := c.p.Cal.AddWorkdays(d, 1)
		c.limits[d] = v
		return v
	}
	v, _ := c.p.Cal.AddWorkdays(d, n)
	return v
}

func (c *counter) between(a, b time.Time) int {
	k := [2]time.Time{a, b}
	if v, ok := c.days[k]; ok {
		return v
	}
	v := c.p.Cal.WorkdaysBetween(a, b)
	c.days[k] = v
	return v
}

// registeredInTime: registered within 1 working day after the submission day.
func (c *counter) registeredInTime(f *store.StatFact) bool {
	return !f.Registered.IsZero() && !day(f.Registered).After(c.plus(day(f.At), 1))
}

// acceptedInTime: accepted within AcceptDays working days after the assignment day.
func (c *counter) acceptedInTime(f *store.StatFact) bool {
	return !f.Accepted.IsZero() && !day(f.Accepted).After(c.plus(day(f.At), c.p.AcceptDays))
}

// LastInTime is the last day on which an event of day d can still complete
// in time (a registration or an acceptance): after its end, every count of
// d is final.
func LastInTime(cal *calendar.Calendar, d time.Time, acceptDays int) time.Time {
	r, _ := cal.AddWorkdays(d, 1)
	a, _ := cal.AddWorkdays(d, acceptDays)
	if a.After(r) {
		return a
	}
	return r
}

// count adds one fact to row; add names each count it increments.
func (c *counter) count(f *store.StatFact, row *Counts, add func(string)) {
	switch f.Kind {
	case "received":
		if !c.in(f.At) {
			return
		}
		row.Received++
		add(Received)
		if c.registeredInTime(f) {
			row.RegisteredInTime++
			add(RegisteredInTime)
		}
	case "registered": // a settled day's case registered since (ListStatCompletions)
		if c.in(f.At) && c.registeredInTime(f) {
			row.RegisteredInTime++
			add(RegisteredInTime)
		}
	case "assignment":
		if !c.in(f.At) {
			return
		}
		row.Assigned++
		add(Assigned)
		if c.acceptedInTime(f) {
			row.AcceptedInTime++
			add(AcceptedInTime)
		}
		if f.Lead && f.Round > 1 {
			row.Rehandled++
			add(Rehandled)
		}
	case "accepted": // a settled day's assignment accepted since (ListStatCompletions)
		if c.in(f.At) && c.acceptedInTime(f) {
			row.AcceptedInTime++
			add(AcceptedInTime)
		}
	case "reply":
		if !c.in(f.At) {
			return
		}
		row.Replied++
		add(Replied)
		if day(f.At).Format(time.DateOnly) <= f.DueDate {
			row.RepliedOnTime++
			add(RepliedOnTime)
		}
		if f.Value == string(zhitong.OutcomeSolved) {
			row.Solved++
			add(Solved)
		}
		row.ReplyDays += max(0, c.between(day(f.Assigned), day(f.At)))
	case "solved": // a follow-up found a B or C reply's promised work done
		if c.in(f.At) {
			row.Solved++
			add(Solved)
		}
	case "evaluation":
		if !c.in(f.At) {
			return
		}
		row.Evaluated++
		add(Evaluated)
		if f.Value != string(zhitong.RatingUnsatisfied) {
			row.Satisfied++
			add(Satisfied)
		}
		if f.Callback {
			row.CalledBack++
			add(CalledBack)
		}
	case "listed":
		if c.in(f.At) {
			row.Listed++
			add(Listed)
		}
	case "open":
		row.Overdue++
		add(Overdue)
	}
}

// ToRow lays counts out in the order of store.StatCountColumns.
func ToRow(c Counts) [store.StatCounts]int {
	return [store.StatCounts]int{c.Received, c.RegisteredInTime, c.Assigned, c.AcceptedInTime, c.Replied, c.RepliedOnTime,
		c.Solved, c.Evaluated, c.Satisfied, c.CalledBack, c.Rehandled, c.Listed, c.ReplyDays, c.Overdue}
}

// FromRow reads counts laid out by ToRow.
func FromRow(a [store.StatCounts]int) Counts {
	return Counts{Received: a[0], RegisteredInTime: a[1], Assigned: a[2], AcceptedInTime: a[3], Replied: a[4], RepliedOnTime: a[5],
		Solved: a[6], Evaluated: a[7], Satisfied: a[8], CalledBack: a[9], Rehandled: a[10], Listed: a[11], ReplyDays: a[12], Overdue: a[13]}
}

// Stock finds, for each day from first to last, the lead assignments open
// and overdue at its end, from the candidates loaded with
// store.StatRange.RepliedFrom: the same set "open" facts give for a period
// ending that day (due before the day, made by its end, not replied by its
// end). It returns day (YYYY-MM-DD) → those assignments' "open" facts.
func Stock(cands []store.StatFact, first, last time.Time) map[string][]*store.StatFact {
	best := map[[2]int64]*store.StatFact{}
	for i := range cands {
		f := &cands[i]
		k := [2]int64{f.CaseID, int64(f.Round)}
		if b := best[k]; b == nil || b.LeadID < f.LeadID {
			best[k] = f
		}
	}
	out := map[string][]*store.StatFact{}
	for _, f := range best {
		due, err := time.Parse(time.DateOnly, f.DueDate)
		if err != nil {
			continue
		}
		from := due.AddDate(0, 0, 1)
		if a := day(f.Assigned); a.After(from) {
			from = a
		}
		if first.After(from) {
			from = first
		}
		to := last
		if !f.FirstReply.IsZero() {
			if r := day(f.FirstReply).AddDate(0, 0, -1); r.Before(to) {
				to = r
			}
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			ds := d.Format(time.DateOnly)
			out[ds] = append(out[ds], f)
		}
	}
	return out
}
