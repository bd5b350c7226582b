package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	lunar "github.com/6tail/lunar-go/calendar"

	"zhitong"
)

// Reception days (接待日): a station's rules expanded over a range of civil
// dates. The decisions a county clerk would ask about (docs/reception-days.md):
//
//   - Lunar day 30 in a short (29-day) lunar month falls on day 29, the
//     month's last day; if 29 is in the set too the two are one day. A
//     market that meets 逢五逢十 meets at the end of every month — skipping
//     it would leave a nine-day gap the villagers do not expect.
//   - Leap months (闰月) are ordinary months for market days: the days go on
//     by lunar day number, 闰六月初一 is a day 1 like any other.
//   - Solar days past the end of the month (31 in a 30-day month, 29–31 in
//     February) fall on the month's last day, the same way.
//   - The fifth weekday of the month (Nth 5) exists only in months that have
//     one; in the others there is no such day. Use -1 for "the last".
//   - A rule that skips holidays produces no day on a public holiday (放假,
//     weekend days inside a holiday period included); an ordinary weekend is
//     not a holiday. A rule that keeps holidays ignores them.

// IsHoliday reports whether d is a public holiday (放假日): an official day
// off, or in a provisional year a statutory one. Ordinary weekends are not
// holidays; a weekend day inside a holiday period is.
func (c *Calendar) IsHoliday(d time.Time) bool {
	k := keyOf(d)
	if e, ok := c.days[k]; ok {
		return e.Off
	}
	if y := d.Year(); !c.official[y] {
		return c.statutoryRest(y)[k]
	}
	return false
}

// LunarDate is a civil date in the Chinese lunar calendar.
type LunarDate struct {
	Month     int // 1–12, negative in a leap month as lunar-go has it
	Day       int // 1–30
	MonthDays int // 29 or 30
	Text      string
}

var lunarCache sync.Map // dayKey → LunarDate

// Lunar returns the lunar date of the civil date d, e.g. 十月初四, 闰六月廿九.
func Lunar(d time.Time) LunarDate {
	k := keyOf(d)
	if v, ok := lunarCache.Load(k); ok {
		return v.(LunarDate)
	}
	y, m, dd := d.Date()
	l := lunar.NewLunarFromSolar(lunar.NewSolarFromYmd(y, int(m), dd))
	ld := LunarDate{Month: l.GetMonth(), Day: l.GetDay(),
		MonthDays: lunar.NewLunarMonthFromYm(l.GetYear(), l.GetMonth()).GetDayCount(),
		Text:      l.GetMonthInChinese() + "月" + l.GetDayInChinese()}
	lunarCache.Store(k, ld)
	return ld
}

var weekdayShort = [7]string{"日", "一", "二", "三", "四", "五", "六"}
var ordinals = map[int]string{1: "第一个", 2: "第二个", 3: "第三个", 4: "第四个", 5: "第五个", -1: "最后一个"}
var digits = []string{"十", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// WeekdayName is 星期日 … 星期六 for 0 … 6.
func WeekdayName(w int) string {
	if w < 0 || w > 6 {
		return ""
	}
	return weekdayNames[w]
}

// LunarDayName is 初一 … 初十, 十一 … 二十, 廿一 … 三十.
func LunarDayName(d int) string {
	switch {
	case d < 1 || d > 30:
		return strconv.Itoa(d)
	case d <= 10:
		return "初" + digits[d%10]
	case d < 20:
		return "十" + digits[d%10]
	case d == 20:
		return "二十"
	case d < 30:
		return "廿" + digits[d%10]
	}
	return "三十"
}

// marketDigits returns the last digits of a lunar day set when the set is
// exactly "every lunar day ending in these digits" (逢一四七 is 1, 4, 7, 11,
// 14, 17, 21, 24, 27), else nil. 0 stands for 十: 10, 20, 30.
func marketDigits(days []int) []int {
	set := map[int]bool{}
	for _, d := range days {
		set[d] = true
	}
	var ds []int
	for _, d := range days {
		if !slices.Contains(ds, d%10) {
			ds = append(ds, d%10)
		}
	}
	n := 0
	for d := 1; d <= 30; d++ {
		if slices.Contains(ds, d%10) {
			if !set[d] {
				return nil
			}
			n++
		}
	}
	if n != len(set) {
		return nil
	}
	slices.SortFunc(ds, func(a, b int) int { return (a+9)%10 - (b+9)%10 })
	return ds
}

// RuleReason is why a rule makes a day a reception day, in the words shown
// to citizens: 每周二, 每月第一个星期一, 逢农历一、四、七, 每月5日、15日, 临时安排.
func RuleReason(r zhitong.ReceptionRule) string {
	switch r.Kind {
	case zhitong.RuleWeekday:
		if r.Weekday < 0 || r.Weekday > 6 {
			return ""
		}
		if r.Nth == 0 {
			return "每周" + weekdayShort[r.Weekday]
		}
		return "每月" + ordinals[r.Nth] + weekdayNames[r.Weekday]
	case zhitong.RuleMonthDay:
		parts := make([]string, len(r.Days))
		for i, d := range r.Days {
			parts[i] = strconv.Itoa(d) + "日"
		}
		return "每月" + strings.Join(parts, "、")
	case zhitong.RuleLunar:
		if ds := marketDigits(r.Days); ds != nil {
			parts := make([]string, len(ds))
			for i, d := range ds {
				parts[i] = digits[d]
			}
			return "逢农历" + strings.Join(parts, "、")
		}
		parts := make([]string, len(r.Days))
		for i, d := range r.Days {
			parts[i] = LunarDayName(d)
		}
		return "农历每月" + strings.Join(parts, "、")
	case zhitong.RuleDate:
		return "临时安排"
	}
	return ""
}

// DescribeRule is a rule in plain Chinese for the workbench, with its
// holiday mode: 每周二（遇法定节假日暂停）.
func DescribeRule(r zhitong.ReceptionRule) string {
	s := RuleReason(r)
	if r.Kind == zhitong.RuleDate {
		if d, err := time.Parse(time.DateOnly, r.Date); err == nil {
			s = fmt.Sprintf("%d年%d月%d日（%s）", d.Year(), d.Month(), d.Day(), s)
		}
	}
	if r.Holidays == zhitong.HolidayKeep {
		return s + "，节假日照常"
	}
	return s + "，遇法定节假日暂停"
}

// monthDay formats a date as 11月3日.
func monthDay(d time.Time) string { return fmt.Sprintf("%d月%d日", d.Month(), d.Day()) }

// daysIn is the number of days in d's month.
func daysIn(d time.Time) int { return Date(d.Year(), d.Month()+1, 0).Day() }

// matches reports whether rule r, holidays aside, gives the civil date d.
func matches(r zhitong.ReceptionRule, d time.Time) bool {
	switch r.Kind {
	case zhitong.RuleWeekday:
		if int(d.Weekday()) != r.Weekday {
			return false
		}
		switch {
		case r.Nth == 0:
			return true
		case r.Nth > 0:
			return (d.Day()-1)/7+1 == r.Nth
		case r.Nth == -1:
			return d.Day()+7 > daysIn(d)
		}
	case zhitong.RuleMonthDay:
		n := daysIn(d)
		for _, v := range r.Days {
			if v == d.Day() || (v > n && d.Day() == n) {
				return true
			}
		}
	case zhitong.RuleLunar:
		l := Lunar(d)
		for _, v := range r.Days {
			if v == l.Day || (v > l.MonthDays && l.Day == l.MonthDays) {
				return true
			}
		}
	case zhitong.RuleDate:
		return r.Date == d.Format(time.DateOnly)
	}
	return false
}

// ruleReasons lists the reasons of the rules that give d, holidays applied.
func ruleReasons(rules []zhitong.ReceptionRule, d time.Time, holiday func(time.Time) bool) []string {
	var out []string
	hol, checked := false, false
	for _, r := range rules {
		if !matches(r, d) {
			continue
		}
		if r.Holidays != zhitong.HolidayKeep && holiday != nil {
			if !checked {
				hol, checked = holiday(d), true
			}
			if hol {
				continue
			}
		}
		if s := RuleReason(r); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// RulesGive reports whether the rules, holidays applied, make d a
// reception day (before exceptions).
func RulesGive(rules []zhitong.ReceptionRule, d time.Time, holiday func(time.Time) bool) bool {
	return len(ruleReasons(rules, d, holiday)) > 0
}

// ExpandReception lists the reception days from lo to hi inclusive (civil
// dates): the union of the rules' days, holidays applied, less the days
// exceptions cancel or move away, plus the days they are moved to. Each day
// has its 星期, lunar date and reason; Deputies is left empty. holiday may be
// nil (no holidays).
func ExpandReception(rules []zhitong.ReceptionRule, exceptions []zhitong.ReceptionException, lo, hi time.Time, holiday func(time.Time) bool) []zhitong.ReceptionDay {
	lo, hi = civil(lo), civil(hi)
	away := map[string]bool{}
	moved := map[string][]string{}
	for _, e := range exceptions {
		away[e.Day] = true
		if e.MovedTo == "" {
			continue
		}
		if from, err := time.Parse(time.DateOnly, e.Day); err == nil {
			moved[e.MovedTo] = append(moved[e.MovedTo], "由"+monthDay(from)+"调整")
		}
	}
	var out []zhitong.ReceptionDay
	for d := lo; !d.After(hi); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		var reasons []string
		if !away[day] {
			reasons = ruleReasons(rules, d, holiday)
		}
		reasons = append(reasons, moved[day]...)
		if len(reasons) == 0 {
			continue
		}
		out = append(out, zhitong.ReceptionDay{Day: day, Weekday: weekdayNames[d.Weekday()], Lunar: Lunar(d).Text,
			Reason: strings.Join(reasons, "；")})
	}
	return out
}

// Limits of one station's rule set.
const (
	MaxReceptionRules      = 20
	MaxReceptionExceptions = 200
	maxReceptionNote       = 100
)

// CheckReception validates and normalises a station's rules and
// exceptions: kinds, ranges, dates and holiday modes; day sets sorted and
// without repeats; an empty holiday mode is skip. An exception must name a
// date the rules give (holidays applied), must not repeat, and a day may
// not be moved onto another exception's date. Errors are field errors such
// as rules[1].days or exceptions[0].day.
func CheckReception(rules []zhitong.ReceptionRule, exceptions []zhitong.ReceptionException, holiday func(time.Time) bool) error {
	if len(rules) > MaxReceptionRules {
		return zhitong.Invalid("rules", "接待日规则最多 %d 条", MaxReceptionRules)
	}
	if len(exceptions) > MaxReceptionExceptions {
		return zhitong.Invalid("exceptions", "调整记录最多 %d 条，请删除过去的调整", MaxReceptionExceptions)
	}
	seen := map[string]int{}
	for i := range rules {
		if err := checkRule(&rules[i], "rules["+strconv.Itoa(i)+"]", i+1); err != nil {
			return err
		}
		r := rules[i]
		key := fmt.Sprint(r.Kind, r.Weekday, r.Nth, r.Days, r.Date)
		if j, ok := seen[key]; ok {
			return zhitong.Invalid("rules["+strconv.Itoa(i)+"]", "第 %d 条规则与第 %d 条重复", i+1, j+1)
		}
		seen[key] = i
	}
	days := map[string]int{}
	for i := range exceptions {
		e := &exceptions[i]
		f := "exceptions[" + strconv.Itoa(i) + "]"
		e.Day, e.MovedTo, e.Note = strings.TrimSpace(e.Day), strings.TrimSpace(e.MovedTo), strings.TrimSpace(e.Note)
		d, err := receptionDate(e.Day)
		if err != nil {
			return zhitong.Invalid(f+".day", "调整的日期“%s”无效，格式为 YYYY-MM-DD", e.Day)
		}
		if j, ok := days[e.Day]; ok {
			return zhitong.Invalid(f+".day", "%s已有一条调整（第 %d 条），不能重复", monthDay(d), j+1)
		}
		days[e.Day] = i
		if !RulesGive(rules, d, holiday) {
			return zhitong.Invalid(f+".day", "%d年%s按现行规则不是接待日，无需取消或调整", d.Year(), monthDay(d))
		}
		if e.MovedTo != "" {
			to, err := receptionDate(e.MovedTo)
			if err != nil {
				return zhitong.Invalid(f+".moved_to", "调整后的日期“%s”无效，格式为 YYYY-MM-DD", e.MovedTo)
			}
			if to.Equal(d) {
				return zhitong.Invalid(f+".moved_to", "调整后的日期与原日期相同")
			}
		}
		if len([]rune(e.Note)) > maxReceptionNote {
			return zhitong.Invalid(f+".note", "说明最多 %d 个字", maxReceptionNote)
		}
	}
	for i, e := range exceptions {
		if _, ok := days[e.MovedTo]; ok && e.MovedTo != "" {
			return zhitong.Invalid("exceptions["+strconv.Itoa(i)+"].moved_to", "调整后的日期本身另有调整，请直接调整到最终日期")
		}
	}
	return nil
}

func receptionDate(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err == nil && (d.Year() < 2000 || d.Year() > 2099) {
		err = fmt.Errorf("year %d out of range", d.Year())
	}
	return d, err
}

// checkRule validates and normalises one rule; n counts from 1 for messages.
func checkRule(r *zhitong.ReceptionRule, f string, n int) error {
	r.Date, r.Note = strings.TrimSpace(r.Date), strings.TrimSpace(r.Note)
	switch r.Holidays {
	case "":
		r.Holidays = zhitong.HolidaySkip
	case zhitong.HolidaySkip, zhitong.HolidayKeep:
	default:
		return zhitong.Invalid(f+".holidays", "第 %d 条规则：节假日处理应为 skip（暂停）或 keep（照常）", n)
	}
	if len([]rune(r.Note)) > maxReceptionNote {
		return zhitong.Invalid(f+".note", "第 %d 条规则：说明最多 %d 个字", n, maxReceptionNote)
	}
	days := func(max int, what string) error {
		if len(r.Days) == 0 {
			return zhitong.Invalid(f+".days", "第 %d 条规则：请选择%s", n, what)
		}
		for _, d := range r.Days {
			if d < 1 || d > max {
				return zhitong.Invalid(f+".days", "第 %d 条规则：%s应在 1 到 %d 之间，“%d”无效", n, what, max, d)
			}
		}
		slices.Sort(r.Days)
		r.Days = slices.Compact(r.Days)
		return nil
	}
	none := func(weekday, day, date bool) error {
		switch {
		case weekday && (r.Weekday != 0 || r.Nth != 0):
			return zhitong.Invalid(f+".weekday", "第 %d 条规则：这类规则不填星期", n)
		case day && len(r.Days) > 0:
			return zhitong.Invalid(f+".days", "第 %d 条规则：这类规则不填日子", n)
		case date && r.Date != "":
			return zhitong.Invalid(f+".date", "第 %d 条规则：这类规则不填日期", n)
		}
		return nil
	}
	switch r.Kind {
	case zhitong.RuleWeekday:
		if r.Weekday < 0 || r.Weekday > 6 {
			return zhitong.Invalid(f+".weekday", "第 %d 条规则：星期应为 0（星期日）到 6（星期六）", n)
		}
		if r.Nth < -1 || r.Nth > 5 {
			return zhitong.Invalid(f+".nth", "第 %d 条规则：第几个应为 0（每周）、1 到 5 或 -1（最后一个）", n)
		}
		return none(false, true, true)
	case zhitong.RuleMonthDay:
		if err := days(31, "每月的日子"); err != nil {
			return err
		}
		return none(true, false, true)
	case zhitong.RuleLunar:
		if err := days(30, "农历日子"); err != nil {
			return err
		}
		return none(true, false, true)
	case zhitong.RuleDate:
		if _, err := receptionDate(r.Date); err != nil {
			return zhitong.Invalid(f+".date", "第 %d 条规则：日期“%s”无效，格式为 YYYY-MM-DD", n, r.Date)
		}
		return none(true, true, false)
	case "":
		return zhitong.Invalid(f+".kind", "第 %d 条规则：请选择规则类型", n)
	}
	return zhitong.Invalid(f+".kind", "第 %d 条规则：规则类型“%s”无效，应为 weekday、monthday、lunar 或 date", n, r.Kind)
}
