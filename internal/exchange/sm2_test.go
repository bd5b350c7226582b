package exchange_test

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm2"

	"zhitong"
	"zhitong/internal/exchange"
	"zhitong/internal/testkit"
)

// TestSM2Both: a peer configured for SM2. Our key pair is made for it and
// kept sealed; its public key is exported and given to the fake 12345,
// whose public key we import. A referral goes out signed with SM2 and the
// fake verifies it; the fake's status comes in signed with SM2 and is
// applied. An HMAC-signed, unsigned, tampered or wrongly keyed request is
// refused and changes nothing.
func TestSM2Both(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	// Bad public keys are refused on their field.
	_, err := d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: d.fake.URL, RegionCode: "360783",
		Categories: []exchange.Mapping{{Theirs: "A01", Ours: d.category}}, Enabled: true, Signing: exchange.SigningSM2, PeerPublicKey: "not a key"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "peer_public_key" {
		t.Fatalf("field %q", zhitong.ErrorField(err))
	}
	_, err = d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: d.fake.URL, RegionCode: "360783",
		Enabled: true, Signing: "rsa"})
	testkit.WantCode(t, err, zhitong.EINVALID)

	pr := testkit.Must(d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: d.fake.URL, RegionCode: "360783",
		Categories: []exchange.Mapping{{Theirs: "A01", Ours: d.category}}, Enabled: true, Signing: exchange.SigningSM2}))(t)
	if !strings.Contains(pr.PublicKey, "BEGIN PUBLIC KEY") {
		t.Fatalf("no public key made: %q", pr.PublicKey)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_peers WHERE name = 'jx12345' AND sm2_private_enc <> '' AND sm2_private_enc NOT LIKE '%BEGIN%'`); n != 1 {
		t.Fatal("our private key is not stored sealed")
	}
	exported := testkit.Must(d.svc.ExportKey(ctx, "jx12345"))(t)
	if exported != pr.PublicKey {
		t.Fatal("the exported key is not the peer's")
	}
	if again := testkit.Must(d.svc.PublicKey(ctx, d.sys, "jx12345"))(t); again != exported {
		t.Fatal("exporting again made another key")
	}
	_, err = d.svc.PublicKey(ctx, d.committee, "jx12345")
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)

	// Inbound before their key is imported: refused.
	st := exchange.StatusUpdate{OrderNo: "ZT1", Step: exchange.StepAccepted, At: d.clock.Now()}
	_, err = d.svc.Receive(ctx, "jx12345", "status", d.signedSM2(t, nil, "status", st))
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)

	theirs := testkit.Must(d.fake.UseSM2(exported))(t)
	pr.PeerPublicKey = theirs
	testkit.Must(d.svc.SavePeer(ctx, d.sys, *pr))(t)

	// Outbound: signed with SM2, verified by the fake.
	c := d.newCase(t, "小区门口垃圾清运不及时，气味很大")
	c = testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345", Consent: "phone"}))(t)
	if n := d.deliver(t); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	orders, _, _ := d.fake.Snapshot()
	no := exchange.OrderNo(c)
	if _, ok := orders[no]; !ok {
		t.Fatalf("the fake refused our SM2 order: %v", d.fake.Refused)
	}

	// Inbound: refusals first, nothing applied.
	accepted := exchange.StatusUpdate{OrderNo: no, Step: exchange.StepAccepted, Text: "已受理", At: d.clock.Now()}
	hmacSigned := d.signed(t, "status", "", accepted) // signed with the shared secret of the fixture
	other := testkit.Must(sm2.GenerateKey(rand.Reader))(t)
	tampered := d.signedSM2(t, nil, "status", accepted)
	tampered.Body = bytes.Replace(tampered.Body, []byte("accepted"), []byte("returned"), 1)
	unsigned := d.signedSM2(t, nil, "status", accepted)
	unsigned.Header.Del(exchange.HeaderSignature)
	garbage := d.signedSM2(t, nil, "status", accepted)
	garbage.Header.Set(exchange.HeaderSignature, "not base64 at all!")
	for name, req := range map[string]exchange.Request{"hmac": hmacSigned, "wrong key": d.signedSM2(t, other, "status", accepted),
		"tampered": tampered, "unsigned": unsigned, "garbage": garbage} {
		_, err := d.svc.Receive(ctx, "jx12345", "status", req)
		testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
		t.Logf("%s: %v", name, err)
	}
	if os := testkit.Must(d.svc.CaseOrders(ctx, d.committee, c.ID))(t); os[0].Status != "sent" {
		t.Fatalf("refused statuses changed the order: %s", os[0].Status)
	}
	// The fake's own SM2-signed status, over HTTP through its client, is applied; its replay refused.
	req := d.signedSM2(t, nil, "status", accepted)
	testkit.Must(d.svc.Receive(ctx, "jx12345", "status", req))(t)
	_, err = d.svc.Receive(ctx, "jx12345", "status", req)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	if os := testkit.Must(d.svc.CaseOrders(ctx, d.committee, c.ID))(t); os[0].Status != "accepted" {
		t.Fatalf("order %s after the SM2 status", os[0].Status)
	}

	// Back to HMAC: an SM2-signed request is now refused.
	pr.Signing, pr.Secret = exchange.SigningHMAC, secret
	testkit.Must(d.svc.SavePeer(ctx, d.sys, *pr))(t)
	_, err = d.svc.Receive(ctx, "jx12345", "status", d.signedSM2(t, nil, "status", accepted))
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
}

// signedSM2 is a request to us signed with key, or as the fake signs.
func (d *deployment) signedSM2(t testing.TB, key *sm2.PrivateKey, kind string, v any) exchange.Request {
	t.Helper()
	b := testkit.Must(json.Marshal(v))(t)
	path := "/api/v1/exchange/jx12345/" + kind
	req := testkit.Must(http.NewRequest(http.MethodPost, "http://x"+path, bytes.NewReader(b)))(t)
	if key != nil {
		testkit.Must(0, exchange.SignSM2(req, key, b, d.clock.Now()))(t)
	} else {
		d.fake.Sign(req, b)
	}
	return exchange.Request{Method: req.Method, Path: path, Header: req.Header, Body: b}
}
