package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"zhitong"
)

// AccountRequest is a two-person request: a security administrator asks
// that an account be created as, or changed to, a security administrator,
// and a second person decides (internal/accounts).
type AccountRequest struct {
	ID          int64      `json:"id"`
	Kind        string     `json:"kind"`    // create, promote
	UserID      int64      `json:"user_id"` // promote: the account
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Region      string     `json:"region"`
	RequestedBy int64      `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Status      string     `json:"status"` // pending, approved, rejected, cancelled
	DecidedBy   int64      `json:"decided_by"`
	DecidedAt   *time.Time `json:"decided_at"`
	Note        string     `json:"note"`
}

const accountRequestCols = `id, kind, user_id, username, display_name, region_code, requested_by, requested_at, status, decided_by, decided_at, note`

func scanAccountRequest(row interface{ Scan(...any) error }) (*AccountRequest, error) {
	var r AccountRequest
	var at, decided string
	if err := row.Scan(&r.ID, &r.Kind, &r.UserID, &r.Username, &r.DisplayName, &r.Region, &r.RequestedBy, &at, &r.Status, &r.DecidedBy, &decided, &r.Note); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, zhitong.Errorf(zhitong.ENOTFOUND, "申请不存在")
		}
		return nil, err
	}
	r.RequestedAt = ParseTime(at)
	if decided != "" {
		t := ParseTime(decided)
		r.DecidedAt = &t
	}
	return &r, nil
}

// InsertAccountRequest stores a new pending request and sets its ID and
// status from the stored row.
func (t *Tx) InsertAccountRequest(ctx context.Context, r *AccountRequest) error {
	return t.QueryRow(ctx, `INSERT INTO account_requests (kind, user_id, username, display_name, region_code, requested_by, requested_at, status)
 VALUES (?, ?, ?, ?, ?, ?, ?, 'pending') RETURNING id, status`, r.Kind, r.UserID, r.Username, r.DisplayName, r.Region, r.RequestedBy, FormatTime(r.RequestedAt)).Scan(&r.ID, &r.Status)
}

// GetAccountRequest loads one request.
func GetAccountRequest(ctx context.Context, q Q, id int64) (*AccountRequest, error) {
	return scanAccountRequest(q.QueryRow(ctx, `SELECT `+accountRequestCols+` FROM account_requests WHERE id = ?`, id))
}

// ListAccountRequestsUnder returns the requests whose region lies under
// region, pending first, newest first, at most 200.
func ListAccountRequestsUnder(ctx context.Context, q Q, region string) ([]*AccountRequest, error) {
	rows, err := q.Query(ctx, `SELECT `+accountRequestCols+` FROM account_requests WHERE region_code LIKE ?
 ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, id DESC LIMIT 200`, likePrefix(region))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*AccountRequest
	for rows.Next() {
		r, err := scanAccountRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// PendingAccountRequest tells whether a pending request names username or
// the account id.
func PendingAccountRequest(ctx context.Context, q Q, username string, userID int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM account_requests WHERE status = 'pending' AND (username = ? OR (user_id = ? AND user_id <> 0))`, username, userID).Scan(&n)
	return n > 0, err
}

// DecideAccountRequest moves a pending request to status; a request no
// longer pending is ECONFLICT (someone decided first).
func (t *Tx) DecideAccountRequest(ctx context.Context, id int64, status string, by int64, at time.Time, note string) error {
	res, err := t.Exec(ctx, `UPDATE account_requests SET status = ?, decided_by = ?, decided_at = ?, note = ? WHERE id = ? AND status = 'pending'`,
		status, by, FormatTime(at), note, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return zhitong.Errorf(zhitong.ECONFLICT, "该申请已被处理")
	}
	return nil
}

// ActedOnAccount tells whether the audit log records actor user creating
// account id or resetting its password (such an account cannot be the
// second person on that user's request).
func ActedOnAccount(ctx context.Context, q Q, actor, id int64) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE action IN ('user.add', 'user.reset_password') AND object = ? AND actor LIKE ?`,
		"user:"+strconv.FormatInt(id, 10), "user:"+strconv.FormatInt(actor, 10)+" %").Scan(&n)
	return n > 0, err
}
