package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/audit"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestAuditPageWindow: a county auditor's pages of a log that is mostly
// another county's, each looking at four entries of the log: they meet
// every entry of the county once, in order, newest or oldest first,
// forward and back, with short and empty pages whose cursor goes on; and
// the action and object filters keep to theirs.
func TestAuditPageWindow(t *testing.T) {
	a, _ := testkit.MustApp(t)
	db := a.DB()
	ctx := context.Background()
	testkit.Must(0, db.Write(ctx, func(tx *store.Tx) error {
		for i := range 30 {
			e := audit.Entry{At: time.Now(), Actor: "user:1", Action: "case.view", Object: fmt.Sprintf("case:%d", i%3+1), Region: "360728", ActorRegion: "360728"}
			if i%7 == 0 || i == 1 {
				e.Region, e.Action = "360783", "user.create"
			}
			if err := tx.AppendAudit(ctx, e); err != nil {
				return err
			}
		}
		return nil
	}))(t)
	want := func(cond string, args ...any) []int64 {
		rows := testkit.Must(db.Query(ctx, `SELECT seq FROM audit_log WHERE `+cond+` ORDER BY seq`, args...))(t)
		defer rows.Close()
		var out []int64
		for rows.Next() {
			var s int64
			testkit.Must(0, rows.Scan(&s))(t)
			out = append(out, s)
		}
		return out
	}
	for _, tt := range []struct {
		name   string
		f      store.AuditQuery
		action string
		want   []int64
	}{
		{"county", store.AuditQuery{Region: "360783"}, "", want(`region LIKE '360783%' OR actor_region LIKE '360783%'`)},
		{"action", store.AuditQuery{Region: "3607"}, "user.", want(`action LIKE 'user.%'`)},
		{"object", store.AuditQuery{Region: "360728", Object: "case:2"}, "", want(`object = 'case:2'`)},
	} {
		for _, newest := range []bool{true, false} {
			list := fmt.Sprintf("test-%v", newest)
			read := func(p store.Page) app.KeysetPage[audit.Entry] {
				t.Helper()
				rows, stop := testkit.Must2(store.AuditPage(ctx, db, tt.f, tt.action, store.AuditOrder(newest), p, 4))(t)
				return app.WindowPage(list, rows, p, stop, func(e audit.Entry) store.Cursor { return store.Cursor{ID: e.Seq} })
			}
			in := app.PageInput{PerPage: 2}
			var got []int64
			var pages []app.KeysetPage[audit.Entry]
			pg := read(testkit.Must(in.StorePage(list))(t))
			for {
				pages = append(pages, pg)
				for _, e := range pg.Items {
					got = append(got, e.Seq)
				}
				if pg.Next == "" {
					break
				}
				pg = read(testkit.Must(app.PageInput{PerPage: 2, After: pg.Next}.StorePage(list))(t))
			}
			w := slices.Clone(tt.want)
			if newest {
				slices.Reverse(w)
			}
			if fmt.Sprint(got) != fmt.Sprint(w) {
				t.Fatalf("%s newest=%v: walked %v, want %v", tt.name, newest, got, w)
			}
			// Back from the last page by prev: the same entries, in reverse.
			var back []int64
			for pg.Prev != "" {
				pg = read(testkit.Must(app.PageInput{PerPage: 2, Before: pg.Prev}.StorePage(list))(t))
				for i := len(pg.Items) - 1; i >= 0; i-- {
					back = append(back, pg.Items[i].Seq)
				}
			}
			fwd := slices.Clone(got)
			if n := len(pages[len(pages)-1].Items); n > 0 {
				fwd = fwd[:len(fwd)-n] // the last page itself is not read again
			}
			slices.Reverse(fwd)
			if len(fwd) > 0 && fmt.Sprint(back) != fmt.Sprint(fwd) {
				t.Errorf("%s newest=%v: walked back %v, want %v", tt.name, newest, back, fwd)
			}
		}
	}
}
