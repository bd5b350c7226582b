package demo

import (
	"context"
	"slices"
	"testing"

	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestDemoReceptionDays checks the demo stations' rules: a lunar market-day
// station, weekday ones, a moved day, and that loading again changes nothing.
func TestDemoReceptionDays(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	count := func() (n int) {
		if err := a.DB().QueryRow(ctx, `SELECT (SELECT COUNT(*) FROM reception_rules) + (SELECT COUNT(*) FROM reception_exceptions)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	sts := testkit.Must(store.ListStations(ctx, a.DB(), County))(t)
	texts := map[string][]string{}
	moved := 0
	for _, s := range sts {
		set := testkit.Must(a.ReceptionRules(ctx, s.ID))(t)
		for _, r := range set.Rules {
			texts[s.Name] = append(texts[s.Name], r.Text)
		}
		moved += len(set.Exceptions)
	}
	for name, want := range map[string]string{
		"天九镇人大代表联络站":     "逢农历一、四、七，节假日照常",
		"岭北镇赣粤边界人大代表联络站": "每周二，遇法定节假日暂停",
		"定南县工业园区人大代表之家":  "每月第一个星期四，遇法定节假日暂停",
		"历市镇人大代表联络站":     "每月5日、15日、25日，遇法定节假日暂停",
	} {
		if !slices.Contains(texts[name], want) {
			t.Errorf("%s: rules %v, want %s", name, texts[name], want)
		}
	}
	if moved != 1 {
		t.Errorf("%d exceptions, want 1", moved)
	}
	// The market-day station has reception days in the next month.
	for _, s := range sts {
		if s.Name == "天九镇人大代表联络站" {
			if days := testkit.Must(a.NextReceptionDays(ctx, s.ID, 8))(t); len(days) != 8 || days[0].Reason != "逢农历一、四、七" {
				t.Errorf("tianjiu days %+v", days)
			}
		}
	}
	// Forget that the load finished, so the next one runs every step again.
	if _, err := a.DB().Exec(ctx, `DELETE FROM meta WHERE key = ?`, metaLoaded); err != nil {
		t.Fatal(err)
	}
	if !testkit.Must(Load(ctx, a))(t) {
		t.Fatal("the second load did not run")
	}
	if after := count(); after != before {
		t.Errorf("loading again: %d rules and exceptions, was %d", after, before)
	}
}
