package sms

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"
)

// defaultTimeout bounds a provider call when the config gives no client.
// Aliyun recommends at least 1 s for domestic SMS.
const defaultTimeout = 10 * time.Second

// maxAnswer bounds how much of a provider answer is read.
const maxAnswer = 1 << 20

func sha256Hex(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// percentEncode encodes s per RFC 3986: A–Z a–z 0–9 - _ . ~ stay, every
// other byte of the UTF-8 form becomes %XX (so space is %20, * is %2A).
func percentEncode(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// canonicalQuery sorts parameters by name (then value) and joins the
// percent-encoded pairs with &; a parameter without value keeps "name=".
func canonicalQuery(q url.Values) string {
	type kv struct{ k, v string }
	var pairs []kv
	for k, vs := range q {
		for _, v := range vs {
			pairs = append(pairs, kv{percentEncode(k), percentEncode(v)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// canonicalURI percent-encodes each segment of the request path; an empty
// path is "/".
func canonicalURI(u *url.URL) string {
	if u.Path == "" {
		return "/"
	}
	segs := strings.Split(u.Path, "/")
	for i, s := range segs {
		segs[i] = percentEncode(s)
	}
	return strings.Join(segs, "/")
}

// requestHost is the Host header the request will carry.
func requestHost(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	return r.URL.Host
}

// parseBase checks a configured base URL, defaulting to def.
func parseBase(base, def string) (*url.URL, error) {
	if base == "" {
		base = def
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return nil, fmt.Errorf("sms: bad base URL %q", base)
	}
	return u, nil
}

// roundTrip sends req and returns the status and (bounded) body. Transport
// failures (including a cancelled context, reachable with errors.Is) come
// back as a retryable *Error with Code "NetworkError": the message may or may
// not have reached the provider.
func roundTrip(c *http.Client, req *http.Request, provider string) (int, []byte, error) {
	if c == nil {
		c = &http.Client{Timeout: defaultTimeout}
	}
	resp, err := c.Do(req)
	if err != nil {
		msg := err.Error()
		var ue *url.Error
		if errors.As(err, &ue) { // its text holds the URL, and Aliyun's carries the phone number
			msg = ue.Op + ": " + ue.Err.Error()
		}
		return 0, nil, &Error{Provider: provider, Code: "NetworkError", Message: msg, Retryable: true, cause: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return 0, nil, &Error{Provider: provider, Code: "NetworkError", Message: err.Error(),
			Retryable: true, HTTPStatus: resp.StatusCode, cause: err}
	}
	return resp.StatusCode, body, nil
}

// badAnswer describes an answer that could not be understood.
func badAnswer(provider string, status int, body []byte) *Error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	code := "BadResponse"
	if status != http.StatusOK {
		code = fmt.Sprintf("HTTP%d", status)
	}
	return &Error{Provider: provider, Code: code, Message: msg, HTTPStatus: status,
		Retryable: status >= 500 || status == http.StatusTooManyRequests}
}
