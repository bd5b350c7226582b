package cli

import (
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func envOf(m map[string]string) Env {
	return Env{Stderr: io.Discard, Getenv: func(k string) string { return m[k] }}
}

func TestDeliveryConfigFromEnvironment(t *testing.T) {
	cfg, err := deliveryConfig(envOf(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Delivery.SMS.Name() != "log" || cfg.Delivery.Mail != nil || cfg.OutboxEvery != 5*time.Second || cfg.SweepEvery != 10*time.Minute ||
		cfg.Delivery.Quiet.Start != 22 || cfg.Delivery.Quiet.End != 8 || cfg.Delivery.Quiet.Off {
		t.Errorf("defaults = %+v", cfg)
	}
	cfg, err = deliveryConfig(envOf(map[string]string{
		"ZHITONG_SMS_DRIVER": "aliyun", "ZHITONG_ALIYUN_ACCESS_KEY_ID": "id", "ZHITONG_ALIYUN_ACCESS_KEY_SECRET": "secret",
		"ZHITONG_SMS_SIGN_NAME": "定南人大", "ZHITONG_SMS_TEMPLATES": "case.acknowledged=SMS_1, case.assigned=SMS_2",
		"ZHITONG_SMTP_ADDR": "127.0.0.1:25", "ZHITONG_SMTP_FROM": "noreply@example.cn",
		"ZHITONG_QUIET_HOURS": "off", "ZHITONG_OUTBOX_EVERY": "2s",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Delivery.SMS.Name() != "aliyun" || cfg.Delivery.Mail == nil || !cfg.Delivery.Quiet.Off || cfg.OutboxEvery != 2*time.Second {
		t.Errorf("configured = %+v", cfg)
	}
	cfg, err = deliveryConfig(envOf(map[string]string{"ZHITONG_SMS_LOG_FILE": filepath.Join(t.TempDir(), "sms.log"), "ZHITONG_QUIET_HOURS": "21-7"}))
	if err != nil {
		t.Fatal(err)
	}
	defer cfg.close()
	if cfg.Delivery.Quiet.Start != 21 || cfg.Delivery.Quiet.End != 7 {
		t.Errorf("quiet hours = %+v", cfg.Delivery.Quiet)
	}
	for name, env := range map[string]map[string]string{
		"unknown driver":     {"ZHITONG_SMS_DRIVER": "carrier-pigeon"},
		"tencent, no keys":   {"ZHITONG_SMS_DRIVER": "tencent", "ZHITONG_SMS_TEMPLATES": "case.acknowledged=1"},
		"bad template map":   {"ZHITONG_SMS_TEMPLATES": "case.acknowledged"},
		"bad quiet hours":    {"ZHITONG_QUIET_HOURS": "22-25"},
		"bad duration":       {"ZHITONG_OUTBOX_EVERY": "soon"},
		"smtp without from":  {"ZHITONG_SMTP_ADDR": "127.0.0.1:25"},
		"smtp without port":  {"ZHITONG_SMTP_ADDR": "mail.example.cn", "ZHITONG_SMTP_FROM": "a@b.cn"},
		"negative duration":  {"ZHITONG_OUTBOX_LEASE": "-1s"},
		"log file not there": {"ZHITONG_SMS_LOG_FILE": filepath.Join(t.TempDir(), "no", "such", "dir", "sms.log")},
	} {
		if _, err := deliveryConfig(envOf(env)); err == nil {
			t.Errorf("%s: accepted", name)
		} else if strings.TrimSpace(err.Error()) == "" {
			t.Errorf("%s: empty error", name)
		}
	}
}
