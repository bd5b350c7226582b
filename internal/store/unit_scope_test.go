package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestUnitScopeListsTheUnitsCases: a unit's list (ScopeUnit, and the
// UnitID filter) reads its case ids from assignments_unit_case (migration
// 107), on PostgreSQL as an array first. It must keep the county list's
// rows and order, once each case however many of the unit's assignments it
// has (returned and reassigned), lead or co-handling, for every order and
// by cursor both ways, with the same count.
func TestUnitScopeListsTheUnitsCases(t *testing.T) {
	ctx := context.Background()
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	unit := f.In[zhitong.RoleUnit]
	if unit.UnitID != f.Lead {
		t.Fatalf("the fixture's unit is %d, want the lead unit %d", unit.UnitID, f.Lead)
	}
	var co []int64 // the cases the unit co-handles, newest first
	for i := range 17 {
		c := testkit.Must(a.Intake(ctx, officer, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: fmt.Sprintf("第%d号：路灯不亮", i),
			CategoryCode: "roads", StationID: f.Station, Anonymous: true}))(t)
		switch i % 4 {
		case 0: // lead, then returned and given to the unit again: two assignments
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
			if i%8 == 0 {
				testkit.Must(a.Return(ctx, unit, c.ID, app.TextInput{Text: "不属于本单位职责"}))(t)
				testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
			}
		case 1: // co-handling
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Co, CoUnits: []int64{f.Lead}}))(t)
			co = append([]int64{c.ID}, co...)
		case 2: // another unit's
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Co}))(t)
		}
		if i%3 != 0 { // some cases share their submission time: the id breaks the tie
			clock.Advance(time.Hour)
		}
	}
	var want []int64 // the unit's cases, newest first
	var count int
	rows := testkit.Must(a.DB().Query(ctx, `SELECT DISTINCT case_id FROM assignments WHERE unit_id = ?`, f.Lead))(t)
	mine := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		mine[id] = true
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	if len(mine) < 8 {
		t.Fatalf("the unit has %d cases", len(mine))
	}
	// pages reads every page of g by cursor, forward and then backwards from
	// the last row, and the total.
	pages := func(g store.CaseFilter) (ids, back []int64, total int) {
		var last *store.CaseRecord
		for range 30 {
			recs, n := testkit.Must2(store.ListCases(ctx, a.DB(), g, "", ""))(t)
			total = n
			for _, r := range recs {
				ids = append(ids, r.ID)
			}
			if len(recs) < g.Limit {
				break
			}
			last = recs[len(recs)-1]
			c := store.CursorOf(g, last)
			g.After = &c
		}
		if last != nil {
			c := store.CursorOf(g, last)
			g.After, g.Before = nil, &c
			for range 30 {
				recs, _ := testkit.Must2(store.ListCases(ctx, a.DB(), g, "", ""))(t)
				for i := len(recs) - 1; i >= 0; i-- {
					back = append([]int64{recs[i].ID}, back...)
				}
				if len(recs) < g.Limit {
					break
				}
				c := store.CursorOf(g, recs[0])
				g.Before = &c
			}
		}
		return ids, back, total
	}
	for _, sort := range []string{"", "oldest", "due", "updated"} {
		for _, st := range [][]zhitong.Status{nil, {zhitong.StatusAssigned}} {
			name := fmt.Sprintf("sort %q, status %v", sort, st)
			county := store.CaseFilter{ScopeRegion: f.County, Sort: sort, Statuses: st, Limit: 3}
			all, _, _ := pages(county)
			want = want[:0]
			for _, id := range all {
				if mine[id] {
					want = append(want, id)
				}
			}
			count = len(want)
			for _, g := range []store.CaseFilter{
				{ScopeUnit: f.Lead, Sort: sort, Statuses: st, Limit: 3},
				{ScopeRegion: f.County, UnitID: f.Lead, Sort: sort, Statuses: st, Limit: 3},
			} {
				got, back, total := pages(g)
				if fmt.Sprint(got) != fmt.Sprint(want) || total != count {
					t.Errorf("%s, unit scope %d, unit filter %d: %v (total %d), want %v (total %d)", name, g.ScopeUnit, g.UnitID, got, total, want, count)
				}
				// Backwards from the last row: every row before it, in order.
				if len(want) > 0 && fmt.Sprint(back) != fmt.Sprint(want[:len(want)-1]) {
					t.Errorf("%s, unit scope %d, unit filter %d: backwards %v, want %v", name, g.ScopeUnit, g.UnitID, back, want[:len(want)-1])
				}
				if n := testkit.Must(store.CountCases(ctx, a.DB(), g, "", ""))(t); n != count {
					t.Errorf("%s: CountCases = %d, want %d", name, n, count)
				}
			}
		}
	}
	// The unit's pending assignments (待签收): its own, not the other unit's.
	g := store.CaseFilter{ScopeUnit: f.Lead, UnitState: zhitong.AssignmentPending, Limit: 50}
	recs, total := testkit.Must2(store.ListCases(ctx, a.DB(), g, "", ""))(t)
	var pending []int64
	rows = testkit.Must(a.DB().Query(ctx, `SELECT DISTINCT case_id FROM assignments WHERE unit_id = ? AND state = 'pending'`, f.Lead))(t)
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		pending = append(pending, id)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, r := range recs {
		got = append(got, r.ID)
	}
	slices.Sort(got)
	slices.Sort(pending)
	if len(pending) == 0 || fmt.Sprint(got) != fmt.Sprint(pending) || total != len(pending) {
		t.Errorf("pending for the unit: %v (total %d), want %v", got, total, pending)
	}
	// Its co-handled cases waiting for its opinion (待提交协办意见), by its
	// own assignments; with no unit, every unit's; none for the unit that
	// only leads them.
	for _, tc := range []struct {
		f    store.CaseFilter
		want []int64
	}{
		{store.CaseFilter{ScopeUnit: f.Lead, CoOpinionDue: true, Limit: 50}, co},
		{store.CaseFilter{ScopeRegion: f.County, UnitID: f.Lead, CoOpinionDue: true, Limit: 50}, co},
		{store.CaseFilter{ScopeRegion: f.County, CoOpinionDue: true, Limit: 50}, co},
		{store.CaseFilter{ScopeUnit: f.Co, CoOpinionDue: true, Limit: 50}, nil},
	} {
		recs, total := testkit.Must2(store.ListCases(ctx, a.DB(), tc.f, "", ""))(t)
		var got []int64
		for _, r := range recs {
			got = append(got, r.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) || total != len(tc.want) {
			t.Errorf("co-opinions due, unit scope %d, unit %d: %v (total %d), want %v", tc.f.ScopeUnit, tc.f.UnitID, got, total, tc.want)
		}
	}
}
