package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// contentSecurityPolicy allows this site's own scripts, styles, images and
// forms only: no inline script or style (pages use static files:
// /static/page.js for the print and back buttons), no framing, no plugins.
// Photos are served with a stricter policy of their own.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// securityHeaders sets the headers every answer carries; a handler may
// replace them (photos use "default-src 'none'; sandbox"). Cookies are
// marked Secure when the request came over HTTPS — directly, or through a
// trusted proxy that says so — or when the deployment is HTTPS throughout.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		secure := s.secure || s.overHTTPS(r)
		if secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
			w = &secureCookieWriter{ResponseWriter: w}
		}
		next.ServeHTTP(w, r)
	})
}

// overHTTPS reports whether r reached us over TLS, or a trusted reverse
// proxy says it did (X-Forwarded-Proto: https).
func (s *Server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if !strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	return err == nil && inAny(peer.Unmap(), s.proxies)
}

// secureCookieWriter adds the Secure attribute to every cookie set on the
// answer, just before the header is written.
type secureCookieWriter struct {
	http.ResponseWriter
	done bool
}

func (w *secureCookieWriter) mark() {
	if w.done {
		return
	}
	w.done = true
	h := w.ResponseWriter.Header()
	cookies := h.Values("Set-Cookie")
	for i, c := range cookies {
		if !strings.Contains(strings.ToLower(c), "; secure") {
			cookies[i] = c + "; Secure"
		}
	}
}

func (w *secureCookieWriter) WriteHeader(code int) {
	w.mark()
	w.ResponseWriter.WriteHeader(code)
}

func (w *secureCookieWriter) Write(b []byte) (int, error) {
	w.mark()
	return w.ResponseWriter.Write(b)
}

func (w *secureCookieWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
