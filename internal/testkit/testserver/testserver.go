// Package testserver starts the whole HTTP stack over a fresh database with
// the testkit fixture, for tests of the API, Open311 and the web UI.
package testserver

import (
	"net/http/httptest"
	"testing"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// Env is a running server and what it runs on.
type Env struct {
	App     *app.App
	Clock   *testkit.Clock
	Fixture *testkit.Fixture
	Server  *httptest.Server
	// SessionClock times the sessions' idle and absolute timeouts: stopped
	// at the real time of the start (so a slow test is never signed out);
	// advance it to test the timeouts.
	SessionClock *testkit.Clock
}

// Start migrates a fresh database, seeds the fixture and serves it on
// loopback until the test ends.
func Start(tb testing.TB) *Env {
	tb.Helper()
	a, clock := testkit.MustApp(tb)
	f := testkit.Seed(tb, a)
	sc := testkit.NewClock(time.Now())
	srv := httptest.NewServer(server.New(server.Config{App: a, SessionClock: sc}))
	tb.Cleanup(srv.Close)
	return &Env{App: a, Clock: clock, Fixture: f, Server: srv, SessionClock: sc}
}

// StartEmpty migrates a fresh database and serves it on loopback without
// seeding anything, as zhitong serve starts a new deployment: the
// first-run page /setup is open (to the machine itself). Fixture is nil.
func StartEmpty(tb testing.TB) *Env {
	tb.Helper()
	a, clock := testkit.MustApp(tb)
	sc := testkit.NewClock(time.Now())
	srv := httptest.NewServer(server.New(server.Config{App: a, SessionClock: sc}))
	tb.Cleanup(srv.Close)
	return &Env{App: a, Clock: clock, Server: srv, SessionClock: sc}
}
