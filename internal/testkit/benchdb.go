package testkit

import (
	"testing"

	"zhitong/internal/app"
	"zhitong/internal/pii"
	"zhitong/internal/store"
)

// BenchApp opens an existing database for a benchmark (dsn, as
// ZHITONG_BENCH_DB names it), migrates it and seals with the key file
// keyFile (ZHITONG_BENCH_KEY): e.g. a `zhitong seed` database of a
// million cases. The database is closed when the benchmark ends.
func BenchApp(tb testing.TB, dsn, keyFile string) *app.App {
	tb.Helper()
	ctx := tb.Context()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	key, _, err := pii.ReadKey("", keyFile)
	if err != nil {
		tb.Fatal(err)
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		tb.Fatal(err)
	}
	a, err := app.New(ctx, app.Config{DB: db, Sealer: sealer})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}
