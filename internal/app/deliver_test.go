package app_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/store"
	"zhitong/internal/testkit"
)

// recorder is an SMS driver that keeps what it was asked to send. fail
// makes the next calls fail with a retryable provider error.
type recorder struct {
	mu   sync.Mutex
	sent []sms.Message
	fail int
	perm bool
}

func (r *recorder) Name() string { return "recorder" }

func (r *recorder) Send(ctx context.Context, m sms.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail > 0 {
		r.fail--
		return "", &sms.Error{Provider: "recorder", Code: "Throttling", Message: "slow down", Retryable: !r.perm}
	}
	r.sent = append(r.sent, m)
	return "id-" + m.IdempotencyKey, nil
}

func (r *recorder) messages() []sms.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]sms.Message(nil), r.sent...)
}

func param(m sms.Message, name string) string {
	for _, p := range m.Params {
		if p.Name == name {
			return p.Value
		}
	}
	return ""
}

func deliver(t *testing.T, a *app.App, d app.Delivery) int {
	t.Helper()
	return testkit.Must(a.DeliverDue(ctx, d))(t)
}

func citizenRows(t *testing.T, a *app.App, caseID int64) []*store.Notification {
	t.Helper()
	var out []*store.Notification
	for _, n := range testkit.Must(store.ListNotifications(ctx, a.DB(), caseID))(t) {
		if n.Recipient == "citizen" {
			out = append(out, n)
		}
	}
	return out
}

func TestCitizenNoticesAcrossTheLoop(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	d := app.Delivery{SMS: rec, PublicURL: "https://zt.example.cn/"}
	officer, committee, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleCommittee], f.In[zhitong.RoleUnit]

	c := submit(t, a, f, "建设路下雨天积水严重，行人无法通行")
	c = testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads", StationID: f.Station}))(t)
	c = testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	c = testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	c = testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已疏通排水管道，路面不再积水",
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}, {Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
	c = testkit.Must(a.Evaluate(ctx, c.Code, app.EvaluateInput{Rating: zhitong.RatingUnsatisfied, Comment: "还在积水"}))(t)
	c = testkit.Must(a.Rehandle(ctx, committee, c.ID, app.RehandleInput{Days: 5, Note: "责成重办"}))(t)

	if n := deliver(t, a, d); n != 4 {
		t.Fatalf("delivered %d rows, want 4", n)
	}
	got := rec.messages()
	want := []string{"case.acknowledged", "case.assigned", "case.replied", "case.rehandled"}
	if len(got) != len(want) {
		t.Fatalf("sent %d messages, want %d: %+v", len(got), len(want), got)
	}
	keys := map[string]bool{}
	for i, m := range got {
		if m.Template != want[i] || m.Phone != "13907971234" || param(m, "code") != c.Code {
			t.Errorf("message %d = %+v, want %s to 13907971234 with code %s", i, m, want[i], c.Code)
		}
		keys[m.IdempotencyKey] = true
	}
	if len(keys) != 4 {
		t.Errorf("idempotency keys not distinct: %v", keys)
	}
	unit := testkit.Must(store.GetUnit(ctx, a.DB(), f.Lead))(t)
	if param(got[1], "unit") != unit.Name || param(got[1], "due") != "2026-12-16" {
		t.Errorf("assignment params = %+v, want unit %s and due 2026-12-16", got[1].Params, unit.Name)
	}
	if link := param(got[2], "link"); link != "https://zt.example.cn/track/"+c.Code {
		t.Errorf("reply link = %q", link)
	}
	if param(got[3], "due") != c.DueDate || c.DueDate == "" {
		t.Errorf("re-handle due = %q, case due %q", param(got[3], "due"), c.DueDate)
	}
	for _, n := range citizenRows(t, a, c.ID) {
		if n.Status != "sent" || n.Attempts != 1 || n.SentAt.IsZero() || n.ProviderID == "" {
			t.Errorf("row %s = %s attempts %d sent %v provider %q", n.Key, n.Status, n.Attempts, n.SentAt, n.ProviderID)
		}
	}
	if n := deliver(t, a, d); n != 0 || len(rec.messages()) != 4 {
		t.Errorf("a second pass delivered %d rows and sent %d messages in all, want 0 and 4", n, len(rec.messages()))
	}
}

func TestSMSHeldOvernightUntilEight(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	d := app.Delivery{SMS: rec, Quiet: app.DefaultQuietHours}
	clock.Set(time.Date(2026, 11, 25, 23, 10, 0, 0, zhitong.China))
	c := submit(t, a, f, "夜里路灯不亮，出行不便")
	deliver(t, a, d)
	rows := citizenRows(t, a, c.ID)
	morning := time.Date(2026, 11, 26, 8, 0, 0, 0, zhitong.China)
	if len(rows) != 1 || rows[0].Status != "held" || !rows[0].NotBefore.Equal(morning) {
		t.Fatalf("night row = %+v, want held until %v", rows[0], morning)
	}
	clock.Set(morning.Add(-time.Minute))
	deliver(t, a, d)
	if len(rec.messages()) != 0 {
		t.Fatalf("an SMS went out at 07:59")
	}
	clock.Set(morning)
	deliver(t, a, d)
	if len(rec.messages()) != 1 {
		t.Fatalf("at 08:00 %d messages were sent, want 1", len(rec.messages()))
	}
	if r := citizenRows(t, a, c.ID)[0]; r.Status != "sent" || !r.SentAt.Equal(morning) {
		t.Errorf("row after 08:00 = %s sent at %v", r.Status, r.SentAt)
	}
	// Just after midnight is quiet too, and held until the same morning.
	clock.Set(time.Date(2026, 11, 27, 0, 30, 0, 0, zhitong.China))
	c2 := submit(t, a, f, "凌晨施工噪音扰民")
	deliver(t, a, d)
	if r := citizenRows(t, a, c2.ID)[0]; r.Status != "held" || !r.NotBefore.Equal(time.Date(2026, 11, 27, 8, 0, 0, 0, zhitong.China)) {
		t.Errorf("after-midnight row = %s until %v", r.Status, r.NotBefore)
	}
}

func TestSMSSkippedWhenAnonymousOrOptedOut(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	d := app.Delivery{SMS: rec}
	anon := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "匿名反映垃圾清运不及时", RegionCode: f.Town, Anonymous: true}))(t)
	first := submit(t, a, f, "建设路路灯不亮")
	deliver(t, a, d)
	if r := citizenRows(t, a, anon.ID)[0]; r.Status != "skipped" || !strings.Contains(r.LastError, "匿名") {
		t.Errorf("anonymous row = %s (%s), want skipped for anonymity", r.Status, r.LastError)
	}
	if len(rec.messages()) != 1 {
		t.Fatalf("sent %d, want only the named citizen's acknowledgement", len(rec.messages()))
	}
	if had := testkit.Must(a.OptOut(ctx, first.Code))(t); !had {
		t.Fatal("opt-out found no phone on a case with one")
	}
	// The same number raising another case gets nothing either.
	second := submit(t, a, f, "建设路又有一盏路灯不亮")
	deliver(t, a, d)
	if r := citizenRows(t, a, second.ID)[0]; r.Status != "skipped" || !strings.Contains(r.LastError, "退订") {
		t.Errorf("opted-out row = %s (%s), want skipped for opt-out", r.Status, r.LastError)
	}
	if len(rec.messages()) != 1 {
		t.Errorf("an SMS went to an opted-out number")
	}
	entries := testkit.Must(store.ListAuditFiltered(ctx, a.DB(), storeQuery("case:"+itoa(first.ID))))(t)
	found := false
	for _, e := range entries {
		found = found || e.Action == "sms.optout"
	}
	if !found {
		t.Error("the opt-out is not in the audit log")
	}
	_, err := a.OptOut(ctx, "XXXX-XXXX-XXXX")
	testkit.WantCode(t, err, zhitong.ENOTFOUND)
	testkit.WantCode(t, a.OptOutPhone(ctx, f.In[zhitong.RoleUnit], "13907971234"), zhitong.EFORBIDDEN)
	testkit.WantCode(t, a.OptOutPhone(ctx, f.In[zhitong.RoleOfficer], "123"), zhitong.EINVALID)
}

func TestSMSRetriedWithBackoffThenFailed(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{fail: 2}
	d := app.Delivery{SMS: rec, RetryBase: time.Minute, MaxAttempts: 3}
	c := submit(t, a, f, "小区门口井盖缺失")
	deliver(t, a, d)
	r := citizenRows(t, a, c.ID)[0]
	if r.Status != "pending" || r.Attempts != 1 || !strings.Contains(r.LastError, "Throttling") || !r.NotBefore.Equal(clock.Now().Add(time.Minute)) {
		t.Fatalf("after one failure: %+v", r)
	}
	deliver(t, a, d) // not yet due
	if r := citizenRows(t, a, c.ID)[0]; r.Attempts != 1 {
		t.Fatalf("retried before its time: attempts %d", r.Attempts)
	}
	clock.Advance(time.Minute)
	deliver(t, a, d)
	r = citizenRows(t, a, c.ID)[0]
	if r.Attempts != 2 || !r.NotBefore.Equal(clock.Now().Add(4*time.Minute)) {
		t.Fatalf("second backoff: attempts %d not before %v", r.Attempts, r.NotBefore)
	}
	clock.Advance(4 * time.Minute)
	deliver(t, a, d)
	if r := citizenRows(t, a, c.ID)[0]; r.Status != "sent" || r.Attempts != 3 || r.LastError != "" || len(rec.messages()) != 1 {
		t.Fatalf("third attempt: %s attempts %d error %q, %d sent", r.Status, r.Attempts, r.LastError, len(rec.messages()))
	}

	rec.fail, rec.perm = 1, true
	c2 := submit(t, a, f, "路边树木倒伏挡路")
	deliver(t, a, d)
	if r := citizenRows(t, a, c2.ID)[0]; r.Status != "failed" || r.Attempts != 1 {
		t.Errorf("a permanent error left the row %s after %d attempts", r.Status, r.Attempts)
	}
}

// confirmer is a recorder that can tell whether a key was sent (or fails
// to, with err).
type confirmer struct {
	*recorder
	err error
}

func (c confirmer) Sent(ctx context.Context, phone, key string, at time.Time) (bool, error) {
	if c.err != nil {
		return false, c.err
	}
	for _, m := range c.messages() {
		if m.IdempotencyKey == key && m.Phone == phone {
			return true, nil
		}
	}
	return false, nil
}

// TestStaleSendingSettled plays a process that died after claiming rows:
// one whose SMS went out, one whose did not.
func TestStaleSendingSettled(t *testing.T) {
	a, clock := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	sentCase := submit(t, a, f, "桥梁栏杆松动")
	lostCase := submit(t, a, f, "菜市场污水横流")
	claim := func(caseID int64) *store.Notification {
		n := citizenRows(t, a, caseID)[0]
		from, claimed := n.Status, n.ClaimedAt
		n.Status, n.Attempts, n.ClaimedAt = "sending", 1, clock.Now()
		testkit.Must(0, a.DB().Write(ctx, func(tx *store.Tx) error { _, err := tx.UpdateNotification(ctx, n, from, claimed); return err }))(t)
		return n
	}
	n := claim(sentCase.ID)
	claim(lostCase.ID)
	rec.Send(ctx, sms.Message{Phone: "13907971234", Template: n.Template, IdempotencyKey: n.Key}) // went out before the crash
	d := app.Delivery{SMS: confirmer{recorder: rec}, Lease: time.Minute}
	deliver(t, a, d)
	if len(rec.messages()) != 1 {
		t.Fatal("rows within their lease were touched")
	}
	clock.Advance(2 * time.Minute)
	deliver(t, a, d)
	if got := citizenRows(t, a, sentCase.ID)[0]; got.Status != "sent" {
		t.Errorf("confirmed row = %s, want sent", got.Status)
	}
	deliver(t, a, d) // the lost one is pending again and goes out now
	if got := citizenRows(t, a, lostCase.ID)[0]; got.Status != "sent" || got.Attempts != 2 {
		t.Errorf("unconfirmed row = %s after %d attempts, want sent on the second", got.Status, got.Attempts)
	}
	per := map[string]int{}
	for _, m := range rec.messages() {
		per[m.IdempotencyKey]++
	}
	for k, v := range per {
		if v != 1 {
			t.Errorf("key %s sent %d times", k, v)
		}
	}

	// A provider that cannot be asked now: the row waits, the rest goes out.
	waiting := submit(t, a, f, "路口信号灯故障")
	claim(waiting.ID)
	clock.Advance(2 * time.Minute)
	later := submit(t, a, f, "人行道地砖松动")
	busy := &sms.Error{Provider: "recorder", Code: "Throttling", Retryable: true}
	deliver(t, a, app.Delivery{SMS: confirmer{recorder: rec, err: busy}, Lease: time.Minute})
	if got := citizenRows(t, a, waiting.ID)[0]; got.Status != "sending" {
		t.Errorf("row whose provider could not be asked = %s, want still sending", got.Status)
	}
	if got := citizenRows(t, a, later.ID)[0]; got.Status != "sent" {
		t.Errorf("an unrelated row = %s, want sent despite the other's trouble", got.Status)
	}
	deliver(t, a, app.Delivery{SMS: confirmer{recorder: rec}, Lease: time.Minute})
	if got := citizenRows(t, a, waiting.ID)[0]; got.Status != "sent" || got.Attempts != 2 {
		t.Errorf("row once the provider answers = %s after %d attempts, want sent on the second", got.Status, got.Attempts)
	}

	// A driver that cannot confirm: the row fails for a person to check.
	third := submit(t, a, f, "公交站台顶棚破损")
	claim(third.ID)
	clock.Advance(2 * time.Minute)
	deliver(t, a, app.Delivery{SMS: rec, Lease: time.Minute})
	if got := citizenRows(t, a, third.ID)[0]; got.Status != "failed" || !strings.Contains(got.LastError, "人工核实") {
		t.Errorf("unconfirmable row = %s (%s)", got.Status, got.LastError)
	}
}

// TestAliyunGetsTheOutboxKeyAsOutId sends through the real Aliyun driver to
// a local endpoint: the row's key travels as OutId, the template as the
// mapped TemplateCode, and the variables as TemplateParam. (The signature
// itself is checked by the sms package's tests.)
func TestAliyunGetsTheOutboxKeyAsOutId(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	var mu sync.Mutex
	var got []url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.Query())
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"Code":"OK","Message":"OK","BizId":"900619746936498440^0","RequestId":"F655A8D5"}`))
	}))
	defer srv.Close()
	ali, err := sms.NewAliyun(sms.AliyunConfig{BaseURL: srv.URL, AccessKeyID: "id", AccessKeySecret: "secret", SignName: "定南人大",
		Templates: map[string]string{"case.acknowledged": "SMS_1"}})
	if err != nil {
		t.Fatal(err)
	}
	c := submit(t, a, f, "建设路路灯不亮")
	deliver(t, a, app.Delivery{SMS: ali})
	row := citizenRows(t, a, c.ID)[0]
	if len(got) != 1 {
		t.Fatalf("provider got %d requests", len(got))
	}
	q := got[0]
	if q.Get("OutId") != row.Key || q.Get("TemplateCode") != "SMS_1" || q.Get("PhoneNumbers") != "13907971234" ||
		q.Get("TemplateParam") != `{"code":"`+c.Code+`"}` {
		t.Errorf("request = %v, want OutId %s", q, row.Key)
	}
	if row.Status != "sent" || row.ProviderID != "900619746936498440^0" {
		t.Errorf("row = %s provider id %q", row.Status, row.ProviderID)
	}
}

func TestDeliverDueWorksThroughMoreThanABatch(t *testing.T) {
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	rec := &recorder{}
	for i := range 7 {
		submit(t, a, f, "第"+itoa(int64(i))+"盏路灯不亮")
	}
	if n := deliver(t, a, app.Delivery{SMS: rec, Batch: 3}); n != 7 || len(rec.messages()) != 7 {
		t.Fatalf("one pass with batches of 3 settled %d rows and sent %d, want 7 and 7", n, len(rec.messages()))
	}
	// A provider failing every message: each row is tried once per pass.
	rec.fail = 100
	for i := range 4 {
		submit(t, a, f, "第"+itoa(int64(i))+"处井盖缺失")
	}
	deliver(t, a, app.Delivery{SMS: rec, Batch: 2})
	if rec.fail != 96 {
		t.Errorf("a failing pass made %d attempts, want 4 (one per row)", 100-rec.fail)
	}
}

func TestQuietHoursWithinOneDayAndOff(t *testing.T) {
	a, _ := testkit.MustApp(t) // 09:00 China time
	f := testkit.Seed(t, a)
	rec := &recorder{}
	c := submit(t, a, f, "午间广场舞噪音扰民")
	deliver(t, a, app.Delivery{SMS: rec, Quiet: app.QuietHours{Start: 8, End: 10}})
	if r := citizenRows(t, a, c.ID)[0]; r.Status != "held" || !r.NotBefore.Equal(time.Date(2026, 11, 25, 10, 0, 0, 0, zhitong.China)) {
		t.Errorf("08–10 quiet at 09:00: %s until %v", r.Status, r.NotBefore)
	}
	c2 := submit(t, a, f, "下水道井盖缺失")
	deliver(t, a, app.Delivery{SMS: rec, Quiet: app.QuietHours{Start: 10, End: 12}})
	if r := citizenRows(t, a, c2.ID)[0]; r.Status != "sent" {
		t.Errorf("10–12 quiet at 09:00: %s, want sent", r.Status)
	}
	c3 := submit(t, a, f, "路边违章停车")
	deliver(t, a, app.Delivery{SMS: rec, Quiet: app.QuietHours{Start: 0, End: 23, Off: true}})
	if r := citizenRows(t, a, c3.ID)[0]; r.Status != "sent" {
		t.Errorf("quiet hours off: %s, want sent", r.Status)
	}
}
