// Package mail sends notification e-mails over SMTP (net/smtp), with
// STARTTLS when the server offers it and PLAIN authentication when a user
// name is configured.
package mail

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// SMTP is an SMTP relay.
type SMTP struct {
	Addr     string // host:port
	From     string // sender address
	Username string // empty: no authentication
	Password string
	Timeout  time.Duration // default 15 s
}

// Check reports a configuration that cannot work.
func (s *SMTP) Check() error {
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		return fmt.Errorf("mail: SMTP address %q: %w", s.Addr, err)
	}
	if !strings.Contains(s.From, "@") {
		return errors.New("mail: a sender address (From) is required")
	}
	return nil
}

// permanent marks SMTP answers that will not change on retry (5xx).
type permanent struct{ error }

func (permanent) Permanent() bool { return true }

// Send sends a plain-text UTF-8 message; key becomes its Message-ID, so a
// receiving system can spot a duplicate.
func (s *SMTP) Send(ctx context.Context, to, subject, body, key string) error {
	if strings.ContainsAny(to, "\r\n") || strings.ContainsAny(subject, "\r\n") {
		return permanent{errors.New("mail: header injection refused")}
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	conn.SetDeadline(time.Now().Add(timeout))
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(tlsConfig(host)); err != nil {
			return fmt.Errorf("mail: starttls: %w", err)
		}
	}
	if s.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, host)); err != nil {
			return classify(err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return classify(err)
	}
	if err := c.Rcpt(to); err != nil {
		return classify(err)
	}
	w, err := c.Data()
	if err != nil {
		return classify(err)
	}
	if _, err := w.Write(message(s.From, to, subject, body, key, time.Now())); err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := w.Close(); err != nil {
		return classify(err)
	}
	return c.Quit()
}

func classify(err error) error {
	if strings.HasPrefix(err.Error(), "5") {
		return permanent{fmt.Errorf("mail: %w", err)}
	}
	return fmt.Errorf("mail: %w", err)
}

// message renders the RFC 5322 message, its body base64-encoded.
func message(from, to, subject, body, key string, now time.Time) []byte {
	var b strings.Builder
	id := strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f && r != '<' && r != '>' && r != '@' {
			return r
		}
		return '_'
	}, key)
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@zhitong>\r\n",
		from, to, mime.BEncoding.Encode("UTF-8", subject), now.Format(time.RFC1123Z), id)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return []byte(b.String())
}
