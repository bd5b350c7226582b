package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/testkit"
	"zhitong/internal/testkit/testserver"
)

// BenchmarkPages measures the server time of the main pages over real HTTP
// with a large database: ZHITONG_BENCH_CASES cases (default 100,000), one in
// twenty registered and assigned. Each sub-benchmark reports the median and
// the 95th percentile. Run it with:
//
//	go test ./internal/web -run '^$' -bench Pages -benchtime 200x
//
// Seeding takes about two minutes on two cores.
func BenchmarkPages(b *testing.B) {
	n := 100_000
	if s := os.Getenv("ZHITONG_BENCH_CASES"); s != "" {
		n, _ = strconv.Atoi(s)
	}
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

// seedCases submits n cases through the application with 32 concurrent
// citizens (group commit), then registers and assigns one in twenty. It
// returns an assigned case's id and a tracking code.
func seedCases(b testing.TB, env *testserver.Env, n int) (int64, string) {
	f := env.Fixture
	ctx := b.Context()
	t0 := time.Now()
	defer func() { b.Logf("seeded %d cases in %s", n, time.Since(t0).Round(time.Second)) }()
	bodies := []string{"建设路晚上路灯不亮，出行不便", "菜市场周边占道经营严重", "村口小桥栏杆松动很危险", "小区噪音扰民到深夜",
		"农田灌溉水渠堵塞", "学校门口上下学拥堵", "医保缴费标准咨询", "老旧小区加装电梯的建议"}
	ids := make([]int64, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Value
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				// Cases arrive over time: about one a minute, so the
				// lists' order is real work for the database.
				env.Clock.Advance(time.Minute)
				c, err := env.App.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: fmt.Sprintf("第%d号：%s", i, bodies[i%int64(len(bodies))]),
					StationID: f.Station, Name: "王小明", Phone: fmt.Sprintf("1390797%04d", i%10000)})
				if err != nil {
					failed.Store(err)
					return
				}
				ids[i] = c.ID
			}
		}()
	}
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	officer := f.In[zhitong.RoleOfficer]
	for i := 0; i < n; i += 20 {
		testkit.Must(env.App.Register(ctx, officer, ids[i], app.RegisterInput{CategoryCode: "roads"}))(b)
		testkit.Must(env.App.Assign(ctx, officer, ids[i], app.AssignInput{LeadUnit: f.Lead}))(b)
	}
	// PostgreSQL's autovacuum would have vacuumed and analysed a table this
	// size long before anyone looks at it: without statistics its plans are
	// guesses, and without the visibility map no count is index-only.
	if testkit.Postgres() {
		if _, err := env.App.DB().Exec(ctx, `VACUUM ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	c := testkit.Must(env.App.Get(ctx, officer, ids[0]))(b)
	return ids[0], c.Code
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
