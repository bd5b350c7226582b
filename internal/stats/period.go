package stats

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"zhitong"
)

// Periods are the kinds of period.
var Periods = []zhitong.Named[string]{
	{Value: "month", Label: "月"}, {Value: "quarter", Label: "季度"}, {Value: "year", Label: "年"}, {Value: "custom", Label: "自定义"},
}

// Period is a span of China civil dates, both ends included.
type Period struct {
	Kind  string    `json:"kind"`
	Start time.Time `json:"-"`
	End   time.Time `json:"-"`
	From  string    `json:"from"` // YYYY-MM-DD
	To    string    `json:"to"`
	Label string    `json:"label"`
}

func newPeriod(kind string, start, end time.Time) Period {
	p := Period{Kind: kind, Start: start, End: end, From: start.Format(time.DateOnly), To: end.Format(time.DateOnly)}
	switch kind {
	case "month":
		p.Label = fmt.Sprintf("%d年%d月", start.Year(), start.Month())
	case "quarter":
		p.Label = fmt.Sprintf("%d年第%d季度", start.Year(), (int(start.Month())-1)/3+1)
	case "year":
		p.Label = fmt.Sprintf("%d年", start.Year())
	default:
		p.Label = p.From + " 至 " + p.To
	}
	return p
}

// Values are the query parameters that name this period.
func (p Period) Values() url.Values {
	v := url.Values{"period": {p.Kind}}
	switch p.Kind {
	case "month":
		v.Set("month", p.Start.Format("2006-01"))
	case "quarter":
		v.Set("quarter", fmt.Sprintf("%d-Q%d", p.Start.Year(), (int(p.Start.Month())-1)/3+1))
	case "year":
		v.Set("year", strconv.Itoa(p.Start.Year()))
	default:
		v.Set("start", p.From)
		v.Set("end", p.To)
	}
	return v
}

// Previous is the period of the same kind and length just before p.
func (p Period) Previous() Period {
	switch p.Kind {
	case "month":
		return newPeriod("month", p.Start.AddDate(0, -1, 0), p.Start.AddDate(0, 0, -1))
	case "quarter":
		return newPeriod("quarter", p.Start.AddDate(0, -3, 0), p.Start.AddDate(0, 0, -1))
	case "year":
		return newPeriod("year", p.Start.AddDate(-1, 0, 0), p.Start.AddDate(0, 0, -1))
	}
	days := int(p.End.Sub(p.Start).Hours()/24) + 1
	return newPeriod("custom", p.Start.AddDate(0, 0, -days), p.Start.AddDate(0, 0, -1))
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ParsePeriod reads period (month, quarter, year, custom) and its value from
// v; the default is the current month. Errors are Chinese and EINVALID.
func ParsePeriod(v url.Values, today time.Time) (Period, error) {
	kind := strings.TrimSpace(v.Get("period"))
	switch kind {
	case "", "month":
		s := strings.TrimSpace(v.Get("month"))
		if s == "" {
			return newPeriod("month", date(today.Year(), today.Month(), 1), date(today.Year(), today.Month()+1, 0)), nil
		}
		t, err := time.Parse("2006-01", s)
		if err != nil || t.Year() < 2000 || t.Year() > 2100 {
			return Period{}, zhitong.Invalid("month", "月份“%s”无效，应写成 2026-11", s)
		}
		return newPeriod("month", t, date(t.Year(), t.Month()+1, 0)), nil
	case "quarter":
		s := strings.ToUpper(strings.TrimSpace(v.Get("quarter")))
		var y, q int
		if n, err := fmt.Sscanf(s, "%d-Q%d", &y, &q); err != nil || n != 2 || q < 1 || q > 4 || y < 2000 || y > 2100 || len(s) != 7 {
			return Period{}, zhitong.Invalid("quarter", "季度“%s”无效，应写成 2026-Q4", s)
		}
		start := date(y, time.Month(3*q-2), 1)
		return newPeriod("quarter", start, start.AddDate(0, 3, -1)), nil
	case "year":
		s := strings.TrimSpace(v.Get("year"))
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			return Period{}, zhitong.Invalid("year", "年份“%s”无效，应写成 2026", s)
		}
		return newPeriod("year", date(y, 1, 1), date(y, 12, 31)), nil
	case "custom":
		from, err := parseDay("start", "开始日期", v.Get("start"))
		if err != nil {
			return Period{}, err
		}
		to, err := parseDay("end", "结束日期", v.Get("end"))
		if err != nil {
			return Period{}, err
		}
		if to.Before(from) {
			return Period{}, zhitong.Invalid("end", "结束日期不能早于开始日期")
		}
		if days := int(to.Sub(from).Hours()/24) + 1; days > MaxDays {
			return Period{}, zhitong.Invalid("end", "自定义期间最长 %d 天（两年），所选为 %d 天，请缩短", MaxDays, days)
		}
		return newPeriod("custom", from, to), nil
	}
	return Period{}, zhitong.Invalid("period", "期间类型“%s”无效，可选：月（month）、季度（quarter）、年（year）、自定义（custom）", kind)
}

func parseDay(field, label, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, zhitong.Invalid(field, "请填写%s", label)
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || t.Year() < 2000 || t.Year() > 2100 {
		return time.Time{}, zhitong.Invalid(field, "%s“%s”无效，应写成 2026-11-01", label, s)
	}
	return t, nil
}

// ParseSlice checks a slice name.
func ParseSlice(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !zhitong.Valid(Slices, s) {
		names := make([]string, 0, len(Slices))
		for _, x := range Slices[1:] {
			names = append(names, x.Label+"（"+x.Value+"）")
		}
		return "", zhitong.Invalid("slice", "未知的切片“%s”，可选：%s", s, strings.Join(names, "、"))
	}
	return s, nil
}
