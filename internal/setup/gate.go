package setup

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
)

// Gate decides who may open the first-run page: a browser on the server
// itself, or anyone holding the one-time set-up token that zhitong serve
// prints in its log when the deployment still needs setting up.
type Gate struct {
	mu    sync.Mutex
	token string // "" once used, or when none was issued
}

// NewGate returns a gate with a fresh random token.
func NewGate() *Gate {
	raw := make([]byte, 15)
	rand.Read(raw)
	return &Gate{token: strings.ToLower(base32.StdEncoding.EncodeToString(raw))}
}

// Token returns the set-up token, "" when there is none (any more).
func (g *Gate) Token() string {
	if g == nil {
		return ""
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.token
}

// Allows reports whether the request may use the set-up page: it comes
// from the machine itself (see Local), or it carries the token.
func (g *Gate) Allows(r *http.Request, token string) bool {
	if Local(r) {
		return true
	}
	want := g.Token()
	return want != "" && token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(want)) == 1
}

// Spend ends the token once set-up is done: it opens nothing any more.
func (g *Gate) Spend() {
	if g == nil {
		return
	}
	g.mu.Lock()
	g.token = ""
	g.mu.Unlock()
}

// Local reports whether a request comes from the machine itself: the TCP
// peer is a loopback address, and no forwarding header (X-Real-IP,
// X-Forwarded-For, Forwarded) names any other address. Headers are only
// ever used to refuse, never to grant, whatever proxies are trusted: a
// reverse proxy on the same machine passes the outside client's address
// on, and that request is not local.
func Local(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if !loopback(host) {
		return false
	}
	var named []string
	named = append(named, r.Header.Values("X-Real-IP")...)
	for _, v := range r.Header.Values("X-Forwarded-For") {
		named = append(named, strings.Split(v, ",")...)
	}
	for _, v := range r.Header.Values("Forwarded") {
		for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == ',' || c == ';' }) {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.EqualFold(k, "for") {
				val = strings.Trim(val, `"`)
				if h, _, err := net.SplitHostPort(val); err == nil {
					val = h
				}
				named = append(named, strings.Trim(val, "[]"))
			}
		}
	}
	for _, a := range named {
		if !loopback(strings.TrimSpace(a)) {
			return false
		}
	}
	return true
}

func loopback(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Unmap().IsLoopback()
}
