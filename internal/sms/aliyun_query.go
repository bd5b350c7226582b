package sms

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// china is UTC+8, the time zone of Aliyun's SendDate.
var china = time.FixedZone("CST", 8*3600)

type aliyunDetails struct {
	RequestID string `json:"RequestId"`
	Code      string `json:"Code"`
	Message   string `json:"Message"`
	Details   struct {
		List []struct {
			OutID      string `json:"OutId"`
			SendStatus int    `json:"SendStatus"` // 1 waiting for receipt, 2 failed, 3 delivered
		} `json:"SmsSendDetailDTO"`
	} `json:"SmsSendDetailDTOs"`
}

// Sent asks Aliyun (QuerySendDetails) whether a message with this
// idempotency key (OutId) was accepted for phone on the China date of at or
// of a minute later. It lets the outbox settle a send interrupted by a crash
// instead of guessing. A message accepted moments before the query may not
// be listed yet; callers wait a lease of minutes before asking.
func (a *Aliyun) Sent(ctx context.Context, phone, key string, at time.Time) (bool, error) {
	days := []string{at.In(china).Format("20060102")}
	if next := at.Add(time.Minute).In(china).Format("20060102"); next != days[0] {
		days = append(days, next)
	}
	for _, day := range days {
		found, err := a.query(ctx, phone, key, day)
		if err != nil || found {
			return found, err
		}
	}
	return false, nil
}

func (a *Aliyun) query(ctx context.Context, phone, key, day string) (bool, error) {
	q := url.Values{}
	q.Set("PhoneNumber", phone)
	q.Set("SendDate", day)
	q.Set("PageSize", "50")
	q.Set("CurrentPage", "1")
	u := *a.base
	u.RawQuery = canonicalQuery(q)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json")
	signACS3(req, nil, a.cfg.AccessKeyID, a.cfg.AccessKeySecret, "QuerySendDetails", aliyunVersion, a.cfg.Now(), randomHex(16))
	status, body, err := roundTrip(a.cfg.Client, req, "aliyun")
	if err != nil {
		return false, err
	}
	var ans aliyunDetails
	if json.Unmarshal(body, &ans) != nil || ans.Code == "" {
		return false, badAnswer("aliyun", status, body)
	}
	if status != http.StatusOK || ans.Code != "OK" {
		return false, &Error{Provider: "aliyun", Code: ans.Code, Message: ans.Message, HTTPStatus: status,
			RequestID: ans.RequestID, Retryable: aliyunRetryable(status, ans.Code)}
	}
	for _, d := range ans.Details.List {
		if d.OutID == key {
			return true, nil
		}
	}
	return false, nil
}
