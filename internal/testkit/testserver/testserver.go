// Package testserver starts the whole HTTP stack over a fresh database with
// the testkit fixture, for tests of the API, Open311 and the web UI.
package testserver

import (
	"net/http/httptest"
	"testing"

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
}

// Start migrates a fresh database, seeds the fixture and serves it on
// loopback until the test ends.
func Start(tb testing.TB) *Env {
	tb.Helper()
	a, clock := testkit.MustApp(tb)
	f := testkit.Seed(tb, a)
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	tb.Cleanup(srv.Close)
	return &Env{App: a, Clock: clock, Fixture: f, Server: srv}
}

// StartEmpty migrates a fresh database and serves it on loopback without
// seeding anything, as zhitong serve starts a new deployment: the
// first-run page /setup is open (to the machine itself). Fixture is nil.
func StartEmpty(tb testing.TB) *Env {
	tb.Helper()
	a, clock := testkit.MustApp(tb)
	srv := httptest.NewServer(server.New(server.Config{App: a}))
	tb.Cleanup(srv.Close)
	return &Env{App: a, Clock: clock, Server: srv}
}
