package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sort"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/seed"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// BenchmarkPages measures the server time of the main pages over real HTTP
// with a large database: ZHITONG_BENCH_CASES cases (default 100,000) seeded
// by internal/seed into the fixture's county. Each sub-benchmark reports
// the median and the 95th percentile. Run it with:
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 200x
//
// Seeding 100,000 cases takes about a minute on two cores.
func BenchmarkPages(b *testing.B) {
	n := testkit.BenchCases(100_000)
	env := testserver.Start(b)
	first, code := seedCases(b, env, n)

	officer := benchLogin(b, env, env.Fixture.In[zhitong.RoleOfficer], "ganshi")
	committee := benchLogin(b, env, env.Fixture.In[zhitong.RoleCommittee], "weiyuanhui")
	citizen := &http.Client{}
	pages := []struct {
		name, path string
		client     *http.Client
	}{
		{"portal-home", "/", citizen},
		{"portal-track", "/track/" + code, citizen},
		{"portal-results", "/results", citizen},
		{"work-home-officer", "/work", officer},
		{"work-home-committee", "/work", committee},
		{"work-cases", "/work/cases", officer},
		{"work-cases-page-100", "/work/cases?page=100", officer},
		{"work-cases-overdue-due", "/work/cases?status=assigned&sort=due", officer},
		{"work-search", "/work/cases?q=" + url.QueryEscape("路灯"), officer},
		{"work-case", fmt.Sprintf("/work/cases/%d", first), officer},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				t := time.Now()
				res, err := pg.client.Get(env.Server.URL + pg.path)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("GET %s = %d", pg.path, res.StatusCode)
				}
				lat = append(lat, time.Since(t))
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			ms := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.95), "p95-ms")
		})
	}
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

func benchLogin(b *testing.B, env *testserver.Env, p zhitong.Principal, username string) *http.Client {
	testkit.Must(env.App.AddUser(b.Context(), app.System, app.UserInput{Username: username, DisplayName: p.Name, Role: p.Role,
		RegionCode: p.RegionCode, Password: "Test-Passw0rd"}))(b)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	res, err := c.PostForm(env.Server.URL+"/login", url.Values{"username": {username}, "password": {"Test-Passw0rd"}, "next": {"/work"}, "code": {testkit.TwoFactorCode(b, env.App, username)}})
	if err != nil {
		b.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || res.Request.URL.Path != "/work" {
		b.Fatalf("login %s: %d at %s", username, res.StatusCode, res.Request.URL)
	}
	return c
}
