package demo

import (
	"context"
	"slices"
	"testing"

	"zhitong"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

func TestDemoStationDetails(t *testing.T) {
	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	testkit.Must(Load(ctx, a))(t)
	db := a.DB()
	byName := map[string]int64{}
	for _, s := range testkit.Must(store.ListStations(ctx, db, ""))(t) {
		byName[s.Name] = s.ID
		if s.Name == "鹅公镇圩日流动联络点" && s.Kind != "mobile" {
			t.Errorf("the market-day point is %s, want mobile", s.Kind)
		}
	}
	lingbeiID := byName["岭北镇赣粤边界人大代表联络站"]
	if codes := testkit.Must(store.ListStationRegions(ctx, db, lingbeiID))(t); !slices.Equal(codes, []string{longtang, lingbei}) { // by code
		t.Errorf("cross-border station regions = %v", codes)
	}
	inLongtang := testkit.Must(store.ListStations(ctx, db, longtang))(t)
	if !slices.ContainsFunc(inLongtang, func(s zhitong.Station) bool { return s.ID == lingbeiID }) {
		t.Errorf("龙塘镇's stations lack the cross-border one")
	}
	var lu int64
	for _, d := range testkit.Must(store.ListDeputies(ctx, db, ""))(t) {
		if d.Name == "卢海燕" {
			lu = d.ID
		}
	}
	if ids := testkit.Must(store.DeputyStationIDs(ctx, db, lu))(t); len(ids) != 2 {
		t.Errorf("卢海燕 is at stations %v, want two", ids)
	}
	tags := testkit.Must(store.ListDeputyPhotoTags(ctx, db))(t)
	if len(tags) != len(deputies) {
		t.Errorf("%d deputies have photos, want all %d", len(tags), len(deputies))
	}
	b := testkit.Must(store.GetStationBulletin(ctx, db, byName["历市镇人大代表联络站"]))(t)
	if b.Rules != lishiRules || b.Notice != lishiNotice {
		t.Errorf("历市镇 bulletin = %+v", b)
	}
	staff := testkit.Must(store.ListStationStaff(ctx, db, byName["历市镇人大代表联络站"]))(t)
	if len(staff) != 1 || staff[0].Username != stationHead {
		t.Errorf("历市镇 staff = %v", staff)
	}
}
