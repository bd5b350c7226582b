package demo

import (
	"context"
	"errors"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// counted are the tables whose row counts must not change on a second load.
var counted = []string{"regions", "categories", "stations", "units", "deputies", "users", "api_tokens",
	"cases", "case_events", "assignments", "extensions", "replies", "deliveries", "evaluations", "proposals", "audit_log"}

func counts(t *testing.T, a *app.App) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, table := range counted {
		var n int
		if err := a.DB().QueryRow(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

func sameCounts(t *testing.T, what string, want, got map[string]int) {
	t.Helper()
	for _, table := range counted {
		if want[table] != got[table] {
			t.Errorf("%s: %s has %d rows, want %d", what, table, got[table], want[table])
		}
	}
}

func principal(t *testing.T, a *app.App, username string) zhitong.Principal {
	t.Helper()
	u := testkit.Must(store.GetUserByName(context.Background(), a.DB(), username))(t)
	return u.Principal()
}

// demoCases lists every case the committee account sees.
func demoCases(t *testing.T, a *app.App) []app.CaseSummary {
	t.Helper()
	p := principal(t, a, committee)
	var out []app.CaseSummary
	for page := 1; ; page++ {
		items, total := testkit.Must2(a.List(context.Background(), p, app.ListInput{Page: page, PerPage: 100}))(t)
		out = append(out, items...)
		if page*100 >= total {
			return out
		}
	}
}

func TestLoadOnceAndCoverTheLoop(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	start := time.Now()
	if loaded := testkit.Must(Load(ctx, a))(t); !loaded {
		t.Fatal("first load did nothing")
	}
	t.Logf("Load took %v", time.Since(start))
	first := counts(t, a)
	if loaded := testkit.Must(Load(ctx, a))(t); loaded {
		t.Fatal("second load loaded again")
	}
	sameCounts(t, "second load", first, counts(t, a))
	want := map[string]int{"stations": 8, "users": 9, "deputies": len(deputies), "units": len(units),
		"cases": len(allStories()), "regions": 11, "categories": len(setup.DefaultCategories), "api_tokens": 2}
	for table, n := range want {
		if first[table] != n {
			t.Errorf("%s: %d rows, want %d", table, first[table], n)
		}
	}
	t.Logf("counts: %v", first)
	// The county is set up as zhitong init sets up a real one.
	if o := testkit.Must(store.OrganisationFor(ctx, a.DB(), lishi))(t); o.RegionCode != County || o.Name != "定南县人大常委会" || o.ShortName != "定南人大" {
		t.Errorf("organisation of the demo county: %+v", o)
	}

	cases := demoCases(t, a)
	if len(cases) != len(allStories()) {
		t.Fatalf("committee sees %d cases, want %d", len(cases), len(allStories()))
	}
	statuses, channels, overdue := map[zhitong.Status]int{}, map[string]int{}, 0
	for _, c := range cases {
		statuses[c.Status]++
		channels[c.Channel]++
		if c.Overdue {
			overdue++
		}
		if !c.Demo {
			t.Errorf("case %s (%s) is not marked demo", c.Code, c.Title)
		}
	}
	for _, s := range zhitong.Statuses {
		if statuses[s.Value] == 0 {
			t.Errorf("no demo case is %s", s.Value)
		}
	}
	for _, ch := range zhitong.Channels {
		if channels[string(ch.Value)] == 0 {
			t.Errorf("no demo case came in through %s", ch.Value)
		}
	}
	if overdue < 3 {
		t.Errorf("%d demo cases are overdue, want at least 3", overdue)
	}
	t.Logf("statuses %v; channels %v; overdue %d", statuses, channels, overdue)

	for _, table := range []string{"stations", "units", "deputies", "cases"} {
		var n int
		if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM `+table+` WHERE demo = ?`, false).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d %s are not marked demo", n, table)
		}
	}
	if brk, n := testkit.Must2(a.VerifyAudit(ctx, app.System))(t); brk != nil {
		t.Fatalf("audit chain broken after %d entries: %+v", n, brk)
	}
}

// TestLoopDetails checks the parts of the loop a demo should show: a proposal
// bundling three cases, both kinds of extension, dual and single feedback,
// a re-handled case, and a history for every case.
func TestLoopDetails(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	db := a.DB()
	scalar := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	if n := scalar(`SELECT COUNT(*) FROM (SELECT proposal_id FROM cases WHERE proposal_id IS NOT NULL GROUP BY proposal_id HAVING COUNT(*) = 3) b`); n != 1 {
		t.Errorf("%d proposals bundle 3 cases, want 1", n)
	}
	if n := scalar(`SELECT COUNT(*) FROM proposals WHERE state = ?`, "replied"); n != 1 {
		t.Errorf("%d proposals replied, want 1", n)
	}
	for _, state := range []string{"pending", "approved"} {
		if n := scalar(`SELECT COUNT(*) FROM extensions WHERE state = ?`, state); n == 0 {
			t.Errorf("no %s extension request", state)
		}
	}
	if n := scalar(`SELECT COUNT(*) FROM (SELECT reply_id FROM deliveries GROUP BY reply_id HAVING COUNT(*) = 2) d`); n == 0 {
		t.Error("no reply reached both the congress office and the citizen")
	}
	if n := scalar(`SELECT COUNT(*) FROM (SELECT reply_id FROM deliveries GROUP BY reply_id HAVING COUNT(*) = 1) d`); n == 0 {
		t.Error("no reply with one side of feedback only")
	}
	if n := scalar(`SELECT COUNT(*) FROM cases WHERE round = 2 AND status = ?`, zhitong.StatusEvaluated); n == 0 {
		t.Error("no case re-handled, replied again and evaluated")
	}
	if n := scalar(`SELECT COUNT(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id)`); n != 0 {
		t.Errorf("%d cases without events", n)
	}
	if n := scalar(`SELECT COUNT(*) FROM cases WHERE anonymous = ?`, true); n < 2 {
		t.Errorf("%d anonymous cases, want some", n)
	}
	// Every step happened in the past, and nothing is dated after "now".
	now := store.FormatTime(a.Now())
	if n := scalar(`SELECT COUNT(*) FROM case_events WHERE at > ?`, now); n != 0 {
		t.Errorf("%d events dated in the future", n)
	}
	if n := scalar(`SELECT COUNT(*) FROM cases WHERE submitted_at < ?`, store.FormatTime(a.Now().AddDate(0, 0, -60))); n != 0 {
		t.Errorf("%d cases older than the demo period", n)
	}
	// The unit account sees its cases; the deputy account those it took in.
	for _, who := range []string{unit, deputy, stationHead} {
		items, total := testkit.Must2(a.List(ctx, principal(t, a, who), app.ListInput{Page: 1, PerPage: 100}))(t)
		if total == 0 || len(items) == 0 {
			t.Errorf("account %s sees no case", who)
		}
	}
	for _, acc := range Accounts {
		if _, err := a.Login(ctx, acc.Username, Password, "127.0.0.1"); err != nil {
			t.Errorf("login %s: %v", acc.Username, err)
		}
	}
}

// TestResumeAfterInterruption stops loads part-way, as a crash would, and
// checks that running Load again finishes the job without duplicating anything.
func TestResumeAfterInterruption(t *testing.T) {
	ctx := context.Background()
	clean, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, clean))(t)
	want := counts(t, clean)
	for _, stop := range []int{1, 45, 120} {
		a, _ := testkit.MustApp(t)
		if _, err := load(ctx, a, stop); !errors.Is(err, errInterrupted) {
			t.Fatalf("stop after %d: err = %v, want interruption", stop, err)
		}
		if v := testkit.Must(store.GetMeta(ctx, a.DB(), metaLoaded))(t); v != "" {
			t.Fatalf("stop after %d: marked loaded", stop)
		}
		if loaded := testkit.Must(Load(ctx, a))(t); !loaded {
			t.Fatalf("stop after %d: resumed load did nothing", stop)
		}
		// Accounts and tokens that exist are skipped, so even the audit
		// log must hold exactly what a clean load writes.
		sameCounts(t, "resumed load", want, counts(t, a))
		if brk, _ := testkit.Must2(a.VerifyAudit(ctx, app.System))(t); brk != nil {
			t.Fatalf("audit chain broken: %+v", brk)
		}
	}
}

func TestStoriesAreConsistent(t *testing.T) {
	keys, texts := map[string]bool{}, map[string]bool{}
	for _, s := range allStories() {
		if keys[s.key] || texts[s.title+"\x00"+s.body] {
			t.Errorf("story %s repeats a key or text", s.key)
		}
		keys[s.key], texts[s.title+"\x00"+s.body] = true, true
		prev := s.day*10000 - hm(t, s.hm)
		for i, a := range s.acts {
			at := a.day*10000 - hm(t, a.hm)
			if at > prev {
				t.Errorf("story %s: step %d is dated before the step before it", s.key, i+1)
			}
			prev = at
		}
	}
	for _, s := range allStories() {
		for _, a := range s.acts {
			if a.ref != "" && !keys[a.ref] {
				t.Errorf("story %s refers to unknown story %s", s.key, a.ref)
			}
		}
	}
}

func hm(t *testing.T, s string) int {
	t.Helper()
	tm, err := time.Parse("15:04", s)
	if err != nil {
		t.Fatalf("bad time %q", s)
	}
	return tm.Hour()*60 + tm.Minute()
}

// TestLoadAtOtherDates loads the demo as `serve --demo` would on other days:
// a Sunday, just after the National Day and Spring Festival holidays, and
// today. The loop must be covered whatever the calendar around "now".
func TestLoadAtOtherDates(t *testing.T) {
	dates := []time.Time{
		time.Date(2026, 6, 21, 8, 0, 0, 0, zhitong.China),  // a Sunday morning
		time.Date(2026, 10, 9, 9, 0, 0, 0, zhitong.China),  // after the National Day week
		time.Date(2027, 2, 18, 15, 0, 0, 0, zhitong.China), // after the Spring Festival
		time.Now(),
	}
	for _, now := range dates {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			ctx := context.Background()
			a, clk := testkit.MustApp(t)
			clk.Set(now)
			testkit.Must(Load(ctx, a))(t)
			statuses, overdue := map[zhitong.Status]bool{}, 0
			for _, c := range demoCases(t, a) {
				statuses[c.Status] = true
				if c.Overdue {
					overdue++
				}
			}
			for _, s := range zhitong.Statuses {
				if !statuses[s.Value] {
					t.Errorf("no demo case is %s", s.Value)
				}
			}
			if overdue == 0 {
				t.Error("no demo case is overdue")
			}
		})
	}
}
