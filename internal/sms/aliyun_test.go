package sms_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong/internal/sms"
	"zhitong/internal/sms/smstest"
)

var fixedNow = time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)

// fakeAliyun is a dysmsapi stand-in: it verifies every request with
// smstest.VerifyACS3 and answers in the gateway's error shape or with reply.
type fakeAliyun struct {
	keyID, secret string
	reply         func(q url.Values) (int, string) // business answer once the signature holds
	mu            sync.Mutex
	hits          int
	last          url.Values
}

func (f *fakeAliyun) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.hits++
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	if code, msg := smstest.VerifyACS3(r, body, f.keyID, f.secret); code != "" {
		status := http.StatusBadRequest
		if code == "InvalidAccessKeyId.NotFound" {
			status = http.StatusNotFound
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]string{
			"RequestId": "5C8F3C59-0000-4000-8000-000000000001", "HostId": "dysmsapi.aliyuncs.com",
			"Code": code, "Message": msg,
			"Recommend": "https://api.aliyun.com/troubleshoot?q=" + code + "&product=Dysmsapi",
		})
		return
	}
	if action := r.Header.Get("x-acs-action"); action != "SendSms" && action != "QuerySendDetails" || r.Header.Get("x-acs-version") != "2017-05-25" || r.Method != http.MethodPost {
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"RequestId":"x","Code":"InvalidAction.NotFound","Message":"Specified api is not found."}`)
		return
	}
	q := r.URL.Query()
	f.mu.Lock()
	f.last = q
	f.mu.Unlock()
	status, answer := http.StatusOK, `{"RequestId":"F655A8D5-B967-440B-8683-DAD6FF8DE990","Message":"OK","BizId":"900619746936498440^0","Code":"OK"}`
	if f.reply != nil {
		status, answer = f.reply(q)
	}
	w.WriteHeader(status)
	io.WriteString(w, answer)
}

func newAliyun(t *testing.T, f *fakeAliyun, secret string, rt http.RoundTripper) (*sms.Aliyun, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	a, err := sms.NewAliyun(sms.AliyunConfig{
		BaseURL: srv.URL, AccessKeyID: "LTAI-test-id", AccessKeySecret: secret, SignName: "某区人大代表联络站",
		Templates: map[string]string{"ack": "SMS_465900001", "reply": "SMS_465900002"},
		Client:    &http.Client{Transport: rt, Timeout: 5 * time.Second}, Now: func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, srv
}

var ackMsg = sms.Message{
	Phone: "13812341234", Template: "ack", IdempotencyKey: "notice-42-ack",
	Params: []sms.Param{{Name: "code", Value: "ZT2026-0042"}, {Name: "station", Value: "东城 & 西城 <联络站>"}},
}

func TestAliyunSendSignedAndParsed(t *testing.T) {
	f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
	a, _ := newAliyun(t, f, "s3cret", nil)
	id, err := a.Send(context.Background(), ackMsg)
	if err != nil {
		t.Fatal(err)
	}
	if id != "900619746936498440^0" {
		t.Errorf("id = %q, want the BizId", id)
	}
	q := f.last
	if q.Get("OutId") != "notice-42-ack" {
		t.Errorf("OutId = %q", q.Get("OutId"))
	}
	if q.Get("PhoneNumbers") != "13812341234" || q.Get("TemplateCode") != "SMS_465900001" || q.Get("SignName") != "某区人大代表联络站" {
		t.Errorf("query = %v", q)
	}
	var tp map[string]string
	if err := json.Unmarshal([]byte(q.Get("TemplateParam")), &tp); err != nil || tp["code"] != "ZT2026-0042" || tp["station"] != "东城 & 西城 <联络站>" {
		t.Errorf("TemplateParam = %s (%v)", q.Get("TemplateParam"), err)
	}
	if a.Name() != "aliyun" {
		t.Errorf("Name = %q", a.Name())
	}
}

func TestAliyunWrongSecretRejected(t *testing.T) {
	f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
	a, _ := newAliyun(t, f, "not-the-secret", nil)
	_, err := a.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "SignatureDoesNotMatch", false, http.StatusBadRequest)
}

// tamper rewrites the request after it was signed, on its way out.
type tamper func(r *http.Request)

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	t(r)
	return http.DefaultTransport.RoundTrip(r)
}

func TestAliyunTamperingRejected(t *testing.T) {
	cases := map[string]tamper{
		"body added": func(r *http.Request) {
			b := []byte("PhoneNumbers=13900139000")
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		},
		"phone changed": func(r *http.Request) {
			q := r.URL.Query()
			q.Set("PhoneNumbers", "13900139000")
			r.URL.RawQuery = q.Encode()
		},
		"date changed": func(r *http.Request) { r.Header.Set("x-acs-date", "2026-03-01T08:31:00Z") },
	}
	for name, tm := range cases {
		t.Run(name, func(t *testing.T) {
			f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
			a, _ := newAliyun(t, f, "s3cret", tm)
			_, err := a.Send(context.Background(), ackMsg)
			wantProviderError(t, err, "SignatureDoesNotMatch", false, http.StatusBadRequest)
		})
	}
}

func TestAliyunErrorMapping(t *testing.T) {
	cases := []struct {
		status    int
		answer    string
		code      string
		retryable bool
	}{
		{200, `{"RequestId":"r1","Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"非法手机号"}`, "isv.MOBILE_NUMBER_ILLEGAL", false},
		{200, `{"RequestId":"r2","Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"该账号下找不到对应模板"}`, "isv.SMS_TEMPLATE_ILLEGAL", false},
		{200, `{"RequestId":"r3","Code":"isv.BUSINESS_LIMIT_CONTROL","Message":"触发天级流控Permits:10"}`, "isv.BUSINESS_LIMIT_CONTROL", true},
		{400, `{"RequestId":"r4","Code":"Throttling.User","Message":"Request was denied due to user flow control."}`, "Throttling.User", true},
		{200, `{"RequestId":"r5","Code":"isp.SYSTEM_ERROR","Message":"系统错误"}`, "isp.SYSTEM_ERROR", true},
		{503, `<html>Service Unavailable</html>`, "HTTP503", true},
		{200, `not json`, "BadResponse", false},
	}
	for _, c := range cases {
		t.Run(c.code, func(t *testing.T) {
			f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret",
				reply: func(url.Values) (int, string) { return c.status, c.answer }}
			a, _ := newAliyun(t, f, "s3cret", nil)
			_, err := a.Send(context.Background(), ackMsg)
			wantProviderError(t, err, c.code, c.retryable, c.status)
		})
	}
}

func TestAliyunNetworkErrorRetryable(t *testing.T) {
	f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret"}
	a, srv := newAliyun(t, f, "s3cret", nil)
	srv.Close()
	_, err := a.Send(context.Background(), ackMsg)
	wantProviderError(t, err, "NetworkError", true, 0)
	if strings.Contains(err.Error(), ackMsg.Phone) {
		t.Errorf("network error leaks the phone number: %v", err)
	}
}

func TestAliyunConfigChecked(t *testing.T) {
	for _, cfg := range []sms.AliyunConfig{
		{AccessKeyID: "id", AccessKeySecret: "s", SignName: "n"},
		{AccessKeyID: "id", SignName: "n", Templates: map[string]string{"a": "b"}},
		{BaseURL: "ftp://x", AccessKeyID: "id", AccessKeySecret: "s", SignName: "n", Templates: map[string]string{"a": "b"}},
	} {
		if _, err := sms.NewAliyun(cfg); err == nil {
			t.Errorf("NewAliyun(%+v) accepted", cfg)
		}
	}
}

func wantProviderError(t *testing.T, err error, code string, retryable bool, status int) {
	t.Helper()
	var e *sms.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *sms.Error %s", err, code)
	}
	if e.Code != code || e.Retryable != retryable || e.HTTPStatus != status {
		t.Errorf("got %s retryable=%v status=%d, want %s retryable=%v status=%d (%v)",
			e.Code, e.Retryable, e.HTTPStatus, code, retryable, status, err)
	}
	if !strings.Contains(e.Error(), code) {
		t.Errorf("Error() = %q lacks the code", e.Error())
	}
}
