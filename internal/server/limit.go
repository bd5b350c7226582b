package server

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"zhitong"
)

// limitWindow is the period PublicLimit counts over.
const limitWindow = 10 * time.Minute

// publicEntry reports whether r is one of the entry points anyone on the
// internet may use without an account: submitting, booking, cancelling,
// evaluating, opting out, looking up a code, logging in. These are what a
// script would hammer, so each client gets a budget of them. Whether the
// request is authenticated is not decided here: see (*Server).exempt.
// Open311 requires its api_key on every write.
func publicEntry(r *http.Request) bool {
	p := r.URL.Path
	switch r.Method {
	case http.MethodPost:
		switch p {
		case "/submit", "/login", "/login/code", "/api/v1/session", "/api/v1/submissions", "/api/v1/appointments", "/api/v1/sms-optouts":
			return true
		}
		return strings.HasPrefix(p, "/track/") || strings.HasPrefix(p, "/api/v1/track/") ||
			strings.HasPrefix(p, "/appointments/") ||
			(strings.HasPrefix(p, "/api/v1/appointments/") && strings.HasSuffix(p, "/cancel")) ||
			(strings.HasPrefix(p, "/stations/") && strings.HasSuffix(p, "/book"))
	case http.MethodGet:
		// Looking up a tracking or booking code: a budget stops guessing.
		return strings.HasPrefix(p, "/track/") || strings.HasPrefix(p, "/api/v1/track/") ||
			strings.HasPrefix(p, "/appointments/") || strings.HasPrefix(p, "/api/v1/appointments/")
	}
	return false
}

// limiter is a token bucket per client: each holds up to burst tokens and
// regains burst tokens per limitWindow. It lives in memory: a restart
// forgives everyone, which is acceptable for a guard against scripts.
type limiter struct {
	mu      sync.Mutex
	burst   float64
	clients map[string]*bucket
	swept   time.Time
	now     func() time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int) *limiter {
	return &limiter{burst: float64(burst), clients: map[string]*bucket{}, now: time.Now}
}

// take spends one token of client's bucket. When none is left it returns
// false and how long until one is.
func (l *limiter) take(client string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	rate := l.burst / float64(limitWindow) // tokens per nanosecond
	if now.Sub(l.swept) > limitWindow {
		for k, b := range l.clients {
			if now.Sub(b.at) > limitWindow { // refilled to the brim: forget it
				delete(l.clients, k)
			}
		}
		l.swept = now
	}
	b, ok := l.clients[client]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.clients[client] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+float64(now.Sub(b.at))*rate)
	b.at = now
	if b.tokens < 1-1e-9 { // a waiter told to come back at the exact time is let in
		return false, time.Duration(math.Ceil((1 - b.tokens) / rate))
	}
	b.tokens--
	return true, 0
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

// limit answers 429 to a client that used up its budget of public entries.
func (s *Server) limit(next http.Handler, fail func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	if s.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if publicEntry(r) && !s.exempt(r) {
			if ok, wait := s.limiter.take(clientIP(r, s.proxies)); !ok {
				minutes := int(math.Ceil(wait.Minutes()))
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				err := zhitong.Errorf(zhitong.ETOOMANY, "操作过于频繁，请 %d 分钟后再试（可返回上一页，稍后再提交）", minutes)
				if strings.HasPrefix(r.URL.Path, "/api/") {
					s.fail(w, r, err)
				} else {
					fail(w, r, err)
				}
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// exempt reports whether r carries a credential that actually
// authenticates: an API token the database knows (integrations are not
// counted), or a session of a signed-in account. The mere presence of an
// Authorization header or a cookie proves nothing — sign-in, the portal
// form and the code look-ups never check them — so a junk one is counted
// like any anonymous request.
func (s *Server) exempt(r *http.Request) bool {
	if h := r.Header.Get("Authorization"); h != "" {
		secret, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return false
		}
		p, err := s.app.Authenticate(r.Context(), strings.TrimSpace(secret))
		return err == nil && p.Staff()
	}
	p, err := s.principal(r)
	return err == nil && p.Staff()
}
