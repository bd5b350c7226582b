package sms

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// Alibaba Cloud SMS (dysmsapi) SendSms, RPC style, signature V3.
const (
	aliyunDefaultBase = "https://dysmsapi.aliyuncs.com"
	aliyunAction      = "SendSms"
	aliyunVersion     = "2017-05-25"
	acs3Algorithm     = "ACS3-HMAC-SHA256"
)

// AliyunConfig configures the Alibaba Cloud driver.
type AliyunConfig struct {
	BaseURL         string // default https://dysmsapi.aliyuncs.com
	AccessKeyID     string
	AccessKeySecret string
	SignName        string            // approved SMS signature, e.g. "某某人大"
	Templates       map[string]string // our template key → TemplateCode (SMS_…)
	Client          *http.Client      // default: 10 s timeout
	Now             func() time.Time  // default time.Now
}

// Aliyun sends through Alibaba Cloud SMS.
type Aliyun struct {
	cfg  AliyunConfig
	base *url.URL
}

// NewAliyun checks cfg and returns the driver.
func NewAliyun(cfg AliyunConfig) (*Aliyun, error) {
	base, err := parseBase(cfg.BaseURL, aliyunDefaultBase)
	if err != nil {
		return nil, err
	}
	if cfg.AccessKeyID == "" || cfg.AccessKeySecret == "" || cfg.SignName == "" || len(cfg.Templates) == 0 {
		return nil, errors.New("sms: aliyun needs AccessKeyID, AccessKeySecret, SignName and Templates")
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Aliyun{cfg: cfg, base: base}, nil
}

// Name implements Sender.
func (a *Aliyun) Name() string { return "aliyun" }

// aliyunAnswer is SendSms's JSON answer; gateway errors share Code/Message.
type aliyunAnswer struct {
	RequestID string `json:"RequestId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	BizID     string `json:"BizId"`
}

// Send sends m and returns the BizId.
func (a *Aliyun) Send(ctx context.Context, m Message) (string, error) {
	code, err := validate(m, a.cfg.Templates)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("PhoneNumbers", m.Phone)
	q.Set("SignName", a.cfg.SignName)
	q.Set("TemplateCode", code)
	if len(m.Params) > 0 {
		q.Set("TemplateParam", templateParamJSON(m.Params))
	}
	if m.IdempotencyKey != "" {
		q.Set("OutId", m.IdempotencyKey)
	}
	u := *a.base
	u.RawQuery = canonicalQuery(q) // sent exactly as signed
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Accept", "application/json")
	signACS3(req, nil, a.cfg.AccessKeyID, a.cfg.AccessKeySecret, aliyunAction, aliyunVersion, a.cfg.Now(), randomHex(16))

	status, body, err := roundTrip(a.cfg.Client, req, "aliyun")
	if err != nil {
		return "", err
	}
	var ans aliyunAnswer
	if json.Unmarshal(body, &ans) != nil || ans.Code == "" {
		return "", badAnswer("aliyun", status, body)
	}
	if status == http.StatusOK && ans.Code == "OK" {
		if ans.BizID == "" {
			return ans.RequestID, nil
		}
		return ans.BizID, nil
	}
	return "", &Error{Provider: "aliyun", Code: ans.Code, Message: ans.Message, HTTPStatus: status,
		RequestID: ans.RequestID, Retryable: aliyunRetryable(status, ans.Code)}
}

// aliyunRetryable: throttling, provider-side faults and 5xx may succeed
// later; bad numbers, templates, signatures, credentials and quotas set in
// the console will not.
func aliyunRetryable(status int, code string) bool {
	switch code {
	case "isv.BUSINESS_LIMIT_CONTROL", "isp.SYSTEM_ERROR", "ServiceUnavailable", "InternalError":
		return true
	}
	return status >= 500 || status == http.StatusTooManyRequests || strings.HasPrefix(code, "Throttling")
}

// templateParamJSON renders params as a JSON object of strings, keeping
// their order.
func templateParamJSON(ps []Param) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		_ = enc.Encode(p.Name) // strings always encode
		b.Truncate(b.Len() - 1)
		b.WriteByte(':')
		_ = enc.Encode(p.Value)
		b.Truncate(b.Len() - 1)
	}
	b.WriteByte('}')
	return b.String()
}

// signACS3 adds the x-acs-* headers and the Authorization header of
// Alibaba Cloud signature V3 (ACS3-HMAC-SHA256) to req, whose body is body:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//	                   CanonicalHeaders \n SignedHeaders \n hex(sha256(body))
//	StringToSign     = "ACS3-HMAC-SHA256" \n hex(sha256(CanonicalRequest))
//	Signature        = hex(hmac-sha256(secret, StringToSign))
//
// Signed are host, content-type and every x-acs-* header, lower-cased,
// sorted, values trimmed.
func signACS3(req *http.Request, body []byte, keyID, secret, action, version string, now time.Time, nonce string) {
	payloadHash := sha256Hex(body)
	req.Header.Set("x-acs-action", action)
	req.Header.Set("x-acs-version", version)
	req.Header.Set("x-acs-date", now.UTC().Format("2006-01-02T15:04:05Z"))
	req.Header.Set("x-acs-signature-nonce", nonce)
	req.Header.Set("x-acs-content-sha256", payloadHash)

	headers := map[string]string{"host": strings.TrimSpace(requestHost(req))}
	for name, vs := range req.Header {
		l := strings.ToLower(name)
		if l == "content-type" || strings.HasPrefix(l, "x-acs-") {
			headers[l] = strings.TrimSpace(strings.Join(vs, ","))
		}
	}
	names := make([]string, 0, len(headers))
	for n := range headers {
		names = append(names, n)
	}
	sort.Strings(names)
	var canonHeaders strings.Builder
	for _, n := range names {
		canonHeaders.WriteString(n + ":" + headers[n] + "\n")
	}
	signed := strings.Join(names, ";")
	canonical := strings.Join([]string{
		req.Method, canonicalURI(req.URL), canonicalQuery(req.URL.Query()),
		canonHeaders.String(), signed, payloadHash,
	}, "\n")
	toSign := acs3Algorithm + "\n" + sha256Hex([]byte(canonical))
	sig := hmacSHA256([]byte(secret), toSign)
	req.Header.Set("Authorization", acs3Algorithm+" Credential="+keyID+",SignedHeaders="+signed+
		",Signature="+hex.EncodeToString(sig))
}
