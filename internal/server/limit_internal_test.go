package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// TestLimiterCountsInTheDatabase: a limiter refuses the request past its
// budget with a wait that is honest (after it, exactly one more request is
// let in), keeps clients apart, and two limiters on one database — two
// servers — count together.
func TestLimiterCountsInTheDatabase(t *testing.T) {
	db := testkit.MustDB(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC) // a window boundary
	clock := func() time.Time { return now }
	one, two := newLimiter(db, clock, slog.Default()), newLimiter(db, clock, slog.Default())
	rule := limitRule{scope: "pub", limit: 3, what: "public"}
	a, b := limitHit{rule, "198.51.100.1"}, limitHit{rule, "198.51.100.2"}
	for i, l := range []*limiter{one, two, one} { // the budget is shared by both servers
		if res, err := l.take(ctx, a); err != nil || !res.ok {
			t.Fatalf("request %d within the budget refused: %+v %v", i+1, res, err)
		}
	}
	res, err := two.take(ctx, a)
	if err != nil || res.ok || !res.fresh || res.wait <= 0 || res.rule.scope != "pub" {
		t.Fatalf("4th request, on the other server: %+v %v; want refused with a wait", res, err)
	}
	wait := res.wait
	if res, _ := two.take(ctx, a); res.ok || res.fresh {
		t.Fatalf("a refused client asking again is answered from memory: %+v", res)
	}
	if res, _ := one.take(ctx, b); !res.ok {
		t.Fatal("another client shares the first one's budget")
	}
	now = now.Add(wait - time.Second)
	if res, _ := two.take(ctx, a); res.ok {
		t.Fatalf("let in a second before the %v it was told", wait)
	}
	now = now.Add(time.Second)
	if res, _ := one.take(ctx, a); !res.ok {
		t.Fatalf("refused after waiting the %v it was told", wait)
	}
	if res, _ := two.take(ctx, a); res.ok {
		t.Fatal("one wait let in more than one request")
	}
	// A limit of 0 or less is off.
	if res, _ := one.take(ctx, limitHit{limitRule{scope: "x", limit: -1}, "c"}); !res.ok {
		t.Fatal("a switched-off rule refused")
	}
	// Rows idle for two windows are expired: the two clients' rows.
	now = now.Add(3 * limitWindow)
	if n, err := db.ExpireLimits(ctx, now.Unix()); err != nil || n != 2 {
		t.Fatalf("expired %d counters (%v), want 2", n, err)
	}
}

// TestSlidingWindowEstimate: the previous window weighs by how much of it
// the last 10 minutes still cover, so a burst across a window boundary
// does not get twice the budget.
func TestSlidingWindowEstimate(t *testing.T) {
	for _, c := range []struct {
		hits, prev, limit int
		f                 float64
		ok                bool
		wait              time.Duration
	}{
		{3, 0, 3, 0, true, 0},
		{4, 0, 3, 0, false, 15 * time.Minute},     // next window, once this one weighs 2/4
		{1, 3, 3, 0.01, false, 394 * time.Second}, // within this window, once prev weighs 1 less: at f = 2/3
		{1, 3, 3, 0.5, true, 0},                   // 1 + 1.5
		{2, 3, 3, 0.5, false, 5 * time.Minute},
		{120, 0, 120, 0.9, true, 0},
		{1, 1, 1, 0.999, false, 10*time.Minute + time.Second}, // a limit of one: a whole window apart
	} {
		ok, wait := verdict(store.LimitCount{Hits: c.hits, Prev: c.prev}, c.limit, c.f)
		if ok != c.ok || (wait-c.wait).Abs() > time.Second {
			t.Errorf("hits %d prev %d limit %d at %.3f: %v %v, want %v %v", c.hits, c.prev, c.limit, c.f, ok, wait, c.ok, c.wait)
		}
	}
}

func TestClientIPBelievesOnlyTrustedProxies(t *testing.T) {
	loopback, err := ParseProxies("127.0.0.1, ::1, 10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote, real, forwarded, want string
	}{
		{"203.0.113.9:5000", "", "", "203.0.113.9"},
		{"203.0.113.9:5000", "1.2.3.4", "5.6.7.8", "203.0.113.9"}, // not a proxy: headers are ignored
		{"127.0.0.1:5000", "198.51.100.7", "5.6.7.8", "198.51.100.7"},
		{"127.0.0.1:5000", "", "1.1.1.1, 198.51.100.8", "198.51.100.8"}, // the entry the proxy added
		{"10.2.3.4:5000", "", "198.51.100.9", "198.51.100.9"},
		{"[::1]:5000", "", "", "::1"},
	} {
		r := httptest.NewRequest("GET", "/track/X", nil)
		r.RemoteAddr = c.remote
		if c.real != "" {
			r.Header.Set("X-Real-IP", c.real)
		}
		if c.forwarded != "" {
			r.Header.Set("X-Forwarded-For", c.forwarded)
		}
		if got := clientIP(r, loopback); got != c.want {
			t.Errorf("clientIP(%s, real %q, forwarded %q) = %s, want %s", c.remote, c.real, c.forwarded, got, c.want)
		}
	}
	if _, err := ParseProxies("127.0.0.1,nginx"); err == nil {
		t.Error("a host name was accepted as a trusted proxy")
	}
}

// BenchmarkLimiterTake measures what a counted request pays for the
// limits: one upsert of its counters in the database. "serial" is one
// request at a time (the latency a request sees); "parallel" is 16
// clients at once (throughput; on SQLite concurrent hits share a group
// commit). Run on both databases:
//
//	go test ./internal/server -run '^$' -bench LimiterTake -benchtime 2000x
//	ZHITONG_TEST_DATABASE_URL=postgres://… go test ./internal/server -run '^$' -bench LimiterTake -benchtime 2000x
func BenchmarkLimiterTake(b *testing.B) {
	db := testkit.MustDB(b)
	l := newLimiter(db, time.Now, slog.Default())
	rule := limitRule{scope: "pub", limit: 1 << 30, what: "public"}
	ctx := context.Background()
	b.Run("serial", func(b *testing.B) {
		for i := range b.N {
			if res, err := l.take(ctx, limitHit{rule, "198.51.100." + string(rune('a'+i%26))}); err != nil || !res.ok {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("signin-3-keys", func(b *testing.B) {
		for i := range b.N {
			c := "198.51.100." + string(rune('a'+i%26))
			if res, err := l.take(ctx, limitHit{rule, c}, limitHit{limitRule{scope: "sia", limit: 1 << 30}, "user" + c},
				limitHit{limitRule{scope: "sic", limit: 1 << 30}, c}); err != nil || !res.ok {
				b.Fatal(res, err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.SetParallelism(8) // 16 goroutines on 2 cores
		var n atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			c := "203.0.113." + string(rune('a'+n.Add(1)))
			for pb.Next() {
				if res, err := l.take(ctx, limitHit{rule, c}); err != nil || !res.ok {
					b.Error(res, err)
					return
				}
			}
		})
	})
}

// TestTokenIsAuthenticatedOnceARequest: a token the rate limiter
// authenticated to exempt a public entry is not looked up again by the
// handler — shown by revoking it in between, which a second look-up would
// notice — for a Bearer header and for Open311's api_key alike. A request
// without the limiter's look-up still checks its token.
func TestTokenIsAuthenticatedOnceARequest(t *testing.T) {
	a, _ := testkit.MustApp(t)
	testkit.Seed(t, a)
	ctx := context.Background()
	s := New(Config{App: a, PublicLimit: 5})
	for _, c := range []struct{ method, path, key string }{
		{"POST", "/api/v1/submissions", "header"},
		{"POST", "/open311/v2/requests.json", "form"},
		{"GET", "/api/v1/cases", "header"}, // not a public entry: nothing exempted it
	} {
		secret, tok, err := a.AddToken(ctx, app.System, "once "+c.path, zhitong.RoleIntegration, "360728")
		if err != nil {
			t.Fatal(err)
		}
		var got zhitong.Principal
		var gotErr error
		h := s.limit(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := a.DB().Write(r.Context(), func(tx *store.Tx) error { return tx.RevokeToken(r.Context(), tok.ID, time.Now()) }); err != nil {
				t.Fatal(err)
			}
			if c.key == "form" {
				got, gotErr = s.open311Principal(r, secret)
			} else {
				got, gotErr = s.principal(r)
			}
		}), func(w http.ResponseWriter, r *http.Request, err error) {
			t.Fatalf("%s: limiter failed: %v", c.path, err)
		})
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.key == "form" {
			r = httptest.NewRequest(c.method, c.path, strings.NewReader("api_key="+secret))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r.Header.Set("Authorization", "Bearer "+secret)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if c.path == "/api/v1/cases" {
			if gotErr == nil {
				t.Errorf("%s: a token revoked before the handler's look-up still authenticated", c.path)
			}
			continue
		}
		if gotErr != nil || got.TokenID != tok.ID {
			t.Errorf("%s: the handler looked the token up again: %+v, %v", c.path, got, gotErr)
		}
	}
}
