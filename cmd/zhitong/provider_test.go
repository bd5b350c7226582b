package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"zhitong/internal/sms/smstest"
)

// fakeSMS stands in for Alibaba Cloud's or Tencent Cloud's SMS endpoint,
// for a `zhitong serve` child configured with that driver. It checks every
// request's signature with the independent verifiers of smstest, records
// each SendSms it accepts (that is the message reaching the phone), and
// can hang on the n-th one: accepted, but never answered, until the
// sender's connection drops (the test kills it).
type fakeSMS struct {
	provider string // aliyun or tencent
	url      string

	mu      sync.Mutex
	hangOn  int       // the n-th SendSms hangs; 0: none
	hung    chan sent // receives the message that hangs
	sends   []sent    // every accepted SendSms, in order
	queries []string  // phones asked about with QuerySendDetails (aliyun)
	refused []string  // requests refused (bad signature, unknown action)
	release chan struct{}
}

// sent is one message the provider accepted.
type sent struct{ key, phone, template string }

const (
	fakeKeyID, fakeSecret = "LTAI-crash-test", "crash-test-secret"
	fakeSign              = "定南人大"
)

func newFakeSMS(t *testing.T, provider string, hangOn int) *fakeSMS {
	f := &fakeSMS{provider: provider, hangOn: hangOn, hung: make(chan sent, 1), release: make(chan struct{})}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(f.release) }) // runs first: no handler outlives the test
	f.url = srv.URL
	return f
}

// env configures a child's SMS driver to send through f.
func (f *fakeSMS) env() []string {
	common := []string{"ZHITONG_SMS_DRIVER=" + f.provider, "ZHITONG_SMS_BASE_URL=" + f.url, "ZHITONG_SMS_SIGN_NAME=" + fakeSign}
	if f.provider == "aliyun" {
		return append(common, "ZHITONG_SMS_TEMPLATES=case.acknowledged=SMS_1,case.assigned=SMS_2",
			"ZHITONG_ALIYUN_ACCESS_KEY_ID="+fakeKeyID, "ZHITONG_ALIYUN_ACCESS_KEY_SECRET="+fakeSecret)
	}
	return append(common, "ZHITONG_SMS_TEMPLATES=case.acknowledged=1101,case.assigned=1102",
		"ZHITONG_TENCENT_SECRET_ID="+fakeKeyID, "ZHITONG_TENCENT_SECRET_KEY="+fakeSecret, "ZHITONG_TENCENT_SDK_APP_ID=1400006666")
}

// stopHanging makes later sends answer at once (the restarted server).
func (f *fakeSMS) stopHanging() {
	f.mu.Lock()
	f.hangOn = 0
	f.mu.Unlock()
}

// received counts the accepted sends per idempotency key.
func (f *fakeSMS) received() (map[string]int, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, s := range f.sends {
		out[s.key]++
	}
	return out, len(f.sends)
}

func (f *fakeSMS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	var m sent
	var query, code string
	if f.provider == "aliyun" {
		m, query, code = f.readAliyun(r, body)
	} else {
		m, code = f.readTencent(r, body)
	}
	f.mu.Lock()
	if code != "" {
		f.refused = append(f.refused, code)
		f.mu.Unlock()
		if f.provider == "aliyun" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"RequestId":"r","Code":%q,"Message":"refused"}`, code)
		} else {
			fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":"refused"},"RequestId":"r"}}`, code)
		}
		return
	}
	if query != "" {
		f.queries = append(f.queries, query)
		list := f.detailsLocked(query)
		f.mu.Unlock()
		fmt.Fprintf(w, `{"RequestId":"r","Code":"OK","Message":"OK","TotalCount":%d,"SmsSendDetailDTOs":{"SmsSendDetailDTO":%s}}`, strings.Count(list, "OutId"), list)
		return
	}
	f.sends = append(f.sends, m)
	n, hang := len(f.sends), len(f.sends) == f.hangOn
	f.mu.Unlock()
	if hang {
		f.hung <- m
		select { // never answered: the sender dies waiting
		case <-r.Context().Done():
		case <-f.release:
		}
		return
	}
	if f.provider == "aliyun" {
		fmt.Fprintf(w, `{"RequestId":"r%d","Message":"OK","BizId":"9006197469%d^0","Code":"OK"}`, n, n)
		return
	}
	fmt.Fprintf(w, `{"Response":{"SendStatusSet":[{"SerialNo":"5000:%d","PhoneNumber":"+86%s","Fee":1,"SessionContext":%q,"Code":"Ok","Message":"send success","IsoCode":"CN"}],"RequestId":"r%d"}}`,
		n, m.phone, m.key, n)
}

// asked reports whether QuerySendDetails was asked about phone.
func (f *fakeSMS) asked(phone string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range f.queries {
		if q == phone {
			return true
		}
	}
	return false
}

// readAliyun checks an ACS3-signed SendSms or QuerySendDetails; for a
// query it returns the phone asked about.
func (f *fakeSMS) readAliyun(r *http.Request, body []byte) (m sent, query, refused string) {
	if code, _ := smstest.VerifyACS3(r, body, fakeKeyID, fakeSecret); code != "" {
		return m, "", code
	}
	q := r.URL.Query()
	switch r.Header.Get("x-acs-action") {
	case "QuerySendDetails":
		return m, q.Get("PhoneNumber"), ""
	case "SendSms":
		if q.Get("SignName") != fakeSign || q.Get("OutId") == "" {
			return m, "", "isv.INVALID_PARAMETERS"
		}
		return sent{key: q.Get("OutId"), phone: q.Get("PhoneNumbers"), template: q.Get("TemplateCode")}, "", ""
	}
	return m, "", "InvalidAction.NotFound"
}

// readTencent checks a TC3-signed SendSms.
func (f *fakeSMS) readTencent(r *http.Request, body []byte) (sent, string) {
	if code, _ := smstest.VerifyTC3(r, body, "sms", fakeKeyID, fakeSecret, time.Now()); code != "" {
		return sent{}, code
	}
	var req struct {
		PhoneNumberSet             []string
		SmsSdkAppId, SignName      string
		TemplateId, SessionContext string
	}
	if r.Header.Get("X-TC-Action") != "SendSms" || json.Unmarshal(body, &req) != nil || len(req.PhoneNumberSet) != 1 ||
		req.SignName != fakeSign || req.SmsSdkAppId != "1400006666" || req.SessionContext == "" {
		return sent{}, "InvalidParameter"
	}
	return sent{key: req.SessionContext, phone: strings.TrimPrefix(req.PhoneNumberSet[0], "+86"), template: req.TemplateId}, ""
}

// detailsLocked lists the accepted messages to phone as QuerySendDetails
// does (SendStatus 3: delivered).
func (f *fakeSMS) detailsLocked(phone string) string {
	var items []string
	for _, s := range f.sends {
		if s.phone == phone {
			items = append(items, fmt.Sprintf(`{"OutId":%q,"PhoneNum":%q,"SendStatus":3,"TemplateCode":%q}`, s.key, s.phone, s.template))
		}
	}
	return "[" + strings.Join(items, ",") + "]"
}
