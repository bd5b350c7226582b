// Package sms sends citizen notifications (acknowledgement with tracking
// code, assignment, reply, re-handle) through a text-message provider.
//
// Three drivers implement Sender: Log, the default, which only writes a
// masked line per message; Aliyun, the Alibaba Cloud SendSms API (version
// 2017-05-25, ACS3-HMAC-SHA256 signature); and Tencent, the Tencent Cloud
// SendSms API (version 2021-01-11, TC3-HMAC-SHA256 signature). The provider
// drivers are thin: they validate, sign, send one request and map the answer
// to a provider id or an *Error. Neither provider deduplicates requests, so
// retries must be made safe by the caller (an outbox keyed by
// Message.IdempotencyKey); the key is passed through as OutId/SessionContext
// only so that receipts can be matched.
package sms

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"
)

// Param is one named template variable.
type Param struct{ Name, Value string }

// Message is one notification to one mainland mobile number.
type Message struct {
	Phone          string  // 11 digits, 1[3-9]xxxxxxxxx
	Template       string  // our template key, mapped per provider
	Params         []Param // in template order (Tencent uses the order)
	IdempotencyKey string  // sent as OutId (Aliyun) / SessionContext (Tencent)
}

// Sender delivers a message and returns the provider's id for it.
type Sender interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
	Name() string
}

// ErrInvalidMessage is wrapped by every validation failure; nothing was
// sent and retrying the same message cannot succeed.
var ErrInvalidMessage = errors.New("sms: invalid message")

// Error is a failure reported by a provider or met on the way to it.
type Error struct {
	Provider   string // "aliyun" or "tencent"
	Code       string // provider code, e.g. "isv.MOBILE_NUMBER_ILLEGAL"; ours: "NetworkError", "HTTP503", "BadResponse"
	Message    string
	Retryable  bool // throttling, provider-side 5xx/internal errors, network failures
	HTTPStatus int  // 0 when no HTTP answer was received
	RequestID  string
	cause      error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("sms %s: %s: %s", e.Provider, e.Code, e.Message)
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	return s
}

// Unwrap returns the transport error behind a NetworkError, if any.
func (e *Error) Unwrap() error { return e.cause }

// maxKeyLen bounds IdempotencyKey; Tencent allows SessionContext under 512
// bytes, this is our own tighter limit.
const maxKeyLen = 128

// validate checks m against the mapped templates and returns the provider
// template code.
func validate(m Message, templates map[string]string) (string, error) {
	code := templates[m.Template]
	if code == "" {
		return "", fmt.Errorf("%w: unknown template %q", ErrInvalidMessage, m.Template)
	}
	return code, check(m)
}

// check validates everything but the template mapping.
func check(m Message) error {
	if !ValidPhone(m.Phone) {
		return fmt.Errorf("%w: phone %s is not a mainland mobile number", ErrInvalidMessage, MaskPhone(m.Phone))
	}
	if m.Template == "" {
		return fmt.Errorf("%w: empty template", ErrInvalidMessage)
	}
	seen := make(map[string]bool, len(m.Params))
	for i, p := range m.Params {
		if p.Name == "" || strings.TrimSpace(p.Value) == "" {
			return fmt.Errorf("%w: param %d (%q) needs a name and a non-empty value", ErrInvalidMessage, i, p.Name)
		}
		if seen[p.Name] {
			return fmt.Errorf("%w: param %q given twice", ErrInvalidMessage, p.Name)
		}
		seen[p.Name] = true
		if strings.IndexFunc(p.Value, unicode.IsControl) >= 0 {
			return fmt.Errorf("%w: param %q contains control characters", ErrInvalidMessage, p.Name)
		}
	}
	if len(m.IdempotencyKey) > maxKeyLen || strings.IndexFunc(m.IdempotencyKey, unicode.IsControl) >= 0 {
		return fmt.Errorf("%w: idempotency key too long or not printable", ErrInvalidMessage)
	}
	return nil
}

// ValidPhone reports whether s is a mainland mobile number: 11 ASCII digits
// starting 13–19.
func ValidPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	for i := 2; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// MaskPhone shows an 11-digit number as 138****1234 and anything else as
// "***".
func MaskPhone(s string) string {
	if len(s) != 11 {
		return "***"
	}
	return s[:3] + "****" + s[7:]
}

// Log is the log-only driver: it writes one line per message and sends
// nothing. Parameter values are not written, as they may carry personal data
// (the tracking code is not secret, but other values may be). Each line is a
// single Write call; W must tolerate concurrent calls if Send is concurrent.
type Log struct{ W io.Writer }

// Name implements Sender.
func (l *Log) Name() string { return "log" }

// Send validates m (any non-empty template key is accepted), writes a line
// and returns a synthetic id "log-<hex>".
func (l *Log) Send(ctx context.Context, m Message) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := check(m); err != nil {
		return "", err
	}
	id := "log-" + randomHex(8)
	names := make([]string, len(m.Params))
	for i, p := range m.Params {
		names[i] = p.Name
	}
	if l.W != nil {
		line := fmt.Sprintf("sms log id=%s phone=%s template=%q params=[%s] key=%q\n",
			id, MaskPhone(m.Phone), m.Template, strings.Join(names, ","), m.IdempotencyKey)
		if _, err := io.WriteString(l.W, line); err != nil {
			return "", err
		}
	}
	return id, nil
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return hex.EncodeToString(b)
}
