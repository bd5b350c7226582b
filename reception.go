package zhitong

// Reception-rule kinds: how a station's reception days (接待日) recur.
const (
	RuleWeekday  = "weekday"  // every given weekday, or its Nth (or last) in each month
	RuleMonthDay = "monthday" // solar days of the month, e.g. 5, 15, 25
	RuleLunar    = "lunar"    // lunar days of the month: market days, 逢农历一、四、七
	RuleDate     = "date"     // one date
)

// What a rule does when one of its dates is a public holiday.
const (
	HolidaySkip = "skip" // no reception that day
	HolidayKeep = "keep" // the station opens anyway
)

// ReceptionRule is one way a station's reception days recur. A station may
// have any number of them; its reception days are their union, minus
// cancelled exceptions, plus the dates exceptions move days to.
type ReceptionRule struct {
	ID        int64
	StationID int64
	Kind      string // RuleWeekday, RuleMonthDay, RuleLunar, RuleDate
	Weekday   int    // RuleWeekday: 0 Sunday … 6 Saturday
	Nth       int    // RuleWeekday: 0 every week, 1–5 the Nth in the month, -1 the last
	Days      []int  // RuleMonthDay 1–31, RuleLunar 1–30
	Date      string // RuleDate: YYYY-MM-DD
	Holidays  string // HolidaySkip or HolidayKeep
	Note      string
}

// ReceptionException cancels one reception day or moves it to another date.
type ReceptionException struct {
	StationID int64
	Day       string // YYYY-MM-DD, the date the rules give
	MovedTo   string // YYYY-MM-DD, or "" when the day is cancelled
	Note      string
}

// ReceptionDay is one date a station receives citizens, with the deputies on
// duty that day (from the roster) and why the date is a reception day.
type ReceptionDay struct {
	Day      string // YYYY-MM-DD, China civil date
	Weekday  string // 星期二
	Lunar    string // 十月初四
	Reason   string // e.g. 每周二, 逢农历一、四、七, 由11月3日调整
	Deputies []DeputyRef
}

// DeputyRef names a deputy where a list shows only who, not their profile.
type DeputyRef struct {
	ID   int64
	Name string
}
