package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/search"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSearchPlanIsCustom: on PostgreSQL every connection of the pool plans
// each execution of a prepared statement with its values
// (plan_cache_mode = force_custom_plan, store.Open), so a search's plan does
// not depend on which plan a pooled connection happened to cache after its
// fifth execution. A statement prepared once on one connection and
// explained seven times keeps the word in its plan every time; the same
// under force_generic_plan shows the parameter ($1) instead, which is what
// the check looks for.
func TestSearchPlanIsCustom(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only: SQLite plans every statement with its values")
	}
	db := testkit.MustDB(t)
	ctx := context.Background()
	plans := func(mode string) []string {
		var out []string
		err := db.Write(ctx, func(tx *store.Tx) error {
			var got string
			if err := tx.QueryRow(ctx, `SHOW plan_cache_mode`).Scan(&got); err != nil {
				return err
			}
			if got != "force_custom_plan" {
				t.Errorf("a pool connection has plan_cache_mode = %q, want force_custom_plan", got)
			}
			if mode != "" {
				if _, err := tx.Exec(ctx, `SET LOCAL plan_cache_mode = `+mode); err != nil {
					return err
				}
			}
			if _, err := tx.Exec(ctx, `PREPARE plan_probe(text) AS SELECT id FROM cases WHERE search @@ to_tsquery('simple', $1) ORDER BY id DESC LIMIT 21`); err != nil {
				return err
			}
			defer tx.Exec(ctx, `DEALLOCATE plan_probe`)
			for range 7 {
				plan, err := explain(ctx, tx, `EXECUTE plan_probe('''路灯''')`)
				if err != nil {
					return err
				}
				out = append(out, plan)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	for i, p := range plans("") {
		if strings.Contains(p, "$1") || !strings.Contains(p, "路灯") {
			t.Errorf("execution %d was planned without its word:\n%s", i+1, p)
		}
	}
	// The check can fail: a generic plan names the parameter.
	generic := plans("force_generic_plan")
	if last := generic[len(generic)-1]; !strings.Contains(last, "$1") {
		t.Errorf("a generic plan should show $1:\n%s", last)
	}
}

// TestSearchReadsTheRegionFromTheIndex: on PostgreSQL a search within a
// whole level of region codes (a county's jurisdiction, a township filter)
// asks the full-text index for the words and the region's token together
// (cases_search_scope, migration 102), so a county's hits of a common word
// come out of the index without checking the county of the city's. The
// plan is read with sequential and plain index scans off, so that a test
// database too small for the index still shows whether the query can use
// it: a condition written unlike the index's expression, or a region left
// out of it, fails. Words PostgreSQL's parser drops altogether still find
// nothing.
func TestSearchReadsTheRegionFromTheIndex(t *testing.T) {
	if !testkit.Postgres() {
		t.Skip("PostgreSQL only: SQLite checks each hit's region in cases_scale_hit")
	}
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	ctx := context.Background()
	word := search.Query("路灯")
	plan := func(g store.CaseFilter) string {
		var p string
		err := a.DB().Write(ctx, func(tx *store.Tx) (err error) {
			if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `SET LOCAL enable_indexscan = off`); err != nil {
				return err
			}
			query, args := store.SearchPageQuery(tx, g, search.TSQuery(g.Search))
			p, err = explain(ctx, tx, query, args...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, c := range map[string]struct {
		f      store.CaseFilter
		tokens []string // the region tokens the index is asked for
		index  bool     // the words are looked up in cases_search_scope
	}{
		"county":          {store.CaseFilter{ScopeRegion: f.County, Search: word}, []string{"@" + f.County}, true},
		"county and town": {store.CaseFilter{ScopeRegion: f.County, Region: f.Town, Search: word}, []string{"@" + f.County, "@" + f.Town}, true},
		"whole database":  {store.CaseFilter{Search: word}, nil, true},
		// Not a level of region codes: a range of region_code, the words
		// without a region.
		"prefix 3607280": {store.CaseFilter{ScopeRegion: "3607280", Search: word}, nil, false},
		// A station head's station, the station filter and a
		// jurisdiction's shared stations are tokens too (migration 111).
		"station":        {store.CaseFilter{ScopeRegion: f.County, ScopeStation: f.Station, Search: word}, []string{fmt.Sprintf("$%d", f.Station)}, true},
		"station filter": {store.CaseFilter{ScopeRegion: f.County, StationID: f.Station, Search: word}, []string{"@" + f.County, fmt.Sprintf("$%d", f.Station)}, true},
		"shared station": {store.CaseFilter{ScopeRegion: f.County, ScopeStations: []int64{f.OtherStation}, Search: word},
			[]string{"@" + f.County, fmt.Sprintf("$%d", f.OtherStation)}, true},
		// A unit's cases stay a condition of their own.
		"unit": {store.CaseFilter{ScopeUnit: f.Lead, Search: word}, nil, false},
	} {
		t.Run(name, func(t *testing.T) {
			p := plan(c.f)
			words := "" // the tsquery the plan checks, in the index or per row
			for _, line := range strings.Split(p, "\n") {
				if _, q, ok := strings.Cut(line, " @@ "); ok && strings.Contains(q, "路灯") && !strings.Contains(line, "Recheck Cond:") {
					words = q
					if c.index && !strings.Contains(line, "Index Cond:") {
						t.Errorf("the words are not an index condition: %s", line)
					}
				}
			}
			if words == "" || c.index && !strings.Contains(p, "cases_search_scope") {
				t.Fatalf("the words are not looked up in cases_search_scope:\n%s", p)
			}
			for _, tok := range c.tokens {
				if !strings.Contains(words, tok) {
					t.Errorf("the index is not asked for %s: %s", tok, words)
				}
			}
			if n := strings.Count(words, "'@") + strings.Count(words, "'$"); n != len(c.tokens) {
				t.Errorf("the index is asked for %d region tokens, want %d: %s", n, len(c.tokens), words)
			}
		})
	}
	// Words PostgreSQL's parser drops altogether make an empty tsquery;
	// joined with the county's token it would match every case of the
	// county. It matches nothing, as before.
	t.Run("no words", func(t *testing.T) {
		testkit.Must(a.Intake(ctx, f.In[zhitong.RoleOfficer], app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "建设路路灯不亮",
			CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		for _, tsQuery := range []string{`'路灯'`, `'-'`} {
			g := store.CaseFilter{ScopeRegion: f.County, Search: []string{"x"}, SearchFilterCap: -1}
			recs, total := testkit.Must2(store.ListCases(ctx, a.DB(), g, "", tsQuery))(t)
			want := 1
			if tsQuery == `'-'` {
				want = 0
			}
			if len(recs) != want || total != want {
				t.Errorf("tsquery %s: %d cases (total %d), want %d", tsQuery, len(recs), total, want)
			}
		}
	})
}

// explain is the plan of a query, one line a row of EXPLAIN.
func explain(ctx context.Context, tx *store.Tx, query string, args ...any) (string, error) {
	rows, err := tx.Query(ctx, `EXPLAIN `+query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		plan = append(plan, line)
	}
	return strings.Join(plan, "\n"), rows.Err()
}
