package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

// Consents: how the citizen agreed to the referral (群众同意转办).
var Consents = []zhitong.Named[string]{{Value: "phone", Label: "电话确认同意"}, {Value: "station", Label: "在联络站当面同意"}}

// ReferInput refers a case to a peer as a work order.
type ReferInput struct {
	Version int    `json:"version"`
	Peer    string `json:"peer"`
	Consent string `json:"consent"` // phone | station: the citizen agreed
	Note    string `json:"note"`
}

// OrderNo is the work-order number a case is sent under: ZT, the region,
// the case id. Not the tracking code, which is the citizen's to keep.
func OrderNo(c *zhitong.Case) string {
	return fmt.Sprintf("ZT%s%08d", c.RegionCode, c.ID)
}

// Refer refers case id to the named peer (a step of the case, with its
// audit entry) and queues the work order in the same transaction.
func (s *Service) Refer(ctx context.Context, p zhitong.Principal, id int64, in ReferInput) (*zhitong.Case, error) {
	consent := zhitong.Label(Consents, in.Consent)
	if !zhitong.Valid(Consents, in.Consent) {
		return nil, zhitong.Invalid("consent", "请确认并选择群众同意转交的方式（电话确认或在联络站当面同意）")
	}
	if utf8.RuneCountInString(in.Note) > 2000 {
		return nil, zhitong.Invalid("note", "说明不能超过 2000 个字")
	}
	pr, err := peerByName(ctx, s.a.DB(), in.Peer)
	if err != nil || !pr.Enabled {
		return nil, zhitong.Invalid("peer", "请选择已启用的对接渠道")
	}
	dest := "12345政务服务便民热线"
	path := "/orders"
	switch pr.Kind {
	case KindZhitong:
		// Another congress (docs/exchange.md): the citizen reads its name.
		dest = pr.DisplayName
		if dest == "" {
			dest = "对口人大常委会"
		}
	case KindOpen311:
		dest, path = "Open311（"+pr.Name+"）", "/requests.json"
	}
	note := "群众已同意转交（" + consent + "）。"
	if strings.TrimSpace(in.Note) != "" {
		note += strings.TrimSpace(in.Note)
	}
	return s.a.ReferWith(ctx, p, id, app.ReferInput{Version: in.Version, Destination: dest, Note: note},
		func(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
			if !strings.HasPrefix(c.RegionCode, pr.RegionCode) {
				return zhitong.Invalid("peer", "该对接渠道不负责本案件所在地区")
			}
			wo, err := s.workOrder(ctx, tx, pr, c)
			if err != nil {
				return err
			}
			wo.Consent = in.Consent
			if pr.Kind == KindZhitong {
				// Moved to another congress, not out of the congress's remit.
				ev.Public = "您反映的问题已转交" + dest + "办理，我们将跟踪结果"
				wo.History = append(wo.History, Step{At: ev.At, Text: ev.Public})
			}
			now := s.a.Clock().Now()
			if _, err := tx.Exec(ctx, `INSERT INTO exchange_orders (peer_id, direction, order_no, case_id, consent, status, created_at, updated_at)
 VALUES (?, 'out', ?, ?, ?, 'queued', ?, ?)`, pr.ID, wo.OrderNo, c.ID, in.Consent, store.FormatTime(now), store.FormatTime(now)); err != nil {
				return err
			}
			if err := s.enqueue(ctx, tx, pr.ID, wo.OrderNo, wo.OrderNo+":order", path, c.ID, wo); err != nil {
				return err
			}
			return s.a.AppendAudit(ctx, tx, p, "exchange.refer", "case:"+strconv.FormatInt(c.ID, 10),
				map[string]any{"peer": pr.Name, "order_no": wo.OrderNo, "consent": in.Consent})
		})
}

// workOrder builds the work order of case c, opening its sealed contact.
func (s *Service) workOrder(ctx context.Context, q store.Q, pr *peerRow, c *store.CaseRecord) (*WorkOrder, error) {
	wo := &WorkOrder{OrderNo: OrderNo(&c.Case), Title: c.Title, Content: c.Body, Category: c.CategoryCode,
		AreaCode: c.RegionCode, Address: c.Place, CreatedAt: c.SubmittedAt}
	// Their code for our category: the first (in the map's order) of
	// their codes mapped to ours, the catch-all "*" aside; ours only when
	// none is (docs/exchange.md, "Categories out").
	for _, m := range pr.Categories {
		if m.Ours == c.CategoryCode && m.Theirs != "*" {
			wo.Category = m.Theirs
			break
		}
	}
	if !c.Submitter.Anonymous {
		var err error
		if wo.CitizenName, err = s.a.Sealer().Open(c.Submitter.Name, "case:name"); err != nil {
			return nil, err
		}
		if wo.CitizenPhone, err = s.a.Sealer().Open(c.Submitter.Phone, "case:phone"); err != nil {
			return nil, err
		}
	}
	if pr.Kind == KindZhitong {
		// The other deployment gets the case with its public history.
		rows, err := q.Query(ctx, `SELECT at, public FROM case_events WHERE case_id = ? AND public <> '' ORDER BY id`, c.ID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var at, text string
			if err := rows.Scan(&at, &text); err != nil {
				return nil, err
			}
			wo.History = append(wo.History, Step{At: store.ParseTime(at), Text: text})
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return wo, nil
}

// enqueue writes a message to the peer into the outbox, in tx. A message
// with the same key is already there: nothing more is written.
func (s *Service) enqueue(ctx context.Context, tx *store.Tx, peerID int64, orderNo, key, path string, caseID int64, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	now := store.FormatTime(s.a.Clock().Now())
	_, err = tx.Exec(ctx, `INSERT INTO exchange_messages (peer_id, key, order_no, path, case_id, body_enc, status, not_before, created_at)
 VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (peer_id, key) DO NOTHING`,
		peerID, key, orderNo, path, nullID(caseID), s.a.Sealer().Seal(string(b), bodyAAD), now, now)
	return err
}

const bodyAAD = "exchange:body"

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Message is one row of the outbox to peers, as the operator sees it.
type Message struct {
	ID        int64     `json:"id"`
	Peer      string    `json:"peer"`
	Key       string    `json:"key"`
	OrderNo   string    `json:"order_no"`
	Path      string    `json:"path"`
	CaseID    int64     `json:"case_id"`
	Status    string    `json:"status"` // pending, sending, sent, dead
	Attempts  int       `json:"attempts"`
	NotBefore time.Time `json:"not_before"`
	LastError string    `json:"last_error"`
	CreatedAt time.Time `json:"created_at"`
	SentAt    time.Time `json:"sent_at"`
	peerID    int64
	body      string
	claimed   string
}

const messageColumns = `m.id, p.name, m.peer_id, m.key, m.order_no, m.path, COALESCE(m.case_id, 0), m.body_enc, m.status, m.attempts,
 m.not_before, m.claimed_at, m.last_error, m.created_at, m.sent_at`

func (s *Service) messages(ctx context.Context, q store.Q, where string, args ...any) ([]*Message, error) {
	rows, err := q.Query(ctx, `SELECT `+messageColumns+` FROM exchange_messages m JOIN exchange_peers p ON p.id = m.peer_id `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Message{}
	for rows.Next() {
		var m Message
		var nb, ca, sa string
		if err := rows.Scan(&m.ID, &m.Peer, &m.peerID, &m.Key, &m.OrderNo, &m.Path, &m.CaseID, &m.body, &m.Status, &m.Attempts,
			&nb, &m.claimed, &m.LastError, &ca, &sa); err != nil {
			return nil, err
		}
		m.NotBefore, m.CreatedAt, m.SentAt = store.ParseTime(nb), store.ParseTime(ca), store.ParseTime(sa)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// DeliverDue sends the messages that are due, oldest first, and returns how
// many it settled (sent or dead). A message waits while an older one of the
// same work order is not sent, so a peer sees the steps in order. Safe to
// run concurrently with itself: every change is a compare-and-set.
func (s *Service) DeliverDue(ctx context.Context) (int, error) {
	now := s.a.Clock().Now()
	// A process that died mid-send left its messages 'sending': the peer
	// deduplicates by key, so they are sent again.
	if _, err := s.a.DB().Exec(ctx, `UPDATE exchange_messages SET status = 'pending' WHERE status = 'sending' AND claimed_at < ?`,
		store.FormatTime(now.Add(-s.opt.Lease))); err != nil {
		return 0, err
	}
	done := 0
	// Round after round while messages go out: the next step of a work
	// order becomes due when the one before it is sent.
	for range 20 {
		due, err := s.messages(ctx, s.a.DB(), `WHERE m.status = 'pending' AND m.not_before <= ? AND NOT EXISTS (
 SELECT 1 FROM exchange_messages o WHERE o.peer_id = m.peer_id AND o.order_no = m.order_no AND o.id < m.id AND o.status <> 'sent')
 ORDER BY m.not_before, m.id LIMIT ?`, store.FormatTime(now), s.opt.Batch)
		if err != nil {
			return done, err
		}
		sent := 0
		for _, m := range due {
			if ctx.Err() != nil {
				return done, ctx.Err()
			}
			st, err := s.deliverOne(ctx, m)
			if err != nil {
				return done, fmt.Errorf("exchange message %d: %w", m.ID, err)
			}
			if st == "sent" || st == "dead" {
				done++
			}
			if st == "sent" {
				sent++
			}
		}
		if sent == 0 {
			break
		}
	}
	return done, nil
}

// deliverOne claims m, sends it and records the outcome: the message's
// new status, or "" when another server had it.
func (s *Service) deliverOne(ctx context.Context, m *Message) (string, error) {
	db := s.a.DB()
	claimed := store.FormatTime(s.a.Clock().Now())
	res, err := db.Exec(ctx, `UPDATE exchange_messages SET status = 'sending', claimed_at = ? WHERE id = ? AND status = 'pending' AND attempts = ?`,
		claimed, m.ID, m.Attempts)
	if err != nil {
		return "", err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", nil // another server took it
	}
	rcpt, sendErr := s.send(ctx, m)
	now := s.a.Clock().Now()
	attempts := m.Attempts + 1
	status, lastErr, notBefore := "sent", "", m.NotBefore
	switch {
	case sendErr == nil:
	case permanent(sendErr):
		status, lastErr = "dead", sendErr.Error()
	case attempts >= s.opt.MaxAttempts:
		status, lastErr = "dead", sendErr.Error()+fmt.Sprintf("（已尝试 %d 次）", attempts)
	default:
		status, lastErr, notBefore = "pending", sendErr.Error(), now.Add(s.backoff(attempts))
	}
	if len(lastErr) > 500 {
		lastErr = lastErr[:500]
	}
	err = db.Write(ctx, func(tx *store.Tx) error {
		sentAt := ""
		if status == "sent" {
			sentAt = store.FormatTime(now)
		}
		res, err := tx.Exec(ctx, `UPDATE exchange_messages SET status = ?, attempts = ?, last_error = ?, not_before = ?, sent_at = ?
 WHERE id = ? AND status = 'sending' AND claimed_at = ?`, status, attempts, lastErr, store.FormatTime(notBefore), sentAt, m.ID, claimed)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil // the lease expired and another pass took it
		}
		if status == "sent" && m.Key == m.OrderNo+":order" {
			remote := ""
			if rcpt != nil {
				remote = rcpt.Code
			}
			if _, err := tx.Exec(ctx, `UPDATE exchange_orders SET status = 'sent', remote_id = ?, updated_at = ? WHERE peer_id = ? AND order_no = ? AND status = 'queued'`,
				remote, store.FormatTime(now), m.peerID, m.OrderNo); err != nil {
				return err
			}
		}
		if status == "dead" {
			return s.a.AppendAudit(ctx, tx, app.System, "exchange.dead", "exchange_message:"+strconv.FormatInt(m.ID, 10),
				map[string]any{"peer": m.Peer, "key": m.Key, "case_id": m.CaseID, "error": lastErr})
		}
		return nil
	})
	return status, err
}

// backoff is the delay before attempt n+1: RetryBase·2^(n-1), at most an hour.
func (s *Service) backoff(n int) time.Duration {
	d := s.opt.RetryBase
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// sendError is a refusal by the peer; permanent ones are not retried.
type sendError struct {
	status int
	msg    string
}

func (e *sendError) Error() string { return fmt.Sprintf("对方返回 %d：%s", e.status, e.msg) }

func permanent(err error) bool {
	se, ok := err.(*sendError)
	return ok && se.status >= 400 && se.status < 500 && se.status != http.StatusRequestTimeout && se.status != http.StatusTooManyRequests
}

// send posts m's body to its peer, signed, and decodes the receipt.
func (s *Service) send(ctx context.Context, m *Message) (*Receipt, error) {
	pr, err := peerByID(ctx, s.a.DB(), m.peerID)
	if err != nil {
		return nil, err
	}
	if !pr.Enabled {
		return nil, fmt.Errorf("对接渠道 %s 已停用", pr.Name)
	}
	secret, err := s.secret(pr)
	if err != nil {
		return nil, err
	}
	body, err := s.a.Sealer().Open(m.body, bodyAAD)
	if err != nil {
		return nil, err
	}
	if pr.Kind == KindOpen311 {
		return s.sendOpen311(ctx, pr, secret, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, pr.BaseURL+m.Path, bytes.NewReader([]byte(body)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderKey, m.Key)
	if pr.Signing == SigningSM2 {
		key, err := s.privateKey(pr)
		if err != nil {
			return nil, err
		}
		if err := SignSM2(req, key, []byte(body), s.a.Clock().Now()); err != nil {
			return nil, err
		}
	} else {
		Sign(req, secret, []byte(body), s.a.Clock().Now())
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("发送失败：%w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
			Message string `json:"message"`
		}
		json.Unmarshal(b, &e)
		msg := e.Error.Message
		if msg == "" {
			msg = e.Message
		}
		if msg == "" {
			msg = strings.TrimSpace(string(b[:min(len(b), 200)]))
		}
		return nil, &sendError{status: resp.StatusCode, msg: msg}
	}
	var r Receipt
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("对方应答无法解析：%w", err)
	}
	return &r, nil
}

// DeadLetters lists the messages that were given up, of peers in p's region.
func (s *Service) DeadLetters(ctx context.Context, p zhitong.Principal) ([]*Message, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	return s.messages(ctx, s.a.DB(), `WHERE m.status = 'dead' AND p.region_code LIKE ? ORDER BY m.id`, p.RegionCode+"%")
}

// Outbox lists every message of the peers in p's region, newest first (at most 500).
func (s *Service) Outbox(ctx context.Context, p zhitong.Principal) ([]*Message, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	return s.messages(ctx, s.a.DB(), `WHERE p.region_code LIKE ? ORDER BY m.id DESC LIMIT 500`, p.RegionCode+"%")
}

// Retry puts a dead message back in the outbox, due now.
func (s *Service) Retry(ctx context.Context, p zhitong.Principal, id int64) (*Message, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	var out *Message
	err := s.a.DB().Write(ctx, func(tx *store.Tx) error {
		ms, err := s.messages(ctx, tx, `WHERE m.id = ? AND p.region_code LIKE ?`, id, p.RegionCode+"%")
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return zhitong.Errorf(zhitong.ENOTFOUND, "消息 %d 不存在", id)
		}
		m := ms[0]
		if m.Status != "dead" {
			return zhitong.Errorf(zhitong.ECONFLICT, "只有发送失败（已放弃）的消息可以重发，该消息状态为 %s", m.Status)
		}
		now := s.a.Clock().Now()
		if _, err := tx.Exec(ctx, `UPDATE exchange_messages SET status = 'pending', attempts = 0, not_before = ? WHERE id = ? AND status = 'dead'`,
			store.FormatTime(now), id); err != nil {
			return err
		}
		m.Status, m.Attempts, m.NotBefore = "pending", 0, now
		out = m
		return s.a.AppendAudit(ctx, tx, p, "exchange.retry", "exchange_message:"+strconv.FormatInt(id, 10),
			map[string]any{"peer": m.Peer, "key": m.Key, "case_id": m.CaseID})
	})
	return out, err
}

// Order is a case's link to a work order of a peer, as staff see it on the case.
type Order struct {
	Peer         string    `json:"peer"`
	Kind         string    `json:"kind"`
	Direction    string    `json:"direction"` // out: we referred it; in: it came to us
	OrderNo      string    `json:"order_no"`
	Consent      string    `json:"consent"`       // phone | station (out)
	ConsentLabel string    `json:"consent_label"` // 电话确认同意 …
	Status       string    `json:"status"`        // queued, sent, accepted, handling, finished, returned (out); received (in)
	Result       string    `json:"result"`
	Satisfaction string    `json:"satisfaction"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// orderStatuses name the statuses of a work order.
var orderStatuses = []zhitong.Named[string]{{Value: "queued", Label: "待发送"}, {Value: "sent", Label: "已送达对方"},
	{Value: StepAccepted, Label: "对方已受理"}, {Value: StepHandling, Label: "对方办理中"},
	{Value: StepRated, Label: "群众已评价"}, {Value: StepFinished, Label: "对方已办结"},
	{Value: StepReturned, Label: "对方已退回"}, {Value: "received", Label: "已接收"}}

// StatusLabel is the order's status in Chinese.
func (o *Order) StatusLabel() string { return zhitong.Label(orderStatuses, o.Status) }

// CaseOrders lists the work orders of case id, which p must be allowed to see.
func (s *Service) CaseOrders(ctx context.Context, p zhitong.Principal, id int64) ([]*Order, error) {
	if _, err := s.a.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.a.DB().Query(ctx, `SELECT p.name, p.kind, o.direction, o.order_no, o.consent, o.status, o.result, o.satisfaction, o.updated_at
 FROM exchange_orders o JOIN exchange_peers p ON p.id = o.peer_id WHERE o.case_id = ? ORDER BY o.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Order{}
	for rows.Next() {
		var o Order
		var at string
		if err := rows.Scan(&o.Peer, &o.Kind, &o.Direction, &o.OrderNo, &o.Consent, &o.Status, &o.Result, &o.Satisfaction, &at); err != nil {
			return nil, err
		}
		o.UpdatedAt = store.ParseTime(at)
		if o.Consent != "" {
			o.ConsentLabel = zhitong.Label(Consents, o.Consent)
		}
		out = append(out, &o)
	}
	return out, rows.Err()
}
