package exchange_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	"zhitong"
	"zhitong/internal/exchange"
	"zhitong/internal/testkit"
)

// signedNonce is a request from the fake to us signed now with nonce.
func (d *deployment) signedNonce(t testing.TB, kind, nonce string, v any) exchange.Request {
	t.Helper()
	b := testkit.Must(json.Marshal(v))(t)
	path := "/api/v1/exchange/jx12345/" + kind
	ts := strconv.FormatInt(d.clock.Now().Unix(), 10)
	h := http.Header{}
	h.Set(exchange.HeaderTimestamp, ts)
	h.Set(exchange.HeaderNonce, nonce)
	h.Set(exchange.HeaderSignature, exchange.Signature([]byte(secret), http.MethodPost, path, ts, nonce, b))
	return exchange.Request{Method: http.MethodPost, Path: path, Header: h, Body: b}
}

// TestRefusedOrderKeepsItsNonce: the nonce of an inbound order is recorded
// in the transaction that takes the order in, so an order refused by the
// case's own checks (a bad phone number) uses nothing: the exact same
// request is refused again for the same reason (not as a replay), and the
// corrected order is taken in, even under the same nonce. Once taken in,
// the exact same request is a replay and refused, and a fresh request for
// the same order returns the same case.
func TestRefusedOrderKeepsItsNonce(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	wo := exchange.WorkOrder{OrderNo: "GD20261207001", Title: "农村公路破损", Content: "村道坑洼严重，希望代表关注", Category: "A01",
		AreaCode: d.town, CitizenName: "赵六", CitizenPhone: "12345", CreatedAt: d.clock.Now()}
	const nonce = "nonce-of-the-first-try-0001"
	bad := d.signedNonce(t, "orders", nonce, wo)
	cases := d.count(t, `SELECT COUNT(*) FROM cases`)
	for range 2 { // the second time: the exact same request
		_, err := d.svc.Receive(ctx, "jx12345", "orders", bad)
		testkit.WantCode(t, err, zhitong.EINVALID)
		if f := zhitong.ErrorField(err); f != "phone" {
			t.Fatalf("refused on %q (%v), want phone", f, err)
		}
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_received`); n != 0 {
		t.Fatalf("a refused order left %d nonces", n)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM cases`); n != cases {
		t.Fatalf("a refused order made %d cases", n-cases)
	}

	wo.CitizenPhone = "13900139001"
	fixed := d.signedNonce(t, "orders", nonce, wo)
	rc := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", fixed))(t)
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_received WHERE kind = 'nonce' AND value = ?`, nonce); n != 1 {
		t.Fatalf("%d nonce rows after the order was taken in, want 1", n)
	}
	_, err := d.svc.Receive(ctx, "jx12345", "orders", fixed)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	_, err = d.svc.Receive(ctx, "jx12345", "orders", bad)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED) // its nonce is now used
	again := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", d.signed(t, "orders", "", wo)))(t)
	if again.CaseID != rc.CaseID {
		t.Fatalf("order sent again made case %d, first %d", again.CaseID, rc.CaseID)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM cases`); n != cases+1 {
		t.Fatalf("%d new cases, want 1", n-cases)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_received WHERE kind = 'nonce'`); n != 2 {
		t.Fatalf("%d nonces, want 2 (the taken-in order and its resend)", n)
	}
}
