package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/search"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestSearchDrivesFromEitherSide: a search walks the word's hits and checks
// each one's filters, or (store.SearchFilterCap) reads the cases its other
// filters keep and checks their words. Both sides give the same pages,
// totals and cursors, for every order and filter; a test database is small
// enough that the filter side would always win, so each search is run with
// the choice forced both ways.
func TestSearchDrivesFromEitherSide(t *testing.T) {
	ctx := context.Background()
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	var assigned, lamps []int64 // lamps: the cases with the word, newest first
	for i := range 14 {
		body := fmt.Sprintf("第%d号：建设路路灯不亮，晚上很黑", i)
		if i%3 == 0 {
			body = fmt.Sprintf("第%d号：小区停车位不足", i)
		}
		c := testkit.Must(a.Intake(ctx, officer, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: body,
			CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		if i%3 != 0 {
			lamps = append([]int64{c.ID}, lamps...)
		}
		if i%2 == 0 {
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
			assigned = append(assigned, c.ID)
		}
		clock.Advance(time.Hour)
	}
	if len(assigned) == 0 {
		t.Fatal("no assigned case")
	}
	word := search.Query("路灯")
	base := store.CaseFilter{ScopeRegion: f.County, Search: word, Limit: 3}
	with := func(mod func(*store.CaseFilter)) store.CaseFilter { g := base; mod(&g); return g }
	filters := map[string]store.CaseFilter{
		"word":           base,
		"word, oldest":   with(func(g *store.CaseFilter) { g.Sort = "oldest" }),
		"word, due":      with(func(g *store.CaseFilter) { g.Sort = "due" }),
		"word, updated":  with(func(g *store.CaseFilter) { g.Sort = "updated" }),
		"word, assigned": with(func(g *store.CaseFilter) { g.Statuses = []zhitong.Status{zhitong.StatusAssigned} }),
		"word, station":  with(func(g *store.CaseFilter) { g.StationID = f.Station }),
		"word, unit":     with(func(g *store.CaseFilter) { g.UnitID = f.Lead }),
		"other county":   with(func(g *store.CaseFilter) { g.ScopeRegion = f.OtherCounty }),
		"page 2":         with(func(g *store.CaseFilter) { g.Offset = 3 }),
	}
	// pages reads every page of g by cursor, and the total.
	pages := func(g store.CaseFilter) (ids []int64, total int) {
		for range 20 {
			recs, n := testkit.Must2(store.ListCases(ctx, a.DB(), g, search.FTS5Match(g.Search), search.TSQuery(g.Search)))(t)
			total = n
			for _, r := range recs {
				ids = append(ids, r.ID)
			}
			if len(recs) < g.Limit {
				return ids, total
			}
			c := store.CursorOf(g, recs[len(recs)-1])
			g.After, g.Offset = &c, 0
		}
		t.Fatal("more than 20 pages")
		return nil, 0
	}
	for name, g := range filters {
		t.Run(name, func(t *testing.T) {
			g.SearchFilterCap = -1
			walked, walkedTotal := pages(g)
			g.SearchFilterCap = 1 << 20
			filtered, filteredTotal := pages(g)
			if fmt.Sprint(walked) != fmt.Sprint(filtered) || walkedTotal != filteredTotal {
				t.Errorf("walking the hits: %v (total %d); from the filter: %v (total %d)", walked, walkedTotal, filtered, filteredTotal)
			}
			// The page before the last hit, read backwards.
			if len(filtered) > 0 {
				last := testkit.Must(store.GetCase(ctx, a.DB(), filtered[len(filtered)-1]))(t)
				before := func(cap int) string {
					g := g
					c := store.CursorOf(g, last)
					g.SearchFilterCap, g.Offset, g.Before = cap, 0, &c
					back, _ := testkit.Must2(store.ListCases(ctx, a.DB(), g, search.FTS5Match(g.Search), search.TSQuery(g.Search)))(t)
					var ids []int64
					for _, r := range back {
						ids = append(ids, r.ID)
					}
					return fmt.Sprint(ids)
				}
				if w, f := before(-1), before(1<<20); w != f {
					t.Errorf("before the last hit: walking %s, from the filter %s", w, f)
				}
			}
			n := testkit.Must(store.CountCases(ctx, a.DB(), g, search.FTS5Match(g.Search), search.TSQuery(g.Search)))(t)
			if n != filteredTotal {
				t.Errorf("CountCases = %d, ListCases total %d", n, filteredTotal)
			}
			if name == "word, assigned" && len(filtered) != len(assigned)-countNoWord(assigned) {
				t.Errorf("assigned hits %v", filtered)
			}
			if name == "other county" && len(filtered) != 0 {
				t.Errorf("the other county found %v", filtered)
			}
			if name == "word" && (fmt.Sprint(filtered) != fmt.Sprint(lamps) || filteredTotal != len(lamps)) {
				t.Errorf("the word found %v (total %d), want %v", filtered, filteredTotal, lamps)
			}
			if name == "page 2" && fmt.Sprint(filtered) != fmt.Sprint(lamps[3:]) {
				t.Errorf("from the second page: %v, want %v", filtered, lamps[3:])
			}
		})
	}
}

// countNoWord counts the assigned cases without the word: every third
// case (i%3 == 0) is about parking, and the assigned are the even ones, so
// those of i ≡ 0 (mod 6).
func countNoWord(assigned []int64) int { return (len(assigned) + 2) / 3 }
