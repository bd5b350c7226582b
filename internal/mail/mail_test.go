package mail_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"zhitong/internal/mail"
	"zhitong/internal/mail/mailtest"
)

func TestSMTPSendsUTF8Message(t *testing.T) {
	srv := mailtest.Start(t)
	m := &mail.SMTP{Addr: srv.Addr, From: "noreply@zhitong.example.cn"}
	if err := m.Check(); err != nil {
		t.Fatal(err)
	}
	if err := m.Send(context.Background(), "li@example.cn", "民意直通通知", "案件ABCD即将到期，请及时办理。", "case:1:ev:2/email:user:3"); err != nil {
		t.Fatal(err)
	}
	got := srv.Messages()
	if len(got) != 1 {
		t.Fatalf("server received %d messages", len(got))
	}
	if got[0].To != "li@example.cn" || got[0].From != "noreply@zhitong.example.cn" {
		t.Errorf("envelope = %s → %s", got[0].From, got[0].To)
	}
	if got[0].Body() != "案件ABCD即将到期，请及时办理。" {
		t.Errorf("body = %q", got[0].Body())
	}
	if !strings.Contains(got[0].Data, "Message-ID: <case:1:ev:2/email:user:3@zhitong>") || !strings.Contains(got[0].Data, "=?UTF-8?b?") {
		t.Errorf("headers: %s", got[0].Data)
	}
}

func TestSMTPRejectionIsPermanent(t *testing.T) {
	srv := mailtest.Start(t)
	srv.Reject = "550 no such user"
	err := (&mail.SMTP{Addr: srv.Addr, From: "a@b.cn"}).Send(context.Background(), "x@example.cn", "s", "b", "k")
	var p interface{ Permanent() bool }
	if err == nil || !errors.As(err, &p) || !p.Permanent() {
		t.Fatalf("a 550 answer gave %v, want a permanent error", err)
	}
	if err := (&mail.SMTP{Addr: srv.Addr, From: "a@b.cn"}).Send(context.Background(), "x@example.cn\r\nBcc: y@z.cn", "s", "b", "k"); err == nil {
		t.Error("a recipient with a line break was accepted")
	}
	if err := (&mail.SMTP{Addr: "nohost", From: "a@b.cn"}).Check(); err == nil {
		t.Error("an address without a port passed the check")
	}
}
