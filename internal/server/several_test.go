package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/jobs"
	"zhitong/internal/server"
	"zhitong/internal/sms"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// recordingSMS counts what was sent per idempotency key, for every server.
type recordingSMS struct {
	mu   sync.Mutex
	sent map[string]int
}

func (r *recordingSMS) Name() string { return "record" }

func (r *recordingSMS) Send(ctx context.Context, m sms.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent[m.IdempotencyKey]++
	return "id-" + m.IdempotencyKey, nil
}

func (r *recordingSMS) count() (keys, total int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, n := range r.sent {
		total += n
	}
	return len(r.sent), total
}

// TestTwoServersOnOneDatabaseAreOneSystem runs two servers, each with its
// own App, connection pool and job runner, on ONE database (on PostgreSQL
// the deployment of docs/operations.md, "Several servers behind a load
// balancer"; on SQLite two processes on one file), and shows they behave as
// one system: a session made on one is valid on the other, and signing out
// or disabling the account on one ends it on both; the public limit counts
// across both; a periodic job runs once, not once per server; and every
// SMS is sent once although both servers deliver the outbox at once.
func TestTwoServersOnOneDatabaseAreOneSystem(t *testing.T) {
	t0 := time.Now()
	dsn := testkit.DSN(t)
	clock := testkit.NewClock(testkit.Start)
	open := func() *store.DB {
		db, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return db
	}
	db1, db2 := open(), open()
	a1 := testkit.AppOn(t, db1, clock)
	f := testkit.Seed(t, a1)
	a2 := testkit.AppOn(t, db2, clock)
	serve := func(a *app.App) *env {
		srv := httptest.NewServer(server.New(server.Config{App: a, PublicLimit: 3}))
		t.Cleanup(srv.Close)
		return &env{t: t, app: a, clock: clock, f: f, srv: srv}
	}
	one, two := serve(a1), serve(a2)
	on := func(c *client, e *env) *client { return &client{e: e, http: c.http, auth: c.auth} } // same cookies, other server

	// Jobs: both servers run the runner, as `zhitong serve` does.
	rec := &recordingSMS{sent: map[string]int{}}
	delivery := app.Delivery{SMS: rec, Quiet: app.QuietHours{Off: true}, Lease: time.Minute}
	var probes atomic.Int64
	start := func(a *app.App) {
		r, err := jobs.New(ctx, jobs.Config{DB: a.DB(), Poll: 50 * time.Millisecond, Periodic: []jobs.Periodic{
			{Name: "probe", Interval: time.Hour, Run: func(context.Context) error { probes.Add(1); return nil }},
			{Name: "outbox", Interval: 100 * time.Millisecond, Run: func(ctx context.Context) error {
				_, err := a.DeliverDue(ctx, delivery)
				return err
			}},
		}})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			r.Stop(sctx)
		})
	}
	start(a1)
	start(a2)
	t.Logf("two servers and their jobs up in %v", time.Since(t0))

	// Sessions: made on one, valid on two; signed out on two, gone on one.
	officer := one.login(f.In[zhitong.RoleOfficer], "lb-officer")
	if code := on(officer, two).do("GET", "/api/v1/me", nil, nil); code != http.StatusOK {
		t.Fatalf("a session made on server one, on server two: %d", code)
	}
	u, _ := url.Parse(one.srv.URL)
	stolen := officer.http.Jar.Cookies(u) // what a copied cookie would replay
	if code := on(officer, two).do("DELETE", "/api/v1/session", nil, nil); code != http.StatusNoContent {
		t.Fatalf("sign-out on server two: %d", code)
	}
	replay := func(e *env) int {
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/me", nil)
		for _, c := range stolen {
			req.AddCookie(c)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := replay(one); code != http.StatusUnauthorized {
		t.Errorf("the session signed out on server two, replayed on server one: %d", code)
	}
	// Disabled on two (by its security administrator), ended on one.
	unit := one.login(f.In[zhitong.RoleUnit], "lb-unit")
	sec := two.login(zhitong.Principal{Role: zhitong.RoleSecAdmin, RegionCode: f.County}, "lb-sec")
	target, err := store.GetUserByName(ctx, a1.DB(), "lb-unit")
	if err != nil {
		t.Fatal(err)
	}
	if code := sec.do("POST", "/api/v1/users/"+strconv.FormatInt(target.ID, 10)+"/disable", nil, nil); code != http.StatusOK {
		t.Fatalf("disable on server two: %d", code)
	}
	if code := unit.do("GET", "/api/v1/me", nil, nil); code != http.StatusUnauthorized {
		t.Errorf("an account disabled on server two, on server one: %d", code)
	}

	t.Logf("sessions checked at %v", time.Since(t0))
	// Limits: three look-ups spent on either server exhaust the client's
	// budget on both.
	lookup := func(e *env) int {
		r, _ := sendBody(t, "GET", e.srv.URL+"/api/v1/track/AAAAAAAA", "", "", map[string]string{"X-Forwarded-For": "198.51.100.99"})
		return r.Status
	}
	for i, e := range []*env{one, two, one} {
		if code := lookup(e); code != http.StatusNotFound {
			t.Fatalf("look-up %d within the budget: %d", i+1, code)
		}
	}
	if code := lookup(two); code != http.StatusTooManyRequests {
		t.Errorf("the 4th look-up, on server two: %d, want 429", code)
	}
	if code := lookup(one); code != http.StatusTooManyRequests {
		t.Errorf("the 5th look-up, on server one: %d, want 429", code)
	}

	// SMS: cases submitted on both servers; both deliver the outbox, by
	// their periodic job and by extra passes run side by side.
	const cases = 12
	for i := range cases {
		e := []*env{one, two}[i%2]
		body := `{"body":"小区门口路灯不亮第` + strconv.Itoa(i) + `天","region":"` + f.County + `","phone":"1390797` + strconv.Itoa(1000+i) + `"}`
		r, _ := sendBody(t, "POST", e.srv.URL+"/api/v1/submissions", "application/json", body, map[string]string{"X-Forwarded-For": "203.0.113." + strconv.Itoa(i)})
		if r.Status != http.StatusCreated {
			t.Fatalf("submission %d: %d %s", i, r.Status, r.Body)
		}
	}
	t.Logf("submitted at %v", time.Since(t0))
	var wg sync.WaitGroup
	for _, a := range []*app.App{a1, a2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 5 {
				if _, err := a.DeliverDue(ctx, delivery); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var pending int
		if err := a1.DB().QueryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE channel = 'sms' AND status NOT IN ('sent', 'skipped', 'failed')`).Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if keys, _ := rec.count(); pending == 0 && keys >= cases && probes.Load() >= 1 {
			break
		}
		if time.Now().After(deadline) {
			keys, total := rec.count()
			t.Fatalf("after 20 s: %d SMS pending, %d keys sent (%d sends), probe ran %d times", pending, keys, total, probes.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Logf("delivered and probed at %v", time.Since(t0))
	time.Sleep(500 * time.Millisecond) // ten more outbox ticks, time for a second probe if there were one
	keys, total := rec.count()
	if keys != cases || total != cases {
		t.Errorf("%d SMS sent for %d keys, want each of the %d acknowledgements once", total, keys, cases)
	}
	if n := probes.Load(); n != 1 {
		t.Errorf("the hourly job ran %d times on two servers, want once", n)
	}
}
