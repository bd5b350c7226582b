package sms_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

func TestAliyunSentQueriesSendDetails(t *testing.T) {
	var asked []url.Values
	f := &fakeAliyun{keyID: "LTAI-test-id", secret: "s3cret", reply: func(q url.Values) (int, string) {
		asked = append(asked, q)
		if q.Get("PhoneNumber") == "13800000000" {
			return http.StatusBadRequest, `{"RequestId":"r","Code":"isv.MOBILE_NUMBER_ILLEGAL","Message":"bad number"}`
		}
		list := `[]`
		if q.Get("SendDate") == "20260302" {
			list = `[{"OutId":"other","SendStatus":3},{"OutId":"notice-42-ack","SendStatus":1}]`
		}
		return http.StatusOK, `{"RequestId":"r","Code":"OK","Message":"OK","TotalCount":2,"SmsSendDetailDTOs":{"SmsSendDetailDTO":` + list + `}}`
	}}
	a, _ := newAliyun(t, f, "s3cret", nil)
	ctx := context.Background()
	// 23:59:30 China time on 1 March: the send may be listed under 2 March.
	at := time.Date(2026, 3, 1, 15, 59, 30, 0, time.UTC)
	sent, err := a.Sent(ctx, "13812341234", "notice-42-ack", at)
	if err != nil || !sent {
		t.Fatalf("Sent = %v, %v; want true", sent, err)
	}
	if len(asked) != 2 || asked[0].Get("SendDate") != "20260301" || asked[1].Get("SendDate") != "20260302" || asked[0].Get("PhoneNumber") != "13812341234" {
		t.Errorf("queries = %v", asked)
	}
	asked = nil
	if sent, err := a.Sent(ctx, "13812341234", "notice-43-ack", at.Add(-time.Hour)); err != nil || sent || len(asked) != 1 {
		t.Errorf("unknown key: Sent = %v, %v after %d queries", sent, err, len(asked))
	}
	if _, err := a.Sent(ctx, "13800000000", "k", at); err == nil {
		t.Error("a provider error was not reported")
	}
	bad, _ := newAliyun(t, f, "wrong", nil)
	if _, err := bad.Sent(ctx, "13812341234", "k", at); err == nil {
		t.Error("a refused signature was not reported")
	}
}
