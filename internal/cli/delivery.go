package cli

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"zhitong/internal/app"
	"zhitong/internal/mail"
	"zhitong/internal/sms"
)

// jobsConfig is what `zhitong serve` reads from the environment for its
// background jobs (see docs/operations.md).
type jobsConfig struct {
	Delivery    app.Delivery
	OutboxEvery time.Duration
	SweepEvery  time.Duration // deadline rules: reminders, letters, lists, bulletins, call-backs
	Poll        time.Duration
	closers     []io.Closer
}

func (c *jobsConfig) close() {
	for _, cl := range c.closers {
		cl.Close()
	}
}

func deliveryConfig(env Env) (*jobsConfig, error) {
	get := env.Getenv
	// PublicURL comes from serve's --public-url, whose default is ZHITONG_PUBLIC_URL.
	cfg := &jobsConfig{Delivery: app.Delivery{Quiet: app.DefaultQuietHours}}
	var err error
	durations := []struct {
		name string
		def  time.Duration
		dst  *time.Duration
	}{
		{"ZHITONG_OUTBOX_EVERY", 5 * time.Second, &cfg.OutboxEvery},
		{"ZHITONG_SWEEP_EVERY", 10 * time.Minute, &cfg.SweepEvery},
		{"ZHITONG_JOBS_POLL", time.Second, &cfg.Poll},
		{"ZHITONG_OUTBOX_LEASE", 2 * time.Minute, &cfg.Delivery.Lease},
	}
	for _, d := range durations {
		if *d.dst, err = envDuration(get, d.name, d.def); err != nil {
			return nil, err
		}
	}
	if cfg.Delivery.Quiet, err = parseQuiet(get("ZHITONG_QUIET_HOURS")); err != nil {
		return nil, err
	}
	if cfg.Delivery.SMS, err = smsSender(env, cfg); err != nil {
		return nil, err
	}
	if addr := get("ZHITONG_SMTP_ADDR"); addr != "" {
		m := &mail.SMTP{Addr: addr, From: get("ZHITONG_SMTP_FROM"), Username: get("ZHITONG_SMTP_USER"), Password: get("ZHITONG_SMTP_PASSWORD")}
		if err := m.Check(); err != nil {
			return nil, err
		}
		cfg.Delivery.Mail = m
	}
	return cfg, nil
}

func envDuration(get func(string) string, name string, def time.Duration) (time.Duration, error) {
	s := get(name)
	if s == "" {
		return def, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("%s=%q：请写成 5s、2m 这样的时长", name, s)
	}
	return d, nil
}

// parseQuiet reads "22-8" (hours, China time) or "off"; empty is 22-8.
func parseQuiet(s string) (app.QuietHours, error) {
	switch s {
	case "":
		return app.DefaultQuietHours, nil
	case "off":
		return app.QuietHours{Off: true}, nil
	}
	from, to, ok := strings.Cut(s, "-")
	a, err1 := strconv.Atoi(from)
	b, err2 := strconv.Atoi(to)
	if !ok || err1 != nil || err2 != nil || a < 0 || a > 23 || b < 0 || b > 23 {
		return app.QuietHours{}, fmt.Errorf("ZHITONG_QUIET_HOURS=%q：请写成 22-8（北京时间，时）或 off", s)
	}
	return app.QuietHours{Start: a, End: b}, nil
}

func smsSender(env Env, cfg *jobsConfig) (sms.Sender, error) {
	get := env.Getenv
	templates, err := parseTemplates(get("ZHITONG_SMS_TEMPLATES"))
	if err != nil {
		return nil, err
	}
	switch driver := get("ZHITONG_SMS_DRIVER"); driver {
	case "", "log":
		if path := get("ZHITONG_SMS_LOG_FILE"); path != "" {
			l, err := sms.OpenFileLog(path)
			if err != nil {
				return nil, fmt.Errorf("ZHITONG_SMS_LOG_FILE: %w", err)
			}
			cfg.closers = append(cfg.closers, l)
			return l, nil
		}
		return &sms.Log{W: env.Stderr}, nil
	case "aliyun":
		return sms.NewAliyun(sms.AliyunConfig{BaseURL: get("ZHITONG_SMS_BASE_URL"), AccessKeyID: get("ZHITONG_ALIYUN_ACCESS_KEY_ID"),
			AccessKeySecret: get("ZHITONG_ALIYUN_ACCESS_KEY_SECRET"), SignName: get("ZHITONG_SMS_SIGN_NAME"), Templates: templates})
	case "tencent":
		return sms.NewTencent(sms.TencentConfig{BaseURL: get("ZHITONG_SMS_BASE_URL"), SecretID: get("ZHITONG_TENCENT_SECRET_ID"),
			SecretKey: get("ZHITONG_TENCENT_SECRET_KEY"), Region: get("ZHITONG_TENCENT_REGION"), SdkAppID: get("ZHITONG_TENCENT_SDK_APP_ID"),
			SignName: get("ZHITONG_SMS_SIGN_NAME"), Templates: templates})
	default:
		return nil, fmt.Errorf("ZHITONG_SMS_DRIVER=%q：可选 log、aliyun、tencent", driver)
	}
}

// parseTemplates reads "case.acknowledged=SMS_1,case.assigned=SMS_2": our
// template names mapped to the provider's approved template codes.
func parseTemplates(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, pair := range strings.Split(s, ",") {
		if pair = strings.TrimSpace(pair); pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok || k == "" || v == "" {
			return nil, errors.New("ZHITONG_SMS_TEMPLATES：请写成 case.acknowledged=SMS_123,case.assigned=SMS_456")
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}
