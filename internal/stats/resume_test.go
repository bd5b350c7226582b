package stats_test

import (
	"reflect"
	"testing"

	"zhitong"
	"zhitong/internal/stats"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// A catch-up cut short keeps what it settled: the mark moves after each
// chunk, so the next run resumes there instead of starting again from the
// first day (under `serve` the job has one minute; a million cases need
// many runs), and the figures then equal the raw data.
func TestCatchUpResumes(t *testing.T) {
	a, clock, f := scenario(t)
	committee := f.In[zhitong.RoleCommittee]
	s := stats.New(a)
	setDay(clock, "2027-03-10")
	// Make settling 2027-01-20 fail, as a cut-off run would.
	fail := []string{`CREATE TRIGGER stop_settle BEFORE INSERT ON stats_slice_rows
		WHEN NEW.span = '2027-01-20' BEGIN SELECT RAISE(ABORT, 'cut off'); END`}
	undo := `DROP TRIGGER stop_settle`
	if testkit.Postgres() {
		fail = []string{`CREATE FUNCTION stop_settle() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'cut off'; END $$`,
			`CREATE TRIGGER stop_settle BEFORE INSERT ON stats_slice_rows FOR EACH ROW WHEN (NEW.span = '2027-01-20') EXECUTE FUNCTION stop_settle()`}
		undo = `DROP TRIGGER stop_settle ON stats_slice_rows`
	}
	for _, q := range fail {
		if _, err := a.DB().Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	first, err := s.FreezeDue(ctx)
	if err == nil {
		t.Fatal("the cut-off run succeeded")
	}
	mark := testkit.Must(store.StatMark(ctx, a.DB()))(t)
	if mark == "" || mark >= "2027-01-20" {
		t.Fatalf("after a run cut off at 2027-01-20 (%d days settled) the mark is %q: want the end of a chunk before it", first, mark)
	}
	if _, err := a.DB().Exec(ctx, undo); err != nil {
		t.Fatal(err)
	}
	testkit.Must(s.FreezeDue(ctx))(t)
	// Days settled by the first run and not touched since keep the rows it
	// settled them with (as of its chunk's end); a restart from the first
	// day would have settled every day again as of 2027-03-09.
	days := testkit.Must(store.StatSpans(ctx, a.DB(), "2026-01-01", "2027-12-31"))(t)
	kept := 0
	for _, through := range days {
		if through == mark {
			kept++
		}
	}
	if len(days) != 107 || kept == 0 || days["2027-03-09"] != "2027-03-09" {
		t.Errorf("%d days settled, %d kept from the cut-off run (as of %s): want 107, some kept", len(days), kept, mark)
	}
	for _, v := range []string{"2026-12", "2027-01", "2027-02", "2027-03"} {
		q := query("period", "month", "month", v)
		q.Set("slice", "unit")
		got := testkit.Must(s.Dashboard(ctx, committee, q))(t)
		want := testkit.Must(s.Live().Dashboard(ctx, committee, q))(t)
		if got.Total != want.Total || !reflect.DeepEqual(got.Rows, want.Rows) {
			t.Errorf("%s: settled %+v\nraw %+v", v, got.Total, want.Total)
		}
	}
}
