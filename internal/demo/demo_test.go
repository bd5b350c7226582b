package demo_test

import (
	"context"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/demo"
	"zhitong/internal/testkit"
)

func TestLoadOnceAndCoverTheLoop(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	count := func() map[string]int {
		out := map[string]int{}
		for _, table := range []string{"cases", "stations", "units", "deputies", "users", "regions", "categories"} {
			var n int
			if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			out[table] = n
		}
		return out
	}
	if loaded := testkit.Must(demo.Load(ctx, a))(t); !loaded {
		t.Fatal("first load did nothing")
	}
	first := count()
	if loaded := testkit.Must(demo.Load(ctx, a))(t); loaded {
		t.Fatal("second load loaded again")
	}
	second := count()
	for k, v := range first {
		if second[k] != v {
			t.Errorf("%s: %d after first load, %d after second", k, v, second[k])
		}
	}
	if first["stations"] != 8 || first["users"] != len(demo.Accounts) || first["deputies"] < 18 || first["units"] < 10 {
		t.Fatalf("counts: %v", first)
	}

	// Every status of the loop but archived-from-merge is reached, some cases are overdue, all are marked demo.
	committee := zhitong.Principal{UserID: 1, Name: "t", Role: zhitong.RoleCommittee, RegionCode: "360728"}
	seen := map[zhitong.Status]bool{}
	channels := map[string]bool{}
	overdue := 0
	for page := 1; ; page++ {
		items, total := testkit.Must2(a.List(ctx, committee, app.ListInput{Page: page, PerPage: 100}))(t)
		for _, c := range items {
			seen[c.Status] = true
			channels[c.Channel] = true
			if c.Overdue {
				overdue++
			}
			if !c.Demo {
				t.Errorf("case %s not marked demo", c.Code)
			}
		}
		if page*100 >= total {
			break
		}
	}
	for _, s := range zhitong.Statuses {
		if !seen[s.Value] {
			t.Errorf("no demo case is %s", s.Value)
		}
	}
	for _, ch := range []string{"online", "walk_in", "appointment", "box", "mobile", "survey", "imported"} {
		if !channels[ch] {
			t.Errorf("no demo case came in through %s", ch)
		}
	}
	if overdue == 0 {
		t.Error("no demo case is overdue")
	}
	if brk, _ := testkit.Must2(a.VerifyAudit(ctx, app.System))(t); brk != nil {
		t.Fatalf("audit chain broken: %+v", brk)
	}
}
