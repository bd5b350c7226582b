package export_test

import (
	"bytes"
	"errors"
	"iter"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"zhitong/internal/export"
	"zhitong/internal/export/exporttest"
)

func TestReportFormat(t *testing.T) {
	hostile := []string{"=HYPERLINK(\"http://evil\",\"点我\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "正常文字"}
	days := 3
	var buf bytes.Buffer
	err := export.Write(&buf, export.Report{
		Title: "案件清单", Jurisdiction: "龙南市", Period: "2026-11-01 至 2026-11-30",
		Columns: []export.Column{{Name: "序号", Width: 6}, {Name: "标题", Width: 40, Wrap: true}, {Name: "剩余", Width: 8}, {Name: "时间", Width: 16}},
		Rows: export.Rows(hostile, func(i int, s string) []any {
			return []any{i + 1, s, &days, time.Date(2026, 12, 7, 1, 0, 0, 0, time.UTC)}
		}),
	}, export.Report{Title: "空表", Columns: []export.Column{{Name: "甲"}}})
	if err != nil {
		t.Fatal(err)
	}
	sheets := exporttest.Open(t, buf.Bytes())
	if len(sheets) != 2 {
		t.Fatalf("sheets: %d", len(sheets))
	}
	s := sheets[0]
	if s.Name != "案件清单" || s.Title != "龙南市案件清单（2026-11-01 至 2026-11-30）" {
		t.Errorf("name %q title %q", s.Name, s.Title)
	}
	if strings.Join(s.Header, ",") != "序号,标题,剩余,时间" {
		t.Errorf("header %q", s.Header)
	}
	titles := s.Column(t, "标题")
	for i, h := range hostile[:7] {
		if titles[i] != "'"+h {
			t.Errorf("row %d: %q not escaped: %q", i, h, titles[i])
		}
	}
	if titles[7] != "正常文字" {
		t.Errorf("plain text changed: %q", titles[7])
	}
	if got := s.Column(t, "时间")[0]; got != "2026-12-07 09:00" {
		t.Errorf("time in China: %q", got)
	}
	if got := s.Column(t, "剩余")[0]; got != "3" {
		t.Errorf("int: %q", got)
	}
	if e := sheets[1]; len(e.Rows) != 1 || e.Rows[0][0] != "（无记录）" {
		t.Errorf("empty report: %q", e.Rows)
	}
}

func TestReportStopsOnError(t *testing.T) {
	boom := errors.New("boom")
	var rows iter.Seq2[[]any, error] = func(yield func([]any, error) bool) {
		if yield([]any{"a"}, nil) {
			yield(nil, boom)
		}
	}
	err := export.Write(new(bytes.Buffer), export.Report{Title: "x", Columns: []export.Column{{Name: "a"}}, Rows: rows})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

func TestAttachment(t *testing.T) {
	w := httptest.NewRecorder()
	name := export.FileName("龙南市", "案件清单", time.Date(2026, 12, 7, 20, 0, 0, 0, time.UTC))
	if name != "龙南市案件清单-20261208.xlsx" {
		t.Fatalf("name %q", name)
	}
	export.Attachment(w, name, "cases-20261208.xlsx")
	got := w.Header().Get("Content-Disposition")
	want := `attachment; filename="cases-20261208.xlsx"; filename*=UTF-8''%E9%BE%99%E5%8D%97%E5%B8%82%E6%A1%88%E4%BB%B6%E6%B8%85%E5%8D%95-20261208.xlsx`
	if got != want {
		t.Errorf("disposition\n got %s\nwant %s", got, want)
	}
	if w.Header().Get("Content-Type") != export.ContentType || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("headers %v", w.Header())
	}
}
