package calendar

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestParseSchedule(t *testing.T) {
	in := "\uFEFF" + `{"days":[
		{"date":"2027-02-07","off":false,"name":" 春节调休 "},
		{"name":"元旦","off":true,"date":"2027-01-01"}],
	 "year":2027}`
	year, entries, err := ParseSchedule(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{Date: Date(2027, 1, 1), Off: true, Name: "元旦"},
		{Date: Date(2027, 2, 7), Off: false, Name: "春节调休"},
	}
	if year != 2027 || !slices.Equal(entries, want) {
		t.Errorf("ParseSchedule = %d %v, want 2027 %v", year, entries, want)
	}
}

func TestParseScheduleErrors(t *testing.T) {
	day := func(s string) string { return `{"year":2027,"days":[` + s + `]}` }
	ok := `{"date":"2027-01-01","off":true,"name":"元旦"}`
	tests := []struct {
		name, in, want string
	}{
		{"empty file", "  \n", "文件是空的"},
		{"syntax", "{\"year\":2027,\n\"days\":[,]}", "第2行第9字附近"},
		{"truncated", `{"year":2027,"days":[`, "不是有效的JSON"},
		{"array", `[1,2]`, `应是 {"year":…,"days":[…]} 格式的对象`},
		{"null", `null`, `应是 {"year":…,"days":[…]} 格式的对象`},
		{"unknown top field", `{"year":2027,"days":[` + ok + `],"source":"国务院"}`, "无法识别的字段“source”"},
		{"missing year", `{"days":[` + ok + `]}`, "缺少year"},
		{"year as string", `{"year":"2027","days":[` + ok + `]}`, "year应是不带引号的整数年份"},
		{"year out of range", `{"year":1999,"days":[` + ok + `]}`, "年份1999不在2000年到2100年之间"},
		{"missing days", `{"year":2027}`, "缺少days"},
		{"days not a list", `{"year":2027,"days":{}}`, "days应是用方括号"},
		{"empty list", day(``), "days列表是空的"},
		{"day not object", day(`"2027-01-01"`), "第1条应是"},
		{"unknown day field", day(ok + `,{"date":"2027-01-02","off":true,"name":"元旦","note":"x"}`), "第2条有无法识别的字段“note”"},
		{"missing date", day(`{"off":true,"name":"元旦"}`), "第1条缺少date"},
		{"date not string", day(`{"date":20270101,"off":true,"name":"元旦"}`), "第1条日期格式不正确：20270101"},
		{"date one digit", day(ok + `,{"date":"2027-01-02","off":true,"name":"元旦"},{"date":"2027-1-2","off":true,"name":"元旦"}`), "第3条日期格式不正确：“2027-1-2”"},
		{"date impossible", day(`{"date":"2027-02-30","off":true,"name":"春节"}`), "第1条日期格式不正确：“2027-02-30”"},
		{"date slashes", day(`{"date":"2027/01/01","off":true,"name":"元旦"}`), "第1条日期格式不正确"},
		{"outside year", day(`{"date":"2026-12-31","off":true,"name":"元旦"}`), "第1条日期2026-12-31不在2027年内"},
		{"duplicate", day(ok + `,{"date":"2027-01-02","off":true,"name":"元旦"},` + ok), "第3条日期2027-01-01与第1条重复"},
		{"missing off", day(`{"date":"2027-01-01","name":"元旦"}`), "第1条（2027-01-01）缺少off"},
		{"null off", day(`{"date":"2027-01-01","off":null,"name":"元旦"}`), "第1条（2027-01-01）缺少off"},
		{"off as string", day(`{"date":"2027-01-01","off":"true","name":"元旦"}`), `off只能是不带引号的true`},
		{"missing name", day(`{"date":"2027-01-01","off":true}`), "第1条（2027-01-01）缺少name"},
		{"blank name", day(`{"date":"2027-01-01","off":true,"name":"  "}`), "缺少name"},
		{"name too long", day(`{"date":"2027-01-01","off":true,"name":"` + strings.Repeat("节", 21) + `"}`), "不能超过20个字"},
		// 2027-02-08 is a Monday: surely a typo for a weekend date.
		{"make-up on weekday", day(`{"date":"2027-02-08","off":false,"name":"春节调休"}`), "2027-02-08是星期一，本来就要上班"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			year, entries, err := ParseSchedule(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("accepted: %d %v", year, entries)
			}
			msg := err.Error()
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not contain %q", msg, tt.want)
			}
			if strings.Contains(msg, "json:") || !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("error %q is not a message for staff", msg)
			}
			if year != 0 || entries != nil {
				t.Errorf("returned %d, %v alongside the error", year, entries)
			}
		})
	}
}

func TestParseScheduleTooLarge(t *testing.T) {
	in := `{"year":2027,"days":[` + strings.Repeat(" ", maxSchedule) + `]}`
	if _, _, err := ParseSchedule(strings.NewReader(in)); err == nil || !strings.Contains(err.Error(), "文件过大") {
		t.Errorf("err = %v, want 文件过大", err)
	}
}
