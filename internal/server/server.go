// Package server is the HTTP side of the platform: the JSON API under
// /api/v1, the Open311 GeoReport v2 API under /open311/v2 and health checks.
// Handlers decode input, call internal/app and encode the answer; they hold
// no business rules.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"zhitong"

	"zhitong/internal/app"
	"zhitong/internal/hooks"
	"zhitong/internal/setup"
	"zhitong/internal/signin"
	"zhitong/internal/uploads"
	"zhitong/internal/web"
)

// Config configures a Server.
type Config struct {
	App    *app.App
	Logger *slog.Logger
	// SecureCookies marks every cookie Secure. They are also Secure when
	// PublicURL is https, and on any request that came over HTTPS (TLS, or
	// X-Forwarded-Proto: https from a trusted proxy).
	SecureCookies bool
	// PublicURL is the address citizens reach the portal at, for QR codes;
	// empty means the address each page was opened at.
	PublicURL string
	// PublicLimit is how many public entries (submissions, bookings, code
	// look-ups, logins…) one client may make per 10 minutes: 0 means the
	// default, DefaultPublicLimit; negative turns the limit off.
	PublicLimit int
	// SignInLimit is how many failed sign-ins one account name may take
	// per 10 minutes, SignInClientLimit how many one client may make: 0
	// means DefaultSignInLimit and DefaultSignInClientLimit; negative
	// turns the limit off. Every limit is counted in the database, so it
	// holds across several servers on one database.
	SignInLimit, SignInClientLimit int
	// TrustedProxies are the reverse proxies whose X-Real-IP or
	// X-Forwarded-For names the client; nil means loopback only.
	TrustedProxies []netip.Prefix
	// SetupGate holds the one-time token that opens the first-run page
	// (/setup) from another machine; nil: only from the server itself.
	SetupGate *setup.Gate
	// Uploads bounds the photo submissions read at once; nil: uploads.Default().
	Uploads *uploads.Gate
	// SessionClock times the sessions' idle and absolute timeouts (the
	// sign-in policy's); nil is the real clock. It is not the application's
	// clock, which tests move by days while their sessions stay signed in;
	// tests of the timeouts give one of their own.
	SessionClock zhitong.Clock
}

// DefaultPublicLimit is the public entries a client may make per 10 minutes.
const DefaultPublicLimit = 120

// Server serves every HTTP interface of the platform.
type Server struct {
	app      *app.App
	log      *slog.Logger
	sessions *scs.SessionManager
	handler  http.Handler
	mux      *http.ServeMux // the route table, walked by the tests (export_test.go)
	limiter  *limiter
	rules    limitRules
	proxies  []netip.Prefix
	secure   bool // every cookie Secure: --secure-cookies, or an https public URL
	// sessionClock times the session timeouts (Config.SessionClock).
	sessionClock zhitong.Clock
	// publicURL starts the verification URLs of new documents (Config.PublicURL).
	publicURL string
	uploads   *uploads.Gate // shared with the web pages (Config.Uploads)
}

// New builds the server and its route tables.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	sm := scs.New()
	sm.Store = &sessionStore{db: cfg.App.DB()}
	// The sign-in policy's timeouts (internal/signin, checked in principal
	// on the application's clock) are the real ones; these are ceilings
	// that also clear stale rows.
	sm.Lifetime = signin.MaxAbsoluteHours * time.Hour
	sm.IdleTimeout = signin.MaxIdleMinutes * time.Minute
	sm.Cookie.Name = "zhitong_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	secure := cfg.SecureCookies || strings.HasPrefix(strings.ToLower(cfg.PublicURL), "https://")
	sm.Cookie.Secure = secure
	if cfg.SessionClock == nil {
		cfg.SessionClock = zhitong.SystemClock{}
	}
	if cfg.Uploads == nil {
		cfg.Uploads = uploads.Default()
	}
	s := &Server{sessionClock: cfg.SessionClock, app: cfg.App, log: cfg.Logger, sessions: sm, proxies: cfg.TrustedProxies, secure: secure,
		publicURL: cfg.PublicURL, uploads: cfg.Uploads}
	// Every area's part of the case steps, in the step's transaction: the
	// 交办函 and 督办函 (internal/documents), the exchange status.
	hooks.Install(cfg.App, cfg.PublicURL)
	if s.proxies == nil {
		s.proxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}
	s.limiter, s.rules = newLimiter(cfg.App.DB(), cfg.App.Clock().Now, cfg.Logger), newLimitRules(cfg)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	s.apiRoutes(mux)
	s.open311Routes(mux)
	ui, err := web.New(web.Config{App: cfg.App, Sessions: sm, Principal: s.principal, Logger: cfg.Logger, PublicURL: cfg.PublicURL, SetupGate: cfg.SetupGate, Uploads: cfg.Uploads,
		SessionClock: cfg.SessionClock})
	if err != nil {
		panic(err) // the templates are embedded: a parse error is a bug caught by every test
	}
	ui.Routes(mux)
	s.mux, s.handler = mux, s.chain(mux, ui.Fail)
	return s
}

// ServeHTTP makes Server an http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ListenAndServe serves on addr until ctx ends, then shuts down gracefully.
// ready, when not nil, receives the bound address once listening.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(net.Addr)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln, ready)
}

// Serve serves on ln until ctx ends, then shuts down gracefully and closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(net.Addr)) error {
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 60 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	if ready != nil {
		ready(ln.Addr())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := srv.Shutdown(shut); err != nil {
			return err
		}
		if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
			return err
		}
		return nil
	}
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.app.DB().Ping(r.Context()); err != nil {
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// sessionStore keeps scs sessions in the platform's own database.
type sessionStore struct {
	db interface {
		FindSession(ctx context.Context, token string, now time.Time) ([]byte, bool, error)
		CommitSession(ctx context.Context, token string, data []byte, expiry time.Time) error
		DeleteSession(ctx context.Context, token string) error
	}
}

func (s *sessionStore) Find(token string) ([]byte, bool, error) {
	return s.db.FindSession(context.Background(), token, time.Now())
}

func (s *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.db.CommitSession(context.Background(), token, b, expiry)
}

func (s *sessionStore) Delete(token string) error {
	return s.db.DeleteSession(context.Background(), token)
}
