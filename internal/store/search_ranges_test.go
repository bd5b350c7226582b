package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/search"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// spreadCase is a case written by spreadCases, with what a search can
// filter it by.
type spreadCase struct {
	id                       int64
	region, category, status string
	station, unit            int64
	submitted, updated, due  string
	text                     string
}

// idRange is the width of searchDoc's id ranges ('#' || (id >> 14)).
const idRange = 1 << 14

// spreadCases writes cases whose ids span 70 id ranges of PostgreSQL's
// search index, as a database of a million cases does: the newest ten
// ranges hold about 70 cases each, the older ones 0–4 (some none), so a
// common word's newest 201 hits need several widenings of the ranges
// searchHitIDs asks for and a rare word's fall back to the whole region.
// Ids, dates and texts come from a fixed seed.
func spreadCases(t *testing.T, db *store.DB, f *testkit.Fixture) []spreadCase {
	t.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(12, 111))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []spreadCase
	for r := range int64(70) {
		n := rng.IntN(5)
		switch {
		case r == 66 || r%9 == 4: // empty ranges, one among the newest
			n = 0
		case r >= 60:
			n = 55 + rng.IntN(30)
		}
		offs := map[int64]bool{}
		for len(offs) < n {
			offs[1+rng.Int64N(idRange-1)] = true
		}
		for _, off := range slices.Sorted(func(yield func(int64) bool) {
			for o := range offs {
				if !yield(o) {
					return
				}
			}
		}) {
			c := spreadCase{id: r*idRange + off, status: pick("registered", "assigned", "in_progress", "closed", "evaluated"),
				category: pick("roads", "consult", "")}
			switch x := rng.IntN(20); {
			case x < 9:
				c.region, c.station = f.Town, f.Station
			case x < 13:
				c.region = "360728200"
			case x < 15:
				c.region, c.station = "360727100", f.OtherStation // the other county's, at its station
			default:
				c.region = "360727100"
			}
			if rng.IntN(5) < 2 {
				c.unit = f.Lead
			}
			c.submitted = store.FormatTime(base.Add(time.Duration(c.id) * time.Minute))
			c.updated = store.FormatTime(base.Add(time.Duration(rng.IntN(5000)) * time.Hour))
			if rng.IntN(10) >= 3 {
				c.due = fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(3), 1+rng.IntN(28))
			}
			var words []string
			if rng.IntN(20) < 11 {
				words = append(words, pick("建设路路灯不亮", "路灯杆倾斜", "小巷路灯不亮，晚上很黑"))
			}
			if rng.IntN(100) < 4 || r < 3 && rng.IntN(2) == 0 {
				words = append(words, "桂花苑门口积水")
			}
			words = append(words, pick("小区停车位不足", "夜间施工噪音扰民", "垃圾清运不及时"))
			c.text = strings.Join(words, "，")
			out = append(out, c)
		}
	}
	nullable := func(v any) any {
		if v == "" || v == int64(0) {
			return nil
		}
		return v
	}
	err := db.Write(ctx, func(tx *store.Tx) error {
		for _, c := range out {
			_, err := tx.Exec(ctx, `INSERT INTO cases (id, code, channel, status, title, body, category_code, region_code, station_id,
 submitted_at, updated_at, due_date, lead_unit_id) VALUES (?, ?, 'walk_in', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				c.id, fmt.Sprintf("T%d", c.id), c.status, c.text, c.text, nullable(c.category), c.region, nullable(c.station),
				c.submitted, c.updated, c.due, nullable(c.unit))
			if err != nil {
				return err
			}
			if c.unit != 0 {
				_, err = tx.Exec(ctx, `INSERT INTO assignments (case_id, unit_id, lead, round, due_date, state, assigned_at) VALUES (?, ?, TRUE, 1, ?, 'accepted', ?)`,
					c.id, c.unit, c.due, c.submitted)
				if err != nil {
					return err
				}
			}
			if err := tx.IndexCase(ctx, c.id, search.Document(c.text)); err != nil {
				return err
			}
		}
		return tx.SyncSequence(ctx, "cases")
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSearchRangesReadWhatTheWholeReads: a search of a whole region level
// on PostgreSQL reads its hits by id ranges, newest first, widening them
// (store.searchHitIDs); it must find exactly the hits, in exactly the
// order, that reading the region whole finds, and that the search's other
// side (from its filters) finds — for a common word and a rare one, with
// every filter, every page by number and by cursor (after and before),
// in both directions and in the other sorts. Each side is checked against
// the cases as written (spreadCases), so on SQLite, which has no ranges,
// the test checks its full-text search the same way.
func TestSearchRangesReadWhatTheWholeReads(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	db := a.DB()
	all := spreadCases(t, db, f)
	inCounty := func(c spreadCase) bool { return strings.HasPrefix(c.region, f.County) }
	has := func(words ...string) func(spreadCase) bool {
		return func(c spreadCase) bool {
			for _, w := range words {
				if !strings.Contains(c.text, w) {
					return false
				}
			}
			return true
		}
	}
	lamp := has("路灯")
	and := func(ps ...func(spreadCase) bool) func(spreadCase) bool {
		return func(c spreadCase) bool {
			for _, p := range ps {
				if !p(c) {
					return false
				}
			}
			return true
		}
	}
	from, to := all[len(all)/4].submitted, all[len(all)*3/4].submitted
	base := store.CaseFilter{ScopeRegion: f.County, Search: search.Query("路灯")}
	with := func(mod func(*store.CaseFilter)) store.CaseFilter { g := base; mod(&g); return g }
	for _, c := range []struct {
		name string
		f    store.CaseFilter
		keep func(spreadCase) bool
	}{
		{"word", base, and(inCounty, lamp)},
		{"word, oldest", with(func(g *store.CaseFilter) { g.Sort = "oldest" }), and(inCounty, lamp)},
		{"two words", with(func(g *store.CaseFilter) { g.Search = search.Query("路灯 不亮") }), and(inCounty, has("路灯", "不亮"))},
		{"rare word", with(func(g *store.CaseFilter) { g.Search = search.Query("桂花苑") }), and(inCounty, has("桂花苑"))},
		{"word, assigned", with(func(g *store.CaseFilter) { g.Statuses = []zhitong.Status{zhitong.StatusAssigned} }),
			and(inCounty, lamp, func(c spreadCase) bool { return c.status == "assigned" })},
		{"word, category", with(func(g *store.CaseFilter) { g.Category = "roads" }),
			and(inCounty, lamp, func(c spreadCase) bool { return c.category == "roads" })},
		{"word, station", with(func(g *store.CaseFilter) { g.StationID = f.Station }),
			and(inCounty, lamp, func(c spreadCase) bool { return c.station == f.Station })},
		{"word, unit", with(func(g *store.CaseFilter) { g.UnitID = f.Lead }),
			and(inCounty, lamp, func(c spreadCase) bool { return c.unit == f.Lead })},
		{"word, township", with(func(g *store.CaseFilter) { g.Region = f.Town }),
			and(lamp, func(c spreadCase) bool { return c.region == f.Town })},
		{"word, dates", with(func(g *store.CaseFilter) { g.From, g.To = from, to }),
			and(inCounty, lamp, func(c spreadCase) bool { return c.submitted >= from && c.submitted < to })},
		{"word, shared station", with(func(g *store.CaseFilter) { g.ScopeStations = []int64{f.OtherStation} }),
			and(lamp, func(c spreadCase) bool { return inCounty(c) || c.station == f.OtherStation })},
		{"word, city", with(func(g *store.CaseFilter) { g.ScopeRegion = "3607" }), lamp},
		{"word, everywhere", with(func(g *store.CaseFilter) { g.ScopeRegion = "" }), lamp},
		{"word, other county", with(func(g *store.CaseFilter) { g.ScopeRegion = f.OtherCounty }),
			and(lamp, func(c spreadCase) bool { return strings.HasPrefix(c.region, f.OtherCounty) })},
		{"word, due", with(func(g *store.CaseFilter) { g.Sort = "due" }), and(inCounty, lamp)},
		{"word, updated", with(func(g *store.CaseFilter) { g.Sort = "updated" }), and(inCounty, lamp)},
	} {
		t.Run(c.name, func(t *testing.T) {
			want, hits := expectedHits(all, c.f.Sort, c.keep)
			total := min(hits, store.SearchCountCap+1)
			if c.name == "word" && (len(want) <= store.SearchCountCap || len(want) > 500) {
				t.Fatalf("the common word has %d hits: the test needs more than a count and fewer than 500", len(want))
			}
			for _, side := range []struct {
				name string
				mod  func(*store.CaseFilter)
			}{
				{"by ranges", func(g *store.CaseFilter) { g.SearchFilterCap = -1 }},
				{"whole", func(g *store.CaseFilter) { g.SearchFilterCap, g.SearchWhole = -1, true }},
				{"from the filter", func(g *store.CaseFilter) { g.SearchFilterCap = 1 << 20 }},
			} {
				g := c.f
				side.mod(&g)
				list := func(g store.CaseFilter) ([]int64, int) {
					recs, n := testkit.Must2(store.ListCases(ctx, db, g, search.FTS5Match(g.Search), search.TSQuery(g.Search)))(t)
					ids := make([]int64, len(recs))
					for i, r := range recs {
						ids[i] = r.ID
					}
					return ids, n
				}
				// Every page by cursor, 23 a page.
				var got []int64
				p := g
				p.Limit = 23
				for range 40 {
					ids, n := list(p)
					if n != total {
						t.Errorf("%s: page after %v: total %d, want %d", side.name, p.After, n, total)
					}
					got = append(got, ids...)
					if len(ids) < p.Limit {
						break
					}
					last := testkit.Must(store.GetCase(ctx, db, ids[len(ids)-1]))(t)
					cur := store.CursorOf(p, last)
					p.After = &cur
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: by cursor %d hits %v,\nwant %d %v", side.name, len(got), got, len(want), want)
				}
				// The numbered pages (within the count), 20 a page.
				for off := 0; off < min(len(want), store.SearchCountCap); off += 20 {
					p := g
					p.Limit, p.Offset = 20, off
					ids, _ := list(p)
					if w := want[off:min(off+20, len(want))]; !slices.Equal(ids, w) {
						t.Errorf("%s: offset %d: %v, want %v", side.name, off, ids, w)
					}
				}
				// The page before a hit deep in the list.
				if len(want) > 40 {
					k := len(want) * 2 / 3
					at := testkit.Must(store.GetCase(ctx, db, want[k]))(t)
					p := g
					p.Limit = 17
					cur := store.CursorOf(p, at)
					p.Before = &cur
					if ids, _ := list(p); !slices.Equal(ids, want[k-17:k]) {
						t.Errorf("%s: before hit %d: %v, want %v", side.name, k, ids, want[k-17:k])
					}
				}
				if n := testkit.Must(store.CountCases(ctx, db, g, search.FTS5Match(g.Search), search.TSQuery(g.Search)))(t); n != total {
					t.Errorf("%s: CountCases %d, want %d", side.name, n, total)
				}
			}
		})
	}
}

// expectedHits is the list a search shows of the cases keep keeps: by id,
// newest first (oldest first for "oldest"); sorted by deadline or last
// update, the newest store.SearchCountCap hits in that order. n counts
// every hit.
func expectedHits(all []spreadCase, sort string, keep func(spreadCase) bool) (ids []int64, n int) {
	var hits []spreadCase
	for _, c := range all {
		if keep(c) {
			hits = append(hits, c)
		}
	}
	n = len(hits)
	slices.SortFunc(hits, func(x, y spreadCase) int { return cmp.Compare(y.id, x.id) })
	switch sort {
	case "oldest":
		slices.Reverse(hits)
	case "due":
		hits = hits[:min(len(hits), store.SearchCountCap)]
		slices.SortFunc(hits, func(x, y spreadCase) int {
			undated := func(c spreadCase) int { // the cases with a deadline first
				if c.due == "" {
					return 1
				}
				return 0
			}
			return cmp.Or(cmp.Compare(undated(x), undated(y)), cmp.Compare(x.due, y.due), cmp.Compare(x.id, y.id))
		})
	case "updated":
		hits = hits[:min(len(hits), store.SearchCountCap)]
		slices.SortFunc(hits, func(x, y spreadCase) int { return cmp.Or(cmp.Compare(y.updated, x.updated), cmp.Compare(y.id, x.id)) })
	}
	for _, c := range hits {
		ids = append(ids, c.id)
	}
	return ids, n
}
