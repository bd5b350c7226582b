package demo

import (
	"context"
	"fmt"
	"time"

	"zhitong"
	"zhitong/internal/calendar"
)

// demoReception are the demo stations' reception-day rules, as their
// published hours say: market towns receive on lunar market days (圩日,
// held on public holidays too — the market meets anyway), the others on
// weekdays or fixed days of the month, skipping holidays.
var demoReception = map[string][]zhitong.ReceptionRule{
	"lishi":      {{Kind: zhitong.RuleMonthDay, Days: []int{5, 15, 25}, Holidays: zhitong.HolidaySkip}},
	"laocheng":   {{Kind: zhitong.RuleLunar, Days: []int{2, 5, 8, 12, 15, 18, 22, 25, 28}, Holidays: zhitong.HolidayKeep, Note: "圩日上午"}},
	"kuimeishan": {{Kind: zhitong.RuleWeekday, Weekday: 3, Holidays: zhitong.HolidaySkip}},
	"tianjiu":    {{Kind: zhitong.RuleLunar, Days: []int{1, 4, 7, 11, 14, 17, 21, 24, 27}, Holidays: zhitong.HolidayKeep, Note: "圩日上午"}},
	"longtang":   {{Kind: zhitong.RuleMonthDay, Days: []int{10, 20}, Holidays: zhitong.HolidaySkip}},
	"egong":      {{Kind: zhitong.RuleLunar, Days: []int{3, 6, 9, 13, 16, 19, 23, 26, 29}, Holidays: zhitong.HolidayKeep, Note: "圩场流动接待车"}},
	"lingbei":    {{Kind: zhitong.RuleWeekday, Weekday: 2, Holidays: zhitong.HolidaySkip}},
	"park":       {{Kind: zhitong.RuleWeekday, Weekday: 4, Nth: 1, Holidays: zhitong.HolidaySkip, Note: "企业接待日"}},
}

// loadReception gives every demo station its rules, plus at 历市镇 one
// reception day in the coming weeks moved to the next day and at 岭北镇 a
// joint reception with the neighbouring province's station (a one-off
// date). Replacing a station's whole set each time keeps the load
// re-runnable.
func (r *runner) loadReception(ctx context.Context) error {
	p := r.users[committee]
	today := calendar.Civil(r.now, zhitong.China)
	holiday := r.a.Calendar().IsHoliday
	for _, s := range stations {
		id, ok := r.stations[s.key]
		if !ok {
			continue
		}
		rules := append([]zhitong.ReceptionRule(nil), demoReception[s.key]...)
		var ex []zhitong.ReceptionException
		switch s.key {
		case "lishi":
			// The first of its days at least a week ahead moves to the day after.
			if days := calendar.ExpandReception(rules, nil, today.AddDate(0, 0, 7), today.AddDate(0, 0, 60), holiday); len(days) > 0 {
				d, _ := time.Parse(time.DateOnly, days[0].Day)
				ex = append(ex, zhitong.ReceptionException{Day: days[0].Day, MovedTo: d.AddDate(0, 0, 1).Format(time.DateOnly), Note: "与县人大常委会会议时间冲突"})
			}
		case "lingbei":
			joint := today.AddDate(0, 0, 10)
			rules = append(rules, zhitong.ReceptionRule{Kind: zhitong.RuleDate, Date: joint.Format(time.DateOnly), Holidays: zhitong.HolidayKeep,
				Note: "与广东和平县联络站联合接待"})
		}
		if _, err := r.a.SetReceptionRules(ctx, p, id, rules, ex); err != nil {
			return fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	return nil
}
