package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
	"unicode/utf8"

	"zhitong"
	"zhitong/internal/store"
)

// RefusalsKept is how long a refused request stays in the log.
const RefusalsKept = 90 * 24 * time.Hour

// refusalsBurst bounds the log against a flood: beyond this many refusals
// in ten minutes, further ones go to the server log only.
const refusalsBurst = 1000

// Refusal is one refused inbound request, as the operator sees it on
// /work/admin/exchange: no body, no personal data.
type Refusal struct {
	ID      int64     `json:"id"`
	Peer    string    `json:"peer"` // the name in the path, a peer of ours or not
	Known   bool      `json:"known"`
	Kind    string    `json:"kind"` // orders | status
	Code    string    `json:"code"` // the error code answered
	Field   string    `json:"field"`
	Message string    `json:"message"`
	OrderNo string    `json:"order_no"`
	Remote  string    `json:"remote"`
	At      time.Time `json:"at"`
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// logRefusal records a refused request in its own transaction (the
// request's own changes were rolled back, or never made).
func (s *Service) logRefusal(ctx context.Context, peerName, kind string, r Request, refusal error) error {
	now := s.a.Clock().Now()
	var recent int
	if err := s.a.DB().QueryRow(ctx, `SELECT COUNT(*) FROM exchange_refusals WHERE at >= ?`, store.FormatTime(now.Add(-10*time.Minute))).Scan(&recent); err != nil {
		return err
	}
	if recent >= refusalsBurst {
		return nil
	}
	var peerID any
	if pr, err := peerByName(ctx, s.a.DB(), peerName); err == nil {
		peerID = pr.ID
	}
	var head struct {
		OrderNo string `json:"order_no"`
	}
	// Only a well-formed number: nothing else of the body is kept.
	if json.NewDecoder(bytes.NewReader(r.Body)).Decode(&head) != nil || !orderNoPattern.MatchString(head.OrderNo) {
		head.OrderNo = ""
	}
	code := zhitong.ErrorCode(refusal)
	msg := zhitong.ErrorMessage(refusal)
	if code == zhitong.EINTERNAL {
		msg = "内部错误"
	}
	_, err := s.a.DB().Exec(ctx, `INSERT INTO exchange_refusals (peer_id, peer_name, kind, code, field, message, order_no, remote, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		peerID, clip(peerName, 64), clip(kind, 16), code, clip(zhitong.ErrorField(refusal), 64), clip(msg, 500), head.OrderNo, clip(r.Remote, 64),
		store.FormatTime(now))
	return err
}

// Refusals lists the latest refused requests (at most limit, newest first)
// naming a peer of p's region, or no peer of ours at all.
func (s *Service) Refusals(ctx context.Context, p zhitong.Principal, limit int) ([]*Refusal, error) {
	if err := mayConfigure(p); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 500
	}
	rows, err := s.a.DB().Query(ctx, `SELECT f.id, f.peer_name, f.peer_id IS NOT NULL, f.kind, f.code, f.field, f.message, f.order_no, f.remote, f.at
 FROM exchange_refusals f LEFT JOIN exchange_peers p ON p.id = f.peer_id
 WHERE f.peer_id IS NULL OR p.region_code LIKE ? ORDER BY f.id DESC LIMIT ?`, p.RegionCode+"%", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*Refusal{}
	for rows.Next() {
		var f Refusal
		var at string
		if err := rows.Scan(&f.ID, &f.Peer, &f.Known, &f.Kind, &f.Code, &f.Field, &f.Message, &f.OrderNo, &f.Remote, &at); err != nil {
			return nil, err
		}
		f.At = store.ParseTime(at)
		out = append(out, &f)
	}
	return out, rows.Err()
}
