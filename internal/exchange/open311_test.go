package exchange_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/exchange"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// open311Endpoint is a GeoReport v2 endpoint: POST requests.json takes a
// service request (form-encoded, api_key required), GET requests/{id}.json
// answers its status.
type open311Endpoint struct {
	mu     sync.Mutex
	posted []map[string]string
	closed bool
}

func (o *open311Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	defer o.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if r.FormValue("api_key") != "open311-key" {
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`[{"code":403,"description":"api_key invalid"}]`))
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v2/requests.json":
		o.posted = append(o.posted, map[string]string{"service_code": r.PostForm.Get("service_code"), "description": r.PostForm.Get("description"),
			"phone": r.PostForm.Get("phone"), "address_string": r.PostForm.Get("address_string")})
		json.NewEncoder(w).Encode([]map[string]string{{"service_request_id": "SR-1"}})
	case r.Method == http.MethodGet && r.URL.Path == "/v2/requests/SR-1.json":
		status, notes := "open", "已派单"
		if o.closed {
			status, notes = "closed", "路灯已修复"
		}
		json.NewEncoder(w).Encode([]map[string]any{{"service_request_id": "SR-1", "status": status, "status_notes": notes,
			"service_code": "streetlight", "requested_datetime": "2026-11-25T09:00:00+08:00"}})
	default:
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`[{"code":404,"description":"not found"}]`))
	}
}

// TestOpen311Referral: a referral to any GeoReport v2 endpoint is POSTed as
// a service request; its status is polled, and when closed its notes close
// the case.
func TestOpen311Referral(t *testing.T) {
	d := newDeployment(t, exchange.Options{PollEvery: time.Minute})
	ep := &open311Endpoint{}
	srv := httptest.NewServer(ep)
	t.Cleanup(srv.Close)
	testkit.Must(d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "city311", Kind: exchange.KindOpen311, BaseURL: srv.URL + "/v2", Secret: "open311-key",
		RegionCode: "360783", Categories: []exchange.Mapping{{Theirs: "streetlight", Ours: d.category}}, Enabled: true}))(t)
	c := d.newCase(t, "路灯不亮已经一个多月了")
	c = testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "city311", Consent: "phone"}))(t)
	if n := d.deliver(t); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	if len(ep.posted) != 1 || ep.posted[0]["service_code"] != "streetlight" || ep.posted[0]["phone"] != "13800138000" {
		t.Fatalf("posted %v", ep.posted)
	}
	// Open311 pushes nothing: a signed request naming it is refused.
	_, err := d.svc.Receive(ctx, "city311", "status", d.signed(t, "status", "", exchange.StatusUpdate{OrderNo: exchange.OrderNo(c), Step: "finished", Result: "x"}))
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)

	if n := testkit.Must(d.svc.PollOpen311(ctx))(t); n != 0 {
		t.Errorf("polled %d before the interval", n)
	}
	d.clock.Advance(2 * time.Minute)
	testkit.Must(d.svc.PollOpen311(ctx))(t)
	os := testkit.Must(d.svc.CaseOrders(ctx, d.committee, c.ID))(t)
	if os[0].Status != "accepted" {
		t.Fatalf("after an open answer: %+v", os[0])
	}
	ep.mu.Lock()
	ep.closed = true
	ep.mu.Unlock()
	d.clock.Advance(2 * time.Minute)
	if n := testkit.Must(d.svc.PollOpen311(ctx))(t); n != 1 {
		t.Fatalf("polled %d", n)
	}
	got := testkit.Must(store.GetCase(ctx, d.a.DB(), c.ID))(t)
	if got.Status != zhitong.StatusClosed || !strings.Contains(got.ReferralResult, "路灯已修复") {
		t.Fatalf("case %s, result %q", got.Status, got.ReferralResult)
	}
	d.clock.Advance(time.Hour)
	if n := testkit.Must(d.svc.PollOpen311(ctx))(t); n != 0 {
		t.Errorf("a finished referral polled again (%d)", n)
	}
}
