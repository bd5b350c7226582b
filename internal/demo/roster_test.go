package demo

import (
	"context"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestDemoRoster(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	count := func(status string) int {
		t.Helper()
		var n int
		if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM duties WHERE status = ?`, status).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	checked, missed, excused, planned := count(zhitong.DutyCheckedIn), count(zhitong.DutyNoShow), count(zhitong.DutyExcused), count(zhitong.DutyPlanned)
	if checked < 30 || missed == 0 || missed > checked/3 || excused != 1 || planned < len(stations) {
		t.Fatalf("duties: %d checked in, %d no-shows, %d excused, %d planned", checked, missed, excused, planned)
	}
	today := a.Now().In(zhitong.China).Format(time.DateOnly)
	var late int
	if err := a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM duties WHERE status = 'planned' AND day < ?`, today).Scan(&late); err != nil || late != 0 {
		t.Fatalf("%d planned duties in the past (%v)", late, err)
	}
	// The demo deputy has a duty on the station's next reception day (within
	// a month whatever the station's rules), and asked for one swap.
	me := principal(t, a, deputy)
	mine := testkit.Must(a.MyDuties(ctx, me))(t)
	soon := a.Now().In(zhitong.China).AddDate(0, 0, 31).Format(time.DateOnly)
	if len(mine.Today) == 0 && (len(mine.Upcoming) == 0 || mine.Upcoming[0].Day > soon) {
		t.Fatalf("the demo deputy's next duty: today %v, upcoming %v", mine.Today, mine.Upcoming)
	}
	pending := testkit.Must(store.ListSwaps(ctx, a.DB(), store.SwapFilter{Status: zhitong.SwapPending}))(t)
	if len(pending) != 1 || pending[0].DeputyID != me.DeputyID {
		t.Fatalf("pending swaps = %+v", pending)
	}
	// Staff see a roster for the station of the demo deputy.
	staff := principal(t, a, committee)
	days := testkit.Must(a.Roster(ctx, staff, pending[0].StationID, today, soon))(t)
	if len(days) == 0 || len(days[0].Duties) == 0 {
		t.Fatalf("roster = %+v", days)
	}
	// Running the whole load again (as after an interruption) changes no
	// fact and adds no swap.
	if err := a.DB().Write(ctx, func(tx *store.Tx) error { return tx.SetMeta(ctx, metaLoaded, "") }); err != nil {
		t.Fatal(err)
	}
	if !testkit.Must(Load(ctx, a))(t) {
		t.Fatal("the second load did not run")
	}
	if c, m, e := count(zhitong.DutyCheckedIn), count(zhitong.DutyNoShow), count(zhitong.DutyExcused); c != checked || m != missed || e != excused {
		t.Fatalf("after reloading: %d/%d/%d, before %d/%d/%d", c, m, e, checked, missed, excused)
	}
	if n := len(testkit.Must(store.ListSwaps(ctx, a.DB(), store.SwapFilter{Status: zhitong.SwapPending}))(t)); n != 1 {
		t.Fatalf("%d pending swaps after reloading", n)
	}
}
