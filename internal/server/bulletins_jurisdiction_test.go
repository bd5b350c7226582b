package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/export/exporttest"
	"zhitong/internal/server"
	"zhitong/internal/setup"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// bulletinCounty is one county of TestBulletinsStayInTheirCounty: its
// unit, and its monthly and weekly bulletins once the sweep made them.
type bulletinCounty struct {
	code, town, unitName string
	unit                 int64
	committee            zhitong.Principal
	monthly, weekly      int64
}

// TestBulletinsStayInTheirCounty: on a deployment of two counties set up
// with zhitong init (no demo data), each county's committee sees its own
// bulletins alone — in the workbench list, the API list (its total too),
// a bulletin fetched by id (another county's answers 404, as a missing
// one does), the publish action and both Excel exports — and the list's
// export carries the totals its bulletins' pages show. The portal lists
// every published bulletin, each named by its organisation.
func TestBulletinsStayInTheirCounty(t *testing.T) {
	a, clock := testkit.MustApp(t)
	resA := testkit.SetUp(t, a, "360783")
	resB := testkit.Must(setup.New(a).Run(ctx, app.System, setup.Input{Region: "360781", Via: "test", Add: true, Committee: "gongwei_rj"}))(t)
	A := &bulletinCounty{code: "360783", unitName: "甲县交通运输局", committee: testkit.Principal(t, a, resA, zhitong.RoleCommittee)}
	B := &bulletinCounty{code: "360781", unitName: "乙县水务局", committee: testkit.Principal(t, a, resB, zhitong.RoleCommittee)}
	cat := anyCategory(t, a)
	for _, c := range []*bulletinCounty{A, B} {
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT code FROM regions WHERE parent_code = ? ORDER BY code LIMIT 1`, c.code).Scan(&c.town))(t)
		u := &zhitong.Unit{Name: c.unitName, Kind: "department", RegionCode: c.code}
		testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error { return tx.InsertUnit(ctx, u) }))(t)
		c.unit = u.ID
	}
	// A: one case assigned in the month's second week, one in its last
	// full week; B: one, then two. November's bulletin counts them all,
	// the week of 23–29 November the later ones.
	assign := func(c *bulletinCounty, n int) {
		for i := range n {
			k := testkit.Must(a.Intake(ctx, c.committee, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Title: fmt.Sprintf("路灯不亮 %d", i),
				Body: "村口路灯已经坏了一周", CategoryCode: cat, RegionCode: c.town, Name: "王小明", Phone: "13712345678"}))(t)
			testkit.Must(a.Assign(ctx, c.committee, k.ID, app.AssignInput{Version: k.Version, LeadUnit: c.unit}))(t)
		}
	}
	clock.Set(time.Date(2026, 11, 10, 10, 0, 0, 0, zhitong.China))
	assign(A, 1)
	assign(B, 1)
	clock.Set(time.Date(2026, 11, 24, 10, 0, 0, 0, zhitong.China))
	assign(A, 1)
	assign(B, 2)
	clock.Set(time.Date(2026, 12, 1, 9, 0, 0, 0, zhitong.China))
	testkit.Must(a.GenerateDueBulletins(ctx))(t)
	for _, c := range []*bulletinCounty{A, B} {
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT id FROM bulletins WHERE region_code = ? AND period = 'monthly'`, c.code).Scan(&c.monthly))(t)
		testkit.Must(0, a.DB().QueryRow(ctx, `SELECT id FROM bulletins WHERE region_code = ? AND period = 'weekly'`, c.code).Scan(&c.weekly))(t)
	}

	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: -1}))
	t.Cleanup(srv.Close)
	e := &env{t: t, app: a, clock: clock, srv: srv}
	comA := e.login(zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: A.code}, "a_committee")
	offA := e.login(zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: A.code}, "a_officer")
	comB := e.login(zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: B.code}, "b_committee")
	get := func(c *client, path string) (int, []byte) {
		t.Helper()
		res := testkit.Must(c.http.Get(srv.URL + path))(t)
		defer res.Body.Close()
		return res.StatusCode, testkit.Must(io.ReadAll(res.Body))(t)
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }

	for _, tt := range []struct {
		name       string
		c          *client
		mine, them *bulletinCounty
		assigned   map[int64]string // 交办 of the list's export, by bulletin
	}{
		{"A's committee", comA, A, B, map[int64]string{A.monthly: "2", A.weekly: "1"}},
		{"A's officer", offA, A, B, map[int64]string{A.monthly: "2", A.weekly: "1"}},
		{"B's committee", comB, B, A, map[int64]string{B.monthly: "3", B.weekly: "2"}},
	} {
		mine, them := []any{float64(tt.mine.weekly), float64(tt.mine.monthly)}, []int64{tt.them.weekly, tt.them.monthly}
		slices.SortFunc(mine, func(x, y any) int { return int(y.(float64) - x.(float64)) })
		// The API list: its own two bulletins, newest first, and a total of two.
		var pg cursorPage
		if code := tt.c.do("GET", "/api/v1/bulletins", nil, &pg); code != 200 || pg.Total != 2 || len(pg.Items) != 2 {
			t.Errorf("%s: GET /api/v1/bulletins = %d, total %d, %d items; want 2 of its own", tt.name, code, pg.Total, len(pg.Items))
		}
		if got := walkCursor(t, tt.c, "/api/v1/bulletins", "id"); fmt.Sprint(got) != fmt.Sprint(mine) {
			t.Errorf("%s: the API lists bulletins %v, want its own %v", tt.name, got, mine)
		}
		// The workbench list links its own bulletins alone.
		_, page := get(tt.c, "/work/bulletins")
		links := regexp.MustCompile(`href="/work/bulletins/(\d+)"`).FindAllStringSubmatch(string(page), -1)
		if len(links) != 2 {
			t.Errorf("%s: /work/bulletins links %d bulletins, want its own 2", tt.name, len(links))
		}
		for _, l := range links {
			if n, _ := strconv.ParseInt(l[1], 10, 64); slices.Contains(them, n) {
				t.Errorf("%s: /work/bulletins links the other county's bulletin %d", tt.name, n)
			}
		}
		// The other county's bulletin by id: not found, everywhere, as a
		// missing one; its unit's name is nowhere.
		for _, n := range them {
			for _, path := range []string{"/api/v1/bulletins/" + id(n), "/work/bulletins/" + id(n), "/api/v1/bulletins/" + id(n) + "/export",
				"/work/bulletins/" + id(n) + "/export.xlsx"} {
				code, body := get(tt.c, path)
				if code != http.StatusNotFound || strings.Contains(string(body), tt.them.unitName) {
					t.Errorf("%s: GET %s = %d, want 404 without the other county's names", tt.name, path, code)
				}
			}
			// Publishing it: not found for a committee; an officer is
			// refused by role first, which names nothing either.
			want := http.StatusNotFound
			if tt.c == offA {
				want = http.StatusForbidden
			}
			var out apiError
			if code := tt.c.do("POST", "/api/v1/bulletins/"+id(n)+"/publish", nil, &out); code != want {
				t.Errorf("%s: publishing the other county's bulletin = %d %+v, want %d", tt.name, code, out, want)
			}
		}
		// A filter by the other county's region is refused on its field.
		var bad apiError
		if code := tt.c.do("GET", "/api/v1/bulletins?region="+tt.them.code, nil, &bad); code != 400 || bad.Error.Field != "region" {
			t.Errorf("%s: the other county as the region filter = %d %+v, want 400 on region", tt.name, code, bad)
		}
		if code, _ := get(tt.c, "/api/v1/bulletins/export?region="+tt.them.code); code != 400 {
			t.Errorf("%s: the other county as the export's region filter = %d, want 400", tt.name, code)
		}
		// Its own bulletin shows its unit's row.
		if code, body := get(tt.c, "/work/bulletins/"+id(tt.mine.monthly)); code != 200 || !strings.Contains(string(body), tt.mine.unitName) {
			t.Errorf("%s: its own bulletin = %d, or without its unit", tt.name, code)
		}
		// Both exports of the list: its own bulletins, with the totals of
		// their pages (交办: what its unit was assigned in the period).
		for _, path := range []string{"/work/bulletins.xlsx", "/api/v1/bulletins/export"} {
			code, body := get(tt.c, path)
			if code != 200 {
				t.Fatalf("%s: GET %s = %d %s", tt.name, path, code, body)
			}
			s := exporttest.Open(t, body)[0]
			starts, assigned := s.Column(t, "起始日期"), s.Column(t, "交办")
			want := map[string]string{"2026-11-01": tt.assigned[tt.mine.monthly], "2026-11-23": tt.assigned[tt.mine.weekly]}
			got := map[string]string{}
			for i := range starts {
				got[starts[i]] = assigned[i]
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s: %s: 交办 by period start %v, want %v", tt.name, path, got, want)
			}
		}
		// The one bulletin's export: its unit's row.
		code, body := get(tt.c, "/api/v1/bulletins/"+id(tt.mine.monthly)+"/export")
		if code != 200 {
			t.Fatalf("%s: bulletin export = %d", tt.name, code)
		}
		units := exporttest.Open(t, body)[0]
		if names := units.Column(t, "承办单位"); !slices.Contains(names, tt.mine.unitName) || slices.Contains(names, tt.them.unitName) {
			t.Errorf("%s: the bulletin's export names units %q", tt.name, names)
		}
	}

	// The portal: both counties' published bulletins, each named by its
	// organisation; a staff member of neither county reads no rows.
	testkit.Must(a.PublishBulletin(ctx, A.committee, A.monthly))(t)
	testkit.Must(a.PublishBulletin(ctx, B.committee, B.monthly))(t)
	citizen := e.anonymous()
	_, body := get(citizen, "/bulletins")
	for _, c := range []*bulletinCounty{A, B} {
		org := testkit.Must(a.OrganisationFor(ctx, c.code))(t)
		if !regexp.MustCompile(`href="/bulletins/` + id(c.monthly) + `">` + org.Name).Match(body) {
			t.Errorf("the portal does not list %s's bulletin under its organisation %s:\n%s", c.code, org.Name, body)
		}
		if !strings.Contains(string(body), `href="/bulletins?region=`+c.code+`"`) {
			t.Errorf("the portal offers no filter by %s", org.Name)
		}
	}
	// Filtered by a county (or one of its townships): that county's alone.
	for _, path := range []string{"/bulletins?region=" + A.code, "/bulletins?region=" + A.town} {
		_, body = get(citizen, path)
		if n := strings.Count(string(body), `href="/bulletins/`); n != 1 || !strings.Contains(string(body), `href="/bulletins/`+id(A.monthly)+`"`) {
			t.Errorf("%s lists %d bulletins, want %s's one", path, n, A.code)
		}
	}
	if code, _ := get(citizen, "/bulletins?region=999999"); code != 400 {
		t.Errorf("an unknown region filter = %d, want 400", code)
	}
}
