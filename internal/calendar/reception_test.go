package calendar

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
)

func d(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// days lists the dates of an expansion.
func days(ds []zhitong.ReceptionDay) []string {
	out := []string{}
	for _, x := range ds {
		out = append(out, x.Day)
	}
	return out
}

func wantDays(t *testing.T, what string, got []zhitong.ReceptionDay, want ...string) {
	t.Helper()
	if want == nil {
		want = []string{}
	}
	if g := days(got); !slices.Equal(g, want) {
		t.Errorf("%s: days %v, want %v", what, g, want)
	}
}

func dayOf(ds []zhitong.ReceptionDay, day string) zhitong.ReceptionDay {
	for _, x := range ds {
		if x.Day == day {
			return x
		}
	}
	return zhitong.ReceptionDay{}
}

// Facts checked by hand against a printed almanac (万年历): the Spring
// Festival 2026 is 17 February; 2025 has a leap sixth month (闰六月) from
// 25 July to 22 August, 29 days long.
func TestLunarFacts(t *testing.T) {
	for _, tt := range []struct {
		day       string
		month, dd int
		monthDays int
		text      string
	}{
		{"2026-02-17", 1, 1, 30, "正月初一"},
		{"2026-02-16", 12, 29, 29, "腊月廿九"},
		{"2026-11-22", 10, 14, 30, "十月十四"},
		{"2025-07-25", -6, 1, 29, "闰六月初一"},
		{"2025-08-22", -6, 29, 29, "闰六月廿九"},
		{"2025-08-23", 7, 1, 30, "七月初一"},
	} {
		l := Lunar(d(tt.day))
		if l.Month != tt.month || l.Day != tt.dd || l.MonthDays != tt.monthDays || l.Text != tt.text {
			t.Errorf("Lunar(%s) = %+v, want %d/%d of %d days, %s", tt.day, l, tt.month, tt.dd, tt.monthDays, tt.text)
		}
	}
	for dd, want := range map[int]string{1: "初一", 10: "初十", 11: "十一", 20: "二十", 21: "廿一", 29: "廿九", 30: "三十"} {
		if got := LunarDayName(dd); got != want {
			t.Errorf("LunarDayName(%d) = %s, want %s", dd, got, want)
		}
	}
}

func TestWeekdayRules(t *testing.T) {
	lo, hi := d("2026-11-01"), d("2026-12-31")
	every := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 2}
	got := ExpandReception([]zhitong.ReceptionRule{every}, nil, lo, d("2026-11-30"), nil)
	wantDays(t, "每周二", got, "2026-11-03", "2026-11-10", "2026-11-17", "2026-11-24")
	if x := got[0]; x.Weekday != "星期二" || x.Reason != "每周二" || x.Lunar == "" {
		t.Errorf("first day = %+v", x)
	}
	first := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 1, Nth: 1}
	got = ExpandReception([]zhitong.ReceptionRule{first}, nil, lo, hi, nil)
	wantDays(t, "第一个星期一", got, "2026-11-02", "2026-12-07")
	if got[0].Reason != "每月第一个星期一" {
		t.Errorf("reason %q", got[0].Reason)
	}
	last := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 5, Nth: -1}
	got = ExpandReception([]zhitong.ReceptionRule{last}, nil, lo, hi, nil)
	wantDays(t, "最后一个星期五", got, "2026-11-27", "2026-12-25")
	if got[0].Reason != "每月最后一个星期五" {
		t.Errorf("reason %q", got[0].Reason)
	}
	// November 2026 has five Mondays, December only four: no fifth Monday then.
	fifth := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 1, Nth: 5}
	wantDays(t, "第五个星期一", ExpandReception([]zhitong.ReceptionRule{fifth}, nil, lo, hi, nil), "2026-11-30")
	third := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 0, Nth: 3}
	wantDays(t, "第三个星期日", ExpandReception([]zhitong.ReceptionRule{third}, nil, lo, hi, nil), "2026-11-15", "2026-12-20")
}

func TestMonthDayRules(t *testing.T) {
	r := zhitong.ReceptionRule{Kind: zhitong.RuleMonthDay, Days: []int{5, 15, 31}}
	got := ExpandReception([]zhitong.ReceptionRule{r}, nil, d("2026-11-01"), d("2026-12-31"), nil)
	// 31 falls on the 30th in November.
	wantDays(t, "5、15、31", got, "2026-11-05", "2026-11-15", "2026-11-30", "2026-12-05", "2026-12-15", "2026-12-31")
	if got[0].Reason != "每月5日、15日、31日" {
		t.Errorf("reason %q", got[0].Reason)
	}
	// 29, 30 and 31 in February 2026 are one day, the 28th.
	r = zhitong.ReceptionRule{Kind: zhitong.RuleMonthDay, Days: []int{29, 30, 31}}
	wantDays(t, "February", ExpandReception([]zhitong.ReceptionRule{r}, nil, d("2026-02-01"), d("2026-03-01"), nil), "2026-02-28")
}

func TestLunarMarketDays(t *testing.T) {
	r := zhitong.ReceptionRule{Kind: zhitong.RuleLunar, Days: []int{1, 4, 7, 11, 14, 17, 21, 24, 27}}
	// 十月 of 2026 runs from 9 November to 8 December.
	got := ExpandReception([]zhitong.ReceptionRule{r}, nil, d("2026-11-09"), d("2026-12-08"), nil)
	wantDays(t, "逢一四七", got, "2026-11-09", "2026-11-12", "2026-11-15", "2026-11-19", "2026-11-22",
		"2026-11-25", "2026-11-29", "2026-12-02", "2026-12-05")
	for _, x := range got {
		if x.Reason != "逢农历一、四、七" || !strings.HasPrefix(x.Lunar, "十月") {
			t.Errorf("%s: %+v", x.Day, x)
		}
	}
	if x := dayOf(got, "2026-11-22"); x.Lunar != "十月十四" || x.Weekday != "星期日" {
		t.Errorf("2026-11-22 = %+v", x)
	}
	for _, tt := range []struct {
		days []int
		want string
	}{
		{[]int{2, 5, 8, 12, 15, 18, 22, 25, 28}, "逢农历二、五、八"},
		{[]int{3, 6, 9, 13, 16, 19, 23, 26, 29}, "逢农历三、六、九"},
		{[]int{5, 10, 15, 20, 25, 30}, "逢农历五、十"},
		{[]int{1, 15}, "农历每月初一、十五"},
		{[]int{1, 4, 7}, "农历每月初一、初四、初七"},
	} {
		if got := RuleReason(zhitong.ReceptionRule{Kind: zhitong.RuleLunar, Days: tt.days}); got != tt.want {
			t.Errorf("RuleReason(%v) = %s, want %s", tt.days, got, tt.want)
		}
	}
}

// The 30th of a 29-day lunar month falls on the 29th; a leap month is an
// ordinary month for market days. 2025's 闰六月 has 29 days.
func TestLunarThirtiethAndLeapMonth(t *testing.T) {
	r := zhitong.ReceptionRule{Kind: zhitong.RuleLunar, Days: []int{5, 10, 15, 20, 25, 30}}
	got := ExpandReception([]zhitong.ReceptionRule{r}, nil, d("2025-07-25"), d("2025-08-22"), nil)
	wantDays(t, "逢五逢十 in 闰六月", got, "2025-07-29", "2025-08-03", "2025-08-08", "2025-08-13", "2025-08-18", "2025-08-22")
	if x := dayOf(got, "2025-08-22"); x.Lunar != "闰六月廿九" {
		t.Errorf("30th in a short month = %+v", x)
	}
	if x := dayOf(got, "2025-07-29"); x.Lunar != "闰六月初五" {
		t.Errorf("leap month day 5 = %+v", x)
	}
	// In a 30-day month the 30th is the 30th and the 29th is no market day.
	got = ExpandReception([]zhitong.ReceptionRule{r}, nil, d("2026-12-06"), d("2026-12-09"), nil)
	wantDays(t, "30-day month", got, "2026-12-08")
	if got[0].Lunar != "十月三十" {
		t.Errorf("2026-12-08 = %+v", got[0])
	}
	// 29 and 30 together in a short month are one day.
	both := zhitong.ReceptionRule{Kind: zhitong.RuleLunar, Days: []int{29, 30}}
	wantDays(t, "29+30", ExpandReception([]zhitong.ReceptionRule{both}, nil, d("2025-08-20"), d("2025-08-24"), nil), "2025-08-22")
}

func TestDateRuleAndUnion(t *testing.T) {
	rules := []zhitong.ReceptionRule{
		{Kind: zhitong.RuleWeekday, Weekday: 2},
		{Kind: zhitong.RuleMonthDay, Days: []int{24}},
		{Kind: zhitong.RuleDate, Date: "2026-11-26"},
		{Kind: zhitong.RuleWeekday, Weekday: 2, Nth: 4},
	}
	got := ExpandReception(rules, nil, d("2026-11-20"), d("2026-11-30"), nil)
	wantDays(t, "union", got, "2026-11-24", "2026-11-26")
	if got[0].Reason != "每周二；每月24日；每月第四个星期二" {
		t.Errorf("union reason %q", got[0].Reason)
	}
	if got[1].Reason != "临时安排" || got[1].Weekday != "星期四" {
		t.Errorf("date rule %+v", got[1])
	}
}

// National Day 2026 is 1–7 October (1 October is a Thursday); 6 October is
// a Tuesday inside it.
func TestHolidaysSkipOrKeep(t *testing.T) {
	c := New(Official(), OfficialYears())
	for day, want := range map[string]bool{"2026-10-01": true, "2026-10-03": true, "2026-10-06": true, "2026-10-13": false, "2026-11-21": false} {
		if got := c.IsHoliday(d(day)); got != want {
			t.Errorf("IsHoliday(%s) = %v, want %v", day, got, want)
		}
	}
	skip := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 2, Holidays: zhitong.HolidaySkip}
	wantDays(t, "skip", ExpandReception([]zhitong.ReceptionRule{skip}, nil, d("2026-09-28"), d("2026-10-14"), c.IsHoliday), "2026-09-29", "2026-10-13")
	keep := skip
	keep.Holidays = zhitong.HolidayKeep
	wantDays(t, "keep", ExpandReception([]zhitong.ReceptionRule{keep}, nil, d("2026-09-28"), d("2026-10-14"), c.IsHoliday), "2026-09-29", "2026-10-06", "2026-10-13")
	// Market days go on through the holiday when the rule keeps them.
	market := zhitong.ReceptionRule{Kind: zhitong.RuleLunar, Days: []int{1, 4, 7, 11, 14, 17, 21, 24, 27}, Holidays: zhitong.HolidayKeep}
	n := len(ExpandReception([]zhitong.ReceptionRule{market}, nil, d("2026-10-01"), d("2026-10-07"), c.IsHoliday))
	market.Holidays = zhitong.HolidaySkip
	if m := len(ExpandReception([]zhitong.ReceptionRule{market}, nil, d("2026-10-01"), d("2026-10-07"), c.IsHoliday)); n < 2 || m != 0 {
		t.Errorf("market days in the holiday: keep %d, skip %d", n, m)
	}
	// The same Tuesday is kept when another rule that keeps holidays gives it.
	wantDays(t, "skip+keep", ExpandReception([]zhitong.ReceptionRule{skip, {Kind: zhitong.RuleDate, Date: "2026-10-06", Holidays: zhitong.HolidayKeep}}, nil,
		d("2026-10-05"), d("2026-10-07"), c.IsHoliday), "2026-10-06")
}

func TestExceptionsCancelAndMove(t *testing.T) {
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 2}}
	ex := []zhitong.ReceptionException{
		{Day: "2026-11-10"},
		{Day: "2026-11-17", MovedTo: "2026-11-18", Note: "站长外出培训"},
		{Day: "2026-11-03", MovedTo: "2026-11-06"},
	}
	got := ExpandReception(rules, ex, d("2026-11-05"), d("2026-11-30"), nil)
	wantDays(t, "exceptions", got, "2026-11-06", "2026-11-18", "2026-11-24")
	if got[0].Reason != "由11月3日调整" || got[1].Reason != "由11月17日调整" || got[1].Weekday != "星期三" {
		t.Errorf("moved days %+v", got[:2])
	}
	// Moved onto a day the rules give anyway: one day with both reasons.
	got = ExpandReception(rules, []zhitong.ReceptionException{{Day: "2026-11-17", MovedTo: "2026-11-24"}}, d("2026-11-16"), d("2026-11-30"), nil)
	wantDays(t, "moved onto", got, "2026-11-24")
	if got[0].Reason != "每周二；由11月17日调整" {
		t.Errorf("reason %q", got[0].Reason)
	}
}

func TestCheckReception(t *testing.T) {
	c := New(Official(), OfficialYears())
	tue := zhitong.ReceptionRule{Kind: zhitong.RuleWeekday, Weekday: 2}
	for _, tt := range []struct {
		name  string
		rules []zhitong.ReceptionRule
		ex    []zhitong.ReceptionException
		field string
	}{
		{"no kind", []zhitong.ReceptionRule{{}}, nil, "rules[0].kind"},
		{"bad kind", []zhitong.ReceptionRule{tue, {Kind: "yearly"}}, nil, "rules[1].kind"},
		{"weekday 7", []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 7}}, nil, "rules[0].weekday"},
		{"nth 6", []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 1, Nth: 6}}, nil, "rules[0].nth"},
		{"nth -2", []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 1, Nth: -2}}, nil, "rules[0].nth"},
		{"weekday with days", []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 1, Days: []int{3}}}, nil, "rules[0].days"},
		{"no days", []zhitong.ReceptionRule{{Kind: zhitong.RuleMonthDay}}, nil, "rules[0].days"},
		{"day 32", []zhitong.ReceptionRule{{Kind: zhitong.RuleMonthDay, Days: []int{1, 32}}}, nil, "rules[0].days"},
		{"day 0", []zhitong.ReceptionRule{{Kind: zhitong.RuleMonthDay, Days: []int{0}}}, nil, "rules[0].days"},
		{"lunar 31", []zhitong.ReceptionRule{{Kind: zhitong.RuleLunar, Days: []int{31}}}, nil, "rules[0].days"},
		{"lunar with weekday", []zhitong.ReceptionRule{{Kind: zhitong.RuleLunar, Days: []int{1}, Weekday: 3}}, nil, "rules[0].weekday"},
		{"bad date", []zhitong.ReceptionRule{{Kind: zhitong.RuleDate, Date: "2026-02-30"}}, nil, "rules[0].date"},
		{"date too early", []zhitong.ReceptionRule{{Kind: zhitong.RuleDate, Date: "1999-12-31"}}, nil, "rules[0].date"},
		{"bad holidays", []zhitong.ReceptionRule{{Kind: zhitong.RuleWeekday, Weekday: 2, Holidays: "maybe"}}, nil, "rules[0].holidays"},
		{"same rule twice", []zhitong.ReceptionRule{tue, {Kind: zhitong.RuleWeekday, Weekday: 2, Holidays: zhitong.HolidayKeep}}, nil, "rules[1]"},
		{"exception not a reception day", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-11-11"}}, "exceptions[0].day"},
		{"exception on a skipped holiday", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-10-06"}}, "exceptions[0].day"},
		{"exception bad day", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "11月3日"}}, "exceptions[0].day"},
		{"exception twice", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-11-10"}, {Day: "2026-11-10", MovedTo: "2026-11-11"}}, "exceptions[1].day"},
		{"moved to itself", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-11-10", MovedTo: "2026-11-10"}}, "exceptions[0].moved_to"},
		{"moved to bad date", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-11-10", MovedTo: "x"}}, "exceptions[0].moved_to"},
		{"moved onto another exception", []zhitong.ReceptionRule{tue}, []zhitong.ReceptionException{{Day: "2026-11-10", MovedTo: "2026-11-17"}, {Day: "2026-11-17"}}, "exceptions[0].moved_to"},
	} {
		err := CheckReception(tt.rules, tt.ex, c.IsHoliday)
		var e *zhitong.Error
		if !errors.As(err, &e) || e.Code != zhitong.EINVALID || e.Field != tt.field || e.Message == "" {
			t.Errorf("%s: err %v, want invalid %s", tt.name, err, tt.field)
		}
	}
	// Valid sets are normalised: days sorted without repeats, skip by default.
	rules := []zhitong.ReceptionRule{{Kind: zhitong.RuleLunar, Days: []int{7, 1, 4, 4}}, tue}
	ex := []zhitong.ReceptionException{{Day: " 2026-11-10 ", MovedTo: "2026-11-12"}, {Day: "2026-10-13"}}
	if err := CheckReception(rules, ex, c.IsHoliday); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rules[0].Days, []int{1, 4, 7}) || rules[0].Holidays != zhitong.HolidaySkip || ex[0].Day != "2026-11-10" {
		t.Errorf("normalised to %+v %+v", rules, ex)
	}
	if got := DescribeRule(zhitong.ReceptionRule{Kind: zhitong.RuleDate, Date: "2026-12-03", Holidays: zhitong.HolidayKeep}); got != "2026年12月3日（临时安排），节假日照常" {
		t.Errorf("DescribeRule = %s", got)
	}
	if got := DescribeRule(tue); got != "每周二，遇法定节假日暂停" {
		t.Errorf("DescribeRule = %s", got)
	}
}
