package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhitong"
	"zhitong/internal/store"
)

// limitWindow is the period every limit counts over.
const limitWindow = 10 * time.Minute

// Default sign-in limits: failed sign-ins per 10 minutes.
const (
	// DefaultSignInLimit is the failed sign-ins one account name may take
	// (whether or not the account exists; the account's own lockout after
	// 5 wrong passwords stays as well).
	DefaultSignInLimit = 10
	// DefaultSignInClientLimit is the failed sign-ins one client may make,
	// across every account name (password spraying).
	DefaultSignInClientLimit = 30
)

// publicEntry reports whether r is one of the entry points anyone on the
// internet may use without an account: submitting, booking, cancelling,
// evaluating, opting out, looking up a code or similar issues, logging in, and Open311's
// requests (which take an api_key). These are what a script would hammer,
// so each client gets a budget of them. Whether the request is
// authenticated is not decided here: see (*Server).exempt.
func publicEntry(r *http.Request) bool {
	p := r.URL.Path
	if strings.HasPrefix(p, "/open311/v2/requests") || strings.HasPrefix(p, "/open311/v2/tokens") {
		return true
	}
	switch r.Method {
	case http.MethodPost:
		if signInPath(r) {
			return true
		}
		switch p {
		case "/submit", "/api/v1/submissions", "/api/v1/appointments", "/api/v1/sms-optouts",
			"/submit/similar", "/api/v1/duplicates/public": // similar issues while typing (internal/dups)
			return true
		}
		return strings.HasPrefix(p, "/track/") || strings.HasPrefix(p, "/api/v1/track/") ||
			strings.HasPrefix(p, "/appointments/") ||
			(strings.HasPrefix(p, "/api/v1/appointments/") && strings.HasSuffix(p, "/cancel")) ||
			(strings.HasPrefix(p, "/stations/") && strings.HasSuffix(p, "/book"))
	case http.MethodGet:
		// Looking up a tracking or booking code: a budget stops guessing.
		return strings.HasPrefix(p, "/track/") || strings.HasPrefix(p, "/api/v1/track/") ||
			strings.HasPrefix(p, "/appointments/") || strings.HasPrefix(p, "/api/v1/appointments/") ||
			p == "/appointments" || // the look-up form: ?code=…
			p == "/verify" || strings.HasPrefix(p, "/verify/") || strings.HasPrefix(p, "/api/v1/verify/") // a document's verification code
	}
	return false
}

// signInPath reports whether r checks a password: the web form and the
// API's session. A second sign-in step (a one-time code) belongs here too.
func signInPath(r *http.Request) bool {
	return r.Method == http.MethodPost && (r.URL.Path == "/login" || r.URL.Path == "/login/code" || r.URL.Path == "/api/v1/session")
}

// limitRule is one budget: at most limit requests per limitWindow for each
// key of its scope.
type limitRule struct {
	scope string // key prefix
	limit int    // <= 0: off
	what  string // the message's subject
}

// limitHit is one request counted against a rule for one subject (a
// client address or an account name).
type limitHit struct {
	rule    limitRule
	subject string
}

// key is the row the hit counts in. Subjects are hashed: the table holds
// no addresses or typed account names (a password typed into the name
// field must not land in the database).
func (h limitHit) key() string {
	sum := sha256.Sum256([]byte(h.subject))
	return h.rule.scope + ":" + hex.EncodeToString(sum[:16])
}

// limiter keeps the counters in the database (store.HitLimits), so every
// server on one database counts together. A key it refused is remembered
// here until its wait is over, so a flood costs no database writes.
type limiter struct {
	db  *store.DB
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	blocked map[string]time.Time // key → refused until
	swept   time.Time
}

func newLimiter(db *store.DB, now func() time.Time, log *slog.Logger) *limiter {
	return &limiter{db: db, now: now, log: log, blocked: map[string]time.Time{}}
}

// window is the fixed window now falls in and how far into it, 0 ≤ f < 1.
func window(now time.Time) (win int64, f float64) {
	us := now.UnixMicro()
	w := limitWindow.Microseconds()
	win = us / w
	if us < 0 && us%w != 0 {
		win--
	}
	return win, float64(us-win*w) / float64(w)
}

// limitResult is take's answer.
type limitResult struct {
	ok    bool
	wait  time.Duration // refused: until one more request would be let in
	rule  limitRule     // refused: the rule that refused (the longest wait)
	win   int64         // the window the hits were counted in, for give
	fresh bool          // refused by the database's counts, not from memory
}

// take counts one request against each hit and reports whether every rule
// still allows it.
func (l *limiter) take(ctx context.Context, hits ...limitHit) (limitResult, error) {
	now := l.now()
	win, f := window(now)
	res := limitResult{ok: true, win: win}
	var keys []string
	var rules []limitHit
	l.mu.Lock()
	for _, h := range hits {
		if h.rule.limit <= 0 {
			continue
		}
		k := h.key()
		if until, ok := l.blocked[k]; ok && now.Before(until) {
			l.mu.Unlock()
			return limitResult{wait: until.Sub(now), rule: h.rule, win: win}, nil
		}
		keys = append(keys, k)
		rules = append(rules, h)
	}
	if len(keys) == 0 {
		l.mu.Unlock()
		return res, nil
	}
	sweep := now.Sub(l.swept) > limitWindow/2
	if sweep {
		l.swept = now
		for k, until := range l.blocked {
			if !now.Before(until) {
				delete(l.blocked, k)
			}
		}
	}
	l.mu.Unlock()
	if sweep {
		go l.expire(now)
	}
	expires := (win + 2) * int64(limitWindow/time.Second)
	counts, err := l.db.HitLimits(ctx, win, expires, keys...)
	if err != nil {
		return limitResult{}, err
	}
	for i, c := range counts {
		good, w := verdict(c, rules[i].rule.limit, f)
		if good {
			continue
		}
		if res.ok || w > res.wait {
			res.rule, res.wait = rules[i].rule, w
		}
		res.ok, res.fresh = false, true
		l.mu.Lock()
		l.blocked[keys[i]] = now.Add(w)
		l.mu.Unlock()
	}
	return res, nil
}

// give takes back hits counted in window win: a sign-in that succeeded is
// not held against the account or the client.
func (l *limiter) give(ctx context.Context, win int64, hits ...limitHit) {
	var keys []string
	for _, h := range hits {
		if h.rule.limit > 0 {
			keys = append(keys, h.key())
		}
	}
	if err := l.db.UnhitLimits(ctx, win, keys...); err != nil {
		l.log.Warn("rate limit: giving back a hit failed", "err", err)
	}
}

// expire deletes the counters that no longer matter. Every server does it
// now and then; it is one small DELETE.
func (l *limiter) expire(now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := l.db.ExpireLimits(ctx, now.Unix()); err != nil {
		l.log.Warn("rate limit: expiring old counters failed", "err", err)
	}
}

// verdict decides on one key's counters f of the way into the window. The
// count is the sliding-window estimate hits + prev × (1 − f): the previous
// window's requests weigh by how much of it the last limitWindow still
// covers, so no burst of twice the limit fits across a window boundary.
// A refusal says how long until one more request would be let in, if the
// client sends nothing meanwhile.
func verdict(c store.LimitCount, limit int, f float64) (bool, time.Duration) {
	if float64(c.Hits)+float64(c.Prev)*(1-f) <= float64(limit)+1e-9 {
		return true, 0
	}
	var wait float64 // in windows
	if c.Hits+1 <= limit && c.Prev > 0 {
		// Within this window, once the previous one weighs little enough.
		wait = 1 - float64(limit-c.Hits-1)/float64(c.Prev) - f
	} else {
		// In the next window, once this one weighs little enough.
		wait = 1 - f + max(0, 1-float64(limit-1)/float64(c.Hits))
	}
	d := time.Duration(math.Ceil(wait * float64(limitWindow) / float64(time.Second)))
	return false, max(d, 1) * time.Second
}

// clientIP is the address a request came from. A reverse proxy's
// X-Real-IP or X-Forwarded-For (its last entry, the one the proxy itself
// added) is believed only when the direct peer is one of the trusted
// proxies; anyone else could write those headers.
func clientIP(r *http.Request, trusted []netip.Prefix) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !inAny(peer.Unmap(), trusted) {
		return host
	}
	if v := strings.TrimSpace(r.Header.Get("X-Real-IP")); v != "" {
		return v
	}
	if v := r.Header.Get("X-Forwarded-For"); v != "" {
		parts := strings.Split(v, ",")
		return strings.TrimSpace(parts[len(parts)-1])
	}
	return host
}

func inAny(a netip.Addr, prefixes []netip.Prefix) bool {
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ParseProxies reads a comma-separated list of addresses or CIDR prefixes
// of trusted reverse proxies, for example "127.0.0.1,::1,10.0.0.0/8".
func ParseProxies(s string) ([]netip.Prefix, error) {
	out := []netip.Prefix{} // empty: trust no proxy
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, zhitong.Invalid("trusted-proxies", "“%s”不是 IP 地址或网段", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// limitRules are the budgets a Server applies.
type limitRules struct {
	public, account, client limitRule
}

func newLimitRules(cfg Config) limitRules {
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v // negative: off
	}
	return limitRules{
		public:  limitRule{scope: "pub", limit: or(cfg.PublicLimit, DefaultPublicLimit), what: "public"},
		account: limitRule{scope: "sia", limit: or(cfg.SignInLimit, DefaultSignInLimit), what: "account"},
		client:  limitRule{scope: "sic", limit: or(cfg.SignInClientLimit, DefaultSignInClientLimit), what: "client"},
	}
}

// limit answers 429 to a client that used up a budget: public entries per
// client, unless a valid credential authenticates the request; failed
// sign-ins per account name and per client, whatever the request carries.
// A sign-in is counted before it is checked (so a burst of parallel
// guesses cannot all slip under the limit) and given back when it
// succeeds.
func (s *Server) limit(next http.Handler, fail failFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		public, signIn := publicEntry(r), signInPath(r)
		if !public && !signIn {
			next.ServeHTTP(w, r)
			return
		}
		client := clientIP(r, s.proxies)
		var hits, signHits []limitHit
		if public && s.rules.public.limit > 0 {
			var exempt bool
			if r, exempt = s.exempt(r); !exempt {
				hits = append(hits, limitHit{s.rules.public, client})
			}
		}
		if signIn {
			// The code step (/login/code) names no account: the pending one
			// is in the session, and the account's own lock-out counts its
			// wrong codes; the client's budget counts them here.
			signHits = []limitHit{{s.rules.client, client}}
			if name := signInName(r); name != "" {
				signHits = append(signHits, limitHit{s.rules.account, name})
			}
			hits = append(hits, signHits...)
		}
		res, err := s.limiter.take(r.Context(), hits...)
		if err != nil {
			fail(w, r, err)
			return
		}
		if !res.ok {
			s.refuse(w, r, fail, res, client)
			return
		}
		if !signIn || len(hits) == 0 {
			next.ServeHTTP(w, r)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status < 400 {
			s.limiter.give(context.WithoutCancel(r.Context()), res.win, signHits...)
		}
	})
}

// refuse answers 429 with Retry-After, in Chinese on pages, with the code
// too_many_requests in the API and in Open311's error list (code 429). The first refusal of a
// key by the database (not the ones this server then refuses from memory)
// is audited.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, fail failFunc, res limitResult, client string) {
	minutes := int(math.Ceil(res.wait.Minutes()))
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(res.wait.Seconds()))))
	var err error
	switch res.rule.what {
	case "account":
		err = zhitong.Errorf(zhitong.ETOOMANY, "该账号登录失败次数过多，请 %d 分钟后再试", minutes)
	case "client":
		err = zhitong.Errorf(zhitong.ETOOMANY, "登录失败次数过多，请 %d 分钟后再试", minutes)
	default:
		err = zhitong.Errorf(zhitong.ETOOMANY, "操作过于频繁，请 %d 分钟后再试（可返回上一页，稍后再提交）", minutes)
	}
	if res.fresh {
		detail := map[string]any{"limit": res.rule.what, "client": client, "method": r.Method, "path": r.URL.Path,
			"retry_after_s": int(math.Ceil(res.wait.Seconds()))}
		aerr := s.app.DB().Write(context.WithoutCancel(r.Context()), func(tx *store.Tx) error {
			return s.app.AppendAudit(r.Context(), tx, zhitong.Citizen, "limit.refused", "limit:"+res.rule.scope, detail)
		})
		if aerr != nil {
			s.log.Warn("rate limit: audit of a refusal failed", "err", aerr)
		}
	}
	if strings.HasPrefix(r.URL.Path, "/open311/") { // the specification's error list, in the asked format
		_, format := splitFormat(r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:])
		if format == "" {
			format = "xml"
		}
		s.open311Fail(w, r, format, err)
		return
	}
	fail(w, r, err)
}

// statusRecorder remembers the status a handler answered with.
type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusRecorder) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// peekBody reads up to n bytes of r's body and puts them back, so the
// handler reads the whole body as sent.
func peekBody(r *http.Request, n int64) []byte {
	if r.Body == nil || r.Body == http.NoBody {
		return nil
	}
	buf, _ := io.ReadAll(io.LimitReader(r.Body, n))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
	return buf
}

// signInName is the account name a sign-in names, read as the handler
// will read it (the form's first username, or the JSON's), in lower case.
func signInName(r *http.Request) string {
	buf := peekBody(r, maxBody)
	var name string
	if r.URL.Path == "/login/code" {
		return ""
	}
	if r.URL.Path == "/login" {
		v, _ := url.ParseQuery(string(buf))
		name = v.Get("username")
	} else {
		var in struct {
			Username string `json:"username"`
		}
		json.NewDecoder(bytes.NewReader(buf)).Decode(&in)
		name = in.Username
	}
	return strings.ToLower(strings.TrimSpace(name))
}

// exempt reports whether r carries a credential that actually
// authenticates: an API token the database knows (integrations are not
// counted), or a session of a signed-in account. The mere presence of an
// Authorization header, a cookie or an api_key proves nothing — sign-in,
// the portal form and the code look-ups never check them — so a junk one
// is counted like any anonymous request. The request it returns remembers
// a token it authenticated, so the handler does not look it up again.
func (s *Server) exempt(r *http.Request) (*http.Request, bool) {
	secret, ok := "", false
	switch {
	case strings.HasPrefix(r.URL.Path, "/open311/"):
		secret = open311Key(r)
		ok = secret != ""
	case r.Header.Get("Authorization") != "":
		secret, ok = strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		secret = strings.TrimSpace(secret)
	default:
		p, err := s.principal(r)
		return r, err == nil && p.Staff()
	}
	if !ok {
		return r, false
	}
	p, err := s.app.Authenticate(r.Context(), secret)
	if err != nil {
		return r, false
	}
	return r.WithContext(context.WithValue(r.Context(), tokenKey{}, authenticatedToken{secret, p})), p.Staff()
}

// tokenKey holds the authenticatedToken of a request.
type tokenKey struct{}

// authenticatedToken is a token already authenticated for this request,
// with the principal it acts as.
type authenticatedToken struct {
	secret string
	p      zhitong.Principal
}

// authenticate turns a token into its principal, once per request.
func (s *Server) authenticate(r *http.Request, secret string) (zhitong.Principal, error) {
	if t, ok := r.Context().Value(tokenKey{}).(authenticatedToken); ok && t.secret == secret {
		return t.p, nil
	}
	return s.app.Authenticate(r.Context(), secret)
}

// open311Key is the api_key an Open311 handler will authenticate: the
// form body's, else the query's (r.Form's order), else a Bearer header.
func open311Key(r *http.Request) string {
	if r.Method == http.MethodPost {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct == "application/x-www-form-urlencoded" {
			v, _ := url.ParseQuery(string(peekBody(r, open311MaxForm)))
			if k := strings.TrimSpace(v.Get("api_key")); k != "" {
				return k
			}
		}
	}
	if k := strings.TrimSpace(r.URL.Query().Get("api_key")); k != "" {
		return k
	}
	secret, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(secret)
}
