package calendar

import (
	"slices"
	"strings"
	"testing"
)

// schedule2027 is the State Council's 2027 schedule in the line format, as
// docs/operations.md shows it.
const schedule2027 = `# 国务院办公厅关于2027年部分节假日安排的通知
2027-01-01 至 2027-01-03 休 元旦
2027-01-31 班 春节调休
2027-02-05 至 2027-02-13 休 春节
2027-02-14 班 春节调休
2027-04-03 至 2027-04-05 休 清明节
2027-05-01 至 2027-05-05 休 劳动节
2027-05-08 班 劳动节调休
2027-06-09 休 端午节
2027-09-15 休 中秋节
2027-09-26 班 国庆节调休
2027-10-01 至 2027-10-07 休 国庆节
2027-10-09 班 国庆节调休
`

func TestParseScheduleText(t *testing.T) {
	year, entries, err := ParseSchedule(strings.NewReader("\uFEFF" + strings.ReplaceAll(schedule2027, "\n", "\r\n")))
	if err != nil || year != 2027 {
		t.Fatalf("ParseSchedule = %d, %v", year, err)
	}
	if want := officialIn(2027); !slices.Equal(entries, want) {
		t.Errorf("line format:\n got %v\nwant %v", entries, want)
	}
	// One day per line, in any order, with the long words and a full-width space.
	year, entries, err = ParseSchedule(strings.NewReader("2027-02-07 上班 春节调休\n\n2027-01-01　放假 元旦\n"))
	if err != nil || year != 2027 || len(entries) != 2 || !entries[0].Off || entries[1].Off || entries[1].Name != "春节调休" {
		t.Errorf("ParseSchedule = %d, %v, %v", year, entries, err)
	}
}

func TestParseScheduleTextErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"comments only", "# 什么也没有\n", "没有读到任何日期"},
		{"bad date", "2027-1-1 休 元旦", "第1行日期格式不正确"},
		{"bad kind", "2027-01-01 假 元旦", "第1行第二项应是“休”"},
		{"no name", "2027-01-01 休", "第1行应写成"},
		{"other year", "2027-01-01 休 元旦\n2028-01-01 休 元旦", "第2行日期2028-01-01不在2027年内"},
		{"duplicate", "2027-01-01 至 2027-01-03 休 元旦\n2027-01-03 休 元旦", "第2行日期2027-01-03与第1行重复"},
		{"span backwards", "2027-01-03 至 2027-01-01 休 元旦", "早于开始日期"},
		{"make-up on weekday", "2027-02-08 班 春节调休", "2027-02-08是星期一"},
		{"year out of range", "1999-01-01 休 元旦", "年份1999不在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			year, entries, err := ParseSchedule(strings.NewReader(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("ParseSchedule = %d, %v, %v; want an error with %q", year, entries, err, tt.want)
			}
			if year != 0 || entries != nil {
				t.Errorf("returned %d, %v alongside the error", year, entries)
			}
		})
	}
}
