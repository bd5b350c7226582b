package levels_test

import (
	"context"
	"slices"
	"strconv"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
)

// TestHigherLevelDeputyAtCountyStation: a deputy of the city congress
// (市人大代表), created by the city's committee, is posted by 龙南's
// committee to a township station of 龙南 beside a township deputy; a
// reception day there counts on their scorecard, in 龙南's rankings (the
// deputy and the station's row) and the station's board lists them with
// their level.
func TestHigherLevelDeputyAtCountyStation(t *testing.T) {
	ctx := context.Background()
	d := newCity(t)
	tn := town(t, "360783")
	st := testkit.Must(d.a.CreateStation(ctx, d.lnCo, app.StationInput{Name: "龙南镇人大代表联络站", Kind: "fixed", Region: tn,
		Address: "龙南镇人民路 1 号", Hours: "每周三上午"}))(t)
	local := testkit.Must(d.a.CreateDeputy(ctx, d.lnCo, app.DeputyInput{Name: "王乡代表", Levels: []string{"township"}, Region: tn}))(t)
	cityDep := testkit.Must(d.a.CreateDeputy(ctx, d.city, app.DeputyInput{Name: "刘市代表", Levels: []string{"city"}, Region: "3607"}))(t)
	both := testkit.Must(d.a.CreateDeputy(ctx, d.city, app.DeputyInput{Name: "陈代表", Levels: []string{"city", "county"}, Region: "3607"}))(t)

	// 龙南's committee posts the city deputies to its station.
	prof, _ := testkit.Must2(d.a.SetStationDeputies(ctx, d.lnCo, st.ID, []int64{local.ID, cityDep.ID, both.ID}))(t)
	if len(prof.Deputies) != 3 {
		t.Fatalf("station deputies %+v", prof.Deputies)
	}
	// 定南 cannot post anyone to 龙南's station, nor 龙南 the deputies of 定南.
	dn := testkit.Must(d.a.CreateDeputy(ctx, d.dnCo, app.DeputyInput{Name: "赵定南代表", Levels: []string{"county"}, Region: "360728"}))(t)
	testkit.WantCode(t, err2(d.a.SetStationDeputies(ctx, d.dnCo, st.ID, []int64{dn.ID})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, err2(d.a.SetStationDeputies(ctx, d.lnCo, st.ID, []int64{local.ID, dn.ID})), zhitong.EINVALID)

	// The station's board (public profile) lists the city deputy with the level.
	pub := testkit.Must(d.a.PublicStationProfile(ctx, st.ID))(t)
	i := slices.IndexFunc(pub.Deputies, func(p app.DeputyProfile) bool { return p.ID == cityDep.ID })
	if i < 0 || pub.Deputies[i].LevelText == "" || !containsRune(pub.Deputies[i].LevelText, '市') {
		t.Errorf("board deputies %+v", pub.Deputies)
	}

	// A reception day at the station, recorded by 龙南's committee.
	day := d.clock.Now().In(zhitong.China).Format(time.DateOnly)
	testkit.Must(d.a.CreateRecord(ctx, d.lnCo, app.RecordInput{Kind: zhitong.RecordReception, Day: day, StationID: st.ID,
		Title: "接待选民", Visitors: 6, DeputyIDs: []int64{cityDep.ID}}))(t)
	sc := testkit.Must(d.a.Scorecard(ctx, cityDep.ID, "", ""))(t)
	if sc.Visits != 1 || sc.Received != 6 || sc.Points <= 0 {
		t.Errorf("city deputy's scorecard: visits %d received %d points %d", sc.Visits, sc.Received, sc.Points)
	}
	rk := testkit.Must(d.a.Rankings(ctx, d.lnCo, "", ""))(t)
	row := func(rows []app.RankRow, id int64) *app.RankRow {
		for i := range rows {
			if rows[i].ID == strconv.FormatInt(id, 10) {
				return &rows[i]
			}
		}
		return nil
	}
	if r := row(rk.Deputies, cityDep.ID); r == nil || r.Points != sc.Points {
		t.Errorf("龙南's ranking lacks the city deputy's %d points: %+v", sc.Points, rk.Deputies)
	}
	if r := row(rk.Stations, st.ID); r == nil || r.Points < sc.Points || r.Deputies != 3 {
		t.Errorf("龙南's station row %+v, want ≥ %d points of 3 deputies", r, sc.Points)
	}
	// 定南's ranking has none of it; the city's has the deputy once.
	if r := row(testkit.Must(d.a.Rankings(ctx, d.dnCo, "", ""))(t).Deputies, cityDep.ID); r != nil {
		t.Errorf("定南's ranking has the city deputy: %+v", r)
	}
	cityRk := testkit.Must(d.a.Rankings(ctx, d.city, "", ""))(t)
	n := 0
	for _, r := range cityRk.Deputies {
		if r.ID == strconv.FormatInt(cityDep.ID, 10) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the city's ranking lists the city deputy %d times", n)
	}
}

func containsRune(s string, r rune) bool { return slices.Contains([]rune(s), r) }

func err2[T, U any](_ T, _ U, err error) error { return err }

// TestHigherLevelDeputyOnInactivityList: a city deputy posted to a station
// of 龙南 is on 龙南's inactivity list (约谈提醒) while idle, and 龙南's
// committee may send them the reminder; 定南's list has them not, and
// 定南 cannot remind them; a reception day at the station takes them off.
func TestHigherLevelDeputyOnInactivityList(t *testing.T) {
	ctx := context.Background()
	d := newCity(t)
	tn := town(t, "360783")
	st := testkit.Must(d.a.CreateStation(ctx, d.lnCo, app.StationInput{Name: "龙南镇人大代表联络站", Kind: "fixed", Region: tn,
		Address: "龙南镇人民路 1 号", Hours: "每周三上午"}))(t)
	cityDep := testkit.Must(d.a.CreateDeputy(ctx, d.city, app.DeputyInput{Name: "刘市代表", Levels: []string{"city"}, Region: "3607"}))(t)
	idle := testkit.Must(d.a.CreateDeputy(ctx, d.city, app.DeputyInput{Name: "孙市代表", Levels: []string{"city"}, Region: "3607"}))(t) // posted nowhere
	testkit.Must2(d.a.SetStationDeputies(ctx, d.lnCo, st.ID, []int64{cityDep.ID}))(t)

	listed := func(p zhitong.Principal, id int64) *app.InactiveDeputy {
		t.Helper()
		l := testkit.Must(d.a.Inactive(ctx, p, 30))(t)
		for i := range l.Items {
			if l.Items[i].DeputyID == id {
				return &l.Items[i]
			}
		}
		return nil
	}
	if it := listed(d.lnCo, cityDep.ID); it == nil || it.StationID != st.ID || it.RegionCode != tn {
		t.Errorf("龙南's inactivity list: city deputy %+v, want at station %d in %s", it, st.ID, tn)
	}
	if listed(d.lnCo, idle.ID) != nil || listed(d.dnCo, cityDep.ID) != nil {
		t.Error("a city deputy not posted in 龙南 is on 龙南's list, or the posted one on 定南's")
	}
	if listed(d.city, cityDep.ID) == nil {
		t.Error("the city's own list lacks its deputy")
	}
	testkit.Must(d.a.RemindDeputy(ctx, d.lnCo, cityDep.ID, app.ReminderInput{}))(t)
	testkit.WantCode(t, testkit.Err(d.a.RemindDeputy(ctx, d.dnCo, cityDep.ID, app.ReminderInput{})), zhitong.EFORBIDDEN)
	testkit.WantCode(t, testkit.Err(d.a.RemindDeputy(ctx, d.lnCo, idle.ID, app.ReminderInput{})), zhitong.EFORBIDDEN)

	day := d.clock.Now().In(zhitong.China).Format(time.DateOnly)
	testkit.Must(d.a.CreateRecord(ctx, d.lnCo, app.RecordInput{Kind: zhitong.RecordReception, Day: day, StationID: st.ID,
		Title: "接待选民", Visitors: 3, DeputyIDs: []int64{cityDep.ID}}))(t)
	if it := listed(d.lnCo, cityDep.ID); it != nil {
		t.Errorf("still listed after a reception day: %+v", it)
	}
}
