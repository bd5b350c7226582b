package server_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// BenchmarkIntakeHTTP measures citizen submissions over real HTTP on
// loopback: each one validated, encrypted, indexed, committed durably
// (SQLite synchronous=FULL) and audited before the 201. It reports
// throughput and latency percentiles. Run it with:
//
//	go test ./internal/server -run '^$' -bench IntakeHTTP -benchtime 5000x
func BenchmarkIntakeHTTP(b *testing.B) {
	a, _ := testkit.MustApp(b)
	testkit.Seed(b, a)
	// All 32 clients come from one loopback address: the public limit
	// (a defence against one client hammering the portal) is off here.
	srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: -1}))
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	const workers = 32
	var next atomic.Int64
	lat := make([]time.Duration, b.N)
	var failed atomic.Int64
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				body := fmt.Sprintf(`{"body":"第%d条：历市镇建设路晚上路灯不亮，噪音也大","region":"360728100","name":"王小明","phone":"1390797%04d"}`, i, i%10000)
				t0 := time.Now()
				resp, err := client.Post(srv.URL+"/api/v1/submissions", "application/json", strings.NewReader(body))
				if err != nil || resp.StatusCode != http.StatusCreated {
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
	b.StopTimer()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d submissions failed", n)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
