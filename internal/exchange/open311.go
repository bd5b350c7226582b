package exchange

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"zhitong"
	"zhitong/internal/store"
)

// KindOpen311 is any GeoReport v2 endpoint (Open311): a referral is POSTed
// as a service request with the peer's api_key (its secret), and its
// status is polled, since Open311 pushes nothing.
const KindOpen311 = "open311"

// open311Request is a GeoReport v2 service request as GET requests/{id} answers it.
type open311Request struct {
	ID          string  `json:"service_request_id"`
	Status      string  `json:"status"`
	StatusNotes *string `json:"status_notes"`
}

// sendOpen311 posts the work order body as a service request
// (application/x-www-form-urlencoded, GeoReport v2) and returns the
// endpoint's service_request_id (or token) as the receipt's code.
func (s *Service) sendOpen311(ctx context.Context, pr *peerRow, apiKey []byte, body string) (*Receipt, error) {
	var wo WorkOrder
	if err := json.Unmarshal([]byte(body), &wo); err != nil {
		return nil, err
	}
	f := url.Values{"api_key": {string(apiKey)}, "service_code": {wo.Category}, "description": {wo.Content},
		"address_string": {strings.TrimSpace(wo.Address + " " + wo.AreaCode)}}
	if wo.CitizenName != "" {
		f.Set("first_name", wo.CitizenName)
	}
	if wo.CitizenPhone != "" {
		f.Set("phone", wo.CitizenPhone)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, pr.BaseURL+"/requests.json", strings.NewReader(f.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var out []struct {
		ID    string `json:"service_request_id"`
		Token string `json:"token"`
	}
	if err := s.open311Do(req, &out); err != nil {
		return nil, err
	}
	if len(out) == 0 || out[0].ID == "" && out[0].Token == "" {
		return nil, fmt.Errorf("Open311 应答中没有 service_request_id")
	}
	return &Receipt{OrderNo: wo.OrderNo, Code: out[0].ID + out[0].Token}, nil
}

// open311Do sends req and decodes a 2xx JSON answer into v; an error answer
// ([{"code": 400, "description": "…"}]) is a sendError.
func (s *Service) open311Do(req *http.Request, v any) error {
	req.Header.Set("Accept", "application/json")
	resp, err := s.client.Do(req)
	if err != nil {
		return fmt.Errorf("发送失败：%w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
	if resp.StatusCode/100 != 2 {
		var e []struct {
			Description string `json:"description"`
		}
		msg := strings.TrimSpace(string(b[:min(len(b), 200)]))
		if json.Unmarshal(b, &e) == nil && len(e) > 0 {
			msg = e[0].Description
		}
		return &sendError{status: resp.StatusCode, msg: msg}
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("Open311 应答无法解析：%w", err)
	}
	return nil
}

// PollOpen311 asks the Open311 peers about the referrals sent to them and
// not finished, each at most every poll interval; a closed request records
// its status notes as the referral's result and closes the case. It
// returns how many it asked about.
func (s *Service) PollOpen311(ctx context.Context) (int, error) {
	now := s.a.Clock().Now()
	rows, err := s.a.DB().Query(ctx, `SELECT o.peer_id, o.order_no, o.remote_id FROM exchange_orders o JOIN exchange_peers p ON p.id = o.peer_id
 WHERE p.kind = 'open311' AND p.enabled AND o.direction = 'out' AND o.remote_id <> '' AND o.status IN ('sent', 'accepted')
 AND o.updated_at < ? ORDER BY o.updated_at LIMIT 100`, store.FormatTime(now.Add(-s.opt.PollEvery)))
	if err != nil {
		return 0, err
	}
	type due struct {
		peer            int64
		orderNo, remote string
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.peer, &d.orderNo, &d.remote); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, d := range list {
		if err := s.pollOne(ctx, d.peer, d.orderNo, d.remote); err != nil {
			s.log.Warn("exchange: Open311 status not read", "order_no", d.orderNo, "err", err)
		}
	}
	return len(list), nil
}

func (s *Service) pollOne(ctx context.Context, peerID int64, orderNo, remote string) error {
	pr, err := peerByID(ctx, s.a.DB(), peerID)
	if err != nil {
		return err
	}
	key, err := s.secret(pr)
	if err != nil {
		return err
	}
	// Asked now, whatever the answer: the next poll waits its interval.
	if _, err := s.a.DB().Exec(ctx, `UPDATE exchange_orders SET updated_at = ? WHERE peer_id = ? AND order_no = ?`,
		store.FormatTime(s.a.Clock().Now()), peerID, orderNo); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, pr.BaseURL+"/requests/"+url.PathEscape(remote)+".json?api_key="+url.QueryEscape(string(key)), nil)
	if err != nil {
		return err
	}
	var out []open311Request
	if err := s.open311Do(req, &out); err != nil {
		return err
	}
	if len(out) == 0 {
		return fmt.Errorf("Open311 没有请求 %s", remote)
	}
	st := StatusUpdate{OrderNo: orderNo, Step: StepAccepted, At: s.a.Clock().Now()}
	if out[0].StatusNotes != nil {
		st.Text = strings.TrimSpace(*out[0].StatusNotes)
	}
	if out[0].Status == "closed" {
		st.Step, st.Result = StepFinished, st.Text
		if st.Result == "" {
			st.Result = "对方已办结（未附说明）"
		}
	}
	_, err = s.receiveStatus(ctx, pr, "", orderNo+":"+st.Step, &st)
	if zhitong.ErrorCode(err) == zhitong.EINVALID {
		return fmt.Errorf("Open311 状态无效：%w", err)
	}
	return err
}
