package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

func TestSearchChineseWithFilters(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer := f.In[zhitong.RoleOfficer]
	noise := walkIn(t, a, f, "晚上广场舞噪音太大，影响休息")
	parking := walkIn(t, a, f, "小区停车位不足，车辆乱停")
	clock.Advance(48 * time.Hour)
	online := submit(t, a, f, "建设路停车收费不合理")
	testkit.Must(a.Assign(ctx, officer, parking.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	tests := []struct {
		name string
		in   app.ListInput
		want []int64
	}{
		{"two-character word", app.ListInput{Query: "噪音"}, []int64{noise.ID}},
		{"word in two cases", app.ListInput{Query: "停车"}, []int64{online.ID, parking.ID}},
		{"phrase", app.ListInput{Query: "停车位"}, []int64{parking.ID}},
		{"absent word", app.ListInput{Query: "医院"}, nil},
		{"with status", app.ListInput{Query: "停车", Status: []zhitong.Status{zhitong.StatusAssigned}}, []int64{parking.ID}},
		{"with unit", app.ListInput{Query: "停车", Unit: f.Lead}, []int64{parking.ID}},
		{"with channel", app.ListInput{Query: "停车", Channel: zhitong.ChannelOnline}, []int64{online.ID}},
		{"with station", app.ListInput{Station: f.Station, Query: "噪音"}, []int64{noise.ID}},
		{"with date range", app.ListInput{Query: "停车", From: testkit.Start.AddDate(0, 0, 1).Format(time.DateOnly)}, []int64{online.ID}},
		{"with region", app.ListInput{Query: "停车", Region: f.OtherCounty}, nil},
		{"hostile query", app.ListInput{Query: `"停车" OR 1=1; -- ' & | ! :*`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items, total := testkit.Must2(a.List(ctx, f.In[zhitong.RoleCommittee], tt.in))(t)
			var got []int64
			for _, c := range items {
				got = append(got, c.ID)
			}
			if total != len(tt.want) || !sameIDs(got, tt.want) {
				t.Fatalf("got %v (total %d), want %v", got, total, tt.want)
			}
		})
	}
	// Overdue: move past the parking case's deadline.
	clock.Advance(40 * 24 * time.Hour)
	items, _ := testkit.Must2(a.List(ctx, f.In[zhitong.RoleCommittee], app.ListInput{Overdue: true}))(t)
	if len(items) != 1 || items[0].ID != parking.ID || !items[0].Overdue || items[0].DaysLeft == nil || *items[0].DaysLeft >= 0 {
		t.Fatalf("overdue list: %+v", items)
	}
	_, _, err := a.List(ctx, f.In[zhitong.RoleCommittee], app.ListInput{Query: strings.Repeat("路", 101)})
	testkit.WantCode(t, err, zhitong.EINVALID)
}

func sameIDs(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[int64]bool{}
	for _, x := range a {
		seen[x] = true
	}
	for _, y := range b {
		if !seen[y] {
			return false
		}
	}
	return true
}

// Date filters are China's civil dates: a case submitted at 07:00 Beijing
// time on the 25th (23:00 UTC on the 24th) belongs to the 25th.
func TestListDatesAreChinaDates(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	clock.Set(time.Date(2026, 11, 25, 7, 0, 0, 0, zhitong.China))
	early := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "清晨菜市场门口占道经营", StationID: f.Station}))(t)
	clock.Set(time.Date(2026, 11, 25, 23, 30, 0, 0, zhitong.China))
	late := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "深夜广场舞音响太吵", StationID: f.Station}))(t)
	officer := f.In[zhitong.RoleOfficer]
	for _, c := range []struct {
		from, to string
		want     []int64
	}{
		{"2026-11-25", "2026-11-25", []int64{late.ID, early.ID}},
		{"2026-11-24", "2026-11-24", nil},
		{"2026-11-26", "", nil},
		{"", "2026-11-25", []int64{late.ID, early.ID}},
	} {
		list, _ := testkit.Must2(a.List(ctx, officer, app.ListInput{From: c.from, To: c.to}))(t)
		var got []int64
		for _, s := range list {
			got = append(got, s.ID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("from %q to %q: cases %v, want %v", c.from, c.to, got, c.want)
		}
	}
}
