package calendar

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// parseScheduleText reads the line format of a holiday schedule, one day
// or one span of days per line, the way the State Council's notice reads:
//
//	# 2027 年部分节假日安排
//	2027-01-01 至 2027-01-03 休 元旦
//	2027-01-31 班 春节调休
//	2027-02-05 休 春节
//
// 休 (or 放假) marks holidays, 班 (or 上班) make-up workdays; the name is
// what follows. A span is "FIRST 至 LAST" (or "FIRST ~ LAST"). Blank lines
// and lines starting with # are skipped. The year is that of the dates,
// which must all lie in one year. The same checks apply as to the JSON
// form: real dates, no date twice, make-up workdays only on weekends.
func parseScheduleText(text string) (int, []Entry, error) {
	year := 0
	seen := map[time.Time]int{}
	var entries []Entry
	for i, line := range strings.Split(text, "\n") {
		n := i + 1
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		first, err := parseLineDate(n, f[0])
		if err != nil {
			return 0, nil, err
		}
		last := first
		if len(f) > 2 && (f[1] == "至" || f[1] == "~" || f[1] == "到") {
			if last, err = parseLineDate(n, f[2]); err != nil {
				return 0, nil, err
			}
			if last.Before(first) {
				return 0, nil, fmt.Errorf("第%d行：结束日期%s早于开始日期%s", n, f[2], f[0])
			}
			f = append(f[:1], f[3:]...)
		}
		if len(f) < 3 {
			return 0, nil, fmt.Errorf("第%d行应写成“日期 休 节日名称”或“日期 班 节日名称调休”，例如 2027-01-01 休 元旦", n)
		}
		var off bool
		switch f[1] {
		case "休", "放假":
			off = true
		case "班", "上班":
		default:
			return 0, nil, fmt.Errorf("第%d行第二项应是“休”（放假）或“班”（调休上班），而不是“%s”", n, f[1])
		}
		name := strings.Join(f[2:], " ")
		if len([]rune(name)) > 20 {
			return 0, nil, fmt.Errorf("第%d行的名称“%s”太长，不能超过20个字", n, name)
		}
		if year == 0 {
			year = first.Year()
			if year < 2000 || year > 2100 {
				return 0, nil, fmt.Errorf("年份%d不在2000年到2100年之间", year)
			}
		}
		for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
			s := d.Format(time.DateOnly)
			if d.Year() != year {
				return 0, nil, fmt.Errorf("第%d行日期%s不在%d年内（一次只能导入一年的安排，年份以第一个日期为准）", n, s, year)
			}
			if j, dup := seen[d]; dup {
				return 0, nil, fmt.Errorf("第%d行日期%s与第%d行重复", n, s, j)
			}
			if wd := d.Weekday(); !off && wd != time.Saturday && wd != time.Sunday {
				return 0, nil, fmt.Errorf("第%d行：%s是%s，本来就要上班；调休上班日应是周六或周日，请核对日期", n, s, weekdayNames[wd])
			}
			seen[d] = n
			entries = append(entries, Entry{Date: d, Off: off, Name: name})
		}
	}
	if len(entries) == 0 {
		return 0, nil, errors.New("没有读到任何日期，请每行填写一天，例如 2027-01-01 休 元旦")
	}
	slices.SortFunc(entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return year, entries, nil
}

func parseLineDate(n int, s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return d, fmt.Errorf("第%d行日期格式不正确：“%s”，应为年-月-日，月和日都写两位，例如2027-01-01，并且是真实存在的日期", n, s)
	}
	return d, nil
}
