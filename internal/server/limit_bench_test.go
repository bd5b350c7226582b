package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// cpuTime is the CPU time (user and system) this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLimitCost measures what the database-kept limits cost a public
// request over real HTTP, side by side with the limits off: citizens'
// submissions (a durable write each) and tracking-code look-ups (a read
// each), 16 clients at once, each behind the trusted proxy with its own
// address. Run on both databases:
//
//	go test ./internal/server -run '^$' -bench LimitCost -benchtime 2000x
func BenchmarkLimitCost(b *testing.B) {
	for _, load := range []struct {
		name   string
		method string
		path   string
		body   func(i int64) string
		want   int
	}{
		{"submit", "POST", "/api/v1/submissions", func(i int64) string {
			return fmt.Sprintf(`{"body":"第%d条：历市镇建设路晚上路灯不亮","region":"360728100","phone":"1390797%04d"}`, i, i%10000)
		}, http.StatusCreated},
		{"track", "GET", "/api/v1/track/AAAAAAAA", nil, http.StatusNotFound},
	} {
		for _, limit := range []int{-1, 1 << 30} {
			name := load.name + "/limits-off"
			if limit > 0 {
				name = load.name + "/limits-on"
			}
			b.Run(name, func(b *testing.B) {
				a, _ := testkit.MustApp(b)
				testkit.Seed(b, a)
				srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: limit}))
				defer srv.Close()
				client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
				const workers = 16
				var next atomic.Int64
				var failed atomic.Int64
				lat := make([]time.Duration, b.N)
				b.ResetTimer()
				cpu0 := cpuTime()
				start := time.Now()
				var wg sync.WaitGroup
				for w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						for {
							i := next.Add(1) - 1
							if i >= int64(b.N) {
								return
							}
							var body *strings.Reader
							if load.body != nil {
								body = strings.NewReader(load.body(i))
							} else {
								body = strings.NewReader("")
							}
							req, _ := http.NewRequest(load.method, srv.URL+load.path, body)
							req.Header.Set("Content-Type", "application/json")
							req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d", w))
							t0 := time.Now()
							resp, err := client.Do(req)
							if err != nil || resp.StatusCode != load.want {
								failed.Add(1)
							}
							if resp != nil {
								resp.Body.Close()
							}
							lat[i] = time.Since(t0)
						}
					}()
				}
				wg.Wait()
				elapsed := time.Since(start)
				cpu := cpuTime() - cpu0
				b.StopTimer()
				if n := failed.Load(); n > 0 {
					b.Fatalf("%d requests failed", n)
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
				b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
				b.ReportMetric(pct(0.50), "p50-ms")
				b.ReportMetric(pct(0.99), "p99-ms")
				// CPU time of the whole process (server, client and, on
				// SQLite, the database) per request: steadier than wall
				// time on a shared machine.
				b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/req")
			})
		}
	}
}
