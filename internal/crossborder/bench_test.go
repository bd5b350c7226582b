package crossborder_test

import (
	"context"
	"fmt"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// BenchmarkSharedStations is what a case list of a region-scoped staff
// member now pays first: finding the stations shared across the edge of
// their subtree, on a city (赣州市, 18 counties) with a station in every
// town, one in ten of them cross-border with a town of the next county.
func BenchmarkSharedStations(b *testing.B) {
	ctx := context.Background()
	a, _ := testkit.MustApp(b)
	testkit.SetUp(b, a, "3607")
	towns := testkit.Must(store.ListRegions(ctx, a.DB(), "3607"))(b)
	var codes []string
	for _, r := range towns {
		if r.Level == 4 {
			codes = append(codes, r.Code)
		}
	}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for i, code := range codes {
			st := &zhitong.Station{Name: fmt.Sprintf("联络站%d", i), RegionCode: code, Kind: app.StationFixed}
			if i%10 == 0 && i+40 < len(codes) {
				st.Kind = app.StationCrossBorder
			}
			if err := tx.InsertStation(ctx, st); err != nil {
				return err
			}
			if st.Kind == app.StationCrossBorder {
				if err := tx.SetStationRegions(ctx, st.ID, []string{code, codes[i+40]}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d stations", len(codes))
	for b.Loop() {
		if _, err := store.SharedStations(ctx, a.DB(), "360728"); err != nil {
			b.Fatal(err)
		}
	}
}
