package exchange

import (
	"crypto/ecdsa"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/sm3"

	"zhitong"
)

// The signature headers of every exchange request, both ways
// (docs/exchange.md, Signing).
const (
	HeaderTimestamp = "X-Zhitong-Timestamp"        // Unix seconds
	HeaderNonce     = "X-Zhitong-Nonce"            // 16–64 characters, once per request
	HeaderSignature = "X-Zhitong-Signature"        // see Signature and SignSM2
	HeaderMethod    = "X-Zhitong-Signature-Method" // HMAC-SM3 | SM2 (informative: the peer's configuration decides)
	HeaderKey       = "X-Zhitong-Key"              // idempotency key: work-order number + step
)

// Signing methods of a peer.
const (
	SigningHMAC = "hmac" // HMAC-SM3 with the shared secret
	SigningSM2  = "sm2"  // SM2 signatures: ours with our key pair, theirs with their public key
)

var methodNames = map[string]string{SigningHMAC: "HMAC-SM3", SigningSM2: "SM2"}

// Window is how far a request's timestamp may be from our clock.
const Window = 5 * time.Minute

// signingString is what either method signs:
// method\npath\ntimestamp\nnonce\nhex(SM3(body)).
func signingString(method, path, timestamp, nonce string, body []byte) []byte {
	sum := sm3.Sum(body)
	return []byte(method + "\n" + path + "\n" + timestamp + "\n" + nonce + "\n" + hex.EncodeToString(sum[:]))
}

// Signature is hex(HMAC-SM3(secret, method\npath\ntimestamp\nnonce\nhex(SM3(body)))).
func Signature(secret []byte, method, path, timestamp, nonce string, body []byte) string {
	m := hmac.New(sm3.New, secret)
	m.Write(signingString(method, path, timestamp, nonce, body))
	return hex.EncodeToString(m.Sum(nil))
}

// SignatureSM2 is base64(SM2 signature, ASN.1, default user ID) of the
// same signing string, by key.
func SignatureSM2(key *sm2.PrivateKey, method, path, timestamp, nonce string, body []byte) (string, error) {
	sig, err := key.SignWithSM2(rand.Reader, nil, signingString(method, path, timestamp, nonce, body))
	if err != nil {
		return "", fmt.Errorf("sm2 sign: %w", err)
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// stamp sets the timestamp and a fresh nonce of req.
func stamp(req *http.Request, now time.Time, method string) (ts, nonce string) {
	ts = strconv.FormatInt(now.Unix(), 10)
	var b [16]byte
	rand.Read(b[:])
	nonce = hex.EncodeToString(b[:])
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderNonce, nonce)
	req.Header.Set(HeaderMethod, methodNames[method])
	return ts, nonce
}

// Sign sets the HMAC-SM3 signature headers of req, whose body is body.
func Sign(req *http.Request, secret, body []byte, now time.Time) {
	ts, nonce := stamp(req, now, SigningHMAC)
	req.Header.Set(HeaderSignature, Signature(secret, req.Method, req.URL.Path, ts, nonce, body))
}

// SignSM2 sets the SM2 signature headers of req, whose body is body.
func SignSM2(req *http.Request, key *sm2.PrivateKey, body []byte, now time.Time) error {
	ts, nonce := stamp(req, now, SigningSM2)
	sig, err := SignatureSM2(key, req.Method, req.URL.Path, ts, nonce, body)
	req.Header.Set(HeaderSignature, sig)
	return err
}

// Request is what the receiving side verifies: the parts of an HTTP request.
type Request struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Remote string // the sender's address, for the refusal log
}

// Verify checks r's HMAC-SM3 signature under secret and its timestamp
// against now. It returns the nonce, which the caller records to refuse a
// replay. Errors are EUNAUTHORIZED with a Chinese message naming what is
// wrong.
func Verify(secret []byte, r Request, now time.Time) (string, error) {
	return verify(r, now, SigningHMAC, func(ts, nonce, sig string) bool {
		want := Signature(secret, r.Method, r.Path, ts, nonce, r.Body)
		return hmac.Equal([]byte(want), []byte(sig))
	})
}

// VerifySM2 is Verify for an SM2 signature by pub.
func VerifySM2(pub *ecdsa.PublicKey, r Request, now time.Time) (string, error) {
	return verify(r, now, SigningSM2, func(ts, nonce, sig string) bool {
		raw, err := base64.StdEncoding.DecodeString(sig)
		return err == nil && pub != nil && sm2.VerifyASN1WithSM2(pub, nil, signingString(r.Method, r.Path, ts, nonce, r.Body), raw)
	})
}

func verify(r Request, now time.Time, method string, good func(ts, nonce, sig string) bool) (string, error) {
	ts, nonce, sig := r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderNonce), r.Header.Get(HeaderSignature)
	if ts == "" || nonce == "" || sig == "" {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "请求未签名：缺少 %s、%s 或 %s", HeaderTimestamp, HeaderNonce, HeaderSignature)
	}
	if m := r.Header.Get(HeaderMethod); m != "" && m != methodNames[method] {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "签名方式不符：本渠道约定使用 %s，请求为 %s", methodNames[method], m)
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
	if !good(ts, nonce, sig) {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "签名校验失败（%s）", methodNames[method])
	}
	return nonce, nil
}
