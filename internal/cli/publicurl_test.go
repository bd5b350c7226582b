package cli

import (
	"context"
	"net"
	"sync"
	"testing"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/sms"
	"zhitong/internal/testkit"
)

// smsRecorder keeps the messages it is asked to send.
type smsRecorder struct {
	mu   sync.Mutex
	sent []sms.Message
}

func (r *smsRecorder) Name() string { return "recorder" }

func (r *smsRecorder) Send(ctx context.Context, m sms.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m)
	return "rec", nil
}

func TestPublicURLFallsBackToTheListenAddress(t *testing.T) {
	for _, c := range []struct {
		given, addr, want string
		derived           bool
	}{
		{"", "127.0.0.1:8080", "http://127.0.0.1:8080", true},
		{"", "0.0.0.0:8080", "http://127.0.0.1:8080", true},
		{"", "[::]:9000", "http://127.0.0.1:9000", true},
		{"", "[::1]:9000", "http://[::1]:9000", true},
		{"https://zt.example.cn/", "0.0.0.0:8080", "https://zt.example.cn", false},
	} {
		addr := testkit.Must(net.ResolveTCPAddr("tcp", c.addr))(t)
		if got, derived := publicURL(c.given, addr); got != c.want || derived != c.derived {
			t.Errorf("publicURL(%q, %s) = %q %v, want %q %v", c.given, c.addr, got, derived, c.want, c.derived)
		}
	}
}

// TestReplySMSCarriesALinkByDefault: with no --public-url and no
// ZHITONG_PUBLIC_URL, serve's flags and delivery configuration give the
// reply SMS a working link to the tracking page, not "—".
func TestReplySMSCarriesALinkByDefault(t *testing.T) {
	env := envOf(nil)
	fs := newFlags("serve", env)
	public := publicURLFlag(fs, env)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	base, _ := publicURL(*public, &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080})
	cfg := testkit.Must(deliveryConfig(env))(t)
	cfg.Delivery.PublicURL = base
	rec := &smsRecorder{}
	cfg.Delivery.SMS, cfg.Delivery.Quiet = rec, app.QuietHours{Off: true}

	ctx := context.Background()
	a, _ := testkit.MustApp(t)
	f := testkit.Seed(t, a)
	officer, lead := f.In[zhitong.RoleOfficer], f.In[zhitong.RoleUnit]
	c := testkit.Must(a.Submit(ctx, zhitong.Citizen, app.IntakeInput{Body: "建设路下雨天积水严重，行人无法通行", RegionCode: f.Town, Phone: "13907971234"}))(t)
	testkit.Must(a.Register(ctx, officer, c.ID, app.RegisterInput{CategoryCode: "roads", StationID: f.Station}))(t)
	testkit.Must(a.Assign(ctx, officer, c.ID, app.AssignInput{LeadUnit: f.Lead}))(t)
	testkit.Must(a.Accept(ctx, lead, c.ID, app.TextInput{}))(t)
	testkit.Must(a.Reply(ctx, lead, c.ID, app.ReplyInput{Outcome: zhitong.OutcomeSolved, Text: "已疏通排水管道",
		Deliveries: []app.DeliveryInput{{Recipient: zhitong.RecipientCongress, Channel: zhitong.FeedbackWritten}, {Recipient: zhitong.RecipientCitizen, Channel: zhitong.FeedbackPhone}}}))(t)
	testkit.Must(a.DeliverDue(ctx, cfg.Delivery))(t)

	var link string
	for _, m := range rec.sent {
		if m.Template == "case.replied" {
			for _, p := range m.Params {
				if p.Name == "link" {
					link = p.Value
				}
			}
		}
	}
	if want := "http://127.0.0.1:8080/track/" + c.Code; link != want {
		t.Errorf("reply SMS link = %q, want %q", link, want)
	}
}
