package app_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// keysetFixture fills a county with 37 cases in tie groups: several
// cases share each submission time (the test clock stands still between
// advances), update time and due date, so every page boundary falls
// inside a tie somewhere.
func keysetFixture(t *testing.T) (*app.App, *testkit.Fixture) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	for i := range 37 {
		if i%4 == 0 {
			clock.Advance(time.Hour)
		}
		c := walkIn(t, a, f, fmt.Sprintf("第%d号：建设路路灯不亮，晚上出行不便", i))
		if i%3 == 0 {
			testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead, Days: 5 + i%2*5}))(t)
		}
	}
	return a, f
}

func ids(items []app.CaseSummary) []int64 {
	var out []int64
	for _, c := range items {
		out = append(out, c.ID)
	}
	return out
}

// TestKeysetPagesVisitEveryRowOnce: walking a list by its cursors, forward
// to the end and back to the start, visits every case exactly once in every
// sort (ties on the sort key included), in the same order as the page
// numbers give; and so does a search.
func TestKeysetPagesVisitEveryRowOnce(t *testing.T) {
	a, f := keysetFixture(t)
	committee := f.In[zhitong.RoleCommittee]
	for _, in := range []app.ListInput{{Sort: ""}, {Sort: "oldest"}, {Sort: "updated"}, {Sort: "due"},
		{Query: "路灯"}, {Query: "路灯", Sort: "oldest"}, {Query: "路灯", Sort: "due"}, {Status: []zhitong.Status{zhitong.StatusAssigned}, Sort: "due"}} {
		t.Run(fmt.Sprintf("sort=%s q=%s status=%v", in.Sort, in.Query, in.Status), func(t *testing.T) {
			in.PerPage = 5
			all := testkit.Must(a.ListPage(ctx, committee, app.ListInput{Sort: in.Sort, Query: in.Query, Status: in.Status, PerPage: 100}))(t)
			want := ids(all.Items)
			if len(want) == 0 || all.Total != len(want) {
				t.Fatalf("the whole list has %d rows, total %d", len(want), all.Total)
			}
			// Page numbers, as before the cursors.
			var byNumber []int64
			for n := 1; (n-1)*in.PerPage < len(want); n++ {
				byNumber = append(byNumber, ids(testkit.Must(a.ListPage(ctx, committee, with(in, n, "", "")))(t).Items)...)
			}
			if !slices.Equal(byNumber, want) {
				t.Fatalf("pages by number\n%v, want\n%v", byNumber, want)
			}
			// Forward by cursor from page 1.
			pg := testkit.Must(a.ListPage(ctx, committee, in))(t)
			if pg.Prev != "" {
				t.Errorf("page 1 has a previous page")
			}
			var forward []int64
			var pages []app.CasePage
			for {
				forward = append(forward, ids(pg.Items)...)
				pages = append(pages, pg)
				if pg.Next == "" {
					break
				}
				pg = testkit.Must(a.ListPage(ctx, committee, with(in, 0, pg.Next, "")))(t)
				if len(pages) > 50 {
					t.Fatal("the cursors never end")
				}
			}
			if !slices.Equal(forward, want) {
				t.Fatalf("forward by cursor\n%v, want\n%v", forward, want)
			}
			// Back from the last page by cursor: the same pages, in reverse.
			last := pages[len(pages)-1]
			for i := len(pages) - 2; i >= 0; i-- {
				if last.Prev == "" {
					t.Fatalf("page %d has no previous page", i+2)
				}
				back := testkit.Must(a.ListPage(ctx, committee, with(in, 0, "", last.Prev)))(t)
				if !slices.Equal(ids(back.Items), ids(pages[i].Items)) {
					t.Fatalf("back to page %d: %v, want %v", i+1, ids(back.Items), ids(pages[i].Items))
				}
				if back.Next == "" {
					t.Fatalf("page %d read backwards has no next page", i+1)
				}
				last = back
			}
			if last.Prev != "" {
				t.Errorf("the first page read backwards still has a previous page")
			}
		})
	}
}

func with(in app.ListInput, page int, after, before string) app.ListInput {
	in.Page, in.After, in.Before = page, after, before
	return in
}

// TestListRefusesUnboundedRequests: a page past the counted rows, a
// per_page over 100, an unknown sort and a broken or foreign cursor are
// refused with the field named; none reaches the database as a scan.
func TestListRefusesUnboundedRequests(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	committee := f.In[zhitong.RoleCommittee]
	walkIn(t, a, f, "建设路路灯不亮")
	walkIn(t, a, f, "建设路路灯又不亮")
	pg := testkit.Must(a.ListPage(ctx, committee, app.ListInput{PerPage: 1}))(t)
	if pg.Next == "" {
		t.Fatal("two cases one per page: no next page")
	}
	for _, tt := range []struct {
		in    app.ListInput
		field string
	}{
		{app.ListInput{Page: 501}, "page"},
		{app.ListInput{Page: 101, PerPage: 100}, "page"},
		{app.ListInput{Page: 51, Query: "路灯"}, "page"},
		{app.ListInput{PerPage: 101}, "per_page"},
		{app.ListInput{Sort: "title"}, "sort"},
		{app.ListInput{After: "!!!"}, "after"},
		{app.ListInput{Before: "bm90LWEtY3Vyc29y"}, "before"},
		{app.ListInput{After: pg.Next, Sort: "due"}, "after"},
		{app.ListInput{After: pg.Next, Before: pg.Next}, "after"},
	} {
		_, err := a.ListPage(ctx, committee, tt.in)
		testkit.WantCode(t, err, zhitong.EINVALID)
		if got := zhitong.ErrorField(err); got != tt.field {
			t.Errorf("%+v: field %q, want %q (%v)", tt.in, got, tt.field, err)
		}
	}
	// The last page a list of 20 counts is fine.
	testkit.Must(a.ListPage(ctx, committee, app.ListInput{Page: 500}))(t)
}
