package exchange

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/app"
	"zhitong/internal/store"
)

var orderNoPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// Receive handles a request from the peer we call peerName: kind "orders"
// (a work order for us) or "status" (the status of one we sent). A
// malformed, unsigned, replayed or out-of-jurisdiction request is refused
// with a coded error, logged, and changes nothing.
func (s *Service) Receive(ctx context.Context, peerName, kind string, r Request) (*Receipt, error) {
	rc, err := s.receive(ctx, peerName, kind, r)
	if err != nil {
		s.log.Warn("exchange: request refused", "peer", peerName, "kind", kind, "code", zhitong.ErrorCode(err), "err", zhitong.ErrorMessage(err))
		if lerr := s.logRefusal(ctx, peerName, kind, r, err); lerr != nil {
			s.log.Error("exchange: refusal not logged", "err", lerr)
		}
		return nil, err
	}
	s.log.Info("exchange: request accepted", "peer", peerName, "kind", kind, "order_no", rc.OrderNo, "case_id", rc.CaseID)
	return rc, nil
}

func (s *Service) receive(ctx context.Context, peerName, kind string, r Request) (*Receipt, error) {
	pr, err := peerByName(ctx, s.a.DB(), peerName)
	if err != nil || !pr.Enabled || pr.Kind == KindOpen311 {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "未知或已停用的对接方“%s”", peerName)
	}
	nonce, err := s.verify(pr, r)
	if err != nil {
		return nil, err
	}
	if seen, err := s.seen(ctx, s.a.DB(), pr.ID, "nonce", nonce); err != nil {
		return nil, err
	} else if seen {
		return nil, zhitong.Errorf(zhitong.EUNAUTHORIZED, "重放的请求：随机数 %s 已使用", HeaderNonce)
	}
	switch kind {
	case "orders":
		var wo WorkOrder
		if err := decodeStrict(r.Body, &wo); err != nil {
			return nil, err
		}
		return s.receiveOrder(ctx, pr, nonce, &wo)
	case "status":
		var st StatusUpdate
		if err := decodeStrict(r.Body, &st); err != nil {
			return nil, err
		}
		key := r.Header.Get(HeaderKey)
		if key == "" {
			key = st.OrderNo + ":" + st.Step + ":" + st.At.UTC().Format("20060102T150405")
		}
		return s.receiveStatus(ctx, pr, nonce, key, &st)
	}
	return nil, zhitong.Errorf(zhitong.ENOTFOUND, "接口不存在：%s", kind)
}

// verify checks r's signature by the peer's configured method: an SM2
// peer's requests only with its SM2 public key, an HMAC peer's only with
// the shared secret (no downgrade either way).
func (s *Service) verify(pr *peerRow, r Request) (string, error) {
	now := s.a.Clock().Now()
	if pr.Signing == SigningSM2 {
		pub, err := peerKey(pr)
		if err != nil {
			return "", err
		}
		return VerifySM2(pub, r, now)
	}
	secret, err := s.secret(pr)
	if err != nil {
		return "", err
	}
	if len(secret) == 0 {
		return "", zhitong.Errorf(zhitong.EUNAUTHORIZED, "本渠道未设置共享密钥")
	}
	return Verify(secret, r, now)
}

func decodeStrict(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return zhitong.Errorf(zhitong.EINVALID, "请求体不是有效的 JSON：%s", err.Error())
	}
	return nil
}

// seen reports whether value of kind was already received from peer.
func (s *Service) seen(ctx context.Context, q store.Q, peerID int64, kind, value string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM exchange_received WHERE peer_id = ? AND kind = ? AND value = ?`, peerID, kind, value).Scan(&n)
	return n > 0, err
}

// remember records value of kind from peer in tx; false: it was there.
func (s *Service) remember(ctx context.Context, tx *store.Tx, peerID int64, kind, value string, caseID int64) (bool, error) {
	res, err := tx.Exec(ctx, `INSERT INTO exchange_received (peer_id, kind, value, case_id, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		peerID, kind, value, caseID, store.FormatTime(s.a.Clock().Now()))
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (s *Service) rememberNonce(ctx context.Context, tx *store.Tx, peerID int64, nonce string) error {
	if nonce == "" {
		return nil // polled (Open311), not received
	}
	fresh, err := s.remember(ctx, tx, peerID, "nonce", nonce, 0)
	if err == nil && !fresh {
		err = zhitong.Errorf(zhitong.EUNAUTHORIZED, "重放的请求：随机数 %s 已使用", HeaderNonce)
	}
	return err
}

// receiveOrder takes in a work order as a case of the peer's region.
func (s *Service) receiveOrder(ctx context.Context, pr *peerRow, nonce string, wo *WorkOrder) (*Receipt, error) {
	if !orderNoPattern.MatchString(wo.OrderNo) {
		return nil, zhitong.Invalid("order_no", "工单编号应为 1–64 个字母、数字、下划线或连字符")
	}
	if utf8.RuneCountInString(strings.TrimSpace(wo.Content)) < 5 {
		return nil, zhitong.Invalid("content", "诉求内容至少需要 5 个字")
	}
	if wo.AreaCode == "" || !strings.HasPrefix(wo.AreaCode, pr.RegionCode) {
		return nil, zhitong.Errorf(zhitong.EFORBIDDEN, "工单所属地区“%s”不在本对接渠道的管辖范围内", wo.AreaCode)
	}
	cat, ok := pr.cats[wo.Category]
	if !ok {
		cat, ok = pr.cats["*"]
	}
	if !ok {
		return nil, zhitong.Invalid("category", "未配置对方诉求分类“%s”与本平台分类的对照，请系统管理员在对接渠道中补充", wo.Category)
	}
	body := strings.TrimSpace(wo.Content)
	if len(wo.History) > 0 {
		var b strings.Builder
		b.WriteString(body + "\n\n【原平台办理记录】")
		for _, st := range wo.History {
			b.WriteString("\n" + st.At.In(zhitong.China).Format("2006-01-02 15:04") + " " + st.Text)
		}
		if utf8.RuneCountInString(b.String()) <= 5000 {
			body = b.String()
		}
	}
	in := app.IntakeInput{Channel: zhitong.ChannelImported, Title: wo.Title, Body: body, CategoryCode: cat, RegionCode: wo.AreaCode,
		Place: wo.Address, Name: wo.CitizenName, Phone: wo.CitizenPhone, Anonymous: wo.CitizenName == "" && wo.CitizenPhone == "",
		ExternalID: pr.Name + ":" + wo.OrderNo}
	p := app.SystemAs(zhitong.RoleIntegration, pr.RegionCode)
	p.Name = "system" // the audit log names the system; the detail names the peer
	// The nonce is recorded only when the request is applied, in the same
	// transaction (docs/exchange.md, Replays): a refused order leaves no
	// trace and can be corrected and sent again; an applied one cannot be
	// replayed.
	var existing int64
	err := s.a.DB().QueryRow(ctx, `SELECT case_id FROM exchange_orders WHERE peer_id = ? AND order_no = ? AND direction = 'in'`, pr.ID, wo.OrderNo).Scan(&existing)
	if err == nil {
		// Sent again (its answer was lost): the same case, nothing applied twice.
		return s.again(ctx, pr, nonce, wo.OrderNo, existing)
	} else if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	created := false
	c, err := s.a.Submit(ctx, p, in, func(tx *store.Tx, c *zhitong.Case) error {
		created = true
		if err := s.rememberNonce(ctx, tx, pr.ID, nonce); err != nil {
			return err
		}
		now := store.FormatTime(s.a.Clock().Now())
		if _, err := tx.Exec(ctx, `INSERT INTO exchange_orders (peer_id, direction, order_no, case_id, status, created_at, updated_at)
 VALUES (?, 'in', ?, ?, 'received', ?, ?)`, pr.ID, wo.OrderNo, c.ID, now, now); err != nil {
			return err
		}
		return s.a.AppendAudit(ctx, tx, p, "exchange.receive", "case:"+strconv.FormatInt(c.ID, 10),
			map[string]any{"peer": pr.Name, "order_no": wo.OrderNo, "category": wo.Category})
	})
	if err != nil {
		return nil, err
	}
	if !created {
		// Taken in by a concurrent delivery of the same order.
		return s.again(ctx, pr, nonce, wo.OrderNo, c.ID)
	}
	return &Receipt{OrderNo: wo.OrderNo, CaseID: c.ID}, nil
}

// again answers an order taken in before, recording the nonce of this
// request so that it cannot be replayed.
func (s *Service) again(ctx context.Context, pr *peerRow, nonce, orderNo string, caseID int64) (*Receipt, error) {
	if err := s.a.DB().Write(ctx, func(tx *store.Tx) error { return s.rememberNonce(ctx, tx, pr.ID, nonce) }); err != nil {
		return nil, err
	}
	return &Receipt{OrderNo: orderNo, CaseID: caseID}, nil
}

// receiveStatus records the status of a work order we sent. The finished
// step closes the case with the result and the citizen's satisfaction.
func (s *Service) receiveStatus(ctx context.Context, pr *peerRow, nonce, key string, st *StatusUpdate) (*Receipt, error) {
	if !orderNoPattern.MatchString(st.OrderNo) {
		return nil, zhitong.Invalid("order_no", "工单编号应为 1–64 个字母、数字、下划线或连字符")
	}
	st.Step, st.Text, st.Result = strings.TrimSpace(st.Step), strings.TrimSpace(st.Text), strings.TrimSpace(st.Result)
	if st.Step == "" || len(st.Step) > 32 {
		return nil, zhitong.Invalid("step", "请填写状态（accepted、handling、finished、returned）")
	}
	if utf8.RuneCountInString(st.Text) > 2000 || utf8.RuneCountInString(st.Result) > 2000 {
		return nil, zhitong.Invalid("result", "状态说明和办理结果不能超过 2000 个字")
	}
	if st.Satisfaction != "" && !slices.Contains(Satisfactions, st.Satisfaction) {
		return nil, zhitong.Invalid("satisfaction", "满意度应为 满意、基本满意 或 不满意")
	}
	if st.Step == StepRated && st.Satisfaction == "" {
		return nil, zhitong.Invalid("satisfaction", "群众评价时请填写满意度")
	}
	if st.Step == StepFinished && st.Result == "" {
		return nil, zhitong.Invalid("result", "办结时请填写办理结果")
	}
	var caseID int64
	var status string
	err := s.a.DB().QueryRow(ctx, `SELECT case_id, status FROM exchange_orders WHERE peer_id = ? AND order_no = ? AND direction = 'out'`,
		pr.ID, st.OrderNo).Scan(&caseID, &status)
	if err != nil {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "工单“%s”不存在", st.OrderNo)
	}
	if seen, err := s.seen(ctx, s.a.DB(), pr.ID, "key", key); err != nil {
		return nil, err
	} else if seen {
		// Delivered before (the answer was lost): the same answer, nothing applied twice.
		return s.again(ctx, pr, nonce, st.OrderNo, caseID)
	}
	record := func(ctx context.Context, tx *store.Tx) error {
		if err := s.rememberNonce(ctx, tx, pr.ID, nonce); err != nil {
			return err
		}
		if fresh, err := s.remember(ctx, tx, pr.ID, "key", key, caseID); err != nil || !fresh {
			return err // !fresh: a concurrent delivery of the same step applied it
		}
		if _, err := tx.Exec(ctx, `UPDATE exchange_orders SET status = ?, result = CASE WHEN ? = '' THEN result ELSE ? END,
 satisfaction = CASE WHEN ? = '' THEN satisfaction ELSE ? END, updated_at = ? WHERE peer_id = ? AND order_no = ?`,
			st.Step, st.Result, st.Result, st.Satisfaction, st.Satisfaction, store.FormatTime(s.a.Clock().Now()), pr.ID, st.OrderNo); err != nil {
			return err
		}
		return s.a.AppendAudit(ctx, tx, app.System, "exchange.status", "case:"+strconv.FormatInt(caseID, 10),
			map[string]any{"peer": pr.Name, "order_no": st.OrderNo, "step": st.Step, "text": st.Text, "satisfaction": st.Satisfaction})
	}
	c, err := store.GetCase(ctx, s.a.DB(), caseID)
	if err != nil {
		return nil, err
	}
	if st.Step == StepFinished && c.Status == zhitong.StatusReferred {
		text := st.Result
		if st.Satisfaction != "" {
			text += "（群众满意度：" + st.Satisfaction + "）"
		}
		_, err = s.a.ReferralResultWith(ctx, app.SystemAs(zhitong.RoleOfficer, c.RegionCode), caseID, app.TextInput{Text: text},
			func(ctx context.Context, tx *store.Tx, _ *store.CaseRecord, _ *zhitong.Event) error {
				return record(ctx, tx)
			})
	} else {
		err = s.a.DB().Write(ctx, func(tx *store.Tx) error { return record(ctx, tx) })
	}
	if err != nil {
		return nil, err
	}
	return &Receipt{OrderNo: st.OrderNo, CaseID: caseID}, nil
}

// stepHook queues the status of an inbound case for its peer, in the
// step's transaction, whenever the status changes.
func (s *Service) stepHook(ctx context.Context, tx *store.Tx, c *store.CaseRecord, ev *zhitong.Event) error {
	if c.Channel != zhitong.ChannelImported || ev.FromStatus == ev.ToStatus || ev.ToStatus == zhitong.StatusArchived {
		return nil
	}
	rows, err := tx.Query(ctx, `SELECT peer_id, order_no FROM exchange_orders WHERE case_id = ? AND direction = 'in'`, c.ID)
	if err != nil {
		return err
	}
	type link struct {
		peer    int64
		orderNo string
	}
	var links []link
	for rows.Next() {
		var l link
		if err := rows.Scan(&l.peer, &l.orderNo); err != nil {
			rows.Close()
			return err
		}
		links = append(links, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// The citizen's satisfaction goes back with the step that rated the
	// case (rated) and with the step that finishes it.
	satisfaction := ""
	if ev.Action == zhitong.ActionEvaluate || ev.Action == zhitong.ActionCallback || !c.ClosedAt.IsZero() {
		var rating string
		err := tx.QueryRow(ctx, `SELECT rating FROM evaluations WHERE case_id = ? ORDER BY id DESC LIMIT 1`, c.ID).Scan(&rating)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		satisfaction = zhitong.Label(zhitong.Ratings, zhitong.Rating(rating))
		if rating == "" {
			satisfaction = ""
		}
	}
	for _, l := range links {
		st := StatusUpdate{OrderNo: l.orderNo, Step: StepHandling, Text: zhitong.Label(zhitong.Statuses, c.Status), At: ev.At}
		switch {
		case !c.ClosedAt.IsZero():
			st.Step, st.Result, st.Satisfaction = StepFinished, ev.Public, satisfaction
			if st.Result == "" {
				st.Result = st.Text
			}
		case c.Status == zhitong.StatusRegistered:
			st.Step = StepAccepted
		case (ev.Action == zhitong.ActionEvaluate || ev.Action == zhitong.ActionCallback) && satisfaction != "":
			st.Step, st.Satisfaction = StepRated, satisfaction
		}
		if ev.Public != "" {
			st.Text += "：" + ev.Public
		}
		key := l.orderNo + ":v" + strconv.Itoa(c.Version)
		if err := s.enqueue(ctx, tx, l.peer, l.orderNo, key, "/status", c.ID, st); err != nil {
			return err
		}
	}
	return nil
}

// Prune forgets the nonces older than twice the replay window (a request
// that old is refused by its timestamp) and the refusals older than
// RefusalsKept.
func (s *Service) Prune(ctx context.Context) error {
	now := s.a.Clock().Now()
	if _, err := s.a.DB().Exec(ctx, `DELETE FROM exchange_received WHERE kind = 'nonce' AND received_at < ?`,
		store.FormatTime(now.Add(-2*Window))); err != nil {
		return err
	}
	_, err := s.a.DB().Exec(ctx, `DELETE FROM exchange_refusals WHERE at < ?`, store.FormatTime(now.Add(-RefusalsKept)))
	return err
}
