package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"time"

	"zhitong/internal/pii"
	"zhitong/internal/sms"
	"zhitong/internal/store"
)

// Delivery is how the outbox is delivered: the senders and the rules for
// when. The caller (zhitong serve) builds it from configuration.
type Delivery struct {
	SMS       sms.Sender // required; sms.Log is the default driver
	Mail      Mailer     // nil: e-mail notices are skipped
	PublicURL string     // base of links in messages, e.g. https://zhitong.example.gov.cn
	Quiet     QuietHours
	// Lease is how long a row may stay 'sending' before it is taken for the
	// leftover of a dead process (default 2 min, well above the 10 s send
	// timeout of the SMS drivers).
	Lease       time.Duration
	MaxAttempts int           // default 6
	RetryBase   time.Duration // first retry delay, ×4 per attempt (default 1 min)
	Batch       int           // rows per pass (default 100)
}

// Mailer sends one e-mail. key identifies the message (Message-ID).
type Mailer interface {
	Send(ctx context.Context, to, subject, body, key string) error
}

// Confirmer is an SMS driver that can tell whether a message with this
// idempotency key was already accepted for phone around time at: after a
// crash between sending and recording it, the outbox asks instead of
// guessing. sms.FileLog and sms.Aliyun (QuerySendDetails) are Confirmers.
type Confirmer interface {
	Sent(ctx context.Context, phone, key string, at time.Time) (bool, error)
}

func (d *Delivery) defaults() {
	if d.Lease <= 0 {
		d.Lease = 2 * time.Minute
	}
	if d.MaxAttempts <= 0 {
		d.MaxAttempts = 6
	}
	if d.RetryBase <= 0 {
		d.RetryBase = time.Minute
	}
	if d.Batch <= 0 {
		d.Batch = 100
	}
}

// DeliverDue delivers the outbox rows that are due, then returns how many it
// settled (sent, held, skipped or failed). Rows a dead process left
// 'sending' are settled first. Safe to run concurrently with itself: every
// state change is a compare-and-set on the row.
func (a *App) DeliverDue(ctx context.Context, d Delivery) (int, error) {
	d.defaults()
	done := 0
	stale, err := store.StaleSending(ctx, a.db, a.clock.Now().Add(-d.Lease), d.Batch)
	if err != nil {
		return 0, err
	}
	for _, n := range stale {
		if err := a.settleStale(ctx, d, n); err != nil {
			// The provider could not be asked now; the row waits for the next pass.
			a.log.Warn("outbox: cannot settle an interrupted send", "notification", n.ID, "err", err)
			continue
		}
		done++
	}
	bodies, err := store.TemplateBodies(ctx, a.db)
	if err != nil {
		return done, err
	}
	// Batch after batch while full ones come back (a morning's held SMS),
	// but never a row twice in one pass: a row retried later is skipped.
	seen := map[int64]bool{}
	for range maxBatches {
		due, err := store.DueNotifications(ctx, a.db, a.clock.Now(), d.Batch)
		if err != nil {
			return done, err
		}
		fresh := 0
		for _, n := range due {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			if seen[n.ID] {
				continue
			}
			seen[n.ID], fresh = true, fresh+1
			ok, err := a.deliverOne(ctx, d, bodies, n)
			if err != nil {
				return done, fmt.Errorf("deliver notification %d: %w", n.ID, err)
			}
			if ok {
				done++
			}
		}
		if len(due) < d.Batch || fresh == 0 {
			break
		}
	}
	return done, nil
}

// maxBatches bounds one pass of DeliverDue; the next pass continues.
const maxBatches = 20

// settleStale decides a row left 'sending': if the driver can tell, it is
// marked sent or sent again; otherwise it is failed for a person to check,
// because sending again could give a citizen the same SMS twice.
func (a *App) settleStale(ctx context.Context, d Delivery, n *store.Notification) error {
	from, claimed := n.Status, n.ClaimedAt
	conf, ok := d.SMS.(Confirmer)
	switch {
	case n.Channel == "sms" && ok:
		phone, err := a.casePhone(ctx, n.CaseID)
		if id, ok := appointmentOf(n); ok {
			phone, _, err = a.appointmentPhone(ctx, id)
		} else if id, ok := deputyOf(n); ok {
			phone, err = a.deputyPhone(ctx, a.db, id)
		}
		if id, ok := unitOf(n); ok {
			phone, _, err = a.unitPhone(ctx, id)
		}
		if err != nil {
			return err
		}
		sent, err := conf.Sent(ctx, phone, sendKey(n.Key), n.ClaimedAt)
		switch {
		case err != nil && retryableSend(err):
			return err
		case err != nil:
			n.Status, n.LastError = "failed", "发送中断，向短信通道核实失败（"+truncate(err.Error(), 200)+"），"+store.ManualCheck
		case sent:
			n.Status, n.SentAt, n.LastError = "sent", a.clock.Now(), "发送后进程中断，已向短信通道核实送达"
		default:
			n.Status, n.LastError = "pending", "发送中断，通道确认未发出，重新发送"
		}
	default:
		n.Status, n.LastError = "failed", "发送中断，结果未知；为避免重复发送不再自动重试，"+store.ManualCheck
	}
	_, err := a.setNotification(ctx, n, from, claimed)
	return err
}

func (a *App) setNotification(ctx context.Context, n *store.Notification, from string, claimed time.Time) (ok bool, err error) {
	err = a.db.Write(ctx, func(tx *store.Tx) error {
		ok, err = tx.UpdateNotification(ctx, n, from, claimed)
		return err
	})
	return ok, err
}

// deliverOne delivers a due row. It reports whether it settled the row
// (false: another sender had it).
func (a *App) deliverOne(ctx context.Context, d Delivery, bodies map[string]string, n *store.Notification) (bool, error) {
	from, claimed := n.Status, n.ClaimedAt
	now := a.clock.Now()
	skip := func(reason string) (bool, error) {
		n.Status, n.LastError = "skipped", reason
		return a.setNotification(ctx, n, from, claimed)
	}
	vars := map[string]string{}
	if err := json.Unmarshal([]byte(n.Vars), &vars); err != nil {
		return skip("通知变量无法解析")
	}
	if code := vars["code"]; code != "" && d.PublicURL != "" {
		vars["link"] = strings.TrimRight(d.PublicURL, "/") + "/track/" + url.PathEscape(code)
	}
	text := render(n.Template, bodies, vars)
	switch {
	case n.Channel == "inapp":
		n.Status, n.SentAt = "sent", now
		return a.setNotification(ctx, n, from, claimed)
	case n.Channel == "sms" && (n.Recipient == "citizen" || strings.HasPrefix(n.Recipient, "appointment:") ||
		strings.HasPrefix(n.Recipient, "unit:") || strings.HasPrefix(n.Recipient, "deputy:")):
		if until, held := d.Quiet.holdUntil(now); held {
			n.Status, n.NotBefore, n.LastError = "held", until, "夜间（"+d.Quiet.String()+"）不发短信，次日发送"
			return a.setNotification(ctx, n, from, claimed)
		}
		phone, reason, err := a.smsPhone(ctx, n)
		if err != nil || reason != "" {
			if err != nil {
				return false, err
			}
			return skip(reason)
		}
		return a.send(ctx, d, n, func(ctx context.Context) (string, error) {
			return d.SMS.Send(ctx, sms.Message{Phone: phone, Template: n.Template, Params: smsParams(n.Template, vars), IdempotencyKey: sendKey(n.Key)})
		})
	case n.Channel == "email" && n.UserID != 0:
		if d.Mail == nil {
			return skip("未配置邮件服务器")
		}
		to, err := store.UserEmail(ctx, a.db, n.UserID)
		if err != nil {
			return false, err
		}
		if to == "" {
			return skip("该账号未设置邮箱")
		}
		return a.send(ctx, d, n, func(ctx context.Context) (string, error) {
			return "", d.Mail.Send(ctx, to, "民意直通通知", text, sendKey(n.Key))
		})
	}
	return skip("不支持的通知渠道：" + n.Channel + " → " + n.Recipient)
}

// send claims the row ('sending', committed before the call, so a crash
// during the call is visible afterwards), calls the provider and records
// the outcome: sent, retried later with backoff, or failed.
func (a *App) send(ctx context.Context, d Delivery, n *store.Notification, call func(context.Context) (string, error)) (bool, error) {
	from, claimed := n.Status, n.ClaimedAt
	now := a.clock.Now()
	n.Status, n.Attempts, n.ClaimedAt = "sending", n.Attempts+1, now
	if ok, err := a.setNotification(ctx, n, from, claimed); !ok || err != nil {
		return false, err
	}
	id, err := call(ctx)
	switch {
	case err == nil:
		n.Status, n.SentAt, n.ProviderID, n.LastError = "sent", a.clock.Now(), id, ""
	case retryableSend(err) && n.Attempts < d.MaxAttempts:
		wait := time.Duration(float64(d.RetryBase) * math.Pow(4, float64(n.Attempts-1)))
		n.Status, n.NotBefore, n.LastError = "pending", a.clock.Now().Add(wait), truncate(err.Error(), 500)
	default:
		n.Status, n.LastError = "failed", truncate(err.Error(), 500)
	}
	// A context cancelled by shutdown must not stop the result being recorded.
	return a.setNotification(context.WithoutCancel(ctx), n, "sending", now)
}

func retryableSend(err error) bool {
	if errors.Is(err, sms.ErrInvalidMessage) {
		return false
	}
	var se *sms.Error
	if errors.As(err, &se) {
		return se.Retryable
	}
	var perm interface{ Permanent() bool }
	if errors.As(err, &perm) {
		return !perm.Permanent()
	}
	return true
}

// citizenPhone returns the phone to text about a case, or why there is none.
func (a *App) citizenPhone(ctx context.Context, caseID int64) (phone, skip string, err error) {
	c, err := store.GetCase(ctx, a.db, caseID)
	if err != nil {
		return "", "", err
	}
	if c.Submitter.Anonymous {
		return "", "匿名反映，无法发送短信", nil
	}
	if c.PhoneIndex == "" {
		return "", "群众未留手机号", nil
	}
	s, err := a.unseal(c.Submitter)
	if err != nil {
		return "", "", err
	}
	// By the phone's index under every key held: during a key rotation the
	// opt-out and the case may carry indexes under different keys.
	out, err := store.OptedOut(ctx, a.db, a.sealer.BlindIndexes("phone", s.Phone)...)
	if err != nil {
		return "", "", err
	}
	if out {
		return "", "群众已退订短信通知", nil
	}
	if !pii.IsMobile(s.Phone) {
		return "", "群众留的是固定电话，无法发送短信", nil
	}
	return s.Phone, "", nil
}

// casePhone returns the phone number left with a case, if any.
func (a *App) casePhone(ctx context.Context, caseID int64) (string, error) {
	c, err := store.GetCase(ctx, a.db, caseID)
	if err != nil {
		return "", err
	}
	s, err := a.unseal(c.Submitter)
	return s.Phone, err
}

// smsParams orders vars as the template declares them; providers fill
// their approved template from these. Empty values become "—", which
// providers accept where they refuse an empty parameter.
func smsParams(template string, vars map[string]string) []sms.Param {
	d, ok := templateDef(template)
	if !ok {
		return nil
	}
	ps := make([]sms.Param, 0, len(d.Vars))
	for _, v := range d.Vars {
		val := vars[v]
		if strings.TrimSpace(val) == "" {
			val = "—"
		}
		ps = append(ps, sms.Param{Name: v, Value: val})
	}
	return ps
}

// sendKey is the idempotency key given to providers: the row's key, or its
// SHA-256 when longer than providers take.
func sendKey(key string) string {
	if len(key) <= 64 {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "h:" + hex.EncodeToString(sum[:20])
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
