package exchange_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"zhitong"
	"zhitong/internal/exchange"
	"zhitong/internal/server"
	"zhitong/internal/testkit"
)

// TestBadInputRefusedAndLogged: over the real HTTP stack, a malformed,
// unsigned, tampered, replayed, out-of-jurisdiction or unmapped work order,
// and one naming no peer of ours, is each refused with its code and a
// message saying what is wrong, logged in the refusal log the operator
// reads, and changes nothing.
func TestBadInputRefusedAndLogged(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	srv := httptest.NewServer(server.New(server.Config{App: d.a, PublicLimit: -1}))
	t.Cleanup(srv.Close)
	url := srv.URL + "/api/v1/exchange/jx12345/orders"
	wo := exchange.WorkOrder{OrderNo: "GD20261207100", Title: "养老服务站建设", Content: "希望代表推动村里建设养老服务站", Category: "A01",
		AreaCode: d.town, CitizenName: "孙八", CitizenPhone: "13900139002", CreatedAt: d.clock.Now()}
	body := testkit.Must(json.Marshal(wo))(t)
	sign := func(b []byte) func(*http.Request) {
		return func(r *http.Request) { exchange.Sign(r, []byte(secret), b, d.clock.Now()) }
	}
	var replay http.Header
	keep := func(b []byte) func(*http.Request) {
		return func(r *http.Request) { exchange.Sign(r, []byte(secret), b, d.clock.Now()); replay = r.Header.Clone() }
	}
	// The genuine order, taken in once; its exact replay is refused below.
	if code, out := testkit.Must2(d.fake.PostRaw(ctx, url, "", body, keep(body)))(t); code != http.StatusOK {
		t.Fatalf("genuine order: %d %s", code, out)
	}
	before := map[string]int{}
	tables := []string{"cases", "case_events", "exchange_orders", "exchange_received", "exchange_messages", "audit_log"}
	for _, tb := range tables {
		before[tb] = d.count(t, `SELECT COUNT(*) FROM `+tb)
	}
	outside, unmapped := wo, wo
	outside.OrderNo, outside.AreaCode = "GD20261207101", "110101"
	unmapped.OrderNo, unmapped.Category = "GD20261207102", "Z99"
	ob, ub := testkit.Must(json.Marshal(outside))(t), testkit.Must(json.Marshal(unmapped))(t)
	malformed := []byte(`{"order_no": "GD20261207103", "content": `)
	tampered := []byte(strings.Replace(string(body), "养老服务站", "养老院", 1))
	cases := []struct {
		name, url string
		body      []byte
		sign      func(*http.Request)
		status    int
		code      string
		says      string
	}{
		{"malformed", url, malformed, sign(malformed), 400, zhitong.EINVALID, "不是有效的 JSON"},
		{"unsigned", url, body, func(*http.Request) {}, 401, zhitong.EUNAUTHORIZED, "请求未签名"},
		{"tampered", url, tampered, sign(body), 401, zhitong.EUNAUTHORIZED, "签名校验失败"},
		{"replayed", url, body, func(r *http.Request) {
			for k, v := range replay {
				r.Header[k] = v
			}
		}, 401, zhitong.EUNAUTHORIZED, "重放"},
		{"outside", url, ob, sign(ob), 403, zhitong.EFORBIDDEN, "不在本对接渠道的管辖范围内"},
		{"unmapped", url, ub, sign(ub), 400, zhitong.EINVALID, "未配置对方诉求分类"},
		{"unknown peer", srv.URL + "/api/v1/exchange/nosuch/orders", body, sign(body), 401, zhitong.EUNAUTHORIZED, "未知或已停用"},
	}
	for _, c := range cases {
		status, out := testkit.Must2(d.fake.PostRaw(ctx, c.url, "", c.body, c.sign))(t)
		var e struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(out, &e)
		if status != c.status || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.says) {
			t.Errorf("%s: %d %s, want %d %s “%s”", c.name, status, out, c.status, c.code, c.says)
		}
	}
	for _, tb := range tables {
		if n := d.count(t, `SELECT COUNT(*) FROM `+tb); n != before[tb] {
			t.Errorf("refused requests changed %s: %d rows, were %d", tb, n, before[tb])
		}
	}
	log := testkit.Must(d.svc.Refusals(ctx, d.sys, 0))(t)
	if len(log) != len(cases) {
		t.Fatalf("%d refusals logged, want %d: %+v", len(log), len(cases), log)
	}
	for i, c := range cases {
		f := log[len(cases)-1-i] // newest first
		if f.Code != c.code || !strings.Contains(f.Message, c.says) || f.Kind != "orders" || f.Remote == "" {
			t.Errorf("%s logged as %+v", c.name, f)
		}
		if strings.Contains(f.Message, "13900139002") {
			t.Errorf("%s: the log carries the phone", c.name)
		}
	}
	if log[0].Known || !log[1].Known || log[1].OrderNo != "GD20261207102" {
		t.Errorf("log %+v %+v", log[0], log[1])
	}
	_, err := d.svc.Refusals(ctx, d.committee, 0)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	other := zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360781", Name: "other"}
	if mine := testkit.Must(d.svc.Refusals(ctx, other, 0))(t); len(mine) != 1 || mine[0].Known {
		t.Errorf("another county's administrator sees %d refusals, want only the unknown peer's", len(mine))
	}
}
