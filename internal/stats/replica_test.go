package stats_test

import (
	"errors"
	"reflect"
	"testing"

	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/stats"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestStatisticsReadFromTheReadDatabase: with --read-db (app.Config.Reports)
// the dashboard reads from the replica and nothing writes there. On
// PostgreSQL a "replica" on the same server and schema gives the same
// dashboard; one on an empty schema gives an empty dashboard while the
// database holds the cases (so the reads did go there); a write through
// it is refused by Write and by the server; and intake and a sweep on an
// App with the replica set still work (their writes went to the
// database). SQLite has no replica: --read-db refuses a file.
func TestStatisticsReadFromTheReadDatabase(t *testing.T) {
	a, clock, f := scenario(t)
	if a.DB().Dialect() == store.SQLite {
		if _, err := store.OpenReplica(ctx, a.DB().DSN); err == nil {
			t.Fatal("a SQLite file accepted as --read-db")
		}
		return
	}
	committee := f.In["committee"]
	q := query("period", "custom", "start", "2026-11-23", "end", "2026-12-31")
	withReports := func(r *store.DB) *app.App {
		sealer, err := pii.NewSealer(testkit.Key)
		if err != nil {
			t.Fatal(err)
		}
		return testkit.Must(app.New(ctx, app.Config{DB: a.DB(), Clock: clock, Sealer: sealer, Reports: r}))(t)
	}
	replica := func(dsn string) *store.DB {
		r := testkit.Must(store.OpenReplica(ctx, dsn))(t)
		t.Cleanup(func() { r.Close() })
		return r
	}
	want := testkit.Must(stats.New(a).Live().Dashboard(ctx, committee, q))(t)
	if reflect.ValueOf(want.Total).IsZero() {
		t.Fatal("the scenario counts nothing: the test could not fail")
	}

	same := replica(a.DB().DSN)
	got := testkit.Must(stats.New(withReports(same)).Live().Dashboard(ctx, committee, q))(t)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dashboard from the replica differs:\n got %+v\nwant %+v", got.Total, want.Total)
	}
	if err := same.Write(ctx, func(*store.Tx) error { return nil }); !errors.Is(err, store.ErrReadOnly) {
		t.Errorf("write through the replica: %v, want ErrReadOnly", err)
	}
	if _, err := same.Exec(ctx, `UPDATE cases SET title = title`); err == nil {
		t.Error("the server took a write on the read-only session")
	}

	emptyDSN := testkit.DSN(t)
	empty := testkit.Must(store.Open(ctx, emptyDSN))(t)
	defer empty.Close()
	testkit.Must(empty.Migrate(ctx))(t)
	b := withReports(replica(emptyDSN))
	if d := testkit.Must(stats.New(b).Live().Dashboard(ctx, committee, q))(t); !reflect.ValueOf(d.Total).IsZero() {
		t.Errorf("dashboard over an empty replica counts %+v: it read the database", d.Total)
	}
	// Writes on an App with a replica go to the database.
	c := submit(t, b, f, "六号：副本不影响受理")
	if _, err := store.GetCase(ctx, a.DB(), c.ID); err != nil {
		t.Errorf("case taken in with a replica set is not in the database: %v", err)
	}
	if _, err := b.SweepOnce(ctx); err != nil {
		t.Errorf("sweep with a replica set: %v", err)
	}
}
