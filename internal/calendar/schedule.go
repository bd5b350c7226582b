package calendar

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// maxSchedule bounds what ParseSchedule reads; a real schedule is about 3 KB,
// so anything near this is the wrong file.
const maxSchedule = 1 << 20

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// ParseSchedule reads the State Council's holiday schedule for one year as
// staff type it up, either in the line format (see parseScheduleText:
// "2027-01-01 休 元旦", "2027-02-07 班 春节调休") or as JSON:
//
//	{"year":2027,"days":[
//	  {"date":"2027-01-01","off":true,"name":"元旦"},
//	  {"date":"2027-02-07","off":false,"name":"春节调休"}]}
//
// off is true for a holiday and false for a make-up workday. The entries
// come back sorted by date. Every error's text is a Chinese sentence meant
// to be shown to the staff member as is; "第3条" is the third item of days,
// counted from 1, since a pasted file may well be a single line.
//
// Besides malformed input, it rejects a make-up workday on a weekday,
// because that can only be a typo for the weekend date the notice gives.
// Dates outside year are rejected too, even though a schedule occasionally
// reaches back into late December (the 2019 one made 2018-12-31 a holiday);
// such days have to go into the previous year's schedule.
func ParseSchedule(r io.Reader) (year int, entries []Entry, err error) {
	data, err := io.ReadAll(io.LimitReader(r, maxSchedule+1))
	if err != nil {
		return 0, nil, fmt.Errorf("读取节假日安排文件失败：%w", err)
	}
	if len(data) > maxSchedule {
		return 0, nil, errors.New("文件过大（超过1MB），节假日安排通常只有几KB，请确认是否选错了文件")
	}
	// Windows editors like to prepend a byte-order mark, which JSON forbids.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if len(bytes.TrimSpace(data)) == 0 {
		return 0, nil, errors.New("文件是空的，请填写节假日安排")
	}
	// The line format starts with a date or a # comment; anything else is
	// read as JSON, whose errors explain themselves.
	if t := bytes.TrimSpace(data); t[0] == '#' || (t[0] >= '0' && t[0] <= '9') {
		return parseScheduleText(string(data))
	}

	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return 0, nil, jsonError(data, err)
	}
	if top == nil {
		return 0, nil, errors.New(`文件内容应是 {"year":…,"days":[…]} 格式的对象`)
	}
	if err := onlyFields(top, "", "year", "days"); err != nil {
		return 0, nil, err
	}

	raw, ok := present(top, "year")
	if !ok {
		return 0, nil, errors.New("缺少year（年份），例如 \"year\":2027")
	}
	if err := json.Unmarshal(raw, &year); err != nil {
		return 0, nil, fmt.Errorf("year应是不带引号的整数年份，例如2027，而不是%s", raw)
	}
	if year < 2000 || year > 2100 {
		return 0, nil, fmt.Errorf("年份%d不在2000年到2100年之间", year)
	}

	raw, ok = present(top, "days")
	if !ok {
		return 0, nil, errors.New("缺少days（放假和调休上班的日期列表）")
	}
	var days []json.RawMessage
	if err := json.Unmarshal(raw, &days); err != nil {
		return 0, nil, errors.New("days应是用方括号 [ ] 括起来的列表")
	}
	if len(days) == 0 {
		return 0, nil, fmt.Errorf("days列表是空的，请至少填写%d年的一天", year)
	}

	seen := make(map[time.Time]int, len(days))
	for i, rawDay := range days {
		e, err := parseDay(i+1, year, rawDay)
		if err != nil {
			return 0, nil, err
		}
		if j, dup := seen[e.Date]; dup {
			return 0, nil, fmt.Errorf("第%d条日期%s与第%d条重复", i+1, e.Date.Format(time.DateOnly), j)
		}
		seen[e.Date] = i + 1
		entries = append(entries, e)
	}
	slices.SortFunc(entries, func(a, b Entry) int { return a.Date.Compare(b.Date) })
	return year, entries, nil
}

func parseDay(n, year int, raw json.RawMessage) (Entry, error) {
	var e Entry
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return e, fmt.Errorf(`第%d条应是 {"date":…,"off":…,"name":…} 格式的对象`, n)
	}
	if err := onlyFields(fields, fmt.Sprintf("第%d条", n), "date", "off", "name"); err != nil {
		return e, err
	}

	raw, ok := present(fields, "date")
	if !ok {
		return e, fmt.Errorf("第%d条缺少date（日期）", n)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return e, fmt.Errorf(`第%d条日期格式不正确：%s，应写成带引号的"%d-01-01"这种形式`, n, raw, year)
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return e, fmt.Errorf("第%d条日期格式不正确：“%s”，应为年-月-日，月和日都写两位，例如%d-01-01，并且是真实存在的日期", n, s, year)
	}
	if d.Year() != year {
		return e, fmt.Errorf("第%d条日期%s不在%d年内", n, s, year)
	}
	e.Date = d

	raw, ok = present(fields, "off")
	if !ok {
		return e, fmt.Errorf("第%d条（%s）缺少off：放假填true，调休上班填false", n, s)
	}
	if err := json.Unmarshal(raw, &e.Off); err != nil {
		return e, fmt.Errorf("第%d条（%s）的off只能是不带引号的true（放假）或false（调休上班），而不是%s", n, s, raw)
	}

	raw, ok = present(fields, "name")
	if ok {
		if err := json.Unmarshal(raw, &e.Name); err != nil {
			return e, fmt.Errorf("第%d条（%s）的name应是带引号的文字，例如\"春节\"", n, s)
		}
	}
	e.Name = strings.TrimSpace(e.Name)
	if e.Name == "" {
		return e, fmt.Errorf("第%d条（%s）缺少name（节日名称，例如\"春节\"或\"春节调休\"）", n, s)
	}
	if len([]rune(e.Name)) > 20 {
		return e, fmt.Errorf("第%d条（%s）的名称“%s”太长，不能超过20个字", n, s, e.Name)
	}

	if wd := d.Weekday(); !e.Off && wd != time.Saturday && wd != time.Sunday {
		return e, fmt.Errorf("第%d条：%s是%s，本来就要上班；调休上班日（off为false）应是周六或周日，请核对日期", n, s, weekdayNames[wd])
	}
	return e, nil
}

// present treats an explicit null like a missing field; encoding/json would
// otherwise silently turn "off":null into false, i.e. a working day.
func present(fields map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	raw, ok := fields[key]
	if !ok || string(bytes.TrimSpace(raw)) == "null" {
		return nil, false
	}
	return raw, true
}

func onlyFields(fields map[string]json.RawMessage, where string, allowed ...string) error {
	var unknown []string
	for k := range fields {
		if !slices.Contains(allowed, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.Sort(unknown)
	return fmt.Errorf("%s有无法识别的字段“%s”，只能填写%s", where, strings.Join(unknown, "”“"), strings.Join(allowed, "、"))
}

// jsonError turns encoding/json's English into something staff can act on.
func jsonError(data []byte, err error) error {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		line, col := position(data, syntax.Offset)
		return fmt.Errorf("文件不是有效的JSON：第%d行第%d字附近有格式错误，请检查引号、逗号和括号是否成对", line, col)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return errors.New(`文件内容应是 {"year":…,"days":[…]} 格式的对象`)
	}
	return errors.New("文件不是有效的JSON，请检查格式")
}

// position gives the 1-based line and character (not byte) before offset.
func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = len([]rune(string(before[bytes.LastIndexByte(before, '\n')+1:]))) // LastIndexByte is -1 on the first line
	return line, max(col, 1)
}
