package sms_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"zhitong/internal/sms"
	"zhitong/internal/sms/smstest"
)

func TestValidationRefusesWithoutSending(t *testing.T) {
	fa := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
	a, _ := newAliyun(t, fa, "s3cret", nil)
	ft := &fakeTencent{secretID: "AKID-test", secretKey: "tk"}
	tc, _ := newTencent(t, ft, "tk", nil, fixedNow)
	senders := []sms.Sender{a, tc, &sms.Log{}}

	bad := map[string]func(m *sms.Message){
		"short phone":       func(m *sms.Message) { m.Phone = "1381234123" },
		"landline":          func(m *sms.Message) { m.Phone = "01012345678" },
		"12x prefix":        func(m *sms.Message) { m.Phone = "12812341234" },
		"letters":           func(m *sms.Message) { m.Phone = "1381234123a" },
		"e164 form":         func(m *sms.Message) { m.Phone = "+8613812341234" },
		"empty template":    func(m *sms.Message) { m.Template = "" },
		"empty value":       func(m *sms.Message) { m.Params = []sms.Param{{Name: "code", Value: " "}} },
		"empty name":        func(m *sms.Message) { m.Params = []sms.Param{{Name: "", Value: "x"}} },
		"duplicate name":    func(m *sms.Message) { m.Params = []sms.Param{{"code", "1"}, {"code", "2"}} },
		"control character": func(m *sms.Message) { m.Params = []sms.Param{{"code", "a\nb"}} },
		"huge key":          func(m *sms.Message) { m.IdempotencyKey = strings.Repeat("k", 129) },
	}
	for name, mutate := range bad {
		m := ackMsg
		m.Params = append([]sms.Param(nil), ackMsg.Params...)
		mutate(&m)
		for _, s := range senders {
			if _, err := s.Send(context.Background(), m); !errors.Is(err, sms.ErrInvalidMessage) {
				t.Errorf("%s via %s: err = %v, want ErrInvalidMessage", name, s.Name(), err)
			}
		}
	}
	unknown := ackMsg
	unknown.Template = "no-such-template"
	for _, s := range []sms.Sender{a, tc} {
		if _, err := s.Send(context.Background(), unknown); !errors.Is(err, sms.ErrInvalidMessage) {
			t.Errorf("unknown template via %s: err = %v", s.Name(), err)
		}
	}
	if fa.hits != 0 || ft.last != nil {
		t.Errorf("invalid messages reached a provider: aliyun %d hits, tencent %v", fa.hits, ft.last)
	}
}

func TestNoParamsAllowed(t *testing.T) {
	f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
	a, _ := newAliyun(t, f, "s3cret", nil)
	if _, err := a.Send(context.Background(), sms.Message{Phone: "19912345678", Template: "reply"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.last["TemplateParam"]; ok {
		t.Errorf("TemplateParam sent without params: %v", f.last)
	}
	if _, ok := f.last["OutId"]; ok {
		t.Errorf("OutId sent without key: %v", f.last)
	}
}

func TestLogMasksAndReturnsID(t *testing.T) {
	var b strings.Builder
	l := &sms.Log{W: &b}
	id, err := l.Send(context.Background(), ackMsg)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.HasPrefix(id, "log-") || len(id) != 20 || !strings.Contains(out, id) {
		t.Errorf("id %q, line %q", id, out)
	}
	if !strings.Contains(out, "138****1234") || strings.Contains(out, "13812341234") {
		t.Errorf("phone not masked: %q", out)
	}
	if strings.Contains(out, "ZT2026-0042") || !strings.Contains(out, "code,station") {
		t.Errorf("line should name params without values: %q", out)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("want one line: %q", out)
	}
	id2, _ := l.Send(context.Background(), ackMsg)
	if id2 == id {
		t.Error("ids repeat")
	}
	if _, err := (&sms.Log{}).Send(context.Background(), ackMsg); err != nil {
		t.Errorf("nil writer: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l.Send(ctx, ackMsg); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled ctx: %v", err)
	}
}

func TestPhoneHelpers(t *testing.T) {
	if sms.MaskPhone("13812341234") != "138****1234" || sms.MaskPhone("123") != "***" {
		t.Error("MaskPhone")
	}
	for p, ok := range map[string]bool{"13000000000": true, "19999999999": true, "12000000000": false,
		"1300000000": false, "130000000000": false, "１3000000000": false} {
		if sms.ValidPhone(p) != ok {
			t.Errorf("ValidPhone(%q) != %v", p, ok)
		}
	}
}

// The verifiers themselves must accept the providers' published examples,
// or the fake-server tests would prove nothing.
func TestVerifiersAcceptPublishedExamples(t *testing.T) {
	r, _ := http.NewRequest(http.MethodPost,
		"https://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai", nil)
	for k, v := range map[string]string{
		"x-acs-action": "RunInstances", "x-acs-version": "2014-05-26", "x-acs-date": "2023-10-26T10:22:32Z",
		"x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
		"x-acs-content-sha256":  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"Authorization": "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;" +
			"x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0",
	} {
		r.Header.Set(k, v)
	}
	if code, msg := smstest.VerifyACS3(r, nil, "YourAccessKeyId", "YourAccessKeySecret"); code != "" {
		t.Errorf("ACS3 verifier rejects the published example: %s %s", code, msg)
	}

	payload := `{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`
	r, _ = http.NewRequest(http.MethodPost, "https://cvm.tencentcloudapi.com/", strings.NewReader(payload))
	r.Header.Set("Content-Type", "application/json; charset=utf-8")
	r.Header.Set("X-TC-Timestamp", "1551113065")
	r.Header.Set("Authorization", "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, "+
		"SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")
	code, msg := smstest.VerifyTC3(r, []byte(payload), "cvm", "AKID**********************0123456789EXAMPLE",
		"Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", time.Unix(1551113065, 0))
	if code != "" {
		t.Errorf("TC3 verifier rejects the published example: %s %s", code, msg)
	}
}
