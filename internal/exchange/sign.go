package exchange

import (
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm3"

	"zhitong"
)

// The signature headers of every exchange request, both ways
// (docs/exchange.md, Signing).
const (
	HeaderTimestamp = "X-Zhitong-Timestamp" // Unix seconds
	HeaderNonce     = "X-Zhitong-Nonce"     // 16–64 characters, once per request
	HeaderSignature = "X-Zhitong-Signature" // hex HMAC-SM3, see Signature
	HeaderKey       = "X-Zhitong-Key"       // idempotency key: work-order number + step
)

// Window is how far a request's timestamp may be from our clock.
const Window = 5 * time.Minute

// Signature is hex(HMAC-SM3(secret, method\npath\ntimestamp\nnonce\nhex(SM3(body)))).
func Signature(secret []byte, method, path, timestamp, nonce string, body []byte) string {
	sum := sm3.Sum(body)
	m := hmac.New(sm3.New, secret)
	m.Write([]byte(method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:])))
	return hex.EncodeToString(m.Sum(nil))
}

// Sign sets the signature headers of req, whose body is body.
func Sign(req *http.Request, secret, body []byte, now time.Time) {
	ts := strconv.FormatInt(now.Unix(), 10)
	var b [16]byte
	rand.Read(b[:])
	nonce := hex.EncodeToString(b[:])
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderSignature, Signature(secret, req.Method, req.URL.Path, ts, nonce, body))
}

// Request is what the receiving side verifies: the parts of an HTTP request.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Remote string // the sender's address, for the refusal log
}

// Verify checks r's signature under secret and its timestamp against now.
// It returns the nonce, which the caller records to refuse a replay.
// Errors are EUNAUTHORIZED with a Chinese message naming what is wrong.
func Verify(secret []byte, r Request, now time.Time) (string, error) {
	ts, nonce, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderNonce), r.Header.Get(HeaderSignature)
	if ts == "" || nonce == "" || sig == "" {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "请求未签名：缺少 %s、%s 或 %s", HeaderTimestamp, HeaderNonce, HeaderSignature)
	}
	if len(nonce) < 16 || len(nonce) > 64 {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "%s 长度应为 16–64 个字符", HeaderNonce)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "%s 应为 Unix 秒数", HeaderTimestamp)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > Window || d < -Window {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "请求时间戳超出 ±5 分钟窗口（可能是重放或时钟不同步）")
	}
	want := Signature(secret, r.Method, r.Path, ts, nonce, r.Body)
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "签名校验失败")
	}
	return nonce, nil
}
