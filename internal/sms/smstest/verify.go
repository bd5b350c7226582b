// Package smstest holds independent server-side verifiers for the two SMS
// providers' signature schemes, written from the published specifications,
// for fake provider servers in tests. They live outside package sms so they
// cannot reach the signer's internals, and they are deliberately
// built differently (url.QueryEscape plus the documented replacements,
// header values read back from the received request, signed headers taken
// from the Authorization header).
package smstest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

func hexSum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func mac(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// rfc3986 is the Java-style recipe from the Aliyun document: encode, then
// "+"→"%20", "*"→"%2A", "%7E"→"~".
var rfc3986 = strings.NewReplacer("+", "%20", "*", "%2A", "%7E", "~")

func escape(s string) string { return rfc3986.Replace(url.QueryEscape(s)) }

func headerValue(r *http.Request, name string) string {
	if name == "host" {
		return r.Host
	}
	return strings.Join(r.Header.Values(name), ",")
}

// VerifyACS3 returns "" if r carries a valid ACS3-HMAC-SHA256 signature for
// (keyID, secret), else an Alibaba Cloud gateway error code.
func VerifyACS3(r *http.Request, body []byte, keyID, secret string) (code, message string) {
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "ACS3-HMAC-SHA256 ")
	if !ok {
		return "IncompleteSignature", "The request signature does not conform to Aliyun standards."
	}
	f := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(part, "=")
		f[k] = v
	}
	if f["Credential"] != keyID {
		return "InvalidAccessKeyId.NotFound", "Specified access key is not found."
	}
	signed := strings.Split(f["SignedHeaders"], ";")
	if !sort.StringsAreSorted(signed) {
		return "IncompleteSignature", "SignedHeaders must be sorted."
	}
	must := map[string]bool{"host": true, "x-acs-action": true, "x-acs-content-sha256": true,
		"x-acs-date": true, "x-acs-signature-nonce": true, "x-acs-version": true}
	for name := range r.Header {
		if l := strings.ToLower(name); strings.HasPrefix(l, "x-acs-") || l == "content-type" {
			must[l] = true
		}
	}
	for _, h := range signed {
		delete(must, h)
	}
	if len(must) > 0 {
		return "IncompleteSignature", "A required header is not signed."
	}
	if _, err := time.Parse(time.RFC3339, r.Header.Get("x-acs-date")); err != nil {
		return "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."
	}
	payloadHash := hexSum(body) // recomputed from what arrived, not trusted from the header
	if r.Header.Get("x-acs-content-sha256") != payloadHash {
		return "SignatureDoesNotMatch", "Specified signature is not matched with our calculation (content hash)."
	}
	q := r.URL.Query()
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	var pairs []string
	for _, k := range names {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			pairs = append(pairs, escape(k)+"="+escape(v))
		}
	}
	var ch strings.Builder
	for _, h := range signed {
		ch.WriteString(h + ":" + strings.TrimSpace(headerValue(r, h)) + "\n")
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	canonical := r.Method + "\n" + path + "\n" + strings.Join(pairs, "&") + "\n" + ch.String() + "\n" +
		f["SignedHeaders"] + "\n" + payloadHash
	want := hex.EncodeToString(mac([]byte(secret), "ACS3-HMAC-SHA256\n"+hexSum([]byte(canonical))))
	if !hmac.Equal([]byte(want), []byte(f["Signature"])) {
		return "SignatureDoesNotMatch", "Specified signature is not matched with our calculation."
	}
	return "", ""
}

// VerifyTC3 returns "" if r carries a valid TC3-HMAC-SHA256 signature for
// (secretID, secretKey) and service at server time now, else a Tencent
// Cloud common error code.
func VerifyTC3(r *http.Request, body []byte, service, secretID, secretKey string, now time.Time) (code, message string) {
	rest, ok := strings.CutPrefix(r.Header.Get("Authorization"), "TC3-HMAC-SHA256 ")
	if !ok {
		return "AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid."
	}
	f := map[string]string{}
	for _, part := range strings.Split(rest, ", ") {
		k, v, _ := strings.Cut(part, "=")
		f[k] = v
	}
	cred := strings.Split(f["Credential"], "/")
	if len(cred) != 4 || cred[2] != service || cred[3] != "tc3_request" {
		return "AuthFailure.InvalidAuthorization", "Authorization in the request header is invalid."
	}
	if cred[0] != secretID {
		return "AuthFailure.SecretIdNotFound", "The SecretId is not found, please ensure that your SecretId is correct."
	}
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	if err != nil || now.Sub(time.Unix(ts, 0)).Abs() > 5*time.Minute {
		return "AuthFailure.SignatureExpire", "Signature expired."
	}
	date := time.Unix(ts, 0).UTC().Format(time.DateOnly)
	if cred[1] != date {
		return "AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."
	}
	signed := f["SignedHeaders"]
	if !strings.Contains(";"+signed+";", ";content-type;") || !strings.Contains(";"+signed+";", ";host;") {
		return "AuthFailure.InvalidAuthorization", "content-type and host must be signed."
	}
	var ch strings.Builder
	for _, h := range strings.Split(signed, ";") {
		ch.WriteString(h + ":" + strings.ToLower(strings.TrimSpace(headerValue(r, h))) + "\n")
	}
	canonical := "POST\n/\n\n" + ch.String() + "\n" + signed + "\n" + hexSum(body)
	if r.Method != http.MethodPost || r.URL.RawQuery != "" {
		canonical = "" // only POST JSON without query is served here
	}
	toSign := "TC3-HMAC-SHA256\n" + strconv.FormatInt(ts, 10) + "\n" + date + "/" + service + "/tc3_request\n" + hexSum([]byte(canonical))
	k := mac(mac(mac([]byte("TC3"+secretKey), date), service), "tc3_request")
	want := hex.EncodeToString(mac(k, toSign))
	if !hmac.Equal([]byte(want), []byte(f["Signature"])) {
		return "AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct."
	}
	return "", ""
}
