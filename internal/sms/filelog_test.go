package sms_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"zhitong/internal/sms"
)

func TestFileLogAppendsAndConfirms(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sms.log")
	l, err := sms.OpenFileLog(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	for _, k := range []string{"case:1:ack", "case:2:ack"} {
		if _, err := l.Send(ctx, sms.Message{Phone: "13907971234", Template: "case.acknowledged",
			Params: []sms.Param{{Name: "code", Value: "ABCD"}}, IdempotencyKey: k}); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := os.ReadFile(path)
	if n := strings.Count(string(b), "\n"); n != 2 || strings.Contains(string(b), "13907971234") {
		t.Fatalf("log has %d lines or an unmasked phone:\n%s", n, b)
	}
	for k, want := range map[string]bool{"case:1:ack": true, "case:2:ack": true, "case:1": false, "case:3:ack": false} {
		if got, err := l.Sent(ctx, "13907971234", k, time.Now()); err != nil || got != want {
			t.Errorf("Sent(%q) = %v, %v; want %v", k, got, err, want)
		}
	}
}
