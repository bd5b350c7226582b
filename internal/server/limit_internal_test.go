package server

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestLimiterRefillsOverTheWindow(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	l := newLimiter(3)
	l.now = func() time.Time { return now }
	for i := range 3 {
		if ok, _ := l.take("a"); !ok {
			t.Fatalf("request %d of a full bucket refused", i+1)
		}
	}
	ok, wait := l.take("a")
	if ok || wait <= 0 || wait > limitWindow/3 {
		t.Fatalf("4th request: ok %v, wait %v; want refused with a wait of at most %v", ok, wait, limitWindow/3)
	}
	if ok, _ := l.take("b"); !ok {
		t.Fatal("another client shares the first one's bucket")
	}
	now = now.Add(wait)
	if ok, _ := l.take("a"); !ok {
		t.Fatalf("refused again after waiting the %v it was told", wait)
	}
	if ok, _ := l.take("a"); ok {
		t.Fatal("one wait refilled more than one token")
	}
	now = now.Add(2 * limitWindow)
	l.take("b")
	if _, kept := l.clients["a"]; kept {
		t.Error("an idle client's full bucket is kept in memory")
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
