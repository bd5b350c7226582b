package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"zhitong"
)

// DueNotifications returns outbox rows waiting to be delivered whose time
// has come, oldest first.
func DueNotifications(ctx context.Context, q Q, now time.Time, limit int) ([]*Notification, error) {
	return queryNotifications(ctx, q, `WHERE status IN ('pending', 'held') AND not_before <= ? ORDER BY not_before, id LIMIT ?`,
		FormatTime(now), limit)
}

// StaleSending returns rows a sender claimed before before and never
// finished: their process died between claiming and recording the result.
func StaleSending(ctx context.Context, q Q, before time.Time, limit int) ([]*Notification, error) {
	return queryNotifications(ctx, q, `WHERE status = 'sending' AND claimed_at < ? ORDER BY id LIMIT ?`, FormatTime(before), limit)
}

// GetNotification loads one outbox row.
func GetNotification(ctx context.Context, q Q, id int64) (*Notification, error) {
	ns, err := queryNotifications(ctx, q, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ns) == 0 {
		return nil, zhitong.Errorf(zhitong.ENOTFOUND, "通知不存在")
	}
	return ns[0], nil
}

// UpdateNotification writes n's delivery state, only if the row is still in
// status from and was claimed at claimed (compare-and-set: two senders can
// never both take a row). It reports whether the row was updated.
func (t *Tx) UpdateNotification(ctx context.Context, n *Notification, from string, claimed time.Time) (bool, error) {
	res, err := t.Exec(ctx, `UPDATE notifications SET status = ?, attempts = ?, last_error = ?, not_before = ?, claimed_at = ?, sent_at = ?, provider_id = ?
 WHERE id = ? AND status = ? AND claimed_at = ?`,
		n.Status, n.Attempts, n.LastError, FormatTime(n.NotBefore), FormatTime(n.ClaimedAt), FormatTime(n.SentAt), n.ProviderID,
		n.ID, from, FormatTime(claimed))
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// InboxOrder is the in-app notices' order: newest first, by
// notifications_scale_inbox (migration 106).
var InboxOrder = KeyOrder{ID: "id", Desc: true}

// Inbox returns a page of a user's in-app notices, read for p in InboxOrder.
func Inbox(ctx context.Context, q Q, userID int64, p Page) ([]*Notification, error) {
	cond, args := InboxOrder.where(`WHERE user_id = ? AND channel = 'inapp'`, []any{userID}, p)
	list, err := queryNotifications(ctx, q, cond, args...)
	return inOrder(list, p), err
}

// UnreadCount counts a user's unread in-app notices, up to limit+1: a
// count of limit+1 means "more than limit".
func UnreadCount(ctx context.Context, q Q, userID int64, limit int) (int, error) {
	return countCapped(ctx, q, `SELECT 1 FROM notifications WHERE user_id = ? AND channel = 'inapp' AND read_at = ''`, []any{userID}, limit)
}

// MarkRead marks a user's in-app notice read (id 0: all of them) and
// returns how many changed.
func (t *Tx) MarkRead(ctx context.Context, userID, id int64, now time.Time) (int64, error) {
	q := `UPDATE notifications SET read_at = ? WHERE user_id = ? AND channel = 'inapp' AND read_at = ''`
	args := []any{FormatTime(now), userID}
	if id != 0 {
		q += ` AND id = ?`
		args = append(args, id)
	}
	res, err := t.Exec(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// TemplateBodies returns the staff-edited template texts by name.
func TemplateBodies(ctx context.Context, q Q) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT name, body FROM notification_templates`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, body string
		if err := rows.Scan(&name, &body); err != nil {
			return nil, err
		}
		out[name] = body
	}
	return out, rows.Err()
}

// PutTemplate stores a template's edited text.
func (t *Tx) PutTemplate(ctx context.Context, name, body string, at time.Time, by string) error {
	_, err := t.Exec(ctx, `INSERT INTO notification_templates (name, body, updated_at, updated_by) VALUES (?, ?, ?, ?)
 ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
		name, body, FormatTime(at), by)
	return err
}

// DeleteTemplate drops a template's edited text, restoring the default.
func (t *Tx) DeleteTemplate(ctx context.Context, name string) error {
	_, err := t.Exec(ctx, `DELETE FROM notification_templates WHERE name = ?`, name)
	return err
}

// OptOut records that the phone with blind index idx wants no SMS. It
// reports whether the opt-out is new.
func (t *Tx) OptOut(ctx context.Context, idx, phoneEnc, source string, at time.Time) (bool, error) {
	res, err := t.Exec(ctx, `INSERT INTO sms_optouts (phone_idx, phone_enc, source, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (phone_idx) DO NOTHING`,
		idx, phoneEnc, source, FormatTime(at))
	if err != nil {
		return false, err
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// OptedOut reports whether the phone with one of these blind indexes (its
// index under each key a rotation holds, pii.Sealer.BlindIndexes) opted out.
func OptedOut(ctx context.Context, q Q, idx ...string) (bool, error) {
	var one int
	err := q.QueryRow(ctx, `SELECT 1 FROM sms_optouts WHERE phone_idx IN (`+marks(len(idx))+`) LIMIT 1`, anys(idx)...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// UserEmail returns a staff account's e-mail address, empty if none.
func UserEmail(ctx context.Context, q Q, userID int64) (string, error) {
	var email string
	err := q.QueryRow(ctx, `SELECT email FROM users WHERE id = ?`, userID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return "", zhitong.Errorf(zhitong.ENOTFOUND, "用户不存在")
	}
	return email, err
}

// SetUserEmail sets a staff account's e-mail address.
func (t *Tx) SetUserEmail(ctx context.Context, userID int64, email string) error {
	_, err := t.Exec(ctx, `UPDATE users SET email = ? WHERE id = ?`, email, userID)
	return err
}
