package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/seed"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// BenchmarkPages measures the server time of the main pages over real HTTP
// with a large database: ZHITONG_BENCH_CASES cases (default 100,000) seeded
// by internal/seed into the fixture's county, or the existing database
// ZHITONG_BENCH_DB (a SQLite file or a postgres:// URL; it is migrated and
// two staff accounts are added, so give it a copy) sealed with the key file
// ZHITONG_BENCH_KEY. Each sub-benchmark reports the median and the 99th
// percentile. Run it with:
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 200x
//	ZHITONG_BENCH_DB=/tmp/1m.db ZHITONG_BENCH_KEY=/work/bench/zhitong.key go test ./internal/web -run '^$' -bench Pages -benchtime 200x
//
// Seeding 100,000 cases takes about a minute on two cores.
func BenchmarkPages(b *testing.B) {
	env := benchEnv(b)
	officer := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: env.county}, "ganshi")
	committee := benchLogin(b, env.app, env.url, zhitong.Principal{Role: zhitong.RoleCommittee, RegionCode: env.county}, "weiyuanhui")
	// A cursor deep into the list: the page after the 10,000th case.
	deep := testkit.Must(env.app.ListPage(b.Context(), zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: env.county},
		app.ListInput{Page: app.MaxPage(20, false)}))(b).Next
	// A search's deep page: by cursor, after its 1,000th hit (the numbered
	// pages stop at app.MaxPage(20, true)).
	lastSearch := app.MaxPage(20, true)
	in := app.ListInput{Query: "路灯", Page: lastSearch}
	for i := lastSearch; i <= 50 && (i == lastSearch || in.After != ""); i++ {
		in.After = testkit.Must(env.app.ListPage(b.Context(), zhitong.Principal{Role: zhitong.RoleOfficer, RegionCode: env.county}, in))(b).Next
		in.Page = 0
	}
	deepSearch := in.After
	// The results board's cursor after its 980th row: page 50 read from there.
	var board string
	if rows, _ := testkit.Must2(env.app.PublicResults(b.Context(), app.ResultsInput{Page: 49}))(b); len(rows) > 0 {
		board = rows[len(rows)-1].After
	}
	citizen := &http.Client{}
	pages := []struct {
		name, path string
		client     *http.Client
	}{
		{"portal-home", "/", citizen},
		{"portal-track", "/track/" + env.code, citizen},
		{"portal-results", "/results", citizen},
		{"portal-results-page-50", "/results?page=50", citizen},
		{"portal-results-outcome", "/results?outcome=C", citizen},
		{"portal-results-outcome-page-50", "/results?outcome=C&page=50", citizen},
		{"portal-results-after-980", "/results?page=50&after=" + url.QueryEscape(board), citizen},
		{"portal-bulletins", "/bulletins", citizen},
		{"portal-station", fmt.Sprintf("/stations/%d", env.station), citizen},
		{"portal-results-station", fmt.Sprintf("/results?station=%d", env.station), citizen},
		{"portal-results-town", "/results?town=" + env.town, citizen},
		{"portal-results-category", "/results?category=" + url.QueryEscape(env.category), citizen},
		{"work-home-officer", "/work", officer},
		{"work-home-committee", "/work", committee},
		{"work-cases", "/work/cases", officer},
		{"work-cases-page-100", "/work/cases?page=100", officer},
		{"work-cases-page-500", "/work/cases?page=500", officer},
		{"work-cases-after-10000", "/work/cases?after=" + deep, officer},
		{"work-cases-overdue-due", "/work/cases?status=assigned&sort=due", officer},
		{"work-cases-updated", "/work/cases?sort=updated", officer},
		{"work-search", "/work/cases?q=" + url.QueryEscape("路灯"), officer},
		{fmt.Sprintf("work-search-page-%d", lastSearch), fmt.Sprintf("/work/cases?page=%d&q=", lastSearch) + url.QueryEscape("路灯"), officer},
		{"work-search-after-1000", "/work/cases?q=" + url.QueryEscape("路灯") + "&after=" + deepSearch, officer},
		{"work-search-rare", "/work/cases?q=" + url.QueryEscape("井盖松动"), officer},
		{"work-search-place", "/work/cases?q=" + url.QueryEscape("桂花苑"), officer},
		{"work-search-assigned", "/work/cases?status=assigned&q=" + url.QueryEscape("路灯"), officer},
		{"work-search-due", "/work/cases?sort=due&q=" + url.QueryEscape("路灯"), officer},
		{"work-search-updated", "/work/cases?sort=updated&q=" + url.QueryEscape("路灯"), officer},
		{"api-search", "/api/v1/cases?q=" + url.QueryEscape("路灯"), officer},
		{"api-search-assigned", "/api/v1/cases?status=assigned&q=" + url.QueryEscape("路灯"), officer},
		{"work-supervision", "/work/supervision", committee},
		{"api-supervision", "/api/v1/supervision", committee},
		{"api-supervision-red", "/api/v1/supervision?level=red", committee},
		{"api-deliveries", "/api/v1/deliveries", committee},
		{"api-deliveries-sent", "/api/v1/deliveries?state=sent", committee},
		{"work-case", fmt.Sprintf("/work/cases/%d", env.first), officer},
		{"api-cases", "/api/v1/cases", officer},
		{"api-cases-page-500", "/api/v1/cases?page=500", officer},
	}
	pages = append(pages, morePages(b, env, citizen)...)
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) { measurePage(b, pg.client, env.url+pg.path) })
	}
}

// measurePage gets url b.N times and reports the median and the 99th
// percentile of the time to the whole answer.
func measurePage(b *testing.B, c *http.Client, url string) {
	lat := make([]time.Duration, 0, b.N)
	for b.Loop() {
		t := time.Now()
		res, err := c.Get(url)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("GET %s = %d", url, res.StatusCode)
		}
		lat = append(lat, time.Since(t))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(ms(0.5), "p50-ms")
	b.ReportMetric(ms(0.99), "p99-ms")
}

// benchServer is the server a benchmark measures, and what it needs.
type benchServer struct {
	app     *app.App
	url     string
	county  string // the staff's county
	first   int64  // a running case of it
	code    string // its tracking code
	station int64  // a station of it
	town    string // the case's township
	// category is the case's category (a category's results board).
	category string
}

// benchEnv serves ZHITONG_BENCH_DB, or a fresh database seeded with
// ZHITONG_BENCH_CASES cases.
func benchEnv(b *testing.B) benchServer {
	dsn := os.Getenv("ZHITONG_BENCH_DB")
	if dsn == "" {
		n := testkit.BenchCases(100_000)
		env := testserver.Start(b)
		first, code := seedCases(b, env, n)
		s := benchServer{app: env.App, url: env.Server.URL, county: env.Fixture.County, first: first, code: code, station: env.Fixture.Station}
		return s.withPlace(b)
	}
	ctx := b.Context()
	a := testkit.BenchApp(b, dsn, os.Getenv("ZHITONG_BENCH_KEY"))
	db := a.DB()
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: -1}))
	b.Cleanup(srv.Close)
	s := benchServer{app: a, url: srv.URL}
	// The county of the newest running case, and a station of it (the
	// case's own, or the county's first: an online case often names none).
	err := db.QueryRow(ctx, `SELECT id, code, region_code FROM cases WHERE status IN ('assigned', 'in_progress') ORDER BY id DESC LIMIT 1`).
		Scan(&s.first, &s.code, &s.county)
	if err != nil {
		b.Fatal(err)
	}
	err = db.QueryRow(ctx, `SELECT id FROM stations WHERE region_code LIKE ? || '%' ORDER BY id LIMIT 1`, s.county[:6]).Scan(&s.station)
	if err != nil {
		b.Fatalf("a station of county %s: %v", s.county[:6], err)
	}
	s.county = s.county[:6]
	b.Logf("serving %s: county %s, case %d", dsn, s.county, s.first)
	return s.withPlace(b)
}

// withPlace sets the town and category of the served case: a town's and a
// category's results boards.
func (s benchServer) withPlace(b *testing.B) benchServer {
	err := s.app.DB().QueryRow(b.Context(), `SELECT region_code, COALESCE(category_code, '') FROM cases WHERE id = ?`, s.first).Scan(&s.town, &s.category)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// seedCases fills the fixture's county with n cases of realistic history
// (internal/seed: every status, replies, events, audit, notices, spread
// over three years), and returns a running case's id and tracking code.
func seedCases(b testing.TB, env *testserver.Env, n int) (int64, string) {
	ctx := b.Context()
	res, err := seed.Run(ctx, env.App, seed.Options{Cases: n, Region: env.Fixture.County, Force: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d cases in %s", res.Cases, res.Elapsed.Round(time.Second))
	// PostgreSQL's autovacuum would have vacuumed and analysed a table this
	// size long before anyone looks at it: without statistics its plans are
	// guesses, and without the visibility map no count is index-only.
	if testkit.Postgres() {
		if _, err := env.App.DB().Exec(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	var id int64
	var code string
	err = env.App.DB().QueryRow(ctx, `SELECT id, code FROM cases WHERE status IN ('assigned', 'in_progress') ORDER BY id LIMIT 1`).Scan(&id, &code)
	if err != nil {
		b.Fatal(err)
	}
	return id, code
}

func benchLogin(b *testing.B, a *app.App, base string, p zhitong.Principal, username string) *http.Client {
	username = fmt.Sprintf("%s%d", username, time.Now().UnixNano()%1_000_000) // a database may be benchmarked again
	testkit.Must(a.AddUser(b.Context(), app.System, app.UserInput{Username: username, DisplayName: "压测" + username, Role: p.Role,
		RegionCode: p.RegionCode, StationID: p.StationID, UnitID: p.UnitID, DeputyID: p.DeputyID, Password: "Test-Passw0rd"}))(b)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(base+"/login", url.Values{"username": {username}, "password": {"Test-Passw0rd"}, "next": {"/work"}, "code": {testkit.TwoFactorCode(b, a, username)}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/work" {
		b.Fatalf("login %s: %d at %s", username, res.StatusCode, res.Request.URL)
	}
	return c
}
