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

// TestExchangeCategoryEditor: on a deployment set up without demo data,
// the system administrator edits a peer's category map row by row: an
// unknown category of ours and a duplicated code of theirs are refused on
// that row's field with nothing saved; good rows are saved with the
// hotline's names, a cleared row removed, and the JSON import keeps the
// names; others may not open the editor.
func TestExchangeCategoryEditor(t *testing.T) {
	b, staff := freshBench(t, false)
	sys, officer := staff[zhitong.RoleSysAdmin], staff[zhitong.RoleOfficer]
	ctx := b.t.Context()
	var cat, cat2 string
	testkit.Must(0, b.app.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&cat))(t)
	testkit.Must(0, b.app.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code DESC LIMIT 1`).Scan(&cat2))(t)
	sysP := zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360783", Name: "sys"}
	x := exchange.New(b.app)
	testkit.Must(x.SavePeer(ctx, sysP, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: "https://12345.example",
		Secret: "the-shared-secret-of-this-12345-test", RegionCode: "360783", Enabled: true}))(t)
	const page = "/work/admin/exchange/peers/jx12345/categories"
	wantStatus(t, officer.get(page), http.StatusForbidden)
	benchHas(t, sys.get("/work/admin/exchange"), `href="`+page+`"`)
	pg := sys.get(page)
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "分类对照：jx12345", `name="theirs"`)

	rows := func(r ...[3]string) url.Values {
		v := url.Values{}
		for _, x := range r {
			v.Add("theirs", x[0])
			v.Add("cat_name", x[1])
			v.Add("ours", x[2])
		}
		return v
	}
	// Unknown category of ours on the second filled row (a blank row between).
	pg = sys.post(page, rows([3]string{"A01", "城乡建设", cat}, [3]string{"", "", ""}, [3]string{"A02", "交通出行", "nosuch"}))
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "第 2 行", "本平台分类“nosuch”不存在", `aria-label="第 2 行本平台分类" aria-invalid="true"`, `value="城乡建设"`)
	// A half-filled row (no category of ours chosen) is refused, saying what to do.
	pg = sys.post(page, rows([3]string{"A01", "城乡建设", cat}, [3]string{"A02", "交通出行", ""}))
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "第 2 行：请为对方分类“A02”选择本平台分类", `aria-label="第 2 行本平台分类" aria-invalid="true"`)
	benchLacks(t, pg, "本平台分类“”不存在")
	pg = sys.post(page, rows([3]string{"A01", "城乡建设", cat}, [3]string{"A01", "重复", cat2}))
	wantStatus(t, pg, http.StatusBadRequest)
	benchHas(t, pg, "与第 1 行重复", `aria-label="第 2 行对方分类代码" maxlength="64" value="A01" aria-invalid="true"`)
	if pr := testkit.Must(x.Peer(ctx, sysP, "jx12345"))(t); len(pr.Categories) != 0 {
		t.Fatalf("a refused map saved %d rows", len(pr.Categories))
	}
	pg = sys.post(page, rows([3]string{"A01", "城乡建设", cat}, [3]string{"*", "其他", cat2}, [3]string{"A02", "交通出行", cat2}))
	wantStatus(t, pg, http.StatusOK)
	benchHas(t, pg, "已保存“jx12345”的分类对照（3 项）", `value="交通出行"`)
	// A02 cleared: removed.
	pg = sys.post(page, rows([3]string{"A01", "城乡建设", cat}, [3]string{"*", "其他", cat2}, [3]string{"", "", ""}))
	benchHas(t, pg, "（2 项）")
	pr := testkit.Must(x.Peer(ctx, sysP, "jx12345"))(t)
	if len(pr.Categories) != 2 || pr.Categories[1].Theirs != "A01" || pr.Categories[1].Name != "城乡建设" || pr.Categories[1].Ours != cat {
		t.Fatalf("saved %+v", pr.Categories)
	}
	// The JSON import alongside: names kept for the codes that had them.
	testkit.Must(x.ImportCategories(ctx, sysP, "jx12345", []byte(`{"A01": "`+cat2+`", "*": "`+cat+`"}`)))(t)
	pr = testkit.Must(x.Peer(ctx, sysP, "jx12345"))(t)
	if pr.Categories[1].Name != "城乡建设" || pr.Categories[1].Ours != cat2 {
		t.Fatalf("after import %+v", pr.Categories)
	}
	if n := b.audits("exchange.peer.save"); n != 4 {
		t.Errorf("%d exchange.peer.save audit entries, want 4", n)
	}
}
