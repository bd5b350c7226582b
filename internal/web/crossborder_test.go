package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestCrossBorderStationPages: on a deployment set up with init for 定南县
// and --add for 和平县 (广东), the committee loads regions from the national
// data, takes in a case about the other side at the shared station through
// the walk-in form's region picker, and the station board names both
// sides' reception days.
func TestCrossBorderStationPages(t *testing.T) {
	ctx := context.Background()
	b := initBench(t, "360728")
	a, clock := b.app, b.clock
	dn := b.login(zhitong.Principal{Name: "定南工委", Role: zhitong.RoleCommittee, RegionCode: "360728"}, "cb_dn")

	// Loading: an unknown code is refused next to its field, a known one loads.
	pg := dn.get("/work/regions")
	benchHas(t, pg, "从全国区划数据加载")
	pg = dn.post("/work/regions/load", url.Values{"codes": {"441624, 441699"}})
	if pg.status != http.StatusBadRequest {
		t.Fatalf("unknown code: %d", pg.status)
	}
	benchHas(t, pg, "441699", "不在全国行政区划数据中")
	if _, err := store.GetRegion(ctx, a.DB(), "441624"); err == nil {
		t.Fatal("a refused load wrote 和平县")
	}
	pg = dn.post("/work/regions/load", url.Values{"codes": {"441624"}})
	benchHas(t, pg, "已加载：广东省河源市和平县")
	if _, err := store.GetRegion(ctx, a.DB(), "441624103"); err != nil {
		t.Fatalf("下车镇 after loading: %v", err)
	}
	// 和平县 gets its own organisation on the same deployment.
	hp := testkit.Principal(t, a, b.add("441624"), zhitong.RoleCommittee)

	sys := app.SystemAs(zhitong.RoleCommittee, "")
	st := testkit.Must(a.CreateStation(ctx, sys, app.StationInput{Name: "岭北镇赣粤边界联络站", Kind: app.StationCrossBorder,
		Region: "360728105", Regions: []string{"360728105", "441624103"}}))(t)
	dnDep := testkit.Must(a.CreateDeputy(ctx, sys, app.DeputyInput{Name: "钟代表", Levels: []string{"county"}, Region: "360728105", StationIDs: []int64{st.ID}}))(t)
	hpDep := testkit.Must(a.CreateDeputy(ctx, sys, app.DeputyInput{Name: "黄代表", Levels: []string{"county"}, Region: "441624103", StationIDs: []int64{st.ID}}))(t)
	// Both sides set reception days at the station they share.
	days := make([]int, 31)
	for i := range days {
		days[i] = i + 1
	}
	testkit.Must(a.SetReceptionRules(ctx, hp, st.ID, []zhitong.ReceptionRule{{Kind: zhitong.RuleMonthDay, Days: days, Holidays: zhitong.HolidayKeep}}, nil))(t)
	day := func(n int) string { return clock.Now().In(zhitong.China).AddDate(0, 0, n).Format(time.DateOnly) }
	testkit.Must(a.AddDuty(ctx, sys, st.ID, dnDep.ID, day(1)))(t)
	testkit.Must(a.AddDuty(ctx, sys, st.ID, hpDep.ID, day(2)))(t)

	board := dn.get("/stations/" + strconv.FormatInt(st.ID, 10))
	benchHas(t, board, "本站由江西省定南县、广东省和平县两地代表轮流接待", "接待方", "钟代表", "黄代表")
	if !regexpMatch(board.body, `江西省定南县</td>\s*<td data-label="值班代表">钟代表`) || !regexpMatch(board.body, `广东省和平县</td>\s*<td data-label="值班代表">黄代表`) {
		t.Fatalf("board does not name each day's side:\n%s", board.body)
	}

	// The portal's form for the station offers the regions it serves first.
	sub := dn.get("/submit?station=" + strconv.FormatInt(st.ID, 10))
	if !regexpMatch(sub.body, `<optgroup label="本联络站服务的地区"><option value="360728105" selected>江西省定南县岭北镇</option><option value="441624103">广东省和平县下车镇</option>`) {
		t.Fatalf("submission form for the shared station:\n%s", sub.body)
	}

	// The walk-in form offers the station's regions, the other side's too.
	form := dn.get("/work/intake")
	benchHas(t, form, "问题所属地区", "广东省和平县下车镇", "江西省定南县岭北镇")
	pg = dn.post("/work/intake", url.Values{"channel": {"walk_in"}, "station_id": {strconv.FormatInt(st.ID, 10)}, "region": {"441624103"},
		"category": {"roads"}, "body": {"下车镇通往岭北的县道塌方，请尽快处理"}, "anonymous": {"1"}})
	if pg.status != http.StatusOK {
		t.Fatalf("walk-in: %d\n%s", pg.status, pg.body)
	}
	list := testkit.First(testkit.Must2(a.List(ctx, hp, app.ListInput{}))(t))
	if len(list) != 1 || list[0].Region != "441624103" {
		t.Fatalf("和平 lists %+v", list)
	}
}

func regexpMatch(s, pattern string) bool { return regexp.MustCompile(pattern).MatchString(s) }
