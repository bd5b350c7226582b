package sms

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Tencent Cloud SMS SendSms, API 3.0, signature v3.
const (
	tencentDefaultBase   = "https://sms.tencentcloudapi.com"
	tencentDefaultRegion = "ap-guangzhou"
	tencentService       = "sms"
	tencentAction        = "SendSms"
	tencentVersion       = "2021-01-11"
	tencentContentType   = "application/json; charset=utf-8"
	tc3Algorithm         = "TC3-HMAC-SHA256"
)

// TencentConfig configures the Tencent Cloud driver.
type TencentConfig struct {
	BaseURL   string // default https://sms.tencentcloudapi.com
	SecretID  string
	SecretKey string
	Region    string // X-TC-Region, default ap-guangzhou
	SdkAppID  string // SmsSdkAppId, e.g. 1400006666
	SignName  string
	Templates map[string]string // our template key → TemplateId
	Client    *http.Client      // default: 10 s timeout
	Now       func() time.Time  // default time.Now
}

// Tencent sends through Tencent Cloud SMS.
type Tencent struct {
	cfg  TencentConfig
	base *url.URL
}

// NewTencent checks cfg and returns the driver.
func NewTencent(cfg TencentConfig) (*Tencent, error) {
	base, err := parseBase(cfg.BaseURL, tencentDefaultBase)
	if err != nil {
		return nil, err
	}
	if cfg.SecretID == "" || cfg.SecretKey == "" || cfg.SdkAppID == "" || cfg.SignName == "" || len(cfg.Templates) == 0 {
		return nil, errors.New("sms: tencent needs SecretID, SecretKey, SdkAppID, SignName and Templates")
	}
	if cfg.Region == "" {
		cfg.Region = tencentDefaultRegion
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: defaultTimeout}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Tencent{cfg: cfg, base: base}, nil
}

// Name implements Sender.
func (t *Tencent) Name() string { return "tencent" }

type tencentRequest struct {
	PhoneNumberSet   []string `json:"PhoneNumberSet"`
	SmsSdkAppID      string   `json:"SmsSdkAppId"`
	SignName         string   `json:"SignName"`
	TemplateID       string   `json:"TemplateId"`
	TemplateParamSet []string `json:"TemplateParamSet,omitempty"`
	SessionContext   string   `json:"SessionContext,omitempty"`
}

type tencentAnswer struct {
	Response struct {
		Error *struct {
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
		SendStatusSet []struct {
			SerialNo string `json:"SerialNo"`
			Code     string `json:"Code"`
			Message  string `json:"Message"`
		} `json:"SendStatusSet"`
		RequestID string `json:"RequestId"`
	} `json:"Response"`
}

// Send sends m and returns the SerialNo.
func (t *Tencent) Send(ctx context.Context, m Message) (string, error) {
	tmpl, err := validate(m, t.cfg.Templates)
	if err != nil {
		return "", err
	}
	r := tencentRequest{
		PhoneNumberSet: []string{"+86" + m.Phone},
		SmsSdkAppID:    t.cfg.SdkAppID,
		SignName:       t.cfg.SignName,
		TemplateID:     tmpl,
		SessionContext: m.IdempotencyKey,
	}
	for _, p := range m.Params {
		r.TemplateParamSet = append(r.TemplateParamSet, p.Value)
	}
	body, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.base.String(), bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", tencentContentType)
	req.Header.Set("X-TC-Action", tencentAction)
	req.Header.Set("X-TC-Version", tencentVersion)
	req.Header.Set("X-TC-Region", t.cfg.Region)
	signTC3(req, body, t.cfg.SecretID, t.cfg.SecretKey, tencentService, t.cfg.Now())

	status, answer, err := roundTrip(t.cfg.Client, req, "tencent")
	if err != nil {
		return "", err
	}
	var ans tencentAnswer
	if json.Unmarshal(answer, &ans) != nil {
		return "", badAnswer("tencent", status, answer)
	}
	resp := ans.Response
	fail := func(code, msg string) *Error {
		return &Error{Provider: "tencent", Code: code, Message: msg, HTTPStatus: status,
			RequestID: resp.RequestID, Retryable: tencentRetryable(status, code)}
	}
	switch {
	case resp.Error != nil:
		return "", fail(resp.Error.Code, resp.Error.Message)
	case len(resp.SendStatusSet) == 0:
		return "", badAnswer("tencent", status, answer)
	case resp.SendStatusSet[0].Code != "Ok":
		return "", fail(resp.SendStatusSet[0].Code, resp.SendStatusSet[0].Message)
	}
	return resp.SendStatusSet[0].SerialNo, nil
}

// tencentRetryable: request-rate limits, per-number frequency limits,
// internal errors and 5xx may succeed later; the rest will not.
func tencentRetryable(status int, code string) bool {
	switch code {
	case "InternalError", "InternalError.Timeout",
		"LimitExceeded.DeliveryFrequencyLimit", "LimitExceeded.PhoneNumberThirtySecondLimit",
		"LimitExceeded.PhoneNumberOneHourLimit", "LimitExceeded.PhoneNumberDailyLimit",
		"LimitExceeded.PhoneNumberSameContentDailyLimit":
		return true
	}
	return status >= 500 || status == http.StatusTooManyRequests || strings.HasPrefix(code, "RequestLimitExceeded")
}

// signTC3 adds X-TC-Timestamp and the Authorization header of Tencent Cloud
// signature v3 (TC3-HMAC-SHA256) to req, whose body is body:
//
//	CanonicalRequest = Method \n CanonicalURI \n CanonicalQueryString \n
//	                   "content-type:"ct"\nhost:"host"\n" \n "content-type;host" \n hex(sha256(body))
//	StringToSign     = "TC3-HMAC-SHA256" \n timestamp \n date/service/tc3_request \n hex(sha256(CanonicalRequest))
//	key              = HMAC(HMAC(HMAC("TC3"+secretKey, date), service), "tc3_request")
//	Signature        = hex(HMAC(key, StringToSign))
//
// with date the UTC date of the timestamp.
func signTC3(req *http.Request, body []byte, secretID, secretKey, service string, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	date := now.UTC().Format("2006-01-02")
	req.Header.Set("X-TC-Timestamp", ts)

	const signed = "content-type;host"
	canonHeaders := "content-type:" + strings.ToLower(strings.TrimSpace(req.Header.Get("Content-Type"))) + "\n" +
		"host:" + strings.ToLower(strings.TrimSpace(requestHost(req))) + "\n"
	canonical := strings.Join([]string{
		req.Method, canonicalURI(req.URL), canonicalQuery(req.URL.Query()),
		canonHeaders, signed, sha256Hex(body),
	}, "\n")
	scope := date + "/" + service + "/tc3_request"
	toSign := tc3Algorithm + "\n" + ts + "\n" + scope + "\n" + sha256Hex([]byte(canonical))

	key := hmacSHA256([]byte("TC3"+secretKey), date)
	key = hmacSHA256(key, service)
	key = hmacSHA256(key, "tc3_request")
	sig := hex.EncodeToString(hmacSHA256(key, toSign))
	req.Header.Set("Authorization", tc3Algorithm+" Credential="+secretID+"/"+scope+
		", SignedHeaders="+signed+", Signature="+sig)
}
