package levels_test

import (
	"context"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/regions"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// BenchmarkRankingsWithHigherDeputies: 龙南's points ranking on a city
// deployment where every township station has 8 township deputies and 2
// city deputies posted to it (store.SumLedger finds the city deputies
// through station_deputies), and 定南 as many of its own.
func BenchmarkRankingsWithHigherDeputies(b *testing.B) {
	ctx := context.Background()
	a, _ := testkit.MustApp(b)
	testkit.SetUp(b, a, "3607")
	ln := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360783", Add: true, Via: "test"}))(b)
	testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360728", Add: true, Via: "test"}))(b)
	tree := testkit.Must(regions.Load())(b)
	deputies := 0
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		for _, county := range []string{"360783", "360728"} {
			for i, town := range tree.Children(county) {
				st := &zhitong.Station{Name: town.Name + "联络站" + strconv.Itoa(i), RegionCode: town.Code, Kind: "fixed"}
				if err := tx.InsertStation(ctx, st); err != nil {
					return err
				}
				var ids []int64
				for j := range 10 {
					d := &zhitong.Deputy{Name: "代表" + strconv.Itoa(deputies), Levels: []string{"township"}, RegionCode: town.Code, StationID: st.ID}
					if j >= 8 {
						d.Levels, d.RegionCode = []string{"city"}, "3607"
					}
					if err := tx.InsertDeputy(ctx, d); err != nil {
						return err
					}
					deputies++
					ids = append(ids, d.ID)
				}
				if err := tx.SetStationDeputies(ctx, st.ID, ids); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	p := testkit.Principal(b, a, ln, zhitong.RoleCommittee)
	b.ResetTimer()
	for b.Loop() {
		rk, err := a.Rankings(ctx, p, "", "")
		if err != nil || len(rk.Deputies) == 0 {
			b.Fatal(err, rk)
		}
	}
	b.ReportMetric(float64(deputies), "deputies")
}
