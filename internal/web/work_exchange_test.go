package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"zhitong"
	"zhitong/internal/exchange"
	"zhitong/internal/exchange/fake12345"
	"zhitong/internal/testkit"
)

// TestExchangePages: the system administrator configures a 12345 peer
// (a mistake re-shows the form, the secret never echoed); staff refer a
// case to it with the citizen's consent, which the case then shows; a
// dead letter is retried from the page.
func TestExchangePages(t *testing.T) {
	b := newBench(t)
	fake := fake12345.New("the-shared-secret-of-this-12345-test", b.app.Now)
	t.Cleanup(fake.Close)
	sys := b.login(b.f.In[zhitong.RoleSysAdmin], "x-sys")
	officer := b.login(b.f.In[zhitong.RoleOfficer], "x-officer")
	wantStatus(t, officer.get("/work/admin/exchange"), http.StatusForbidden)
	benchHas(t, sys.get("/work"), `href="/work/admin/exchange"`)

	form := url.Values{"name": {"jx12345"}, "kind": {"12345"}, "base_url": {fake.URL}, "secret": {"too-short"},
		"region": {b.f.County}, "categories": {`{"A01": "roads"}`}, "enabled": {"1"}}
	pg := sys.post("/work/admin/exchange/peers", form)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "共享密钥至少 32 个字符", `value="jx12345"`)
	benchLacks(t, pg, "too-short")
	form.Set("secret", "the-shared-secret-of-this-12345-test")
	form.Set("categories", `{"A01": `)
	pg = sys.post("/work/admin/exchange/peers", form)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "分类对照表应为 JSON 对象")
	form.Set("categories", `{"A01": "roads"}`)
	pg = sys.post("/work/admin/exchange/peers", form)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存对接渠道“jx12345”", `<td data-label="名称">jx12345</td>`)

	id := b.intake("小区门口垃圾清运不及时，气味很大", 0)
	benchHas(t, officer.get(caseURL(id)), "以工单形式转交", "jx12345")
	pg = officer.act(id, "refer", url.Values{"peer": {"jx12345"}})
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "请确认并选择群众同意转交的方式")
	pg = officer.act(id, "refer", url.Values{"peer": {"jx12345"}, "consent": {"phone"}, "note": {"属政府职能"}})
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "对接工单", "电话确认同意", "待发送", "群众已同意转交（电话确认同意）")

	// 12345 refuses it: a dead letter, retried from the page.
	fake.SetMode(fake12345.Refusing)
	testkit.Must(exchange.New(b.app).DeliverDue(b.t.Context()))(t)
	pg = sys.get("/work/admin/exchange")
	benchHas(t, pg, "发送失败（已放弃）", "工单字段不符合规范", "/retry")
	var msg int64
	testkit.Must(0, b.app.DB().QueryRow(b.t.Context(), `SELECT id FROM exchange_messages WHERE status = 'dead'`).Scan(&msg))(t)
	wantStatus(t, officer.post("/work/admin/exchange/messages/"+itoa(msg)+"/retry", nil), http.StatusForbidden)
	fake.SetMode(fake12345.Up)
	pg = sys.post("/work/admin/exchange/messages/"+itoa(msg)+"/retry", nil)
	benchHas(t, pg, "已放回待发")
	testkit.Must(exchange.New(b.app).DeliverDue(b.t.Context()))(t)
	if orders, _, _ := fake.Snapshot(); len(orders) != 1 {
		t.Fatalf("12345 has %d orders", len(orders))
	}
	benchHas(t, officer.get(caseURL(id)), "已送达对方")

	// A refused inbound request is in the page's log.
	_, err := exchange.New(b.app).Receive(b.t.Context(), "jx12345", "orders", exchange.Request{Method: "POST", Path: "/api/v1/exchange/jx12345/orders",
		Header: http.Header{}, Body: []byte(`{"order_no": "GD1"}`), Remote: "192.0.2.7:4000"})
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	benchHas(t, sys.get("/work/admin/exchange"), "拒收的请求", "请求未签名", "GD1", "192.0.2.7:4000")

	// SM2: a bad public key re-shows the form on its field; switched to SM2,
	// our public key downloads from the page (the system administrator only).
	form = url.Values{"name": {"jx12345"}, "kind": {"12345"}, "base_url": {fake.URL}, "signing": {"sm2"}, "peer_public_key": {"garbage"},
		"region": {b.f.County}, "categories": {`{"A01": "roads"}`}, "enabled": {"1"}}
	pg = sys.post("/work/admin/exchange/peers", form)
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "对方公钥无效", `id="xp-pub" name="peer_public_key" rows="4" aria-invalid="true"`)
	form.Del("peer_public_key")
	pg = sys.post("/work/admin/exchange/peers", form)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "尚未导入对方公钥", `href="/work/admin/exchange/peers/jx12345/public-key.pem"`)
	wantStatus(t, officer.get("/work/admin/exchange/peers/jx12345/public-key.pem"), http.StatusForbidden)
	key := sys.get("/work/admin/exchange/peers/jx12345/public-key.pem")
	wantStatus(t, key, http.StatusOK)
	benchHas(t, key, "-----BEGIN PUBLIC KEY-----")
}
