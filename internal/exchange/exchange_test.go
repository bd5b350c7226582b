package exchange_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/exchange"
	"zhitong/internal/exchange/fake12345"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

var ctx = context.Background()

const secret = "0123456789abcdef0123456789abcdef-12345"

// deployment is a county set up without --demo, with a 12345 peer served
// by a fake.
type deployment struct {
	a         *app.App
	clock     *testkit.Clock
	svc       *exchange.Service
	fake      *fake12345.Server
	committee zhitong.Principal
	sys       zhitong.Principal
	category  string
	town      string
}

func newDeployment(t testing.TB, opts exchange.Options) *deployment {
	t.Helper()
	a, clock := testkit.MustApp(t)
	res := testkit.SetUp(t, a, "360783")
	d := &deployment{a: a, clock: clock, committee: testkit.Principal(t, a, res, zhitong.RoleCommittee),
		sys: zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360783", Name: "sys", UserID: 999}}
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT code FROM categories ORDER BY code LIMIT 1`).Scan(&d.category))(t)
	testkit.Must(0, a.DB().QueryRow(ctx, `SELECT code FROM regions WHERE code LIKE '360783%' AND code <> '360783' ORDER BY code LIMIT 1`).Scan(&d.town))(t)
	d.fake = fake12345.New(secret, clock.Now)
	t.Cleanup(d.fake.Close)
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 300 * time.Millisecond}
	}
	d.fake.Delay = time.Second
	d.svc = exchange.New(a, opts)
	testkit.Must(d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: d.fake.URL, Secret: secret,
		RegionCode: "360783", Categories: []exchange.Mapping{{Theirs: "A01", Ours: d.category}}, Enabled: true}))(t)
	return d
}

// newCase takes in a registered case at the counter.
func (d *deployment) newCase(t testing.TB, body string) *zhitong.Case {
	t.Helper()
	return testkit.Must(d.a.Intake(ctx, d.committee, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: body, CategoryCode: d.category,
		RegionCode: d.town, Name: "张三", Phone: "13800138000"}))(t)
}

// signed returns a request from the fake to us, signed now.
func (d *deployment) signed(t testing.TB, kind, key string, v any) exchange.Request {
	t.Helper()
	b := testkit.Must(json.Marshal(v))(t)
	path := "/api/v1/exchange/jx12345/" + kind
	req := testkit.Must(http.NewRequest(http.MethodPost, "http://x"+path, bytes.NewReader(b)))(t)
	if key != "" {
		req.Header.Set(exchange.HeaderKey, key)
	}
	exchange.Sign(req, []byte(secret), b, d.clock.Now())
	return exchange.Request{Method: req.Method, Path: path, Header: req.Header, Body: b}
}

func (d *deployment) count(t testing.TB, query string, args ...any) int {
	t.Helper()
	var n int
	testkit.Must(0, d.a.DB().QueryRow(ctx, query, args...).Scan(&n))(t)
	return n
}

func (d *deployment) deliver(t testing.TB) int {
	t.Helper()
	return testkit.Must(d.svc.DeliverDue(ctx))(t)
}

// TestReferralRoundTrip: a case outside the remit goes to 12345 with the
// citizen's consent; its status, result and satisfaction come back signed
// and are recorded on the case; bad, unsigned and replayed statuses are
// refused and change nothing.
func TestReferralRoundTrip(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	c := d.newCase(t, "小区门口垃圾清运不及时，气味很大")

	// No consent: refused, nothing written.
	_, err := d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if zhitong.ErrorField(err) != "consent" {
		t.Errorf("field %q, want consent", zhitong.ErrorField(err))
	}
	_, err = d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "nosuch", Consent: "phone"})
	testkit.WantCode(t, err, zhitong.EINVALID)
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages`); n != 0 {
		t.Fatalf("%d messages after refused referrals", n)
	}
	got := testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345", Consent: "phone", Note: "属政府职能"}))(t)
	if got.Status != zhitong.StatusReferred {
		t.Fatalf("status %s, want referred", got.Status)
	}
	// The body of the queued message is sealed: the phone is not in the table.
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages WHERE body_enc LIKE '%13800138000%'`); n != 0 {
		t.Error("the work order is stored in clear")
	}
	if n := d.deliver(t); n != 1 {
		t.Fatalf("delivered %d, want 1", n)
	}
	orders, _, _ := d.fake.Snapshot()
	no := exchange.OrderNo(got)
	wo, ok := orders[no]
	if !ok || wo.CitizenPhone != "13800138000" || wo.Consent != "phone" || wo.Category != "A01" || wo.AreaCode != d.town {
		t.Fatalf("12345 got %+v (ok %v)", wo, ok)
	}
	if n := d.deliver(t); n != 0 {
		t.Errorf("delivered again: %d", n)
	}

	// Refusals change nothing.
	events := d.count(t, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, c.ID)
	accepted := exchange.StatusUpdate{OrderNo: no, Step: exchange.StepAccepted, Text: "已受理", At: d.clock.Now()}
	unsigned := d.signed(t, "status", "", accepted)
	unsigned.Header.Del(exchange.HeaderSignature)
	tampered := d.signed(t, "status", "", accepted)
	tampered.Body = bytes.Replace(tampered.Body, []byte("accepted"), []byte("finished"), 1)
	for name, req := range map[string]exchange.Request{"unsigned": unsigned, "tampered": tampered} {
		_, err := d.svc.Receive(ctx, "jx12345", "status", req)
		testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
		t.Logf("%s: %v", name, err)
	}
	_, err = d.svc.Receive(ctx, "other", "status", d.signed(t, "status", "", accepted))
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	_, err = d.svc.Receive(ctx, "jx12345", "status", d.signed(t, "status", "", exchange.StatusUpdate{OrderNo: "ZT999", Step: "accepted"}))
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	_, err = d.svc.Receive(ctx, "jx12345", "status", d.signed(t, "status", "", map[string]any{"order_no": no, "step": "finished", "oops": 1}))
	testkit.WantCode(t, err, zhitong.EINVALID)
	_, err = d.svc.Receive(ctx, "jx12345", "status", d.signed(t, "status", "", exchange.StatusUpdate{OrderNo: no, Step: "finished"}))
	testkit.WantCode(t, err, zhitong.EINVALID) // finished without a result
	old := d.signed(t, "status", "", accepted)
	d.clock.Advance(6 * time.Minute)
	_, err = d.svc.Receive(ctx, "jx12345", "status", old)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED) // outside the window
	if n := d.count(t, `SELECT COUNT(*) FROM case_events WHERE case_id = ?`, c.ID); n != events {
		t.Fatalf("refused statuses wrote %d events", n-events)
	}

	// Accepted: recorded on the order; replayed: refused.
	req := d.signed(t, "status", no+":accepted", accepted)
	testkit.Must(d.svc.Receive(ctx, "jx12345", "status", req))(t)
	_, err = d.svc.Receive(ctx, "jx12345", "status", req)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED)
	os := testkit.Must(d.svc.CaseOrders(ctx, d.committee, c.ID))(t)
	if len(os) != 1 || os[0].Status != "accepted" || os[0].ConsentLabel != "电话确认同意" {
		t.Fatalf("orders %+v", os[0])
	}

	// Finished, twice (the first answer lost): the case is closed once.
	fin := exchange.StatusUpdate{OrderNo: no, Step: exchange.StepFinished, Result: "已协调环卫所每日清运两次", Satisfaction: "满意", At: d.clock.Now()}
	for range 2 {
		rc := testkit.Must(d.svc.Receive(ctx, "jx12345", "status", d.signed(t, "status", no+":finished", fin)))(t)
		if rc.CaseID != c.ID {
			t.Errorf("receipt case %d", rc.CaseID)
		}
	}
	closed := testkit.Must(store.GetCase(ctx, d.a.DB(), c.ID))(t)
	if closed.Status != zhitong.StatusClosed || !strings.Contains(closed.ReferralResult, "每日清运") || !strings.Contains(closed.ReferralResult, "满意") {
		t.Fatalf("case %s, result %q", closed.Status, closed.ReferralResult)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM case_events WHERE case_id = ? AND action = 'referral_result'`, c.ID); n != 1 {
		t.Errorf("%d referral results, want 1", n)
	}
	os = testkit.Must(d.svc.CaseOrders(ctx, d.committee, c.ID))(t)
	if os[0].Satisfaction != "满意" || os[0].Status != "finished" {
		t.Errorf("order %+v", os[0])
	}
	if n := d.count(t, `SELECT COUNT(*) FROM audit_log WHERE action IN ('exchange.refer', 'exchange.status')`); n != 3 {
		t.Errorf("%d exchange audit entries, want 3 (refer, accepted, finished)", n)
	}
}

// TestDownForHours: 12345 is down for hours, then fails, then answers too
// late; when it comes back every work order arrives, and each exactly once.
func TestDownForHours(t *testing.T) {
	d := newDeployment(t, exchange.Options{RetryBase: time.Minute})
	var nos []string
	for i := range 3 {
		c := d.newCase(t, "路灯不亮已经一个多月了"+strings.Repeat("！", i))
		c = testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345", Consent: "station"}))(t)
		nos = append(nos, exchange.OrderNo(c))
	}
	d.fake.SetMode(fake12345.Down)
	for range 5 * 6 { // five hours, a pass every ten minutes
		d.deliver(t)
		d.clock.Advance(10 * time.Minute)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages WHERE status = 'pending' AND attempts > 3`); n != 3 {
		t.Fatalf("%d messages still retrying after 5 hours, want 3", n)
	}
	d.fake.SetMode(fake12345.Failing)
	d.clock.Advance(time.Hour)
	d.deliver(t)
	d.fake.SetMode(fake12345.SlowOK) // takes them in, answers after the timeout
	d.clock.Advance(time.Hour)
	d.deliver(t)
	orders, _, _ := d.fake.Snapshot()
	if len(orders) != 3 {
		t.Fatalf("12345 took in %d orders while answering late, want 3", len(orders))
	}
	d.fake.SetMode(fake12345.Up)
	d.clock.Advance(time.Hour)
	if n := d.deliver(t); n != 3 {
		t.Fatalf("delivered %d when 12345 came back, want 3", n)
	}
	orders, _, requests := d.fake.Snapshot()
	if len(orders) != 3 || d.fake.Taken() != 3 || requests < 3*3 {
		t.Fatalf("12345 has %d orders, took %d in (requests %d)", len(orders), d.fake.Taken(), requests)
	}
	for _, no := range nos {
		if _, ok := orders[no]; !ok {
			t.Errorf("order %s lost", no)
		}
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_messages WHERE status = 'sent'`); n != 3 {
		t.Errorf("%d sent", n)
	}
}

// TestDeadLetters: a refused message is dead at once, one that keeps failing
// after MaxAttempts; the operator lists and retries them.
func TestDeadLetters(t *testing.T) {
	d := newDeployment(t, exchange.Options{MaxAttempts: 3, RetryBase: time.Minute})
	a := d.newCase(t, "噪音扰民问题反映多次无果")
	b := d.newCase(t, "井盖缺失存在安全隐患")
	d.fake.SetMode(fake12345.Refusing)
	testkit.Must(d.svc.Refer(ctx, d.committee, a.ID, exchange.ReferInput{Version: a.Version, Peer: "jx12345", Consent: "phone"}))(t)
	d.deliver(t)
	d.fake.SetMode(fake12345.Failing)
	testkit.Must(d.svc.Refer(ctx, d.committee, b.ID, exchange.ReferInput{Version: b.Version, Peer: "jx12345", Consent: "phone"}))(t)
	for range 3 {
		d.deliver(t)
		d.clock.Advance(time.Hour)
	}
	dead := testkit.Must(d.svc.DeadLetters(ctx, d.sys))(t)
	if len(dead) != 2 || !strings.Contains(dead[0].LastError, "400") || dead[1].Attempts != 3 {
		t.Fatalf("dead letters %+v", dead)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM audit_log WHERE action = 'exchange.dead'`); n != 2 {
		t.Errorf("%d exchange.dead audit entries", n)
	}
	_, err := d.svc.DeadLetters(ctx, d.committee)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	_, err = d.svc.Retry(ctx, d.committee, dead[0].ID)
	testkit.WantCode(t, err, zhitong.EFORBIDDEN)
	other := zhitong.Principal{Role: zhitong.RoleSysAdmin, RegionCode: "360781", Name: "other"}
	_, err = d.svc.Retry(ctx, other, dead[0].ID)
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	d.fake.SetMode(fake12345.Up)
	for _, m := range dead {
		testkit.Must(d.svc.Retry(ctx, d.sys, m.ID))(t)
	}
	_, err = d.svc.Retry(ctx, d.sys, dead[0].ID)
	testkit.WantCode(t, err, zhitong.ECONFLICT)
	if n := d.deliver(t); n != 2 {
		t.Fatalf("delivered %d after retry", n)
	}
	if orders, _, _ := d.fake.Snapshot(); len(orders) != 2 {
		t.Errorf("12345 has %d orders", len(orders))
	}
}

// TestInboundOrders: 12345 sends a work order that concerns the congress;
// it arrives as a case with the mapped category, and its status goes back
// at each step. Bad orders are refused and change nothing.
func TestInboundOrders(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	wo := exchange.WorkOrder{OrderNo: "GD20261125001", Title: "希望人大代表关注农村养老", Content: "村里老人多，希望人大代表推动建设养老服务站",
		Category: "A01", AreaCode: d.town, Address: "某村", CitizenName: "李四", CitizenPhone: "13900139000", CreatedAt: d.clock.Now()}
	cases := d.count(t, `SELECT COUNT(*) FROM cases`)
	type refusal struct {
		req  exchange.Request
		code string
	}
	outside, uncat, empty := wo, wo, wo
	outside.AreaCode, uncat.Category, empty.OrderNo = "110101", "Z99", "../x"
	malformed := d.signed(t, "orders", "", wo)
	malformed.Body = []byte("{not json")
	unsigned := d.signed(t, "orders", "", wo)
	unsigned.Header.Del(exchange.HeaderNonce)
	bad := map[string]refusal{
		"outside":   {d.signed(t, "orders", "", outside), zhitong.EFORBIDDEN},
		"category":  {d.signed(t, "orders", "", uncat), zhitong.EINVALID},
		"order_no":  {d.signed(t, "orders", "", empty), zhitong.EINVALID},
		"malformed": {malformed, zhitong.EUNAUTHORIZED}, // the signature covers the body
		"type":      {d.signed(t, "orders", "", json.RawMessage(`{"order_no": 1}`)), zhitong.EINVALID},
		"unsigned":  {unsigned, zhitong.EUNAUTHORIZED},
	}
	for name, b := range bad {
		_, err := d.svc.Receive(ctx, "jx12345", "orders", b.req)
		if zhitong.ErrorCode(err) != b.code {
			t.Errorf("%s: %v, want %s", name, err, b.code)
		}
	}
	if n := d.count(t, `SELECT COUNT(*) FROM cases`); n != cases {
		t.Fatalf("refused orders made %d cases", n-cases)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM exchange_received`); n != 0 {
		t.Fatalf("refused orders left %d rows", n)
	}

	req := d.signed(t, "orders", wo.OrderNo+":order", wo)
	rc := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", req))(t)
	_, err := d.svc.Receive(ctx, "jx12345", "orders", req)
	testkit.WantCode(t, err, zhitong.EUNAUTHORIZED) // replayed
	again := testkit.Must(d.svc.Receive(ctx, "jx12345", "orders", d.signed(t, "orders", wo.OrderNo+":order", wo)))(t)
	if again.CaseID != rc.CaseID {
		t.Fatalf("the same order made cases %d and %d", rc.CaseID, again.CaseID)
	}
	if n := d.count(t, `SELECT COUNT(*) FROM cases`); n != cases+1 {
		t.Fatalf("%d cases, want %d", n, cases+1)
	}
	c := testkit.Must(store.GetCase(ctx, d.a.DB(), rc.CaseID))(t)
	if c.Channel != zhitong.ChannelImported || c.CategoryCode != d.category || c.RegionCode != d.town || c.Status != zhitong.StatusSubmitted {
		t.Fatalf("case %+v", c.Case)
	}
	if strings.Contains(c.Submitter.Phone, "13900139000") {
		t.Error("the phone is stored in clear")
	}

	// Registered, then assigned … each change of status goes back.
	reg := testkit.Must(d.a.Register(ctx, d.committee, c.ID, app.RegisterInput{Version: c.Version, CategoryCode: d.category, RegionCode: d.town}))(t)
	testkit.Must(d.a.Decline(ctx, d.committee, c.ID, app.TextInput{Version: reg.Version, Text: "属于政府职能，请 12345 继续办理"}))(t)
	if n := d.deliver(t); n != 2 {
		t.Fatalf("delivered %d statuses, want 2", n)
	}
	_, sts, _ := d.fake.Snapshot()
	if len(sts) != 2 || sts[0].Step != exchange.StepAccepted || sts[1].Step != exchange.StepFinished || sts[0].OrderNo != wo.OrderNo {
		t.Fatalf("statuses %+v", sts)
	}
}

// TestOutboundCategoryIsTheirs: the work order sent to 12345 carries the
// hotline's code for the case's category — the first of its codes mapped
// to ours, the catch-all "*" aside — and ours only when none is.
func TestOutboundCategoryIsTheirs(t *testing.T) {
	d := newDeployment(t, exchange.Options{})
	var cats []string
	rows := testkit.Must(d.a.DB().Query(ctx, `SELECT code FROM categories ORDER BY code LIMIT 3`))(t)
	for rows.Next() {
		var c string
		testkit.Must(0, rows.Scan(&c))(t)
		cats = append(cats, c)
	}
	rows.Close()
	testkit.Must(d.svc.SavePeer(ctx, d.sys, exchange.Peer{Name: "jx12345", Kind: exchange.Kind12345, BaseURL: d.fake.URL, RegionCode: "360783", Enabled: true,
		Categories: []exchange.Mapping{{Theirs: "B02", Ours: cats[0]}, {Theirs: "*", Ours: cats[1]}, {Theirs: "A01", Ours: cats[0]}}}))(t)
	want := map[string]string{cats[0]: "A01", cats[1]: cats[1], cats[2]: cats[2]} // ours → the code sent
	sent := map[string]string{}
	for _, cat := range cats {
		c := testkit.Must(d.a.Intake(ctx, d.committee, app.IntakeInput{Channel: zhitong.ChannelWalkIn, Body: "路灯损坏，夜间出行不便", CategoryCode: cat,
			RegionCode: d.town, Name: "张三", Phone: "13800138000"}))(t)
		c = testkit.Must(d.svc.Refer(ctx, d.committee, c.ID, exchange.ReferInput{Version: c.Version, Peer: "jx12345", Consent: "phone"}))(t)
		sent[exchange.OrderNo(c)] = cat
	}
	if n := d.deliver(t); n != len(cats) {
		t.Fatalf("delivered %d, want %d", n, len(cats))
	}
	orders, _, _ := d.fake.Snapshot()
	for no, cat := range sent {
		if got := orders[no].Category; got != want[cat] {
			t.Errorf("our %s went to 12345 as %q, want %q", cat, got, want[cat])
		}
	}
}
