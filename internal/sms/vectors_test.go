package sms

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Known-answer vectors published by the providers, run through the real
// signers (the fake-server tests in package sms_test check the rest of the
// protocol with an independent verifier).

// Alibaba Cloud, "V3版本请求体&签名机制" / FC "签名机制" worked example:
// POST https://ecs.cn-shanghai.aliyuncs.com/?ImageId=…&RegionId=cn-shanghai,
// RunInstances 2014-05-26, empty body, fixed date and nonce.
func TestACS3PublishedVector(t *testing.T) {
	req, err := http.NewRequest(http.MethodPost,
		"https://ecs.cn-shanghai.aliyuncs.com/?RegionId=cn-shanghai&ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2023, 10, 26, 10, 22, 32, 0, time.UTC)
	signACS3(req, nil, "YourAccessKeyId", "YourAccessKeySecret", "RunInstances", "2014-05-26", now, "3156853299f313e23d1673dc12e1703d")
	want := "ACS3-HMAC-SHA256 Credential=YourAccessKeyId," +
		"SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version," +
		"Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
	if got := req.Header.Get("x-acs-content-sha256"); got != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("x-acs-content-sha256 = %s", got)
	}
	if got := req.Header.Get("x-acs-date"); got != "2023-10-26T10:22:32Z" {
		t.Errorf("x-acs-date = %s", got)
	}
}

// Tencent Cloud, "签名方法 v3" / "Signature v3" worked example: CVM
// DescribeInstances, timestamp 1551113065, SecretKey
// Gu5t9xGARNpq86cd98joQYCN3EXAMPLE. Intermediate values in the document:
// payload hash 35e9c5b0…f064, canonical request hash 5ffe6a04…7031.
func TestTC3PublishedVector(t *testing.T) {
	payload := []byte(`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`)
	if got := sha256Hex(payload); got != "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064" {
		t.Fatalf("payload hash %s", got)
	}
	req, err := http.NewRequest(http.MethodPost, "https://cvm.tencentcloudapi.com", bytes.NewReader(payload))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	const id = "AKID**********************0123456789EXAMPLE" // as printed (masked) in the document
	signTC3(req, payload, id, "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE", "cvm", time.Unix(1551113065, 0))
	want := "TC3-HMAC-SHA256 Credential=" + id + "/2019-02-25/cvm/tc3_request, " +
		"SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
	if got := req.Header.Get("Authorization"); got != want {
		t.Errorf("Authorization\n got %s\nwant %s", got, want)
	}
	if got := req.Header.Get("X-TC-Timestamp"); got != "1551113065" {
		t.Errorf("X-TC-Timestamp = %s", got)
	}
}

// The document's note: 1551113065 is 2019-02-26 00:44:25 in UTC+8, but the
// credential date must be the UTC date.
func TestTC3DateIsUTC(t *testing.T) {
	req, _ := http.NewRequest(http.MethodPost, "https://sms.tencentcloudapi.com", nil)
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	signTC3(req, nil, "id", "key", "sms", time.Unix(1551113065, 0).In(time.FixedZone("CST", 8*3600)))
	if a := req.Header.Get("Authorization"); !strings.Contains(a, "/2019-02-25/sms/tc3_request") {
		t.Errorf("scope not UTC: %s", a)
	}
}

func TestPercentEncode(t *testing.T) {
	for in, want := range map[string]string{
		"AZaz09-_.~": "AZaz09-_.~",
		"a b*c+d/e":  "a%20b%2Ac%2Bd%2Fe",
		`{"code":1}`: "%7B%22code%22%3A1%7D",
		"人大":         "%E4%BA%BA%E5%A4%A7",
	} {
		if got := percentEncode(in); got != want {
			t.Errorf("percentEncode(%q) = %q, want %q", in, got, want)
		}
	}
}
