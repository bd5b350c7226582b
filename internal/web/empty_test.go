package web_test

import (
	"context"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/server"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// freshBench is a server over a deployment just set up with zhitong init
// for 龙南市, without demo data: one station, unit and deputy exist only
// so that station heads, units and deputies can sign in.
func freshBench(t *testing.T, objects bool) (*bench, map[zhitong.Role]*staffer) {
	a, clock := testkit.MustApp(t)
	testkit.SetUp(t, a, "360783")
	ctx := context.Background()
	st := &zhitong.Station{Name: "龙南镇人大代表联络站", RegionCode: "360783100", Kind: "fixed"}
	un := &zhitong.Unit{Name: "龙南市交通运输局", Kind: "department", RegionCode: "360783"}
	dep := &zhitong.Deputy{Name: "王代表", Levels: []string{"county"}, RegionCode: "360783100"}
	err := a.DB().Write(ctx, func(tx *store.Tx) error {
		if !objects {
			return nil
		}
		if err := tx.InsertStation(ctx, st); err != nil {
			return err
		}
		if err := tx.InsertUnit(ctx, un); err != nil {
			return err
		}
		return tx.InsertDeputy(ctx, dep)
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	t.Cleanup(srv.Close)
	b := &bench{t: t, app: a, clock: clock, srv: srv}
	staff := map[zhitong.Role]*staffer{}
	for _, r := range zhitong.Roles {
		p := zhitong.Principal{Name: "测试" + r.Label, Role: r.Value, RegionCode: "360783"}
		needs := r.Value == zhitong.RoleStationHead || r.Value == zhitong.RoleUnit || r.Value == zhitong.RoleDeputy
		if needs && !objects || r.Value == zhitong.RoleIntegration {
			continue
		}
		switch r.Value {
		case zhitong.RoleStationHead:
			p.StationID = st.ID
		case zhitong.RoleUnit:
			p.UnitID = un.ID
		case zhitong.RoleDeputy:
			p.DeputyID = dep.ID
		}
		staff[r.Value] = b.login(p, "t_"+string(r.Value))
	}
	return b, staff
}

// workPages are the workbench pages a fresh deployment can show.
var workPages = []string{"/work", "/work/cases", "/work/supervision", "/work/bulletins", "/work/callbacks", "/work/follow-ups", "/work/inactive",
	"/work/stations", "/work/deputies", "/work/duties", "/work/duty", "/work/roster", "/work/appointments", "/work/notices", "/work/points",
	"/work/deliveries", "/work/templates", "/work/intake", "/work/policy", "/account", "/work/units", "/work/regions", "/work/categories"}

// TestFreshDeploymentEmptyStates walks the portal and the workbench of a
// county just set up without demo data: every page works for every role,
// and the empty lists say what to do next, with a link.
func TestFreshDeploymentEmptyStates(t *testing.T) {
	b, staff := freshBench(t, false)
	jar, _ := cookiejar.New(nil)
	anon := &staffer{b: b, http: &http.Client{Jar: jar}}
	for path, want := range map[string][]string{
		"/":          {"龙南市人大常委会", "尚未在平台上登记联络站", `href="/submit"`, "主办：龙南市人大常委会代表工作委员会"},
		"/results":   {"暂无办理结果", `href="/submit"`},
		"/bulletins": {"暂无公开的通报", `href="/results"`},
		"/submit":    {"我要反映"},
		"/track":     {"查询"},
	} {
		pg := anon.get(path)
		if pg.status != 200 {
			t.Errorf("%s: %d", path, pg.status)
		}
		rawHas(t, pg, want...)
	}
	for role, s := range staff {
		for _, path := range workPages {
			if pg := s.get(path); pg.status != 200 && pg.status != 403 {
				t.Errorf("%s %s: %d", role, path, pg.status)
			}
		}
	}
	c := staff[zhitong.RoleCommittee]
	for path, want := range map[string][]string{
		"/work":              {"开始使用", `href="/work/units/new"`, `href="/work/deputies/new"`, `href="/work/stations/new"`, `href="/work/import"`},
		"/work/stations":     {"还没有联络站", `href="/work/stations/new"`, `href="/work/import"`},
		"/work/deputies":     {"还没有代表档案", `href="/work/deputies/new"`},
		"/work/cases":        {"没有符合条件的案件", `href="/work/intake"`, `href="/submit"`},
		"/work/roster":       {"没有联络站", `href="/work/stations/new"`},
		"/work/bulletins":    {"尚无通报", `href="/work/policy"`},
		"/work/duty":         {"暂无记录", `href="/work/duty/new?kind=reception"`},
		"/work/appointments": {"暂无预约", "还没有联络站", `href="/work/stations"`},
		"/work/points":       {"暂无数据", `href="/work/deputies"`},
		"/work/deliveries":   {"没有符合条件的发送记录", `href="/work/templates"`},
		"/work/supervision":  {"没有符合条件的督办案件"},
		"/work/callbacks":    {"没有待回访的案件", "电话回访"},
		"/work/inactive":     {"没有需要提醒的代表", `href="/work/deputies"`},
		"/work/units":        {"还没有承办单位", `href="/work/units/new"`},
		"/work/categories":   {"政策咨询", "道路交通"},
	} {
		rawHas(t, c.get(path), want...)
	}
	if pg := c.get("/work/bulletins"); strings.Contains(pg.body, "zhitong sweep") {
		t.Error("the bulletins page tells staff to run a command")
	}
	rawHas(t, staff[zhitong.RoleOfficer].get("/work"), "开始使用", "请代表工委添加承办单位")
	if pg := staff[zhitong.RoleAnalyst].get("/work"); strings.Contains(pg.body, "开始使用") {
		t.Error("an analyst is asked to add reference data")
	}
	rawHas(t, staff[zhitong.RoleAnalyst].get("/work/cases"), "登记后会出现在这里")

	// The empty portal takes a citizen's opinion all the same.
	pg := anon.post("/submit", url.Values{"body": {"龙南镇新街口路灯坏了一个月，晚上看不清路。"}, "region": {"360783100"},
		"category": {"roads"}, "anonymous": {"1"}, "privacy": {"1"}})
	if !strings.HasSuffix(pg.url, "/submit/done") {
		t.Fatalf("submitting on a fresh deployment: %d at %s", pg.status, pg.url)
	}
	rawHas(t, c.get("/work/cases"), "路灯坏了")

	// With a station, a unit and a deputy: the roles scoped to them.
	_, staff = freshBench(t, true)
	rawHas(t, staff[zhitong.RoleUnit].get("/work/cases"), "交给本单位办理的案件会出现在这里")
	rawHas(t, staff[zhitong.RoleDeputy].get("/work/appointments"), "预约您接待")
	rawHas(t, staff[zhitong.RoleStationHead].get("/work/deputies"), "请联系代表工委或人大干事建档")
	if pg := staff[zhitong.RoleCommittee].get("/work"); strings.Contains(pg.body, "开始使用") {
		t.Error("the first steps stay after stations, units and deputies exist")
	}
}

// rawHas checks the page's HTML as sent (links included).
func rawHas(t *testing.T, pg benchPage, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(pg.raw, w) && !strings.Contains(pg.body, w) {
			t.Errorf("page %s (%d) lacks %q", pg.url, pg.status, w)
		}
	}
}

// hrefs are the /work… links of a page's HTML, unescaped, in order, once each.
var hrefRe = regexp.MustCompile(`href="(/work[^"#]*)"`)

func workLinks(raw string) []string {
	seen, out := map[string]bool{}, []string(nil)
	for _, m := range hrefRe.FindAllStringSubmatch(raw, -1) {
		l := html.UnescapeString(m[1])
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// TestFreshDeploymentLinksOpen walks, for every role, the portal and the
// workbench of a fresh county (without and with a station, unit and
// deputy) and follows every /work… link each page it may open shows: an
// empty state or a next step must not send a role to a page it may not
// open (403), nor to a broken one.
func TestFreshDeploymentLinksOpen(t *testing.T) {
	for _, objects := range []bool{false, true} {
		b, staff := freshBench(t, objects)
		for role, s := range staff {
			pages := append([]string{"/"}, workPages...)
			if role == zhitong.RoleDeputy {
				var id int64
				if err := b.app.DB().QueryRow(t.Context(), `SELECT id FROM deputies LIMIT 1`).Scan(&id); err != nil {
					t.Fatal(err)
				}
				pages = append(pages, "/work/deputies/"+strconv.FormatInt(id, 10)+"/report")
			}
			followed := map[string]bool{}
			for _, path := range pages {
				pg := s.get(path)
				if pg.status != 200 {
					continue
				}
				for _, l := range workLinks(pg.raw) {
					if followed[l] {
						continue
					}
					followed[l] = true
					if got := s.get(l); got.status == 403 || got.status >= 500 {
						t.Errorf("objects=%v %s: %s links to %s → %d", objects, role, path, l, got.status)
					}
				}
			}
		}
	}
}
