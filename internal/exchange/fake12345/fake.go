// Package fake12345 is a local stand-in for a provincial 12345 hotline
// platform, for tests: it takes work orders at POST /orders and statuses at
// POST /status, checks their HMAC-SM3 (or, after UseSM2, SM2) signatures, timestamps and nonces as
// the real one does, deduplicates by work-order number and idempotency key,
// and can be made to fail (errors, timeouts, down for hours). It also sends
// signed statuses and orders to a Zhitong deployment, as 12345 would.
package fake12345

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"zhitong/internal/documents"
	"zhitong/internal/exchange"
)

// Mode is how the fake answers.
type Mode int

// Modes.
const (
	Up       Mode = iota // answers normally
	Down                 // drops every connection (the platform is down)
	Failing              // answers 500 without taking anything in
	SlowOK               // takes the order in, then answers after Delay (the caller times out)
	Refusing             // answers 400 (a permanent refusal)
)

// Server is the fake platform.
type Server struct {
	*httptest.Server
	Secret []byte
	Now    func() time.Time // its clock, for the timestamp window
	Delay  time.Duration    // SlowOK's delay (default 2 s)

	mu       sync.Mutex
	mode     Mode
	nonces   map[string]bool
	keys     map[string]bool
	Orders   map[string]exchange.WorkOrder // taken in, by order number
	Statuses []exchange.StatusUpdate       // taken in, in order
	Requests int                           // requests received, whatever happened
	taken    int
	Refused  []string // why requests were refused

	// SM2 (UseSM2): the fake's own key, and ours it verifies us with.
	key  *sm2.PrivateKey
	ours *ecdsa.PublicKey
}

// UseSM2 switches the fake to SM2 signatures both ways: it verifies our
// requests with ourPEM (our public key for it, exported from the admin
// page or `zhitong exchange key export`) and signs its own with a key pair
// of its own, whose public key (PEM) it returns for us to import.
func (f *Server) UseSM2(ourPEM string) (string, error) {
	pub, err := documents.ParsePublicPEM(ourPEM)
	if err != nil {
		return "", err
	}
	key, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return "", err
	}
	f.mu.Lock()
	f.key, f.ours = key, pub
	f.mu.Unlock()
	return documents.PublicPEM(&key.PublicKey)
}

// Sign signs req (whose body is body) as the fake does, SM2 after UseSM2:
// tests replay or tamper with what it signs.
func (f *Server) Sign(req *http.Request, body []byte) {
	f.mu.Lock()
	key := f.key
	f.mu.Unlock()
	if key != nil {
		exchange.SignSM2(req, key, body, f.Now())
		return
	}
	exchange.Sign(req, f.Secret, body, f.Now())
}

// New starts a fake with secret, whose clock is now.
func New(secret string, now func() time.Time) *Server {
	f := &Server{Secret: []byte(secret), Now: now, Delay: 2 * time.Second, nonces: map[string]bool{}, keys: map[string]bool{},
		Orders: map[string]exchange.WorkOrder{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// SetMode changes how the fake answers from now on.
func (f *Server) SetMode(m Mode) {
	f.mu.Lock()
	f.mode = m
	f.mu.Unlock()
}

// Snapshot returns copies of what the fake took in.
func (f *Server) Snapshot() (orders map[string]exchange.WorkOrder, statuses []exchange.StatusUpdate, requests int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	orders = map[string]exchange.WorkOrder{}
	for k, v := range f.Orders {
		orders[k] = v
	}
	return orders, append([]exchange.StatusUpdate(nil), f.Statuses...), f.Requests
}

func (f *Server) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.Requests++
	mode := f.mode
	f.mu.Unlock()
	switch mode {
	case Down:
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
				return
			}
		}
		http.Error(w, "down", http.StatusBadGateway)
		return
	case Failing:
		answer(w, http.StatusInternalServerError, map[string]any{"code": "500", "message": "系统繁忙，请稍后重试"})
		return
	case Refusing:
		answer(w, http.StatusBadRequest, map[string]any{"code": "400", "message": "工单字段不符合规范"})
		return
	}
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	status, out := f.take(r, body)
	if mode == SlowOK {
		time.Sleep(f.Delay)
	}
	answer(w, status, out)
}

// take verifies and applies one request.
func (f *Server) take(r *http.Request, body []byte) (int, any) {
	req := exchange.Request{Method: r.Method, Path: r.URL.Path, Header: r.Header, Body: body}
	f.mu.Lock()
	defer f.mu.Unlock()
	var nonce string
	var err error
	if f.ours != nil {
		nonce, err = exchange.VerifySM2(f.ours, req, f.Now())
	} else {
		nonce, err = exchange.Verify(f.Secret, req, f.Now())
	}
	if err != nil {
		f.Refused = append(f.Refused, err.Error())
		return http.StatusUnauthorized, map[string]any{"code": "401", "message": err.Error()}
	}
	if f.nonces[nonce] {
		f.Refused = append(f.Refused, "replay")
		return http.StatusUnauthorized, map[string]any{"code": "401", "message": "重放的请求"}
	}
	f.nonces[nonce] = true
	key := r.Header.Get(exchange.HeaderKey)
	switch r.URL.Path {
	case "/orders":
		var wo exchange.WorkOrder
		if err := json.Unmarshal(body, &wo); err != nil || wo.OrderNo == "" || wo.Content == "" {
			f.Refused = append(f.Refused, "malformed order")
			return http.StatusBadRequest, map[string]any{"code": "400", "message": "工单格式错误"}
		}
		if _, dup := f.Orders[wo.OrderNo]; !dup {
			f.Orders[wo.OrderNo] = wo
			f.taken++
		}
		return http.StatusOK, exchange.Receipt{OrderNo: wo.OrderNo, Code: "GD" + wo.OrderNo}
	case "/status":
		var st exchange.StatusUpdate
		if err := json.Unmarshal(body, &st); err != nil || st.OrderNo == "" {
			return http.StatusBadRequest, map[string]any{"code": "400", "message": "状态格式错误"}
		}
		if !f.keys[key] {
			f.keys[key] = true
			f.Statuses = append(f.Statuses, st)
		}
		return http.StatusOK, exchange.Receipt{OrderNo: st.OrderNo}
	}
	return http.StatusNotFound, map[string]any{"code": "404", "message": "接口不存在"}
}

func answer(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// Post sends v, signed with the fake's secret (unless unsigned), to url
// with idempotency key key, and returns the status code and body.
func (f *Server) Post(ctx context.Context, url, key string, v any, unsigned bool) (int, []byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, nil, err
	}
	return f.PostRaw(ctx, url, key, b, func(req *http.Request) {
		if !unsigned {
			f.Sign(req, b)
		}
	})
}

// PostRaw sends body to url after sign has set its headers: tests replay
// or tamper with requests through it.
func (f *Server) PostRaw(ctx context.Context, url, key string, body []byte, sign func(*http.Request)) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(exchange.HeaderKey, key)
	}
	sign(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("fake12345: %w", err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, nil
}

// Taken returns how many work orders the fake took in (a repeated order
// number is not taken in again).
func (f *Server) Taken() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.taken
}
