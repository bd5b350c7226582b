package sms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong/internal/sms"
	"zhitong/internal/sms/smstest"
)

// fakeTencent is an sms.tencentcloudapi.com stand-in: it verifies every
// request with smstest.VerifyTC3 and answers in the API 3.0 shape (HTTP 200 with
// Response.Error, or Response.SendStatusSet from reply).
type fakeTencent struct {
	secretID, secretKey string
	now                 time.Time
	reply               func(req map[string]any) string // Response object once the signature holds
	mu                  sync.Mutex
	last                map[string]any
	region              string
}

func (f *fakeTencent) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	fail := func(code, msg string) {
		fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":%q},"RequestId":"ed93f3cb-f35e-473f-b9f3-0d451b8b79c6"}}`, code, msg)
	}
	if code, msg := smstest.VerifyTC3(r, body, "sms", f.secretID, f.secretKey, f.now); code != "" {
		fail(code, msg)
		return
	}
	if r.Header.Get("X-TC-Action") != "SendSms" || r.Header.Get("X-TC-Version") != "2021-01-11" {
		fail("InvalidAction", "The action requested is invalid.")
		return
	}
	var req map[string]any
	if err := json.Unmarshal(body, &req); err != nil {
		fail("FailedOperation.FailResolvePacket", "request packet cannot be parsed")
		return
	}
	f.mu.Lock()
	f.last, f.region = req, r.Header.Get("X-TC-Region")
	f.mu.Unlock()
	resp := `{"SendStatusSet":[{"SerialNo":"5000:1045710669157053657849499619","PhoneNumber":"+8613812341234","Fee":1,` +
		`"SessionContext":"notice-42-ack","Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"a0aabda6-cf91-4f3e-a81f-9198114a2279"}`
	if f.reply != nil {
		resp = f.reply(req)
	}
	fmt.Fprintf(w, `{"Response":%s}`, resp)
}

func newTencent(t *testing.T, f *fakeTencent, secretKey string, rt http.RoundTripper, now time.Time) (*sms.Tencent, *httptest.Server) {
	t.Helper()
	if f.now.IsZero() {
		f.now = fixedNow
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	tc, err := sms.NewTencent(sms.TencentConfig{
		BaseURL: srv.URL, SecretID: "AKID-test", SecretKey: secretKey, Region: "ap-beijing",
		SdkAppID: "1400006666", SignName: "某区人大代表联络站",
		Templates: map[string]string{"ack": "1110", "reply": "1111"},
		Client:    &http.Client{Transport: rt, Timeout: 5 * time.Second}, Now: func() time.Time { return now },
	})
	if err != nil {
		t.Fatal(err)
	}
	return tc, srv
}

func TestTencentSendSignedAndParsed(t *testing.T) {
	f := &fakeTencent{secretID: "AKID-test", secretKey: "tk"}
	tc, _ := newTencent(t, f, "tk", nil, fixedNow)
	id, err := tc.Send(context.Background(), ackMsg)
	if err != nil {
		t.Fatal(err)
	}
	if id != "5000:1045710669157053657849499619" {
		t.Errorf("id = %q, want the SerialNo", id)
	}
	got, _ := json.Marshal(f.last)
	want := `{"PhoneNumberSet":["+8613812341234"],"SessionContext":"notice-42-ack","SignName":"某区人大代表联络站",` +
		`"SmsSdkAppId":"1400006666","TemplateId":"1110","TemplateParamSet":["ZT2026-0042","东城 \u0026 西城 \u003c联络站\u003e"]}`
	if string(got) != want {
		t.Errorf("request\n got %s\nwant %s", got, want)
	}
	if f.region != "ap-beijing" || tc.Name() != "tencent" {
		t.Errorf("region %q name %q", f.region, tc.Name())
	}
}

func TestTencentWrongSecretRejected(t *testing.T) {
	f := &fakeTencent{secretID: "AKID-test", secretKey: "tk"}
	tc, _ := newTencent(t, f, "other", nil, fixedNow)
	_, err := tc.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "AuthFailure.SignatureFailure", false, http.StatusOK)
}

func TestTencentStaleClockRejected(t *testing.T) {
	f := &fakeTencent{secretID: "AKID-test", secretKey: "tk"}
	tc, _ := newTencent(t, f, "tk", nil, fixedNow.Add(-6*time.Minute))
	_, err := tc.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "AuthFailure.SignatureExpire", false, http.StatusOK)
}

func TestTencentTamperingRejected(t *testing.T) {
	cases := map[string]tamper{
		"phone in body changed": func(r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			b = bytes.Replace(b, []byte("+8613812341234"), []byte("+8613900139000"), 1)
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		},
		"content-type changed": func(r *http.Request) { r.Header.Set("Content-Type", "application/json") },
		"timestamp changed": func(r *http.Request) {
			r.Header.Set("X-TC-Timestamp", fmt.Sprint(fixedNow.Unix()+1))
		},
	}
	for name, tm := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeTencent{secretID: "AKID-test", secretKey: "tk"}
			tc, _ := newTencent(t, f, "tk", tm, fixedNow)
			_, err := tc.Send(context.Background(), ackMsg)
			wantProviderError(t, err, "AuthFailure.SignatureFailure", false, http.StatusOK)
		})
	}
}

func TestTencentErrorMapping(t *testing.T) {
	status := func(code, msg string) string {
		return fmt.Sprintf(`{"SendStatusSet":[{"SerialNo":"","PhoneNumber":"+8613812341234","Fee":0,"Code":%q,"Message":%q,"IsoCode":"CN"}],"RequestId":"r"}`, code, msg)
	}
	apiErr := func(code string) string {
		return fmt.Sprintf(`{"Error":{"Code":%q,"Message":"m"},"RequestId":"r"}`, code)
	}
	cases := []struct {
		resp      string
		code      string
		retryable bool
	}{
		{status("InvalidParameterValue.IncorrectPhoneNumber", "invalid mobile number"), "InvalidParameterValue.IncorrectPhoneNumber", false},
		{status("FailedOperation.TemplateIncorrectOrUnapproved", "template unapproved"), "FailedOperation.TemplateIncorrectOrUnapproved", false},
		{status("LimitExceeded.PhoneNumberDailyLimit", "daily limit"), "LimitExceeded.PhoneNumberDailyLimit", true},
		{apiErr("RequestLimitExceeded"), "RequestLimitExceeded", true},
		{apiErr("InternalError"), "InternalError", true},
		{apiErr("FailedOperation.SignatureIncorrectOrUnapproved"), "FailedOperation.SignatureIncorrectOrUnapproved", false},
		{`{"SendStatusSet":[],"RequestId":"r"}`, "BadResponse", false},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			f := &fakeTencent{secretID: "AKID-test", secretKey: "tk", reply: func(map[string]any) string { return c.resp }}
			tc, _ := newTencent(t, f, "tk", nil, fixedNow)
			_, err := tc.Send(context.Background(), ackMsg)
			wantProviderError(t, err, c.code, c.retryable, http.StatusOK)
		})
	}
}

func TestTencent5xxAndNetworkRetryable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "bad gateway", http.StatusBadGateway)
	}))
	defer srv.Close()
	tc, err := sms.NewTencent(sms.TencentConfig{BaseURL: srv.URL, SecretID: "i", SecretKey: "k",
		SdkAppID: "1", SignName: "s", Templates: map[string]string{"ack": "1"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = tc.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "HTTP502", true, http.StatusBadGateway)

	srv.Close()
	_, err = tc.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "NetworkError", true, 0)
}

func TestTencentConfigChecked(t *testing.T) {
	_, err := sms.NewTencent(sms.TencentConfig{SecretID: "i", SecretKey: "k", SignName: "s", Templates: map[string]string{"a": "1"}})
	if err == nil || !strings.Contains(err.Error(), "SdkAppID") {
		t.Errorf("missing SdkAppID accepted: %v", err)
	}
}
