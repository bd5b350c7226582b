package demo

import (
	"context"
	"testing"

	"zhitong/internal/dups"
	"zhitong/internal/testkit"
)

// The demo holds real duplicates: each "-dup" story finds its original.
func TestDemoShowsDuplicates(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	p := principal(t, a, officer)
	byTitle := map[string]int64{}
	for _, c := range demoCases(t, a) {
		byTitle[c.Title] = c.ID
	}
	for dup, orig := range map[string]string{"建设东路小区晚上水压低": "建设东路小区顶楼晚上没水", "文化广场跳舞音乐声音太大": "老城广场舞音响太吵"} {
		got := testkit.Must(dups.New(a).ForCase(ctx, p, byTitle[dup]))(t)
		if len(got) == 0 || got[0].ID != byTitle[orig] {
			t.Errorf("duplicates of %q = %+v, want %q first", dup, got, orig)
		}
	}
}
